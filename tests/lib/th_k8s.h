/*
 * th_k8s: helpers of the Kubernetes connector tests (tests/unit/test_kubernetes*.c).
 */
#ifndef VETTER_TH_K8S_H
#define VETTER_TH_K8S_H

#include <jansson.h>

#include "core/store.h"
#include "th.h"

/* The recorded objects the fixture serves. */
#define TH_K8S_DUMPS "k8s/api-responses/k9s-object-dumps"

/* Secret values the fixture holds, as served (base64) and as decoded. */
#define TH_K8S_NSECRETS 7
extern const char *const th_k8s_secret_values[TH_K8S_NSECRETS];

/* An authorization block for a live source in th_k8s_engagement()'s text. */
extern const char th_k8s_auth[];

struct th_k8s {
	char *dir;      /* the test's temporary folder */
	char *pki;      /* ca.pem, ca2.pem (another CA), srv.pem, expired.pem, wrongname.pem, client.pem/key, other.key */
	char *eng;      /* the engagement folder */
	char *dataroom; /* eng/dataroom, with copies of ca.pem, ca2.pem, client.pem, client.key, other.key */
	char *data;     /* the recorded objects */
	char *tool;     /* the fixture */
};

/* a "/" b, the caller's. */
char *th_k8s_join(const char *a, const char *b);
/* sh -c script, which must succeed. */
void th_k8s_sh(const char *script);
void th_k8s_init(struct th_k8s *f);
void th_k8s_free(struct th_k8s *f);
/* Start the fixture with certificate cert (of pki) and extra arguments (NULL-terminated, may be NULL); its log. */
char *th_k8s_start(struct th_k8s *f, struct th_server *srv, const char *name, const char *cert, const char *const *extra);
/* dataroom/NAME: one context and cluster named cluster on port, with extra cluster and user lines. */
void th_k8s_kubeconfig(struct th_k8s *f, const char *name, const char *cluster, int port, const char *cluster_extra,
		       const char *user);
/* eng/engagement.yaml with these companies (YAML, indented as list items). */
void th_k8s_engagement(struct th_k8s *f, const char *companies);
/* vetter run --only collect, which must exit with want. */
void th_k8s_collect(struct th_k8s *f, int want);
struct store *th_k8s_store(struct th_k8s *f);

/* What a company's assets and edges are after a run. */
struct th_k8s_snap {
	json_t *assets; /* "kind\tkey" -> doc without source (and collection) */
	json_t *ids;    /* row id -> "kind\tkey" */
	json_t *edges;  /* "FROM EDGE TO" -> true */
	json_t *kinds;  /* kind -> count */
};
void th_k8s_snapshot(struct store *st, const char *company, struct th_k8s_snap *s);
void th_k8s_snap_release(struct th_k8s_snap *s);
/* The document of "kind\tkey" (the test fails when there is none). */
const json_t *th_k8s_asset_doc(const struct th_k8s_snap *s, const char *kind_key);
void th_k8s_assert_json(const json_t *v, const char *want);
/* ["company source component: reason"] of every gap. */
json_t *th_k8s_gaps(struct store *st);
/* {source id: {status, error, info}} */
json_t *th_k8s_sources(struct store *st);
/* Every file under dir searched for every Secret value; counts the files. */
void th_k8s_assert_no_secrets(const char *dir, int *files);

/* The fixture's request log, split between vetter's requests and kubectl's. */
struct th_k8s_reqs {
	int vetter, kubectl, kubectl_values, vetter_values, metadata_only, subresource, off_list;
	json_t *vetter_paths; /* "METHOD PATH?QUERY" of vetter's requests, in order */
};
void th_k8s_requests(const char *log, struct th_k8s_reqs *r);

#endif
