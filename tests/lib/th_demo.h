/*
 * th_demo: the demo engagement as 'make demo' builds it (scripts/demo-build.py:
 * samples/demo plus its container images, and its advisory database when the
 * conformance data is there), built once per test run by whichever suite asks
 * first, from an unchecked fixture (in the runner process), and removed when
 * the runner exits.  The demo registry (scripts/demo-registry.py) runs as long
 * as the runner: the engagement's registry sources and Kubernetes exports name
 * registry.heron.localhost:PORT and registry.kestrel.localhost:PORT.
 */
#ifndef VETTER_TH_DEMO_H
#define VETTER_TH_DEMO_H

/* 1 when the tools the build needs are on PATH; otherwise records why test is not run. */
int th_demo_have_tools(const char *test);
/* 1 when the conformance data the advisory database is built from is there (else: not run). */
int th_demo_have_data(const char *test);

/* The unchecked fixture: build unless built (a failure is printed; th_demo_copy then fails the test). */
void th_demo_build(void);
/* The demo registry's port. */
int th_demo_port(void);
/* The demo advisory database, or NULL when the data was missing. */
const char *th_demo_vulndb(void);
/* A fresh folder holding a copy of the built engagement folder as DIR/demo; caller frees and th_rm_rf's. */
char *th_demo_copy(void);

#endif
