#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int progress_live;
static char progress_stage[32];
static int64_t progress_total, progress_done;
static struct timespec progress_t0, progress_last;

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

void progress_configure(int allowed)
{
	progress_live = allowed && isatty(STDERR_FILENO) && log_get_level() >= LOG_INFO;
}

static void draw(const char *what)
{
	double el = since(&progress_t0);
	double rate = el > 0 ? (double)progress_done / el : 0;

	if (progress_total > 0)
		fprintf(stderr, "\r\033[K[%s] %lld/%lld  %.1f/s  %02d:%02d  %.40s", progress_stage, (long long)progress_done,
			(long long)progress_total, rate, (int)el / 60, (int)el % 60, what ? what : "");
	else
		fprintf(stderr, "\r\033[K[%s] %lld  %.1f/s  %02d:%02d  %.40s", progress_stage, (long long)progress_done,
			rate, (int)el / 60, (int)el % 60, what ? what : "");
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &progress_last);
}

void progress_begin(const char *stage, int64_t total)
{
	snprintf(progress_stage, sizeof(progress_stage), "%s", stage);
	progress_total = total;
	progress_done = 0;
	clock_gettime(CLOCK_MONOTONIC, &progress_t0);
	progress_last = progress_t0;
	if (progress_live) {
		log_set_progress_active(1);
		draw(NULL);
	} else {
		log_info("%s: started", stage);
	}
}

void progress_set_total(int64_t total)
{
	progress_total = total;
}

void progress_step(int64_t n, const char *what)
{
	progress_done += n;
	if (progress_live && since(&progress_last) > 0.1)
		draw(what);
}

void progress_end(void)
{
	double el = since(&progress_t0);

	if (progress_live) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		log_set_progress_active(0);
	}
	log_info("%s: done, %lld item(s) in %.1f s", progress_stage, (long long)progress_done, el);
}
