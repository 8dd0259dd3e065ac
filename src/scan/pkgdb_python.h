/*
 * pkgdb_python: installed Python distributions, one per metadata file:
 * site-packages/NAME.dist-info/METADATA (wheels, pip), NAME.egg-info/PKG-INFO
 * and NAME.egg-info as a single file (setuptools, Debian's python3-* packages
 * in dist-packages), NAME.egg/EGG-INFO/PKG-INFO (easy_install eggs).
 *
 * The file is in the email-header format of the core metadata spec: "Key:
 * value" lines, continuation lines starting with a space or a tab, the
 * headers ending at the first blank line (the description follows).  Name
 * and Version are kept as written; the scan stage's PURL normalises the name
 * (PEP 503).  The license is, as in trivy, the first of: License-Expression
 * (PEP 639); License, unless it holds a whole license text (several lines or
 * over 256 bytes) rather than a name, or "UNKNOWN" (old setuptools' word for
 * none); the last part of the "License :: ..."
 * classifiers, joined with ", "; "file://" and License-File.
 *
 * ERR_PARSE, naming the file and line: a header line that is not "Key:
 * value", a missing or repeated Name or Version, a kept value that is not
 * UTF-8.
 */
#ifndef VETTER_PKGDB_PYTHON_H
#define VETTER_PKGDB_PYTHON_H

#include <stddef.h>

#include "scan/pkg.h"

/*
 * Append the PKG_PYPI package that buf[0..len) describes, read from path
 * (relative to the image root; it becomes pkg.path).  Returns 1 or an ERR_*.
 */
int pkgdb_python_metadata(struct pkg_list *out, const char *path, const char *buf, size_t len);

/*
 * 1 when path is one of the metadata files above, somewhere below a
 * site-packages or dist-packages folder (vendored copies such as
 * setuptools/_vendor/NAME.dist-info count: their code is installed too).
 */
int pkgdb_python_is_metadata_path(const char *path);

#endif
