/*
 * pdf: a small page-layout layer over libharu.
 *
 * Fixed layouts need no typesetter, but they need text that wraps, tables
 * that continue across pages with their header repeated, running headers and
 * page numbers, and bookmarks.  Text is UTF-8 in DejaVu Sans, embedded.
 * Units are PDF points; y grows upwards as in PDF, and the module keeps a
 * cursor (the top of the next line) that flows from page to page.
 */
#ifndef VETTER_PDF_H
#define VETTER_PDF_H

#include <stddef.h>

struct pdf;

struct pdf_rgb {
	float r, g, b;
};

enum pdf_paper { PDF_A4, PDF_LETTER };
enum pdf_style { PDF_REGULAR, PDF_BOLD, PDF_MONO };

/* font_dir holds DejaVuSans.ttf, DejaVuSans-Bold.ttf and DejaVuSansMono.ttf. */
int pdf_new(struct pdf **out, const char *font_dir, enum pdf_paper paper);
void pdf_free(struct pdf *p);
int pdf_save(struct pdf *p, const char *path);

/* Running header text (left) and footer (left; the page number goes right). */
void pdf_set_running(struct pdf *p, const char *header, const char *footer);
/* Start a page; running header and footer are drawn unless bare. */
int pdf_new_page(struct pdf *p, int bare);
/* Start a new page unless at least height points are left on this one. */
int pdf_need(struct pdf *p, float height);

float pdf_page_width(const struct pdf *p);
float pdf_page_height(const struct pdf *p);
float pdf_margin(const struct pdf *p);
float pdf_content_width(const struct pdf *p);
float pdf_cursor(const struct pdf *p);
void pdf_set_cursor(struct pdf *p, float y);
void pdf_skip(struct pdf *p, float dy);
int pdf_page_number(const struct pdf *p);

/* Top-level bookmark for the current page (level 0) or under the last top-level one (level 1). */
int pdf_bookmark(struct pdf *p, const char *title, int level);

/* Width of text in points. */
float pdf_text_width(struct pdf *p, enum pdf_style style, float size, const char *text);
/* Draw one line at (x, y) (baseline), clipped to width by shortening with an ellipsis; width 0 = no limit. */
int pdf_text_at(struct pdf *p, float x, float y, enum pdf_style style, float size, struct pdf_rgb color,
		const char *text, float width);
/* Wrap text into width, starting at the cursor and flowing onto new pages. */
int pdf_paragraph(struct pdf *p, enum pdf_style style, float size, struct pdf_rgb color, const char *text,
		  float indent);
/* Lines text would take when wrapped to width. */
int pdf_wrap_count(struct pdf *p, enum pdf_style style, float size, const char *text, float width);
/* A heading with a bookmark. */
int pdf_heading(struct pdf *p, const char *text, int level);

int pdf_rect(struct pdf *p, float x, float y, float w, float h, struct pdf_rgb fill);
int pdf_rect_stroke(struct pdf *p, float x, float y, float w, float h, float width, struct pdf_rgb color);
/* Right-aligned at right, or centred on cx (clipped to width when width > 0). */
int pdf_text_right(struct pdf *p, float right, float y, enum pdf_style style, float size, struct pdf_rgb color,
		   const char *text);
int pdf_text_center(struct pdf *p, float cx, float y, enum pdf_style style, float size, struct pdf_rgb color,
		    const char *text, float width);
/* The lowest y content may reach (above the footer). */
float pdf_bottom(const struct pdf *p);
/* Heading and table-header colour (the template's accent). */
void pdf_set_accent(struct pdf *p, struct pdf_rgb c);
struct pdf_rgb pdf_get_accent(const struct pdf *p);
int pdf_line(struct pdf *p, float x1, float y1, float x2, float y2, float width, struct pdf_rgb color);
/* Place a PNG image (fit into w x h, keeping its aspect ratio). */
int pdf_png(struct pdf *p, const char *path, float x, float y, float w, float h);

/*
 * Tables: columns with relative widths; cells wrap; a row never splits
 * across pages; the header row is repeated at the top of each new page.
 */
struct pdf_table;
int pdf_table_begin(struct pdf *p, struct pdf_table **out, size_t ncols, const char *const *headers,
		    const float *widths, float font_size);
/* Optional per-row fill colour (NULL for none). */
int pdf_table_row(struct pdf_table *t, const char *const *cells, const struct pdf_rgb *fill);
void pdf_table_end(struct pdf_table *t);

extern const struct pdf_rgb pdf_black, pdf_grey, pdf_white, pdf_accent;

#endif
