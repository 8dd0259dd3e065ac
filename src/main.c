/*
 * vetter: cyber-risk due diligence for mergers and acquisitions.
 * Command-line dispatch only; the commands live in src/cmd/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/opensslv.h>
#include <sqlite3.h>

#include "cmd/cmd.h"
#include "core/log.h"

#ifndef VETTER_VERSION
#define VETTER_VERSION "0.0.0-dev"
#endif

static int cmd_version(int argc, char **argv);
static int cmd_help_cmd(int argc, char **argv);

const struct command commands[] = {
	{ "run", cmd_run, "run an engagement end to end (collect, scan, assess, score, report)",
	  "usage: vetter run ENGAGEMENT [--out DIR] [--only STAGE | --from STAGE] [--fail-on SEVERITY]\n"
	  "\n"
	  "Runs the stages of the engagement described by the file ENGAGEMENT (YAML or JSON):\n"
	  "collect, scan, assess, score, report.  A run that is stopped continues where it\n"
	  "stopped when started again, and ends with the same result.\n"
	  "\n"
	  "  --out DIR          write report.pdf, findings.json and findings.csv to DIR\n"
	  "                     (default: the folder 'out' beside the engagement file)\n"
	  "  --only STAGE       run just this stage again (the ones before must be done)\n"
	  "  --from STAGE       run this stage and the ones after it again\n"
	  "  --fail-on SEV      exit 1 when an open finding is at least SEV (critical, high, medium, low)\n"
	  "  --vulndb FILE      the advisory database to match against\n"
	  "  --redact clean-team  also write report-clean-team.pdf without names, hosts and account ids\n"
	  "\n"
	  "Exit codes: 0 done, 1 --fail-on tripped, 2 usage or engagement-file error,\n"
	  "3 done with coverage gaps, 4 fatal error.\n" },
	{ "evidence", cmd_evidence, "list or verify an engagement's evidence",
	  "usage: vetter evidence ENGAGEMENT [--verify] [--format table|json]\n"
	  "\n"
	  "Lists the evidence manifest of an engagement (every input a finding rests on, by\n"
	  "SHA-256) and its root digest, the one printed on the report's cover.\n"
	  "\n"
	  "  --verify           re-check every stored item against its digest and the hash chain\n"
	  "                     of the manifest; exit 1 when anything does not match\n"
	  "  --format FORMAT    table (default) or json\n" },
	{ "purge", cmd_purge, "delete an engagement's store and evidence when the deal ends",
	  "usage: vetter purge ENGAGEMENT [--yes] [--out DIR]\n"
	  "\n"
	  "Deletes the engagement store and every evidence item.  Asks for confirmation on a\n"
	  "terminal; elsewhere --yes is required.\n"
	  "\n"
	  "  --yes              do not ask\n"
	  "  --out DIR          also delete the output folder DIR\n" },
	{ "inventory", cmd_inventory, "list the OS and packages of an image",
	  "usage: vetter inventory IMAGE_REF [--format table|json] [--platform OS/ARCH[/VARIANT]] [--secrets]\n"
	  "                        [registry options]\n"
	  "\n"
	  "Reads one image and lists its operating system and packages: name, version, source\n"
	  "package, ecosystem, PURL and the layer that installed it (docs/inventory.md).\n"
	  "\n"
	  "IMAGE_REF is registry:HOST/REPO:TAG, registry:HOST/REPO@sha256:DIGEST, oci-dir:PATH[:TAG],\n"
	  "oci-archive:FILE[:TAG], docker-archive:FILE or dir:ROOTFS.  A registry image's layers\n"
	  "stream through memory, checked against their digests; nothing is written to disk.\n"
	  "\n"
	  "  --format FORMAT    table (default) or json\n"
	  "  --platform P       the image to take from a multi-platform index (default linux/amd64)\n"
	  "  --secrets          also look for secrets (shown redacted)\n"
	  "\n" CMD_REGISTRY_USAGE
	  "\n"
	  "Exit codes: 0 done, 2 usage or unreadable image, 3 done but part of the image was not assessable.\n" },
	{ "sbom", cmd_sbom, "write a software bill of materials for an image",
	  "usage: vetter sbom IMAGE_REF [--format cyclonedx|spdx] [-o FILE] [--platform OS/ARCH[/VARIANT]]\n"
	  "                   [registry options]\n"
	  "\n"
	  "Writes a CycloneDX 1.6 (default) or SPDX 2.3 JSON document with one component per\n"
	  "package (name, full version with epoch, PURL), to standard output unless -o is given.\n"
	  "IMAGE_REF is as for 'vetter inventory'.\n"
	  "\n"
	  "  --format FORMAT    cyclonedx (default) or spdx\n"
	  "  -o, --output FILE  write to FILE\n"
	  "  --platform P       the image to take from a multi-platform index (default linux/amd64)\n"
	  "\n" CMD_REGISTRY_USAGE },
	{ "scan", cmd_scan, "match the packages of an image against the advisory database",
	  "usage: vetter scan IMAGE_REF [--vulndb FILE] [--format table|json|sarif] [-o FILE]\n"
	  "                  [--platform OS/ARCH[/VARIANT]]\n"
	  "\n"
	  "Reads one image as 'vetter inventory' does and matches its packages against the\n"
	  "advisory database: OS packages by the OSV ecosystem of the image's OS (Debian:12,\n"
	  "Ubuntu:22.04:LTS, Alpine:v3.19, AlmaLinux:9, Rocky Linux:9, Red Hat, ...), npm,\n"
	  "PyPI, Go and Maven packages by their own.  Each match gives the package, installed\n"
	  "version, advisory and aliases, fixed version (or 'no fix yet'), severity and where\n"
	  "it comes from, and the KEV, EPSS and SSVC data of its CVEs (docs/scan.md).\n"
	  "What could not be checked is listed as a coverage gap, never left out: an OS or\n"
	  "release the database has no records for, a version that cannot be parsed.\n"
	  "\n"
	  "IMAGE_REF is oci-dir:PATH[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE,\n"
	  "dir:ROOTFS or registry:HOST/REPO[:TAG|@DIGEST].\n"
	  "\n"
	  "  --vulndb FILE      the advisory database (default: $VETTER_VULNDB, else\n"
	  "                     $XDG_DATA_HOME/vetter/vulndb.sqlite)\n"
	  "  --format FORMAT    table (default), json or sarif (SARIF 2.1.0)\n"
	  "  -o, --output FILE  write json or sarif to FILE instead of standard output\n"
	  "  --platform P       the image to take from a multi-platform index (default linux/amd64)\n"
	  "\n" CMD_REGISTRY_USAGE
	  "\n"
	  "Exit codes: 0 done, 2 usage error, unreadable image or no advisory database,\n"
	  "3 done with coverage gaps, 4 fatal error.\n" },
	{ "db", cmd_db, "build, update and inspect the advisory database",
	  "usage: vetter db import osv PATH...     OSV records: a .json file, a folder of them,\n"
	  "                                         or a zip such as osv.dev's <Ecosystem>/all.zip\n"
	  "       vetter db import cve PATH...     CVE JSON 5 records (cvelistV5, CISA Vulnrichment):\n"
	  "                                         CVSS vectors, CWE, SSVC inputs\n"
	  "       vetter db import kev FILE        the CISA KEV catalog (JSON)\n"
	  "       vetter db import epss FILE       EPSS scores (CSV or .csv.gz with its #model_version line)\n"
	  "       vetter db update [--mirror URL] [--ecosystem NAME]... [--kev-url URL] [--epss-url URL]\n"
	  "                        [--no-kev] [--no-epss] [--ca-file FILE] [--max-size BYTES]\n"
	  "                        [--insecure-http-loopback]\n"
	  "       vetter db status [--format table|json]\n"
	  "       vetter db digest\n"
	  "       vetter db show ID\n"
	  "\n"
	  "The advisory database is one SQLite file outside any engagement, at --vulndb FILE,\n"
	  "else $VETTER_VULNDB, else $XDG_DATA_HOME/vetter/vulndb.sqlite (~/.local/share/...).\n"
	  "\n"
	  "import reads records into it.  A malformed record is skipped with a warning naming\n"
	  "the file and the reason, and counted; withdrawn OSV records and rejected CVEs are\n"
	  "not kept.  Importing the same input again changes nothing.  KEV and EPSS files\n"
	  "replace the catalog or scores stored before.\n"
	  "\n"
	  "update downloads <mirror>/<Ecosystem>/all.zip (osv.dev's bucket layout, default\n"
	  "mirror https://osv-vulnerabilities.storage.googleapis.com) for every ecosystem the\n"
	  "database holds and every --ecosystem given (Debian, Ubuntu, Alpine, AlmaLinux,\n"
	  "Rocky Linux, Red Hat, npm, PyPI, Go, Maven, ...), then the KEV catalog and the EPSS\n"
	  "scores, and imports them.  Downloads use HTTPS with certificate checks, GET only,\n"
	  "at most --max-size bytes each (default 2 GiB), and follow redirects only to the\n"
	  "same host.\n"
	  "  --mirror URL       base URL of the OSV files\n"
	  "  --ecosystem NAME   also fetch this ecosystem (repeatable)\n"
	  "  --kev-url URL      the KEV catalog (default CISA's feed)\n"
	  "  --epss-url URL     the EPSS scores (default epss_scores-current.csv.gz)\n"
	  "  --no-kev, --no-epss  skip them\n"
	  "  --ca-file FILE     verify servers against this PEM bundle instead of the system's\n"
	  "  --insecure-http-loopback  allow plain http:// to 127.0.0.1, ::1 or localhost only\n"
	  "                     (for tests serving files locally); never for other hosts\n"
	  "\n"
	  "status prints the records per ecosystem and release with the newest modification,\n"
	  "the CVE records, the KEV catalog and EPSS model dates, and the imports made.\n"
	  "digest prints the SHA-256 of the database's content, the same for the same inputs\n"
	  "whatever their order; an engagement pins the database it used by it.\n"
	  "show prints what the database holds about an advisory or CVE id (JSON).\n"
	  "\n"
	  "  --vulndb FILE      the database to use\n"
	  "\n"
	  "Exit codes: 0 done, 1 show found nothing, 2 usage error or unreadable input,\n"
	  "3 import done but records were refused, 4 fatal error (update: a download failed).\n" },
	{ "kit", cmd_kit, "write the commands a target runs to hand over evidence (a kit)",
	  "usage: vetter kit aws|k8s|registry|azure|gcp [-o FILE]\n"
	  "\n"
	  "Writes a POSIX shell script for the target's engineers: the exact read-only commands of\n"
	  "their own tools (AWS CLI, kubectl, skopeo, az, gcloud) that make an evidence bundle, a\n"
	  "README saying what is collected and what is not (no secret values, no data-plane reads),\n"
	  "commands.tsv (every\n"
	  "command as it ran) and SHA256SUMS over every file.  vetter reads the bundle back with\n"
	  "'vetter import' or a source of type bundle, into the same assets as live collection.\n"
	  "\n"
	  "  -o, --output FILE  write the script to FILE (default: standard output)\n" },
	{ "import", cmd_import, "check an evidence bundle or data-room folder and take it into an engagement",
	  "usage: vetter import BUNDLE --company ID ENGAGEMENT\n"
	  "\n"
	  "BUNDLE is a folder or zip inside the engagement folder: a bundle a kit made, or other\n"
	  "tools' reports (CycloneDX, SPDX, Trivy, Grype, Prowler OCSF, kube-bench, GuardDuty,\n"
	  "Security Hub ASFF, Defender for Cloud alerts), each detected by its content.  Its\n"
	  "SHA256SUMS is checked: files changed, added or missing are listed and not read.  What\n"
	  "can be read is collected into the store as the source ID.import-NAME of the company;\n"
	  "the next 'vetter run' scans, assesses and reports with it.\n"
	  "\n"
	  "Exit codes: 0 done, 2 usage or unreadable bundle, 3 done with files not read or gaps,\n"
	  "4 fatal error.\n" },
	{ "registry", cmd_registry, "list a registry's repositories, tags and images",
	  "usage: vetter registry HOST[:PORT] | vetter registry HOST[:PORT]/REPOSITORY...\n"
	  "                       [--tags-only] [--format table|json] [--platform OS/ARCH[/VARIANT]]\n"
	  "                       [--max-tags N] [--max-repositories N] [registry options]\n"
	  "\n"
	  "Lists what a registry holds, read only: every repository of its catalog (or the\n"
	  "repositories named), every tag, and for each tag the digest it names and, from the\n"
	  "image's manifest and config, its platform, creation date and compressed size.  An\n"
	  "index (multi-platform image) is read for the platform given.  A tag that cannot be\n"
	  "read is listed with its error; the rest goes on.  Requests run in parallel (--jobs,\n"
	  "default 8) over reused connections; the rate is printed on stderr.\n"
	  "\n"
	  "  --tags-only        list the tags without reading their images\n"
	  "  --format FORMAT    table (default) or json\n"
	  "  --platform P       for indexes (default linux/amd64)\n"
	  "  --max-tags N       tags per repository (default 1000)\n"
	  "  --max-repositories N  repositories from the catalog (default 10000)\n"
	  "\n" CMD_REGISTRY_USAGE
	  "\n"
	  "Exit codes: 0 done, 2 usage or an unreachable registry, 3 done but some tags or\n"
	  "repositories could not be read (or the limits cut the listing), 4 fatal error.\n" },
	{ "vercmp", cmd_vercmp, "compare two versions as an ecosystem orders them",
	  "usage: vetter vercmp ECOSYSTEM A B | vetter vercmp ECOSYSTEM --batch\n"
	  "\n"
	  "Prints -1, 0 or 1 as version A is older than, the same as or newer than B, by\n"
	  "the ordering of ECOSYSTEM: dpkg, rpm, apk, npm, pypi, go, maven, or an OSV\n"
	  "ecosystem name such as Debian:12, Alpine:v3.19, Rocky Linux:9, PyPI, Maven.\n"
	  "'go' wants Go's leading v (v1.2.3); the OSV name 'Go' also takes 1.2.3.\n"
	  "\n"
	  "  --batch            read LEFT<TAB>RIGHT lines from standard input and print one\n"
	  "                     result per line, or 'error' for a line it cannot compare\n"
	  "  --loose            npm: node-semver's loose parsing (v 1.2.3, 1.2.3beta)\n"
	  "  --range            npm: print 1 or 0 as version B satisfies the range A\n"
	  "  --include-prerelease  npm --range: let prereleases match any comparator\n"
	  "\n"
	  "Exit codes: 0 compared (in --batch, even when some lines print 'error'),\n"
	  "2 unknown ecosystem or a version that cannot be parsed.\n" },
	{ "cvss", cmd_cvss, "score CVSS v3.0, v3.1 and v4.0 vectors",
	  "usage: vetter cvss VECTOR... | vetter cvss --batch\n"
	  "\n"
	  "Scores each CVSS vector exactly as the FIRST specifications do and prints one\n"
	  "tab-separated line per vector, in the order given:\n"
	  "\n"
	  "  CVSS:3.0/... and CVSS:3.1/...   BASE  TEMPORAL  ENVIRONMENTAL  SEVERITY\n"
	  "  CVSS:4.0/...                    SCORE  SEVERITY\n"
	  "  an invalid vector               error  (the reason is printed on stderr)\n"
	  "\n"
	  "Scores have one decimal.  Temporal and Environmental metrics left out count as\n"
	  "Not Defined (X).  SEVERITY (None, Low, Medium, High, Critical) rates the most\n"
	  "refined score the vector defines: for v3.x the Environmental score when the\n"
	  "vector has an Environmental metric (CR, IR, AR, MAV .. MA) other than X, else the\n"
	  "Temporal score when it has a Temporal metric (E, RL, RC) other than X, else the\n"
	  "Base score; for v4.0 the one score.\n"
	  "\n"
	  "  --batch            read one vector a line from standard input; an invalid line\n"
	  "                     prints 'error' and the batch goes on\n"
	  "\n"
	  "Exit codes: 0 done, 2 a vector given as an argument is invalid (the others are\n"
	  "still scored) or bad command line, 4 standard input unreadable.\n" },
	{ "debug", cmd_debug, "tools for debugging vetter's requests (sigv4)",
	  "usage: vetter debug sigv4 --context FILE [--presign]\n"
	  "                   [--print canonical-request|string-to-sign|signature|signed-request] REQUEST_FILE\n"
	  "\n"
	  "Signs the raw HTTP request in REQUEST_FILE (a request line, 'Name:value' header\n"
	  "lines, a blank line and the body, as the AWS SigV4 test suites write them) with\n"
	  "AWS Signature Version 4 and prints one step of the signing, to compare with what\n"
	  "AWS says it expected when it answers SignatureDoesNotMatch.\n"
	  "\n"
	  "  --context FILE     JSON: credentials {access_key_id, secret_access_key,\n"
	  "                     session_token}, region, service, timestamp (ISO 8601 UTC,\n"
	  "                     e.g. 2015-08-30T12:36:00Z), normalize (path normalisation),\n"
	  "                     sign_body (sign x-amz-content-sha256), expiration_in_seconds\n"
	  "                     (presigning, default 3600); optional omit_session_token\n"
	  "                     (add the token after signing) and double_uri_encode.\n"
	  "                     Service s3 defaults to no normalisation, no double encoding\n"
	  "                     and a signed payload hash, as S3 wants.\n"
	  "  --presign          sign in the query string (a presigned URL) instead of the\n"
	  "                     Authorization header\n"
	  "  --print WHAT       canonical-request, string-to-sign, signature (lowercase hex)\n"
	  "                     or signed-request (default)\n"
	  "\n"
	  "Exit codes: 0 signed, 2 bad command line, context or request file.\n" },
	{ "check", cmd_check, "judge Kubernetes manifests and cloud documents against the rule packs",
	  "usage: vetter check FILE... [--format table|json|sarif] [--waivers FILE] [--as-of DATE]\n"
	  "                    [--pack PACK | --rule ID] [--fail-on SEVERITY] [--all] [-o FILE] [--rules DIR]\n"
	  "\n"
	  "Reads Kubernetes manifests (YAML or JSON, many documents a file, List objects as\n"
	  "'kubectl get -o yaml' writes them) and cloud resource documents in vetter's shapes\n"
	  "(docs/resources.md), normalises them, and judges every rule of the packs in\n"
	  "rules/ on them, outside an engagement.  Each rule gives, per resource, pass, fail\n"
	  "(with the path and value that decided it), error (data the rule needs is missing\n"
	  "or unreadable: never a failure) or waived.  Objects of kinds no rule reads are\n"
	  "counted and skipped.  docs/rules.md describes the rules and results.\n"
	  "\n"
	  "  --format FORMAT    table (default: failures, errors and waivers, then counts),\n"
	  "                     json (an array of every result) or sarif (SARIF 2.1.0)\n"
	  "  --waivers FILE     accepted risks (YAML, docs/rules.md \"Waivers\"); an expired\n"
	  "                     waiver waives nothing and is reported itself\n"
	  "  --as-of DATE       the date ages and waiver expiries are judged against\n"
	  "                     (YYYY-MM-DD; default today, UTC)\n"
	  "  --pack PACK        judge one pack only (docker, kubernetes, aws, azure, gcp)\n"
	  "  --rule ID          judge one rule only\n"
	  "  --fail-on SEV      exit 1 only for failures of at least SEV (default low)\n"
	  "  --all              the table also lists passes\n"
	  "  -o, --output FILE  write to FILE instead of standard output\n"
	  "  --rules DIR        rule packs from DIR (or one pack file) instead of rules/\n"
	  "\n"
	  "Exit codes: 0 no failure, 1 failures, 2 usage error, unreadable or invalid input\n"
	  "(a manifest that is not YAML is named with its document and line), 3 no failure\n"
	  "but some rules could not be evaluated, 4 fatal error.\n" },
	{ "rules", cmd_rules, "list, show and test the compliance rules",
	  "usage: vetter rules list [PACK] [--format table|json] | show ID | test [PACK]  [--rules DIR]\n"
	  "\n"
	  "  list [PACK]        every rule: id, severity, resource kind, title, and whether an\n"
	  "                     engagement collects the data it requires today (COLLECTED no:\n"
	  "                     no connector reads that data yet, so in an engagement the rule\n"
	  "                     gives 'error' results; 'vetter check' judges it on files)\n"
	  "  show ID            the rule as written, its pack's digest and what it requires\n"
	  "  test [PACK]        run every rule's own pass and fail fixtures; exit 1 when any\n"
	  "                     case gives another verdict\n"
	  "\n"
	  "  --format FORMAT    table (default) or json, for list\n"
	  "  --rules DIR        rule packs from DIR (or one pack file) instead of rules/\n"
	  "\n"
	  "The packs are JSON files in rules/ (docs/rules.md describes the language);\n"
	  "VETTER_RULES names another folder.  A pack with an invalid rule is refused\n"
	  "with its file, the rule id and the reason (exit 2).\n" },
	{ "version", cmd_version, "print the version", "usage: vetter version\n" },
	{ "help", cmd_help_cmd, "list the commands, or explain one", "usage: vetter help [COMMAND]\n" },
	{ NULL, NULL, NULL, NULL },
};

static const char global_help[] =
	"Global options (before or after the command):\n"
	"  -j, --jobs N       parallel network and decompression work (default: number of CPUs)\n"
	"  -q, --quiet        only errors on stderr\n"
	"  -v, --verbose      debug messages on stderr\n"
	"      --no-progress  no progress line, even on a terminal\n";

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("vetter %s\n", VETTER_VERSION);
	printf("libraries: libcurl %s, %s, SQLite %s, jansson %s, %s\n", curl_version_info(CURLVERSION_NOW)->version,
	       OPENSSL_VERSION_TEXT, sqlite3_libversion(), JANSSON_VERSION, archive_version_string());
	return EXIT_DONE;
}

static int cmd_help_cmd(int argc, char **argv)
{
	size_t i;

	if (argc > 1)
		return cmd_help(argv[1]);
	printf("usage: vetter COMMAND [OPTIONS] [ARGS]\n\nvetter assesses the cyber risk of the companies in a merger or "
	       "acquisition.\n\nCommands:\n");
	for (i = 0; commands[i].name; i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].summary);
	printf("\n%s\n'vetter COMMAND --help' explains a command.  docs/ holds the guide.\n", global_help);
	return EXIT_DONE;
}

/* Take the global options out of argv wherever they are; returns the new argc or -1. */
static int strip_globals(int argc, char **argv)
{
	int i, out = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			cli.quiet = 1;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			cli.verbose = 1;
		} else if (!strcmp(a, "--no-progress")) {
			cli.no_progress = 1;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || !strncmp(a, "--jobs=", 7)) {
			const char *v = a[2] == 'j' && a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			char *end;
			long n;

			if (!v) {
				fprintf(stderr, "vetter: --jobs needs a number\n");
				return -1;
			}
			n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 256) {
				fprintf(stderr, "vetter: --jobs takes a number from 1 to 256, not '%s'\n", v);
				return -1;
			}
			cli.jobs = (int)n;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	argc = strip_globals(argc, argv);
	if (argc < 0)
		return EXIT_USAGE;
	if (cli.quiet)
		log_set_level(LOG_ERROR);
	else if (cli.verbose)
		log_set_level(LOG_DEBUG);
	if (argc < 2) {
		cmd_help_cmd(1, argv);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help_cmd(1, argv);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; commands[i].name; i++) {
		if (!strcmp(commands[i].name, argv[1])) {
			rc = commands[i].run(argc - 1, argv + 1);
			curl_global_cleanup();
			return rc;
		}
	}
	curl_global_cleanup();
	fprintf(stderr, "vetter: unknown command '%s'; 'vetter help' lists the commands\n", argv[1]);
	return EXIT_USAGE;
}
