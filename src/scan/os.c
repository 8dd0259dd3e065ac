#include "os.h"

#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "core/strbuf.h"

static const char *const wanted[] = { "ID", "VERSION_ID", "VERSION_CODENAME", "NAME", "PRETTY_NAME", "ID_LIKE",
				      "VERSION", NULL };

static int unquote(struct strbuf *out, const char *v, size_t n)
{
	size_t i;
	char q = 0;

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		q = v[0];
		v++;
		n -= 2;
	}
	for (i = 0; i < n; i++) {
		if (q == '"' && v[i] == '\\' && i + 1 < n && strchr("\"\\`$", v[i + 1]))
			i++;
		if (strbuf_addch(out, v[i]) < 0)
			return ERR_NOMEM;
	}
	return 0;
}

int os_release_parse(const char *buf, size_t len, json_t **out)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	const char *p = buf, *end = buf + len, *nl, *eq;
	json_t *os = json_object();
	size_t i, k;
	int rc = 0;

	if (!os)
		return err_set(ERR_NOMEM, "out of memory");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq && *p != '#') {
			size_t vlen = (size_t)(nl - eq - 1);

			while (vlen && (eq[vlen] == '\r' || eq[vlen] == ' '))
				vlen--;
			for (i = 0; wanted[i]; i++) {
				if (strlen(wanted[i]) != (size_t)(eq - p) || strncmp(wanted[i], p, (size_t)(eq - p)))
					continue;
				strbuf_reset(&key);
				strbuf_reset(&val);
				for (k = 0; wanted[i][k]; k++)
					strbuf_addch(&key, wanted[i][k] >= 'A' && wanted[i][k] <= 'Z' ? wanted[i][k] + 32 : wanted[i][k]);
				if ((rc = unquote(&val, eq + 1, vlen)) < 0)
					goto cleanup;
				json_object_set_new(os, key.buf, json_stringn(val.buf, val.len));
			}
		}
		p = nl + 1;
	}
	*out = os;
	os = NULL;
cleanup:
	json_decref(os);
	strbuf_release(&key);
	strbuf_release(&val);
	return rc;
}

static const char *const release_files[] = {
	"etc/os-release", "usr/lib/os-release", "etc/debian_version", "etc/lsb-release", "etc/alpine-release",
	"etc/redhat-release", "etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
	"etc/oracle-release", "etc/fedora-release", "etc/system-release", "etc/SuSE-release", "etc/photon-release",
	NULL,
};

int os_is_release_file(const char *path)
{
	size_t i;

	for (i = 0; release_files[i]; i++)
		if (!strcmp(path, release_files[i]))
			return 1;
	return 0;
}

static const char *file_text(const struct os_file *files, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(files[i].path, path))
			return files[i].text;
	return NULL;
}

/* First line, trimmed, into out. */
static void first_line(struct strbuf *out, const char *text)
{
	size_t n = strcspn(text, "\r\n");

	strbuf_reset(out);
	strbuf_add(out, text, n);
	strbuf_rtrim(out);
}

static const char *family_of(const char *id, const char *id_like)
{
	static const char *const debian[] = { "debian", "ubuntu", NULL };
	static const char *const redhat[] = { "rhel", "centos", "rocky", "almalinux", "ol", "fedora", "amzn", NULL };
	static const char *const suse[] = { "sles", "opensuse-leap", "opensuse-tumbleweed", "sle-micro", "suse", NULL };
	size_t i;

	for (i = 0; debian[i]; i++)
		if (!strcmp(id, debian[i]))
			return "debian";
	for (i = 0; redhat[i]; i++)
		if (!strcmp(id, redhat[i]))
			return "redhat";
	for (i = 0; suse[i]; i++)
		if (!strcmp(id, suse[i]))
			return "suse";
	if (!strcmp(id, "alpine") || !strcmp(id, "wolfi") || !strcmp(id, "chainguard"))
		return "alpine";
	if (id_like && strstr(id_like, "debian"))
		return "debian";
	if (id_like && (strstr(id_like, "rhel") || strstr(id_like, "fedora")))
		return "redhat";
	if (id_like && strstr(id_like, "suse"))
		return "suse";
	return id;
}

/* "CentOS Linux release 7.9.2009 (Core)" -> version "7.9.2009". */
static int release_version(const char *line, struct strbuf *version)
{
	const char *p = strstr(line, " release ");

	strbuf_reset(version);
	if (!p)
		return 0;
	p += 9;
	while (*p && *p != ' ' && *p != '(')
		strbuf_addch(version, *p++);
	return version->len > 0;
}

static const struct {
	const char *file, *prefix, *id;
} redhat_like[] = {
	{ "etc/centos-release", "CentOS", "centos" },
	{ "etc/rocky-release", "Rocky", "rocky" },
	{ "etc/almalinux-release", "AlmaLinux", "almalinux" },
	{ "etc/oracle-release", "Oracle", "ol" },
	{ "etc/fedora-release", "Fedora", "fedora" },
	{ "etc/system-release", "Amazon Linux", "amzn" },
	{ "etc/redhat-release", "Red Hat", "rhel" },
	{ "etc/redhat-release", "CentOS", "centos" },
	{ "etc/redhat-release", "Rocky", "rocky" },
	{ "etc/redhat-release", "AlmaLinux", "almalinux" },
	{ "etc/photon-release", "VMware Photon", "photon" },
};

static int set(json_t *os, const char *key, const char *value)
{
	return json_object_set_new(os, key, json_string(value)) < 0 ? ERR_NOMEM : 0;
}

