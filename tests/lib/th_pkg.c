/* th_pkg: helpers for the package-database tests; see th_pkg.h. */
#include "th_pkg.h"

const struct pkg *th_pkg_find(const struct pkg_list *l, const char *ns, const char *name, const char *version)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name) && (!version || !strcmp(l->v[i].version, version)) &&
		    !strcmp(l->v[i].namespace_ ? l->v[i].namespace_ : "", ns ? ns : ""))
			return &l->v[i];
	return NULL;
}
