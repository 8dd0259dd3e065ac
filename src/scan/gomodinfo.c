#include "gomodinfo.h"

#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"

#define LINE_MAX_LEN 4096

/* Valid UTF-8 without control characters: anything else names no real module. */
static int text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], need, cp, k;

		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}

struct field {
	const char *s;
	size_t n;
};

/* Split at tabs as Go's strings.Split does; the field count, or maxf + 1 when there are more. */
static int split_tabs(const char *s, size_t n, struct field *f, int maxf)
{
	int nf = 0;

	for (;;) {
		const char *t = memchr(s, '\t', n);
		size_t k = t ? (size_t)(t - s) : n;

		if (nf == maxf)
			return maxf + 1;
		f[nf].s = s;
		f[nf].n = k;
		nf++;
		if (!t)
			return nf;
		s += k + 1;
		n -= k + 1;
	}
}

static int add_pkg(struct pkg_list *l, const char *path, struct field name, struct field ver)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct pkg p;
	int rc = 0;

	if (!name.n || !ver.n || !text_ok(name.s, name.n) || !text_ok(ver.s, ver.n))
		goto cleanup;
	if ((rc = strbuf_add(&a, name.s, name.n)) < 0 || (rc = strbuf_add(&b, ver.s, ver.n)) < 0)
		goto cleanup;
	memset(&p, 0, sizeof(p));
	p.type = PKG_GO;
	p.name = a.buf;
	p.version = b.buf;
	p.path = (char *)path;
	rc = pkg_list_add(l, &p);
cleanup:
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

/* "go1.21.3 X:boringcrypto" -> "v1.21.3"; a devel toolchain has no release to name. */
static int add_stdlib(struct pkg_list *l, const char *path, const char *v, size_t vlen)
{
	const char *sp = memchr(v, ' ', vlen);
	size_t n = sp ? (size_t)(sp - v) : vlen;
	struct strbuf sb = STRBUF_INIT;
	struct field name = { "stdlib", 6 }, ver;
	int rc;

	if (n < 3 || v[0] != 'g' || v[1] != 'o' || v[2] < '0' || v[2] > '9')
		return 0;
	if ((rc = strbuf_addch(&sb, 'v')) == 0 && (rc = strbuf_add(&sb, v + 2, n - 2)) == 0) {
		ver.s = sb.buf;
		ver.n = sb.len;
		rc = add_pkg(l, path, name, ver);
	}
	strbuf_release(&sb);
	return rc;
}

/* The last '.' before end in kv, or NULL. */
static const char *memrchr_dot(const char *kv, const char *end)
{
	const char *d = NULL, *p;

	for (p = kv; p < end; p++)
		if (*p == '.')
			d = p;
	return d;
}

/* KEY.NAME where NAME is version/ver and KEY is main or inside the module. */
static int version_key(const char *kv, const char *dot, const char *eq, const char *module)
{
	size_t nlen = (size_t)(eq - dot - 1), klen = (size_t)(dot - kv), mlen = strlen(module);
	char name[16];
	size_t i;

	if (nlen >= sizeof(name))
		return 0;
	for (i = 0; i < nlen; i++)
		name[i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ? dot[1 + i] + 32 : dot[1 + i]);
	name[nlen] = 0;
	if (strcmp(name, "version") && strcmp(name, "ver"))
		return 0;
	return (klen == 4 && !memcmp(kv, "main", 4)) || (klen >= mlen && !memcmp(kv, module, mlen) && (klen == mlen || kv[mlen] == '/'));
}

/* Go writes build settings with strconv.Quote when they need it: undo that. */
static void go_unquote(const struct strbuf *in, struct strbuf *out)
{
	size_t i;

	if (in->len < 2 || in->buf[0] != '"' || in->buf[in->len - 1] != '"') {
		strbuf_add(out, in->buf, in->len);
		return;
	}
	for (i = 1; i + 1 < in->len; i++) {
		if (in->buf[i] == '\\' && i + 2 < in->len)
			i++;
		strbuf_addch(out, in->buf[i]);
	}
}

/* Next shell-style word of s (quotes '' and "" group, as cmd/go's quoted.Split). */
static const char *next_word(const char *s, struct strbuf *w)
{
	char q = 0;

	strbuf_reset(w);
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
		if (!q && (*s == '\'' || *s == '"'))
			q = *s;
		else if (q && *s == q)
			q = 0;
		else
			strbuf_addch(w, *s);
	}
	return s;
}

/*
 * A main module built from a checkout is "(devel)" or a pseudo-version, but
 * releases often stamp their version with -ldflags "-X main.version=1.2.3"
 * (or PKG/version.Version): take that, as Trivy does, when the key is the
 * main package's or the module's own and the value looks like a version.
 */