int os_detect(const struct os_file *files, size_t n, json_t **out)
{
	struct strbuf line = STRBUF_INIT, ver = STRBUF_INIT;
	json_t *os = NULL, *used = json_array();
	const char *t, *id;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!used)
		return err_set(ERR_NOMEM, "out of memory");
	if ((t = file_text(files, n, "etc/os-release")) || (t = file_text(files, n, "usr/lib/os-release"))) {
		if ((rc = os_release_parse(t, strlen(t), &os)) < 0)
			goto cleanup;
		if (!jsonx_str(os, "id")) {
			json_decref(os);
			os = NULL;
		} else {
			json_array_append_new(used, json_string(file_text(files, n, "etc/os-release") ? "etc/os-release"
												       : "usr/lib/os-release"));
		}
	}
	if (!os && (t = file_text(files, n, "etc/lsb-release"))) {
		/* lsb-release has os-release's shape under other names. */
		json_t *lsb = NULL;
		struct strbuf conv = STRBUF_INIT;
		const char *p;

		for (p = t; *p; p++) {
			if (!strncmp(p, "DISTRIB_ID=", 11) && (p == t || p[-1] == '\n'))
				strbuf_addstr(&conv, "ID="), p += 10;
			else if (!strncmp(p, "DISTRIB_RELEASE=", 16) && (p == t || p[-1] == '\n'))
				strbuf_addstr(&conv, "VERSION_ID="), p += 15;
			else if (!strncmp(p, "DISTRIB_CODENAME=", 17) && (p == t || p[-1] == '\n'))
				strbuf_addstr(&conv, "VERSION_CODENAME="), p += 16;
			else if (!strncmp(p, "DISTRIB_DESCRIPTION=", 20) && (p == t || p[-1] == '\n'))
				strbuf_addstr(&conv, "PRETTY_NAME="), p += 19;
			else
				strbuf_addch(&conv, *p);
		}
		if (os_release_parse(conv.buf, conv.len, &lsb) == 0 && jsonx_str(lsb, "id")) {
			struct strbuf low = STRBUF_INIT;

			for (p = jsonx_str(lsb, "id"); *p; p++)
				strbuf_addch(&low, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			set(lsb, "id", low.buf);
			strbuf_release(&low);
			os = lsb;
			json_array_append_new(used, json_string("etc/lsb-release"));
		} else {
			json_decref(lsb);
		}
		strbuf_release(&conv);
	}
	if (!os) {
		/* No os-release: the distribution's own release file alone. */
		for (i = 0; i < sizeof(redhat_like) / sizeof(redhat_like[0]) && !os; i++) {
			if (!(t = file_text(files, n, redhat_like[i].file)))
				continue;
			first_line(&line, t);
			if (!util_has_prefix(line.buf, redhat_like[i].prefix) || !release_version(line.buf, &ver))
				continue;
			os = json_object();
			if (!os || set(os, "id", redhat_like[i].id) < 0 || set(os, "pretty_name", line.buf) < 0) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			/* version_id is the major release (and Amazon's "2" / "2018.03"). */
			strbuf_setlen(&ver, !strcmp(redhat_like[i].id, "amzn") ? ver.len : strcspn(ver.buf, "."));
			set(os, "version_id", ver.buf);
			json_array_append_new(used, json_string(redhat_like[i].file));
		}
	}
	if (!os && (t = file_text(files, n, "etc/alpine-release"))) {
		os = json_object();
		first_line(&line, t);
		set(os, "id", "alpine");
		set(os, "version_id", line.buf);
		json_array_append_new(used, json_string("etc/alpine-release"));
	}
	if (!os && (t = file_text(files, n, "etc/debian_version"))) {
		os = json_object();
		first_line(&line, t);
		set(os, "id", "debian");
		strbuf_reset(&ver);
		strbuf_add(&ver, line.buf, strcspn(line.buf, "."));
		if (ver.len && strspn(ver.buf, "0123456789") == ver.len)
			set(os, "version_id", ver.buf);
		json_array_append_new(used, json_string("etc/debian_version"));
	}
	if (!os)
		goto cleanup;
	id = jsonx_str(os, "id");
	set(os, "family", family_of(id, jsonx_str(os, "id_like")));
	/* The most precise version from the distribution's own file. */
	json_object_set(os, "version", json_object_get(os, "version_id"));
	if (!strcmp(id, "debian") && (t = file_text(files, n, "etc/debian_version"))) {
		first_line(&line, t);
		if (line.len && line.buf[0] >= '0' && line.buf[0] <= '9') {
			set(os, "version", line.buf);
			if (!jsonx_str(os, "version_id")) {
				strbuf_reset(&ver);
				strbuf_add(&ver, line.buf, strcspn(line.buf, "."));
				set(os, "version_id", ver.buf);
			}
			json_array_append_new(used, json_string("etc/debian_version"));
		}
	} else if (!strcmp(id, "alpine") && (t = file_text(files, n, "etc/alpine-release"))) {
		first_line(&line, t);
		if (line.len)
			set(os, "version", line.buf);
	} else {
		for (i = 0; i < sizeof(redhat_like) / sizeof(redhat_like[0]); i++) {
			if (strcmp(redhat_like[i].id, id) || !(t = file_text(files, n, redhat_like[i].file)))
				continue;
			first_line(&line, t);
			if (release_version(line.buf, &ver)) {
				set(os, "version", ver.buf);
				break;
			}
		}
	}
	json_object_set(os, "files", used);
	*out = os;
	os = NULL;
cleanup:
	json_decref(os);
	json_decref(used);
	strbuf_release(&line);
	strbuf_release(&ver);
	return rc;
}
