#include "pdf.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include "core/err.h"
#include "core/strbuf.h"

const struct pdf_rgb pdf_black = { 0.1f, 0.1f, 0.12f };
const struct pdf_rgb pdf_grey = { 0.45f, 0.45f, 0.5f };
const struct pdf_rgb pdf_white = { 1, 1, 1 };
const struct pdf_rgb pdf_accent = { 0.05f, 0.25f, 0.45f };

#define PDF_MARGIN 50.0f
#define PDF_FOOTER 30.0f
#define PDF_LEADING 1.3f

struct pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font fonts[3];
	HPDF_Outline last_top;
	enum pdf_paper paper;
	float w, h, y;
	int pageno;
	char header[256], footer[256];
	int failed;
	char errmsg[256];
	struct pdf_rgb accent;
};

struct pdf_table {
	struct pdf *p;
	size_t ncols;
	char **headers;
	float *widths;
	float size;
};

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	struct pdf *p = user;

	if (!p->failed)
		snprintf(p->errmsg, sizeof(p->errmsg), "PDF library error 0x%04x (detail %u)", (unsigned)error_no,
			 (unsigned)detail_no);
	p->failed = 1;
}

static int check(struct pdf *p)
{
	if (p->failed)
		return err_set(ERR_FAIL, "%s", p->errmsg);
	return 0;
}

/*
 * libharu 2.3.0 writes a ToUnicode CMap for UTF-8 fonts that is not one
 * (it uses cidrange operators), and poppler warns about it on every page.
 * Our codes are Unicode BMP code points (Identity-H over UTF-16 values), so
 * the right map is the identity: one bfrange per high byte, surrogates left
 * out, in blocks of at most 100 as the CMap rules require.
 */
