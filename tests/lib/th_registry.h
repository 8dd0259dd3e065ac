/*
 * th_registry: the registries of tests/lib/regenv.py for the registry test
 * suites: started once per test run by whichever suite needs them first
 * (an unchecked fixture, in the runner process), stopped when the runner
 * exits (or, should it die, by regenv.py itself, which watches it).
 */
#ifndef VETTER_TH_REGISTRY_H
#define VETTER_TH_REGISTRY_H

#include <stddef.h>

#include <jansson.h>

struct th_regenv {
	char *dir;
	json_t *env;                 /* env.json */
	int port_a, port_b, port_c;  /* proxy A (TLS, Basic), B (plain, token), C (TLS, faults and hostile) */
	char dc_path[512];           /* docker config: alice:s3cret for the three proxies */
	char dc_token_path[512];     /* docker config: an identity token for proxy B */
	char ca_path[512];           /* the test CA */
};

extern struct th_regenv th_reg;

/* The unchecked fixture: start the registries unless they run (a failure is printed; tests then fail). */
void th_reg_start(void);
/* In a test: fail unless the registries run. */
void th_reg_need(void);

/* What regenv.py pushed, as the registry has it: images.KEY, images.KEY.SUB, images.KEY[.SUB][i]. */
const char *th_reg_img(const char *key, const char *sub);
const char *th_reg_img_at(const char *key, const char *sub, size_t i);

/* The proxies' request log: forget it; count lines by proxy, method, path prefix, auth scheme (NULL: any). */
void th_reg_log_reset(void);
int th_reg_log_count(const char *proxy, const char *method, const char *path_prefix, const char *auth);
/* Fail the test when a proxy saw a request that is not a read. */
void th_reg_no_violations(void);

#endif