static int main_version_from_ldflags(const struct strbuf *raw, const struct field *mainf, struct strbuf *out)
{
	struct strbuf flags = STRBUF_INIT, w = STRBUF_INIT, mod = STRBUF_INIT;
	const char *p, *eq, *dot;
	int take_next = 0, pseudo;

	pseudo = mainf[1].n == 0 || (mainf[1].n == 7 && !memcmp(mainf[1].s, "(devel)", 7)) ||
		 (mainf[1].n > 7 && !memcmp(mainf[1].s, "v0.0.0-", 7));
	if (!pseudo)
		return 0;
	strbuf_add(&mod, mainf[0].s, mainf[0].n);
	go_unquote(raw, &flags);
	for (p = flags.buf; (p = next_word(p, &w));) {
		const char *kv = NULL;

		if (take_next)
			kv = w.buf;
		else if (!strncmp(w.buf, "-X=", 3) || !strncmp(w.buf, "--X=", 4))
			kv = strchr(w.buf, '=') + 1;
		take_next = !strcmp(w.buf, "-X") || !strcmp(w.buf, "--X");
		if (!kv || !(eq = strchr(kv, '=')) || !(dot = memrchr_dot(kv, eq)))
			continue;
		if (!version_key(kv, dot, eq, mod.buf) || !eq[1] || !((eq[1] >= '0' && eq[1] <= '9') || (eq[1] == 'v' && eq[2] >= '0' && eq[2] <= '9')))
			continue;
		strbuf_addstr(out, eq + 1);
		break;
	}
	strbuf_release(&flags);
	strbuf_release(&w);
	strbuf_release(&mod);
	return 0;
}

int gomodinfo_parse(struct pkg_list *out, const char *path, const char *vers, size_t vlen, const char *mod,
		    size_t mlen)
{
	struct pkg_list res = { 0 }, deps = { 0 };
	struct strbuf ldflags = STRBUF_INIT, mainv = STRBUF_INIT;
	const char *m = mod, *end;
	size_t nmods = 0;
	struct field mainf[3], dep[3];
	int have_main = 0, have_dep = 0, last = 0, nf, rc = 0;
	static const struct field devel = { "(devel)", 7 };

	if (vlen == 0)
		return 0; /* no toolchain version: Go's reader calls this "not a Go executable" */
	/* Strip the framing sentinels, exactly as debug/buildinfo does. */
	if (mlen >= 33 && m[mlen - 17] == '\n')
		m += 16, mlen -= 32;
	else
		mlen = 0;
	end = m + mlen;
	while (m < end) {
		const char *nl = memchr(m, '\n', (size_t)(end - m));
		size_t n;
		int is_mod, is_dep, is_rep;

		if (!nl)
			break;
		n = (size_t)(nl - m);
		is_mod = n >= 4 && !memcmp(m, "mod\t", 4);
		is_dep = n >= 4 && !memcmp(m, "dep\t", 4);
		is_rep = n >= 3 && !memcmp(m, "=>\t", 3);
		if (n > 15 && n <= LINE_MAX_LEN && !memcmp(m, "build\t-ldflags=", 15)) {
			strbuf_reset(&ldflags);
			if ((rc = strbuf_add(&ldflags, m + 15, n - 15)) < 0)
				goto cleanup;
		}
		if ((is_mod || is_dep || is_rep) && n > LINE_MAX_LEN) {
			rc = err_set(ERR_LIMIT, "%s: Go module line of %zu bytes (limit %d)", path, n, LINE_MAX_LEN);
			goto cleanup;
		}
		if ((is_mod || is_dep) && ++nmods > GOBIN_MODULES_MAX) {
			rc = err_set(ERR_LIMIT, "%s: more than %d Go modules", path, GOBIN_MODULES_MAX);
			goto cleanup;
		}
		if ((is_mod || is_dep) && have_dep) {
			if ((rc = add_pkg(&deps, path, dep[0], dep[1])) < 0)
				goto cleanup;
			have_dep = 0;
		}
		if (is_mod || is_dep) {
			nf = split_tabs(m + 4, n - 4, is_mod ? mainf : dep, 3);
			if (nf < 2 || nf > 3) {
				rc = err_set(ERR_PARSE, "%s: Go module line with %d columns, expected 2 or 3", path, nf);
				goto cleanup;
			}
			have_main |= is_mod;
			have_dep = is_dep;
			last = is_mod ? 1 : 2;
		} else if (is_rep) {
			struct field r[3];

			if ((nf = split_tabs(m + 3, n - 3, r, 3)) != 3) {
				rc = err_set(ERR_PARSE, "%s: Go replacement line with %d columns, expected 3", path, nf);
				goto cleanup;
			}
			if (!last) {
				rc = err_set(ERR_PARSE, "%s: Go replacement with no module on the line before", path);
				goto cleanup;
			}
			/*
			 * The main module is reported as written; a dependency as what
			 * replaced it, except a local folder ("./x", "../x"), which is
			 * source built with the program, not a module to match.
			 */
			if (last == 2) {
				if (r[0].n && (r[0].s[0] == '.' || r[0].s[0] == '/')) {
					have_dep = 0;
				} else {
					dep[0] = r[0];
					dep[1] = r[1].n ? r[1] : devel;
				}
			}
			last = 0;
		}
		m = nl + 1;
	}
	if (have_dep && (rc = add_pkg(&deps, path, dep[0], dep[1])) < 0)
		goto cleanup;
	if (have_main && ldflags.len && (rc = main_version_from_ldflags(&ldflags, mainf, &mainv)) < 0)
		goto cleanup;
	if ((have_main && (rc = add_pkg(&res, path, mainf[0], mainv.len ? (struct field){ mainv.buf, mainv.len } : mainf[1])) < 0) ||
	    (rc = pkg_list_take(&res, &deps)) < 0 || (rc = add_stdlib(&res, path, vers, vlen)) < 0)
		goto cleanup;
	rc = (int)res.n;
	if (pkg_list_take(out, &res) < 0)
		rc = ERR_NOMEM;
cleanup:
	pkg_list_release(&res);
	pkg_list_release(&deps);
	strbuf_release(&ldflags);
	strbuf_release(&mainv);
	return rc;
}