static int fix_tounicode(HPDF_Font font)
{
	HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	char line[64];
	int hi, in_block = 0, left;

	if (!tu || !tu->stream)
		return 0;
	HPDF_MemStream_FreeData(tu->stream);
	HPDF_Stream_WriteStr(tu->stream, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
					 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
					 "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
					 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	left = 256 - 8;
	for (hi = 0; hi < 256; hi++) {
		if (hi >= 0xd8 && hi <= 0xdf)
			continue;
		if (!in_block) {
			snprintf(line, sizeof(line), "%d beginbfrange\n", left < 100 ? left : 100);
			HPDF_Stream_WriteStr(tu->stream, line);
			in_block = left < 100 ? left : 100;
		}
		snprintf(line, sizeof(line), "<%02X00> <%02XFF> <%02X00>\n", (unsigned)hi, (unsigned)hi, (unsigned)hi);
		HPDF_Stream_WriteStr(tu->stream, line);
		left--;
		if (--in_block == 0)
			HPDF_Stream_WriteStr(tu->stream, "endbfrange\n");
	}
	HPDF_Stream_WriteStr(tu->stream, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	return 0;
}

int pdf_new(struct pdf **out, const char *font_dir, enum pdf_paper paper)
{
	static const char *const files[] = { "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf" };
	struct strbuf path = STRBUF_INIT;
	struct pdf *p = calloc(1, sizeof(*p));
	const char *name;
	int i, rc = 0;

	if (!p)
		return err_set(ERR_NOMEM, "out of memory");
	p->paper = paper;
	p->accent = pdf_accent;
	p->doc = HPDF_New(on_error, p);
	if (!p->doc) {
		free(p);
		return err_set(ERR_NOMEM, "cannot create a PDF document");
	}
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCurrentEncoder(p->doc, "UTF-8");
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_PRODUCER, "vetter");
	for (i = 0; i < 3; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", font_dir, files[i]);
		name = HPDF_LoadTTFontFromFile(p->doc, path.buf, HPDF_TRUE);
		if (!name) {
			rc = err_set(ERR_NOTFOUND, "cannot load the font %s (install fonts-dejavu-core)", path.buf);
			goto fail;
		}
		p->fonts[i] = HPDF_GetFont(p->doc, name, "UTF-8");
		if (p->fonts[i])
			fix_tounicode(p->fonts[i]);
	}
	if ((rc = check(p)) < 0)
		goto fail;
	p->w = paper == PDF_A4 ? 595.276f : 612.0f;
	p->h = paper == PDF_A4 ? 841.89f : 792.0f;
	strbuf_release(&path);
	*out = p;
	return 0;
fail:
	strbuf_release(&path);
	pdf_free(p);
	return rc;
}

void pdf_free(struct pdf *p)
{
	if (!p)
		return;
	if (p->doc)
		HPDF_Free(p->doc);
	free(p);
}

int pdf_save(struct pdf *p, const char *path)
{
	if (HPDF_SaveToFile(p->doc, path) != HPDF_OK || p->failed)
		return err_set(ERR_IO, "cannot write %s: %s", path, p->errmsg[0] ? p->errmsg : "PDF error");
	return 0;
}

void pdf_set_running(struct pdf *p, const char *header, const char *footer)
{
	snprintf(p->header, sizeof(p->header), "%s", header ? header : "");
	snprintf(p->footer, sizeof(p->footer), "%s", footer ? footer : "");
}

float pdf_page_width(const struct pdf *p) { return p->w; }
float pdf_page_height(const struct pdf *p) { return p->h; }
float pdf_margin(const struct pdf *p) { (void)p; return PDF_MARGIN; }
float pdf_content_width(const struct pdf *p) { return p->w - 2 * PDF_MARGIN; }
float pdf_cursor(const struct pdf *p) { return p->y; }
void pdf_set_cursor(struct pdf *p, float y) { p->y = y; }
void pdf_skip(struct pdf *p, float dy) { p->y -= dy; }
int pdf_page_number(const struct pdf *p) { return p->pageno; }

static void set_font(struct pdf *p, enum pdf_style style, float size, struct pdf_rgb c)
{
	HPDF_Page_SetFontAndSize(p->page, p->fonts[style], size);
	HPDF_Page_SetRGBFill(p->page, c.r, c.g, c.b);
}

static void raw_text(struct pdf *p, float x, float y, const char *text)
{
	HPDF_Page_BeginText(p->page);
	HPDF_Page_TextOut(p->page, x, y, text);
	HPDF_Page_EndText(p->page);
}

int pdf_new_page(struct pdf *p, int bare)
{
	char num[32];

	p->page = HPDF_AddPage(p->doc);
	if (!p->page)
		return check(p) < 0 ? ERR_FAIL : err_set(ERR_FAIL, "cannot add a page");
	HPDF_Page_SetSize(p->page, p->paper == PDF_A4 ? HPDF_PAGE_SIZE_A4 : HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
	p->pageno++;
	p->y = p->h - PDF_MARGIN;
	if (!bare) {
		set_font(p, PDF_REGULAR, 7.5f, pdf_grey);
		raw_text(p, PDF_MARGIN, p->h - 30, p->header);
		HPDF_Page_SetRGBStroke(p->page, 0.8f, 0.8f, 0.82f);
		HPDF_Page_SetLineWidth(p->page, 0.5f);
		HPDF_Page_MoveTo(p->page, PDF_MARGIN, p->h - 36);
		HPDF_Page_LineTo(p->page, p->w - PDF_MARGIN, p->h - 36);
		HPDF_Page_Stroke(p->page);
		raw_text(p, PDF_MARGIN, 22, p->footer);
		snprintf(num, sizeof(num), "Page %d", p->pageno);
		raw_text(p, p->w - PDF_MARGIN - HPDF_Page_TextWidth(p->page, num), 22, num);
		p->y = p->h - PDF_MARGIN - 8;
	}
	return check(p);
}

int pdf_need(struct pdf *p, float height)
{
	if (!p->page || p->y - height < pdf_bottom(p))
		return pdf_new_page(p, 0);
	return 0;
}

int pdf_bookmark(struct pdf *p, const char *title, int level)
{
	HPDF_Outline o;
	HPDF_Destination d;

	o = HPDF_CreateOutline(p->doc, level && p->last_top ? p->last_top : NULL, title,
			       HPDF_GetEncoder(p->doc, "UTF-8"));
	if (!o)
		return check(p) < 0 ? ERR_FAIL : err_set(ERR_FAIL, "cannot add a bookmark");
	d = HPDF_Page_CreateDestination(p->page);
	HPDF_Destination_SetXYZ(d, 0, p->y + 20, 1);
	HPDF_Outline_SetDestination(o, d);
	if (!level) {
		p->last_top = o;
		HPDF_Outline_SetOpened(o, HPDF_TRUE);
	}
	return check(p);
}

float pdf_text_width(struct pdf *p, enum pdf_style style, float size, const char *text)
{
	HPDF_TextWidth tw = HPDF_Font_TextWidth(p->fonts[style], (const HPDF_BYTE *)text, (HPDF_UINT)strlen(text));

	return (float)tw.width * size / 1000.0f;
}

/* Length of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t u8len(const char *s)
{
	unsigned char c = (unsigned char)*s;

	if (c >= 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80)
		return 4;
	if (c >= 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80)
		return 3;
	if (c >= 0xc0 && (s[1] & 0xc0) == 0x80)
		return 2;
	return 1;
}

/* Longest prefix of text (in bytes, on a character boundary) that fits width. */
static size_t fit_prefix(struct pdf *p, enum pdf_style style, float size, const char *text, size_t len, float width)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0, step;

	while (n < len) {
		step = u8len(text + n);
		strbuf_reset(&sb);
		strbuf_add(&sb, text, n + step);
		if (pdf_text_width(p, style, size, sb.buf) > width)
			break;
		n += step;
	}
	strbuf_release(&sb);
	return n;
}

int pdf_text_at(struct pdf *p, float x, float y, enum pdf_style style, float size, struct pdf_rgb color,
		const char *text, float width)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n;

	set_font(p, style, size, color);
	if (width > 0 && pdf_text_width(p, style, size, text) > width) {
		n = fit_prefix(p, style, size, text, strlen(text), width - pdf_text_width(p, style, size, "…"));
		strbuf_add(&sb, text, n);
		strbuf_addstr(&sb, "…");
		raw_text(p, x, y, sb.buf);
	} else {
		raw_text(p, x, y, text);
	}
	strbuf_release(&sb);
	return check(p);
}

