/*
 * chart: the report's charts, drawn with libharu's own paths (no images),
 * each in a box of the size given: grouped bars (one group per category,
 * one bar per series) and a 5 x 5 likelihood x impact heat map.
 */
#ifndef VETTER_CHART_H
#define VETTER_CHART_H

#include <stddef.h>

#include "pdf.h"

struct chart_bars {
	const char *title;
	const char *const *cats;
	size_t ncat;
	const char *const *series;
	size_t nser;
	const double *values;          /* ncat * nser, by category then series; < 0 means no value */
	const struct pdf_rgb *colours; /* one per series */
	double max;                    /* the axis maximum; 0 takes the largest value */
	int percent;                   /* value labels as percentages */
};

/* (x, y) is the box's lower left corner. */
int chart_bars(struct pdf *p, float x, float y, float w, float h, const struct chart_bars *c);

/* counts[l][i]: findings with likelihood level l+1 and impact level i+1. */
int chart_heatmap(struct pdf *p, float x, float y, float w, float h, const char *title, const long long counts[5][5],
		  struct pdf_rgb colour);

#endif
