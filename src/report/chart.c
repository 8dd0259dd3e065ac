#include "chart.h"

#include <math.h>
#include <stdio.h>

static const struct pdf_rgb frame = { 0.8f, 0.8f, 0.83f }, gridc = { 0.9f, 0.9f, 0.92f };

static void box(struct pdf *p, float x, float y, float w, float h, const char *title)
{
	pdf_rect_stroke(p, x, y, w, h, 0.6f, frame);
	pdf_text_at(p, x + 8, y + h - 15, PDF_BOLD, 10, pdf_get_accent(p), title, w - 16);
}

/* A round axis maximum at or above v. */
static double nice_max(double v)
{
	double m = 1, steps[] = { 1, 2, 2.5, 5, 10 };
	int i;

	if (v <= 0)
		return 1;
	while (m * 10 <= v)
		m *= 10;
	while (m > v)
		m /= 10;
	for (i = 0; i < 5; i++)
		if (steps[i] * m >= v)
			return steps[i] * m;
	return 10 * m;
}

int chart_bars(struct pdf *p, float x, float y, float w, float h, const struct chart_bars *c)
{
	float px = x + 34, py = y + 28, pw = w - 44, ph = h - 76, gw, bw, lx;
	double max = c->max, v;
	char label[32];
	size_t i, s;
	int k, rc;

	box(p, x, y, w, h, c->title);
	/* Legend, right-aligned on the line below the title. */
	lx = x + w - 8;
	for (s = c->nser; s-- > 0;) {
		lx -= pdf_text_width(p, PDF_REGULAR, 7.5f, c->series[s]);
		if (lx < x + 8)
			break;
		pdf_text_at(p, lx, y + h - 29, PDF_REGULAR, 7.5f, pdf_black, c->series[s], 0);
		lx -= 11;
		pdf_rect(p, lx, y + h - 30, 8, 8, c->colours[s]);
		lx -= 8;
	}
	if (!c->ncat || !c->nser) {
		pdf_text_at(p, x + 8, y + h / 2, PDF_REGULAR, 9, pdf_grey, "No data.", w - 16);
		return 0;
	}
	if (max <= 0) {
		for (i = 0; i < c->ncat * c->nser; i++)
			if (c->values[i] > max)
				max = c->values[i];
		max = nice_max(max);
		/* Counts: quarters of the axis are whole numbers. */
		if (!c->percent && max < 4)
			max = 4;
	}
	/* Grid and axis labels at quarters. */
	for (k = 0; k <= 4; k++) {
		float gy = py + ph * (float)k / 4;

		pdf_line(p, px, gy, px + pw, gy, k ? 0.4f : 0.8f, k ? gridc : pdf_grey);
		snprintf(label, sizeof(label), c->percent ? "%.0f%%" : "%.4g", max * k / 4);
		pdf_text_right(p, px - 3, gy - 2.5f, PDF_REGULAR, 6.5f, pdf_grey, label);
	}
	gw = pw / (float)c->ncat;
	bw = (gw * 0.8f) / (float)c->nser;
	if (bw > 28)
		bw = 28;
	for (i = 0; i < c->ncat; i++) {
		float gx = px + gw * (float)i + (gw - bw * (float)c->nser) / 2;

		for (s = 0; s < c->nser; s++) {
			float bx = gx + bw * (float)s, bh;

			v = c->values[i * c->nser + s];
			if (v < 0) {
				pdf_text_center(p, bx + bw / 2, py + 3, PDF_REGULAR, 5.5f, pdf_grey, "n/a", bw + 4);
				continue;
			}
			bh = (float)(v > max ? 1 : v / max) * ph;
			if (bh > 0 && (rc = pdf_rect(p, bx + 1, py, bw - 2, bh, c->colours[s])) < 0)
				return rc;
			snprintf(label, sizeof(label), c->percent ? "%.0f%%" : "%.0f", v);
			pdf_text_center(p, bx + bw / 2, py + bh + 2, PDF_REGULAR, 6, pdf_black, label, bw + 6);
		}
		pdf_text_center(p, px + gw * ((float)i + 0.5f), py - 10, PDF_REGULAR, 7, pdf_black, c->cats[i], gw - 2);
	}
	return 0;
}

int chart_heatmap(struct pdf *p, float x, float y, float w, float h, const char *title, const long long counts[5][5],
		  struct pdf_rgb colour)
{
	float side, cell, gx, gy;
	long long most = 0;
	char label[32];
	int l, i, rc;

	box(p, x, y, w, h, title);
	side = h - 64 < w - 50 ? h - 64 : w - 50;
	cell = side / 5;
	gx = x + (w - side) / 2 + 8;
	gy = y + 24;
	for (l = 0; l < 5; l++)
		for (i = 0; i < 5; i++)
			if (counts[l][i] > most)
				most = counts[l][i];
	for (l = 0; l < 5; l++) {
		for (i = 0; i < 5; i++) {
			/* Shade by count; the risk (l + i) tints empty cells so the map's direction reads. */
			double t = most ? (double)counts[l][i] / (double)most : 0;
			float base = 0.96f - 0.05f * (float)(l + i) / 8;
			struct pdf_rgb c = {
				base + (colour.r - base) * (float)t, base + (colour.g - base) * (float)t,
				base + (colour.b - base) * (float)t,
			};

			if ((rc = pdf_rect(p, gx + cell * (float)i, gy + cell * (float)l, cell - 1, cell - 1, c)) < 0)
				return rc;
			if (counts[l][i]) {
				snprintf(label, sizeof(label), "%lld", counts[l][i]);
				pdf_text_center(p, gx + cell * ((float)i + 0.5f), gy + cell * ((float)l + 0.5f) - 3, PDF_BOLD,
						7.5f, t > 0.5 ? pdf_white : pdf_black, label, cell - 2);
			}
		}
		snprintf(label, sizeof(label), "%d", l + 1);
		pdf_text_right(p, gx - 3, gy + cell * ((float)l + 0.5f) - 3, PDF_REGULAR, 6.5f, pdf_grey, label);
		snprintf(label, sizeof(label), "%d", l + 1);
		pdf_text_center(p, gx + cell * ((float)l + 0.5f), gy - 9, PDF_REGULAR, 6.5f, pdf_grey, label, cell);
	}
	pdf_text_center(p, gx + side / 2, y + 5, PDF_REGULAR, 6.5f, pdf_grey, "impact →", side);
	if (!most)
		pdf_text_at(p, x + 8, y + h - 28, PDF_REGULAR, 7.5f, pdf_black,
			    "No open findings with a likelihood and impact.", w - 16);
	pdf_text_at(p, gx - 12, gy + side + 4, PDF_REGULAR, 6.5f, pdf_grey, "↑ likelihood", side);
	return 0;
}