/*
 * Greedy word wrap.  Calls line() for each output line; a word longer than
 * the width is broken between characters.
 */
typedef int (*line_fn)(void *ctx, const char *line);

static int wrap(struct pdf *p, enum pdf_style style, float size, const char *text, float width, line_fn line,
		void *ctx)
{
	struct strbuf cur = STRBUF_INIT, trial = STRBUF_INIT;
	const char *s = text, *e;
	int rc = 0;

	while (*s && rc == 0) {
		if (*s == '\n') {
			rc = line(ctx, cur.buf);
			strbuf_reset(&cur);
			s++;
			continue;
		}
		if (*s == ' ' && !cur.len) {
			s++;
			continue;
		}
		for (e = s; *e && *e != ' ' && *e != '\n'; e++)
			;
		strbuf_reset(&trial);
		strbuf_add(&trial, cur.buf, cur.len);
		if (trial.len)
			strbuf_addch(&trial, ' ');
		strbuf_add(&trial, s, (size_t)(e - s));
		if (pdf_text_width(p, style, size, trial.buf) <= width) {
			strbuf_reset(&cur);
			strbuf_add(&cur, trial.buf, trial.len);
			s = e;
			while (*s == ' ')
				s++;
			continue;
		}
		if (cur.len) {
			rc = line(ctx, cur.buf);
			strbuf_reset(&cur);
			continue;
		}
		/* A single word wider than the line: cut it. */
		{
			size_t n = fit_prefix(p, style, size, s, (size_t)(e - s), width);

			if (!n)
				n = u8len(s);
			strbuf_add(&cur, s, n);
			rc = line(ctx, cur.buf);
			strbuf_reset(&cur);
			s += n;
		}
	}
	if (rc == 0 && cur.len)
		rc = line(ctx, cur.buf);
	strbuf_release(&cur);
	strbuf_release(&trial);
	return rc;
}

static int count_line(void *ctx, const char *line)
{
	(void)line;
	(*(int *)ctx)++;
	return 0;
}

int pdf_wrap_count(struct pdf *p, enum pdf_style style, float size, const char *text, float width)
{
	int n = 0;

	wrap(p, style, size, text, width, count_line, &n);
	return n ? n : 1;
}

struct para_ctx {
	struct pdf *p;
	enum pdf_style style;
	float size, x;
	struct pdf_rgb color;
};

static int para_line(void *vctx, const char *line)
{
	struct para_ctx *c = vctx;
	float lh = c->size * PDF_LEADING;
	int rc;

	if ((rc = pdf_need(c->p, lh)) < 0)
		return rc;
	c->p->y -= c->size;
	rc = pdf_text_at(c->p, c->x, c->p->y, c->style, c->size, c->color, line, 0);
	c->p->y -= lh - c->size;
	return rc;
}

