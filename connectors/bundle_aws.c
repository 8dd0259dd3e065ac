/*
 * bundle_aws: the aws kit's files (aws/ACCOUNT/...) read by the aws-export
 * reader (aws_collect.h) and normalised as an aws-export source would, so a
 * bundle gives the same assets.  The reader takes a folder: the files the
 * manifest vouches for (and only those) are written to a private folder in
 * the engagement's state, read, and removed.  A refused call's file holds
 * the AWS CLI's error text, which the reader understands; an empty file is
 * the CLI's empty answer.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_collect.h"
#include "aws_data.h"
#include "aws_norm.h"
#include "bundle_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

static int blank(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)data[i]))
			return 0;
	return 1;
}

static int write_files(const char *tmp, const char *account, const struct bundle_file *const *files, size_t n)
{
	struct strbuf prefix = STRBUF_INIT, p = STRBUF_INIT, d = STRBUF_INIT;
	size_t i;
	int rc = 0;

	strbuf_addf(&prefix, "aws/%s/", account);
	for (i = 0; i < n && rc == 0; i++) {
		if (!util_has_prefix(files[i]->name, prefix.buf))
			continue;
		strbuf_reset(&p);
		strbuf_reset(&d);
		strbuf_addf(&p, "%s/%s", tmp, files[i]->name + 4);
		if ((rc = util_path_dirname(&d, p.buf)) == 0 && (rc = util_mkdirs(d.buf, 0700)) == 0) {
			/*
			 * The AWS CLI prints nothing for an empty answer (get-bucket-versioning of a bucket never
			 * versioned); the kit's files of failed commands hold the CLI's error, so an empty one is
			 * that empty answer, which the export reader would otherwise take for no file.
			 */
			if (blank(files[i]->data, files[i]->len))
				rc = util_write_file_atomic(p.buf, "{}\n", 3, 0600);
			else
				rc = util_write_file_atomic(p.buf, files[i]->data, files[i]->len, 0600);
		}
	}
	strbuf_release(&prefix);
	strbuf_release(&p);
	strbuf_release(&d);
	return rc;
}

int bundle_aws(struct inventory *inv, const struct bundle_file *const *files, size_t n, json_t *coverage)
{
	struct strbuf tmp = STRBUF_INIT, acct = STRBUF_INIT, evuri = STRBUF_INIT;
	json_t *accounts = json_array(), *done = json_object();
	size_t i;
	int rc = 0;

	if (!accounts || !done) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	strbuf_addf(&tmp, "%s/bundle-tmp/%s-%ld", inv->eng->state_dir, inv->src->id, (long)getpid());
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = files[i]->name + 4, *slash = strchr(name, '/');
		json_t *ds = NULL, *skipped = NULL;
		size_t j;

		strbuf_reset(&acct);
		if (!slash || slash - name != 12)
			continue;
		strbuf_add(&acct, name, 12);
		if (json_object_get(done, acct.buf))
			continue;
		json_object_set_new(done, acct.buf, json_true());
		util_rm_rf(tmp.buf);
		if ((rc = util_mkdirs(tmp.buf, 0700)) < 0 || (rc = write_files(tmp.buf, acct.buf, files, n)) < 0)
			break;
		if (!(ds = aws_data_new())) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		strbuf_reset(&evuri);
		strbuf_addf(&evuri, "%s/%s", tmp.buf, acct.buf);
		if ((rc = aws_collect_export(evuri.buf, ds, &skipped)) < 0) {
			strbuf_reset(&evuri);
			strbuf_addf(&evuri, "aws account %s", acct.buf);
			rc = inventory_gap(inv, evuri.buf, err_last());
		} else if ((rc = aws_normalise(inv, ds, "export")) == 0) {
			json_array_append_new(accounts, json_pack("{s:s, s:I, s:I}", "account", acct.buf, "errors",
								  (json_int_t)json_array_size(json_object_get(ds, "errors")),
								  "skipped", (json_int_t)json_array_size(skipped)));
		}
		/* The files as they came, as the aws-export source keeps them. */
		for (j = 0; j < n && rc == 0; j++) {
			if (strncmp(files[j]->name + 4, acct.buf, 12))
				continue;
			strbuf_reset(&evuri);
			strbuf_addf(&evuri, "bundle:%s", files[j]->name);
			rc = inventory_evidence(inv, evuri.buf, util_has_suffix(files[j]->name, ".csv") ? "text/csv" : "application/json",
						files[j]->data, files[j]->len, NULL);
		}
		json_decref(ds);
		json_decref(skipped);
	}
	util_rm_rf(tmp.buf);
	if (rc == 0 && json_array_size(accounts))
		rc = json_object_set(coverage, "aws", accounts);
cleanup:
	json_decref(accounts);
	json_decref(done);
	strbuf_release(&tmp);
	strbuf_release(&acct);
	strbuf_release(&evuri);
	return rc;
}
