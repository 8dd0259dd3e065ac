#include "template.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/finding.h"
#include "core/util.h"

#define TEMPLATE_LIMIT (1024 * 1024)

int report_templates_dir(struct strbuf *out)
{
	return util_data_dir(out, "VETTER_TEMPLATES", "templates", "report");
}

/* Load dir/report/report.json; a relative logo is resolved inside dir/report. */
static int load_one(const char *dir, json_t **out)
{
	struct strbuf path = STRBUF_INIT, base = STRBUF_INIT, logo = STRBUF_INIT;
	json_t *t = NULL;
	const char *rel;
	int rc;

	strbuf_addf(&base, "%s/report", dir);
	strbuf_addf(&path, "%s/report.json", base.buf);
	if ((rc = jsonx_load_file(path.buf, TEMPLATE_LIMIT, &t)) < 0) {
		rc = err_set(rc, "report template: %s", err_last());
		goto cleanup;
	}
	if (!json_is_object(t)) {
		rc = err_set(ERR_USAGE, "report template %s: expected a JSON object", path.buf);
		goto cleanup;
	}
	if ((rel = jsonx_str(t, "logo")) && *rel) {
		if ((rc = util_path_within(&logo, base.buf, rel)) < 0) {
			rc = err_set(ERR_USAGE, "report template %s: logo: %s", path.buf, err_last());
			goto cleanup;
		}
		jsonx_set_str(t, "logo_path", logo.buf);
	}
	*out = t;
	t = NULL;
cleanup:
	json_decref(t);
	strbuf_release(&path);
	strbuf_release(&base);
	strbuf_release(&logo);
	return rc;
}

int report_template_load(const struct engagement *eng, json_t **out)
{
	struct strbuf dir = STRBUF_INIT, p = STRBUF_INIT;
	const json_t *rep = eng ? json_object_get(eng->doc, "report") : NULL;
	json_t *t = NULL, *own = NULL;
	const char *s;
	int rc;

	if ((rc = report_templates_dir(&dir)) < 0 || (rc = load_one(dir.buf, &t)) < 0)
		goto cleanup;
	if ((s = jsonx_str(rep, "templates"))) {
		strbuf_reset(&dir);
		if ((rc = engagement_path(eng, s, &dir)) < 0 || (rc = load_one(dir.buf, &own)) < 0) {
			rc = err_set(ERR_USAGE, "%s: report.templates: %s", eng->file, err_last());
			goto cleanup;
		}
		json_object_update_recursive(t, own);
	}
	if ((s = jsonx_str(rep, "firm")))
		jsonx_set_str(t, "firm", s);
	if ((s = jsonx_str(rep, "author")))
		jsonx_set_str(t, "author", s);
	if ((s = jsonx_str(rep, "logo"))) {
		if ((rc = engagement_path(eng, s, &p)) < 0)
			goto cleanup;
		if (!util_exists(p.buf)) {
			rc = err_set(ERR_USAGE, "%s: report.logo: %s does not exist", eng->file, p.buf);
			goto cleanup;
		}
		jsonx_set_str(t, "logo_path", p.buf);
	}
	*out = t;
	t = NULL;
cleanup:
	json_decref(t);
	json_decref(own);
	strbuf_release(&dir);
	strbuf_release(&p);
	return rc;
}

const char *report_text(const json_t *tmpl, const char *key)
{
	return jsonx_strz(json_object_get(tmpl, "texts"), key);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct pdf_rgb report_colour(const json_t *tmpl, const char *key, struct pdf_rgb dflt)
{
	const char *s = jsonx_str(json_object_get(tmpl, "colours"), key);
	int v[6], i;

	if (!s || strlen(s) != 7 || s[0] != '#')
		return dflt;
	for (i = 0; i < 6; i++)
		if ((v[i] = hexval(s[i + 1])) < 0)
			return dflt;
	return (struct pdf_rgb){ (float)(v[0] * 16 + v[1]) / 255.0f, (float)(v[2] * 16 + v[3]) / 255.0f,
				 (float)(v[4] * 16 + v[5]) / 255.0f };
}

struct pdf_rgb report_severity_colour(const json_t *tmpl, const char *severity)
{
	static const struct pdf_rgb dflt[] = {
		{ 0.55f, 0.56f, 0.6f }, { 0.11f, 0.49f, 0.84f }, { 0.17f, 0.54f, 0.24f },
		{ 0.94f, 0.55f, 0.0f }, { 0.85f, 0.28f, 0.06f }, { 0.55f, 0.0f, 0.0f },
	};
	int r = severity_rank(severity);

	if (r < 0)
		r = 0;

	return report_colour(tmpl, severity, dflt[r]);
}