int pdf_paragraph(struct pdf *p, enum pdf_style style, float size, struct pdf_rgb color, const char *text,
		  float indent)
{
	struct para_ctx c = { p, style, size, PDF_MARGIN + indent, color };

	return wrap(p, style, size, text, pdf_content_width(p) - indent, para_line, &c);
}

int pdf_heading(struct pdf *p, const char *text, int level)
{
	float size = level == 0 ? 16 : 12.5f;
	int rc;

	if ((rc = pdf_need(p, size * 4)) < 0)
		return rc;
	pdf_skip(p, level == 0 ? 6 : 8);
	if ((rc = pdf_bookmark(p, text, level)) < 0)
		return rc;
	if ((rc = pdf_paragraph(p, PDF_BOLD, size, p->accent, text, 0)) < 0)
		return rc;
	pdf_skip(p, 4);
	return 0;
}

int pdf_rect(struct pdf *p, float x, float y, float w, float h, struct pdf_rgb fill)
{
	HPDF_Page_SetRGBFill(p->page, fill.r, fill.g, fill.b);
	HPDF_Page_Rectangle(p->page, x, y, w, h);
	HPDF_Page_Fill(p->page);
	return check(p);
}

int pdf_rect_stroke(struct pdf *p, float x, float y, float w, float h, float width, struct pdf_rgb color)
{
	HPDF_Page_SetRGBStroke(p->page, color.r, color.g, color.b);
	HPDF_Page_SetLineWidth(p->page, width);
	HPDF_Page_Rectangle(p->page, x, y, w, h);
	HPDF_Page_Stroke(p->page);
	return check(p);
}

void pdf_set_accent(struct pdf *p, struct pdf_rgb c) { p->accent = c; }
struct pdf_rgb pdf_get_accent(const struct pdf *p) { return p->accent; }

int pdf_text_right(struct pdf *p, float right, float y, enum pdf_style style, float size, struct pdf_rgb color,
		   const char *text)
{
	return pdf_text_at(p, right - pdf_text_width(p, style, size, text), y, style, size, color, text, 0);
}

int pdf_text_center(struct pdf *p, float cx, float y, enum pdf_style style, float size, struct pdf_rgb color,
		    const char *text, float width)
{
	float w = pdf_text_width(p, style, size, text);

	if (width > 0 && w > width)
		w = width;
	return pdf_text_at(p, cx - w / 2, y, style, size, color, text, width);
}

float pdf_bottom(const struct pdf *p)
{
	(void)p;
	return PDF_MARGIN + PDF_FOOTER - 20;
}

int pdf_line(struct pdf *p, float x1, float y1, float x2, float y2, float width, struct pdf_rgb color)
{
	HPDF_Page_SetRGBStroke(p->page, color.r, color.g, color.b);
	HPDF_Page_SetLineWidth(p->page, width);
	HPDF_Page_MoveTo(p->page, x1, y1);
	HPDF_Page_LineTo(p->page, x2, y2);
	HPDF_Page_Stroke(p->page);
	return check(p);
}

int pdf_png(struct pdf *p, const char *path, float x, float y, float w, float h)
{
	HPDF_Image img = HPDF_LoadPngImageFromFile(p->doc, path);
	float iw, ih, scale;

	if (!img) {
		p->failed = 0;
		return err_set(ERR_PARSE, "%s: not a PNG image libharu can read", path);
	}
	iw = (float)HPDF_Image_GetWidth(img);
	ih = (float)HPDF_Image_GetHeight(img);
	scale = w / iw < h / ih ? w / iw : h / ih;
	HPDF_Page_DrawImage(p->page, img, x, y + h - ih * scale, iw * scale, ih * scale);
	return check(p);
}

static int draw_header(struct pdf_table *t);
static float row_height(struct pdf_table *t, const char *const *cells, enum pdf_style style);

