#include "registry_access.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/util.h"
#include "registry_creds.h"

#define ACCESS_MAX_HOSTS 64

static pthread_mutex_t access_lock = PTHREAD_MUTEX_INITIALIZER;
static struct registry_access settings;
static char *settings_config, *settings_ca;
static struct docker_config *config;
static int config_loaded;
static struct {
	char *host;
	struct registry *reg;
} clients[ACCESS_MAX_HOSTS];
static size_t nclients;

static void forget_clients(void)
{
	size_t i;

	for (i = 0; i < nclients; i++) {
		free(clients[i].host);
		registry_free(clients[i].reg);
	}
	nclients = 0;
	docker_config_free(config);
	config = NULL;
	config_loaded = 0;
}

void registry_access_reset(void)
{
	pthread_mutex_lock(&access_lock);
	forget_clients();
	free(settings_config);
	free(settings_ca);
	settings_config = settings_ca = NULL;
	memset(&settings, 0, sizeof(settings));
	pthread_mutex_unlock(&access_lock);
}

int registry_access_set(const struct registry_access *a)
{
	char *cf = a->config_file ? util_strdup(a->config_file) : NULL;
	char *ca = a->ca_file ? util_strdup(a->ca_file) : NULL;

	if ((a->config_file && !cf) || (a->ca_file && !ca)) {
		free(cf);
		free(ca);
		return ERR_NOMEM;
	}
	pthread_mutex_lock(&access_lock);
	forget_clients();
	free(settings_config);
	free(settings_ca);
	settings = *a;
	settings.config_file = settings_config = cf;
	settings.ca_file = settings_ca = ca;
	pthread_mutex_unlock(&access_lock);
	return 0;
}

int registry_access_get(struct registry **out, const char *host)
{
	struct registry_options o;
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&access_lock);
	for (i = 0; i < nclients; i++) {
		if (!strcasecmp(clients[i].host, host)) {
			*out = clients[i].reg;
			goto done;
		}
	}
	if (nclients == ACCESS_MAX_HOSTS) {
		rc = err_set(ERR_LIMIT, "images from more than %d registries at once", ACCESS_MAX_HOSTS);
		goto done;
	}
	/* A bad --registry-config is reported at the first registry image, once. */
	if (!config_loaded) {
		if ((rc = docker_config_load(&config, settings.config_file, settings.allow_exec)) < 0)
			goto done;
		config_loaded = 1;
	}
	memset(&o, 0, sizeof(o));
	o.host = host;
	o.plain_http = settings.plain_http;
	o.insecure = settings.insecure;
	o.tls_verify = 1;
	o.ca_file = settings.ca_file;
	o.timeout_s = settings.timeout_s;
	o.stall_s = settings.timeout_s;
	o.cred = docker_config_cred;
	o.cred_ctx = config;
	if ((rc = registry_new(&clients[nclients].reg, &o)) < 0)
		goto done;
	clients[nclients].host = util_strdup(host);
	if (!clients[nclients].host) {
		registry_free(clients[nclients].reg);
		rc = ERR_NOMEM;
		goto done;
	}
	*out = clients[nclients++].reg;
done:
	pthread_mutex_unlock(&access_lock);
	return rc;
}