int pdf_table_begin(struct pdf *p, struct pdf_table **out, size_t ncols, const char *const *headers,
		    const float *widths, float font_size)
{
	struct pdf_table *t = calloc(1, sizeof(*t));
	float total = 0;
	size_t i;
	int rc;

	if (!t)
		return err_set(ERR_NOMEM, "out of memory");
	t->p = p;
	t->ncols = ncols;
	t->size = font_size;
	t->headers = calloc(ncols, sizeof(char *));
	t->widths = calloc(ncols, sizeof(float));
	if (!t->headers || !t->widths) {
		pdf_table_end(t);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < ncols; i++)
		total += widths[i];
	for (i = 0; i < ncols; i++) {
		t->headers[i] = strdup(headers[i]);
		t->widths[i] = widths[i] / total * pdf_content_width(p);
	}
	/* The header and at least a few lines of the first row stay together. */
	if ((rc = pdf_need(p, row_height(t, (const char *const *)t->headers, PDF_BOLD) + 4 * font_size)) < 0 ||
	    (rc = draw_header(t)) < 0) {
		pdf_table_end(t);
		return rc;
	}
	*out = t;
	return 0;
}

void pdf_table_end(struct pdf_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; t->headers && i < t->ncols; i++)
		free(t->headers[i]);
	free(t->headers);
	free(t->widths);
	free(t);
}

/*
 * A row never splits across pages, so a cell keeps at most this many lines
 * (the last one ends in an ellipsis): outside text of any length still fits
 * on a page.
 */
#define CELL_MAX_LINES 30

struct cell_ctx {
	struct pdf *p;
	enum pdf_style style;
	float size, x, y, width;
	struct pdf_rgb color;
	int lines;
};

static int cell_line(void *vctx, const char *line)
{
	struct cell_ctx *c = vctx;
	struct strbuf last = STRBUF_INIT;
	int rc;

	c->y -= c->size;
	if (++c->lines == CELL_MAX_LINES) {
		strbuf_addstr(&last, line);
		strbuf_addstr(&last, " …");
		rc = pdf_text_at(c->p, c->x, c->y, c->style, c->size, c->color, last.buf, c->width);
		strbuf_release(&last);
		return rc < 0 ? rc : 1; /* stops the wrap */
	}
	rc = pdf_text_at(c->p, c->x, c->y, c->style, c->size, c->color, line, c->width);
	c->y -= c->size * (PDF_LEADING - 1);
	return rc;
}

#define CELL_PAD 3.0f

static float row_height(struct pdf_table *t, const char *const *cells, enum pdf_style style)
{
	int lines, most = 1;
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		lines = pdf_wrap_count(t->p, style, t->size, cells[i] ? cells[i] : "", t->widths[i] - 2 * CELL_PAD);
		if (lines > CELL_MAX_LINES)
			lines = CELL_MAX_LINES;
		if (lines > most)
			most = lines;
	}
	return (float)most * t->size * PDF_LEADING + 2 * CELL_PAD;
}

static int draw_row(struct pdf_table *t, const char *const *cells, enum pdf_style style, const struct pdf_rgb *fill,
		    struct pdf_rgb color)
{
	struct pdf *p = t->p;
	float h = row_height(t, cells, style), x = PDF_MARGIN;
	struct cell_ctx c;
	size_t i;
	int rc = 0;

	if (fill && (rc = pdf_rect(p, PDF_MARGIN, p->y - h, pdf_content_width(p), h, *fill)) < 0)
		return rc;
	for (i = 0; i < t->ncols && rc == 0; i++) {
		c.p = p;
		c.style = style;
		c.size = t->size;
		c.x = x + CELL_PAD;
		c.y = p->y - CELL_PAD;
		c.width = t->widths[i] - 2 * CELL_PAD;
		c.color = color;
		c.lines = 0;
		rc = wrap(p, style, t->size, cells[i] ? cells[i] : "", c.width, cell_line, &c);
		if (rc > 0)
			rc = 0;
		x += t->widths[i];
	}
	p->y -= h;
	if (rc == 0)
		rc = pdf_line(p, PDF_MARGIN, p->y, PDF_MARGIN + pdf_content_width(p), p->y, 0.3f,
			      (struct pdf_rgb){ 0.8f, 0.8f, 0.82f });
	return rc;
}

static int draw_header(struct pdf_table *t)
{
	return draw_row(t, (const char *const *)t->headers, PDF_BOLD, &t->p->accent, pdf_white);
}

int pdf_table_row(struct pdf_table *t, const char *const *cells, const struct pdf_rgb *fill)
{
	struct pdf *p = t->p;
	int page = p->pageno, rc;

	if ((rc = pdf_need(p, row_height(t, cells, PDF_REGULAR))) < 0)
		return rc;
	if (page != p->pageno && (rc = draw_header(t)) < 0)
		return rc;
	return draw_row(t, cells, PDF_REGULAR, fill, pdf_black);
}
