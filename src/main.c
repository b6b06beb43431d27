/* provscope: options, mode dispatch, output and the exit status. The only
 * place that exits. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/util.h"
#include "demo.h"
#include "devices.h"
#include "engine/engine.h"
#include "engine/net.h"
#include "engine/tls.h"
#include "model/expect.h"
#include "model/finding.h"
#include "model/report.h"
#include "model/sink.h"
#include "output/devices.h"
#include "output/output.h"
#include "output/progress.h"
#include "phone/catalogue.h"
#include "phone/identity.h"
#include "tui/tui.h"

#define DEFAULT_TIMEOUT_MS 10000u

struct options {
	enum ps_mode mode; /* live, or the subcommand cert, profile, rule */
	bool show_secrets;
	const char *profile_key, *target_version, *kind;
	size_t max_size;
	bool handshake_only;
	const char *download; /* --download-firmware FILE */
	bool lab, demo;       /* provscope lab, --demo */
	const char *devices;  /* --devices FILE */
	unsigned jobs;        /* --jobs N */
	struct ps_lab_opts lab_opts;
	bool audit;
	char **files; /* profile: the files in order */
	size_t n_files;
	bool batch, list_models, probe, inspect_anyway, system_trust;
	const char *host; /* cert mode: the name to check */
	const char *modern_ca;
	const char *at_text;
	time_t at;
	const char *format, *output;
	struct ps_expect *expects; /* --expect, in the order given */
	size_t n_expects;
	const char *model, *mac, *serial, *firmware;
	const char *cert, *key, *ca, *priority;
	unsigned timeout_ms;
	struct ps_pin *pins;
	size_t n_pins;
	const char *target;
};

enum {
	OPT_BATCH = 256,
	OPT_LIST_MODELS,
	OPT_MODEL,
	OPT_MAC,
	OPT_SERIAL,
	OPT_FIRMWARE,
	OPT_CERT,
	OPT_KEY,
	OPT_CA,
	OPT_PRIORITY,
	OPT_TIMEOUT,
	OPT_RESOLVE,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_NO_PROBE,
	OPT_AT,
	OPT_INSPECT_ANYWAY,
	OPT_NO_SYSTEM_TRUST,
	OPT_HOST,
	OPT_MODERN_CA,
	OPT_PROFILE_KEY,
	OPT_SHOW_SECRETS,
	OPT_TARGET_VERSION,
	OPT_KIND,
	OPT_MAX_SIZE,
	OPT_HANDSHAKE_ONLY,
	OPT_DOWNLOAD_FIRMWARE,
	OPT_AUDIT,
	OPT_DEMO,
	OPT_LISTEN,
	OPT_HTTP_PORT,
	OPT_DIR,
	OPT_PKI,
	OPT_FAULT,
	OPT_MINT_DEVICE,
	OPT_ENCRYPT,
	OPT_EXPECT,
	OPT_DEVICES,
	OPT_JOBS,
};

static const struct option long_options[] = {
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "list-models", no_argument, NULL, OPT_LIST_MODELS },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "ca", required_argument, NULL, OPT_CA },
	{ "priority", required_argument, NULL, OPT_PRIORITY },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "resolve", required_argument, NULL, OPT_RESOLVE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "no-probe", no_argument, NULL, OPT_NO_PROBE },
	{ "at", required_argument, NULL, OPT_AT },
	{ "inspect-anyway", no_argument, NULL, OPT_INSPECT_ANYWAY },
	{ "no-system-trust", no_argument, NULL, OPT_NO_SYSTEM_TRUST },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "modern-ca", required_argument, NULL, OPT_MODERN_CA },
	{ "profile-key", required_argument, NULL, OPT_PROFILE_KEY },
	{ "show-secrets", no_argument, NULL, OPT_SHOW_SECRETS },
	{ "target-version", required_argument, NULL, OPT_TARGET_VERSION },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "handshake-only", no_argument, NULL, OPT_HANDSHAKE_ONLY },
	{ "download-firmware", required_argument, NULL, OPT_DOWNLOAD_FIRMWARE },
	{ "audit", no_argument, NULL, OPT_AUDIT },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "http-port", required_argument, NULL, OPT_HTTP_PORT },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "pki", required_argument, NULL, OPT_PKI },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "mint-device", required_argument, NULL, OPT_MINT_DEVICE },
	{ "encrypt", no_argument, NULL, OPT_ENCRYPT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: provscope [OPTIONS] URL|RULE\n"
	    "       provscope --devices FILE [--jobs N] [OPTIONS] [URL|RULE]\n"
	    "       provscope --demo [--fault NAME] [OPTIONS]\n"
	    "       provscope lab [--listen ADDR:PORT] [--pki DIR] [--fault NAME] [OPTIONS]\n"
	    "       provscope cert FILE [--ca FILE] [--host NAME] [--at TIME] [OPTIONS]\n"
	    "       provscope profile FILE... [--profile-key KEY] [OPTIONS]\n"
	    "       provscope rule 'RULE' [--kind profile|upgrade|trigger] [OPTIONS]\n"
	    "       provscope --list-models\n"
	    "\n"
	    "Plays a Linksys/Cisco SPA phone against a provisioning server and shows, step\n"
	    "by step, what the phone sees: name resolution, TCP connect, every TLS handshake\n"
	    "message, the server certificate chain as the phone and as a modern client check\n"
	    "it, the client-certificate exchange, and why it fails. 'cert' checks a chain\n"
	    "file (leaf first) offline, the same way; 'profile' decodes profiles (applied\n"
	    "in order) into the phone's parameter table and analyses the firmware upgrade;\n"
	    "'rule' evaluates one rule for the phone. '--demo' runs the whole pass against\n"
	    "the built-in lab server in this process; 'lab' runs that server alone.\n"
	    "\n"
	    "Phone identity:\n"
	    "  --model MODEL        phone model from --list-models (default spa942)\n"
	    "  --mac MAC            the phone's MAC address (default: vendor OUI + aabbcc)\n"
	    "  --serial SERIAL      the phone's serial number\n"
	    "  --firmware VERSION   the firmware version ($SWVER), e.g. 6.1.5(a)\n"
	    "  --cert FILE          device certificate (PEM) sent when the server asks\n"
	    "  --key FILE           its private key (PEM; default: the --cert file)\n"
	    "  --ca FILE            the CA certificates the phone trusts (PEM)\n"
	    "  --at TIME            the phone's clock, UTC: 2026-11-27, 2026-11-27T08:00:00Z\n"
	    "                       or @EPOCH (default: now)\n"
	    "  --priority STRING    GnuTLS priority string instead of the model's\n"
	    "\n"
	    "Checks:\n"
	    "  --audit              after the pass, ask for each per-device file without a\n"
	    "                       certificate, and for a neighbour MAC's file with this one\n"
	    "  --inspect-anyway     go on past a chain the phone rejects (the phone would not)\n"
	    "  --no-system-trust    the modern client trusts only --ca, not the system store\n"
	    "  --modern-ca FILE     CA certificates only the modern client trusts (PEM)\n"
	    "  --host NAME          cert: the host name or IP address to check\n"
	    "\n"
	    "Profiles and rules:\n"
	    "  --profile-key KEY    key for encrypted profiles (openssl enc -aes-256-cbc)\n"
	    "  --target-version V   the version of the firmware image the upgrade points to\n"
	    "  --kind KIND          rule: evaluate as a profile, upgrade or trigger rule\n"
	    "  --show-secrets       print passwords and keys instead of ********\n"
	    "\n"
	    "Network:\n"
	    "  --timeout SECONDS    limit for each network wait (default 10)\n"
	    "  --resolve HOST:PORT:ADDR[,ADDR]\n"
	    "                       use ADDR for HOST:PORT instead of DNS (repeatable)\n"
	    "  --no-probe           no second, modern-client handshake after a failure\n"
	    "  --handshake-only     stop after the TLS handshake: no HTTP request\n"
	    "  --max-size BYTES     cap on a fetched body (default 4M; k and M suffixes)\n"
	    "  --download-firmware FILE\n"
	    "                       when the phone would upgrade, download the image to FILE\n"
	    "                       over the phone's TLS (progress on stderr; at most 64M)\n"
	    "\n"
	    "Output:\n"
	    "  --batch              never open the interactive view, which a live run opens\n"
	    "                       when it runs on a terminal (? in it lists the keys)\n"
	    "  --format FORMAT      %s (default text)\n"
	    "  --output FILE        write the report to FILE instead of standard output\n"
	    "  --expect KEY=VALUE   check the finished run: tls.version, http.status,\n"
	    "                       chain.phone_verdict, upgrade.would_upgrade, finding,\n"
	    "                       !finding, param:NAME, hopN.KEY... (repeatable; exit 10\n"
	    "                       when one fails and the run is otherwise ok)\n"
	    "  --devices FILE       the same pass for every device of a CSV list (columns\n"
	    "                       mac, serial, model, firmware, cert, key, url): a record\n"
	    "                       each (text, jsonl, tap, junit), exit = the worst status\n"
	    "  --jobs N             devices at a time with --devices (1-64, default 4)\n"
	    "\n"
	    "Lab and demo:\n"
	    "  --demo               a live run against the built-in lab (no server needed)\n"
	    "  --fault NAME[,NAME]  the lab plays a server mistake ('--fault help' lists them)\n"
	    "  --pki DIR            keep the lab's demo PKI in DIR and reuse it\n"
	    "  --listen ADDR:PORT   lab: HTTPS address and port (default 127.0.0.1:0, free)\n"
	    "  --http-port PORT     lab: plain-HTTP port (default: a free one)\n"
	    "  --dir DIR            lab: serve DIR instead of the built-in profiles\n"
	    "  --encrypt            lab: per-device files encrypted (key in the model file)\n"
	    "  --mint-device MAC    lab: write a device certificate and key into --pki, exit\n"
	    "\n"
	    "  --list-models        print the phone catalogue and exit\n"
	    "  -h, --help           print this help and exit\n"
	    "  -V, --version        print the version and exit\n"
	    "\n"
	    "Exit status: 0 the phone would get through, 2 usage or local file error,\n"
	    "3 DNS/connect/timeout, 4 TLS negotiation failed, 5 server certificate\n"
	    "rejected, 6 client authentication refused, 7 HTTP error, 8 profile unusable,\n"
	    "9 firmware-upgrade check failed, 10 expectation failed, 70 internal error.\n"
	    "See provscope(1).\n",
	    ps_output_names());
}

static int fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("provscope: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return PS_EXIT_USAGE;
}

static bool parse_timeout(const char *s, unsigned *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v <= 0 || v > 3600)
		return false;
	*ms = (unsigned)(v * 1000.0 + 0.5);
	return *ms > 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof *o);
	o->format = "text";
	o->timeout_ms = DEFAULT_TIMEOUT_MS;
	o->probe = true;
	o->system_trust = true;
	if (argc > 1 && strcmp(argv[1], "lab") == 0) {
		o->lab = true;
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	static const struct {
		const char *name;
		enum ps_mode mode;
	} subcommands[] = { { "cert", PS_MODE_CERT },
			    { "profile", PS_MODE_PROFILE },
			    { "rule", PS_MODE_RULE } };
	for (size_t i = 0; argc > 1 && i < sizeof subcommands / sizeof subcommands[0]; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			o->mode = subcommands[i].mode;
			argv[1] = argv[0];
			argv++;
			argc--;
			break;
		}
	}
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hV", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_BATCH:
			o->batch = true;
			break;
		case OPT_LIST_MODELS:
			o->list_models = true;
			break;
		case OPT_MODEL:
			o->model = optarg;
			break;
		case OPT_MAC:
			o->mac = optarg;
			break;
		case OPT_SERIAL:
			o->serial = optarg;
			break;
		case OPT_FIRMWARE:
			o->firmware = optarg;
			break;
		case OPT_CERT:
			o->cert = optarg;
			break;
		case OPT_KEY:
			o->key = optarg;
			break;
		case OPT_CA:
			o->ca = optarg;
			break;
		case OPT_PRIORITY:
			o->priority = optarg;
			break;
		case OPT_TIMEOUT:
			if (!parse_timeout(optarg, &o->timeout_ms))
				return fail_usage(
				    "--timeout '%s': give seconds, more than 0 and at "
				    "most 3600",
				    optarg);
			break;
		case OPT_RESOLVE: {
			char *err = NULL;
			o->pins = ps_xrealloc(o->pins, (o->n_pins + 1) * sizeof *o->pins);
			if (!ps_pin_parse(optarg, &o->pins[o->n_pins], &err)) {
				int rc = fail_usage("%s", err);
				free(err);
				return rc;
			}
			o->n_pins++;
			break;
		}
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_DEVICES:
			o->devices = optarg;
			break;
		case OPT_JOBS: {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 1 || v > 64)
				return fail_usage("--jobs '%s': give a number from 1 to 64",
						  optarg);
			o->jobs = (unsigned)v;
			break;
		}
		case OPT_EXPECT: {
			char *err = NULL;
			o->expects =
			    ps_xrealloc(o->expects, (o->n_expects + 1) * sizeof *o->expects);
			if (!ps_expect_parse(optarg, &o->expects[o->n_expects], &err)) {
				int rc = fail_usage("%s", err);
				free(err);
				return rc;
			}
			o->n_expects++;
			break;
		}
		case OPT_NO_PROBE:
			o->probe = false;
			break;
		case OPT_AT:
			if (!ps_time_parse(optarg, &o->at))
				return fail_usage("--at '%s': give a UTC time such as 2026-11-27, "
						  "2026-11-27T08:00:00Z or @1795000000",
						  optarg);
			break;
		case OPT_INSPECT_ANYWAY:
			o->inspect_anyway = true;
			break;
		case OPT_NO_SYSTEM_TRUST:
			o->system_trust = false;
			break;
		case OPT_HOST:
			o->host = optarg;
			break;
		case OPT_MODERN_CA:
			o->modern_ca = optarg;
			break;
		case OPT_PROFILE_KEY:
			o->profile_key = optarg;
			break;
		case OPT_SHOW_SECRETS:
			o->show_secrets = true;
			break;
		case OPT_TARGET_VERSION:
			o->target_version = optarg;
			break;
		case OPT_KIND:
			o->kind = optarg;
			break;
		case OPT_MAX_SIZE: {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			unsigned shift = 0;
			if (*end == 'k' || *end == 'K')
				shift = 10;
			else if (*end == 'm' || *end == 'M')
				shift = 20;
			if (errno || end == optarg || v == 0 || (*end && (!shift || end[1])) ||
			    v > ((1ull << 30) >> shift))
				return fail_usage("--max-size '%s': give bytes, e.g. 4194304, 512k "
						  "or 4M (at most 1024M)",
						  optarg);
			v <<= shift;
			o->max_size = (size_t)v;
			break;
		}
		case OPT_HANDSHAKE_ONLY:
			o->handshake_only = true;
			break;
		case OPT_DOWNLOAD_FIRMWARE:
			o->download = optarg;
			break;
		case OPT_AUDIT:
			o->audit = true;
			break;
		case OPT_DEMO:
			o->demo = true;
			break;
		case OPT_LISTEN:
			o->lab_opts.listen = optarg;
			break;
		case OPT_HTTP_PORT:
			o->lab_opts.http_port = optarg;
			break;
		case OPT_DIR:
			o->lab_opts.dir = optarg;
			break;
		case OPT_PKI:
			o->lab_opts.pki = optarg;
			break;
		case OPT_FAULT:
			o->lab_opts.fault = optarg;
			break;
		case OPT_MINT_DEVICE:
			o->lab_opts.mint_device = optarg;
			break;
		case OPT_ENCRYPT:
			o->lab_opts.encrypt = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("provscope %s\n", PACKAGE_VERSION);
			return -1;
		default:
			if (optopt)
				return fail_usage("option -%c is unknown or needs a value (see "
						  "--help)",
						  optopt);
			return fail_usage("option '%s' is unknown or needs a value (see --help)",
					  argv[optind - 1]);
		}
	}
	if (!ps_output_find(o->format))
		return fail_usage("--format '%s': use one of %s", o->format, ps_output_names());
	if (o->list_models)
		return 0;
	if (o->jobs && !o->devices)
		return fail_usage("--jobs is for --devices");
	if (o->devices && (o->lab || o->demo))
		return fail_usage("--devices runs the list against a server of yours: not with %s",
				  o->lab ? "'provscope lab'" : "--demo");
	if (o->lab && o->n_expects)
		return fail_usage("--expect checks a run's report: not for 'provscope lab'");
	const struct ps_lab_opts *lo = &o->lab_opts;
	if (!o->lab && (lo->listen || lo->http_port || lo->dir || lo->mint_device || lo->encrypt))
		return fail_usage(
		    "--listen, --http-port, --dir, --mint-device and --encrypt are for "
		    "'provscope lab'");
	if (!o->lab && !o->demo && (lo->pki || lo->fault))
		return fail_usage("--pki and --fault are for 'provscope lab' and --demo");
	if (o->demo && o->mode != PS_MODE_LIVE)
		return fail_usage("--demo is a live run: no subcommand");
	if (o->demo && (o->cert || o->key || o->ca || o->n_pins || o->modern_ca))
		return fail_usage("--demo mints its own device certificate and trusts its own CA: "
				  "leave out --cert, --key, --ca, --modern-ca and --resolve");
	if ((o->lab || o->demo) && optind < argc)
		return fail_usage("'%s': %s takes no URL", argv[optind],
				  o->lab ? "provscope lab" : "--demo");
	if (o->lab || o->demo) {
		if (lo->fault && strcmp(lo->fault, "help") == 0) {
			fputs(ps_lab_fault_help(), stdout);
			return -1;
		}
		if (o->demo) {
			o->audit = !o->handshake_only;
			return 0;
		}
		return 0;
	}
	if (o->devices) {
		if (o->mode != PS_MODE_LIVE)
			return fail_usage("--devices runs live passes: no subcommand");
		if (o->download)
			return fail_usage("--download-firmware is for one device, not --devices");
		if (strcmp(o->format, "json") == 0)
			return fail_usage(
			    "--devices writes a record per device: use --format jsonl, "
			    "tap, junit or text");
		if (optind + 1 < argc)
			return fail_usage("one URL or rule for every device; '%s' is one too many",
					  argv[optind + 1]);
		o->target = optind < argc ? argv[optind] : NULL;
		return 0;
	}
	static const char *const what[] = { [PS_MODE_LIVE] = "URL",
					    [PS_MODE_CERT] = "chain file",
					    [PS_MODE_PROFILE] = "profile file",
					    [PS_MODE_RULE] = "rule" };
	if (optind >= argc)
		return fail_usage("no %s given (see --help)", what[o->mode]);
	if (optind + 1 < argc && o->mode != PS_MODE_PROFILE)
		return fail_usage("one %s at a time; '%s' is one too many", what[o->mode],
				  argv[optind + 1]);
	if (o->audit && (o->mode != PS_MODE_LIVE || o->handshake_only))
		return fail_usage("--audit is for live runs that fetch profiles");
	if (o->download && o->mode != PS_MODE_LIVE)
		return fail_usage("--download-firmware is for live runs");
	if (o->download && o->handshake_only)
		return fail_usage("--download-firmware and --handshake-only exclude each other");
	if (o->host && o->mode != PS_MODE_CERT)
		return fail_usage("--host is for 'provscope cert'");
	if (o->kind && o->mode != PS_MODE_RULE)
		return fail_usage("--kind is for 'provscope rule'");
	if (o->kind && strcmp(o->kind, "profile") != 0 && strcmp(o->kind, "upgrade") != 0 &&
	    strcmp(o->kind, "trigger") != 0)
		return fail_usage("--kind '%s': use profile, upgrade or trigger", o->kind);
	o->target = argv[optind];
	o->files = &argv[optind];
	o->n_files = (size_t)(argc - optind);
	return 0;
}

static void list_models(void)
{
	printf("%-8s %-8s %-8s %-5s %-9s %-6s %s\n", "MODEL", "VENDOR", "$PN", "$PSN", "FIRMWARE",
	       "HTTPS-UPGRADE", "USER-AGENT");
	for (size_t i = 0; i < ps_model_count(); i++) {
		const struct ps_model *m = ps_model_at(i);
		struct ps_identity id;
		ps_identity_init(&id, m);
		char *ua = ps_identity_user_agent(&id);
		printf("%-8s %-8s %-8s %-5s %-9s %-13s %s\n", m->id, m->vendor, m->product, m->psn,
		       m->firmware, m->https_upgrade ? "yes" : "no", ua);
		printf("         TLS: %s\n         priority: %s\n", m->suites, m->priority);
		free(ua);
		ps_identity_clear(&id);
	}
}

static void fill_phone(struct ps_report *r, const struct ps_identity *id, const char *priority)
{
	struct ps_phone_info *p = &r->phone;
	p->model = ps_xstrdup(id->model->id);
	p->vendor = ps_xstrdup(id->model->vendor);
	p->product = ps_xstrdup(id->model->product);
	p->psn = ps_xstrdup(id->model->psn);
	p->firmware = ps_xstrdup(id->firmware);
	p->mac = ps_xstrdup(id->mac);
	p->serial = ps_xstrdup(id->serial);
	p->user_agent = ps_identity_user_agent(id);
	p->priority = ps_xstrdup(priority);
}

static int write_report(const struct options *o, const struct ps_report *r)
{
	const struct ps_output_format *fmt = ps_output_find(o->format);
	FILE *out = stdout;
	if (o->output) {
		out = fopen(o->output, "w");
		if (!out) {
			fprintf(stderr, "provscope: --output %s: %s\n", o->output, strerror(errno));
			return -1;
		}
	}
	const char *nc = getenv("NO_COLOR");
	struct ps_output_opts oo = { .color = !o->output && isatty(STDOUT_FILENO) && !(nc && *nc) };
	int rc = fmt->write(out, r, &oo);
	if (fflush(out) != 0)
		rc = -1;
	if (o->output && fclose(out) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "provscope: writing the report to %s: %s\n",
			o->output ? o->output : "standard output", strerror(errno));
	return rc;
}

/* --download-firmware FILE: its directory must exist and be writable, and
 * FILE, if it exists, must be a regular file (it is replaced only by a
 * whole image). */
static bool check_download(const char *file, char **err)
{
	struct stat st;
	if (stat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		*err = ps_xasprintf("--download-firmware %s: not a regular file", file);
		return false;
	}
	char *dir = ps_xstrdup(file);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	bool ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && access(dir, W_OK) == 0;
	if (!ok)
		*err =
		    ps_xasprintf("--download-firmware %s: the directory %s %s", file, dir,
				 stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ? "does not exist"
									     : "is not writable");
	free(dir);
	return ok;
}

/* What every run of this invocation shares: the options and what was read
 * from files. */
struct session {
	const struct options *o;
	struct ps_tls_creds *creds;
	struct ps_trust *trust; /* both clients' anchors, read once, shared by every run */
};

/* One run: the phone's identity, the engine's configuration and the
 * report's header. */
struct job {
	const struct session *s;
	struct ps_identity id;
	char *user_agent;
	struct ps_progress bar;
	struct ps_run_config cfg;
};

/* Check the options against the files and fill `s`; returns 0 or the
 * usage status (the message is on stderr). */
static int session_open(struct session *s, const struct options *o, const struct ps_model *model,
			const struct ps_demo *demo)
{
	memset(s, 0, sizeof *s);
	s->o = o;
	int rc = PS_EXIT_OK;
	char *err = NULL;
	struct ps_identity id;
	ps_identity_init(&id, model);
	bool mac_ok = !o->mac || ps_identity_set_mac(&id, o->mac);
	ps_identity_clear(&id);
	if (!mac_ok)
		return fail_usage("--mac '%s': give 12 hex digits, e.g. 00:0e:08:aa:bb:cc", o->mac);
	const char *priority = o->priority ? o->priority : model->priority;
	if (!ps_tls_priority_check(priority, &err) ||
	    (o->mode == PS_MODE_LIVE && o->target && !ps_engine_check_target(o->target, &err)) ||
	    (!demo &&
	     !(s->trust = ps_trust_new_files(o->ca, o->modern_ca, o->system_trust, &err))) ||
	    (o->download && !check_download(o->download, &err))) {
		rc = fail_usage("%s", err);
		goto out;
	}
	if (o->key && !o->cert) {
		rc = fail_usage("--key needs --cert");
		goto out;
	}
	if (demo) /* the lab's vendor CA and the device minted for the demo */
		s->trust = ps_trust_new_mem(demo->ca_pem, NULL, o->system_trust);
	s->creds = demo ? ps_tls_creds_new_mem(demo->cert_pem, demo->key_pem, &err)
			: ps_tls_creds_new(o->cert, o->key, &err);
	if (!s->creds)
		rc = fail_usage("%s", err);
out:
	free(err);
	return rc;
}

static void session_close(struct session *s)
{
	ps_trust_free(s->trust);
	ps_tls_creds_free(s->creds);
}

/* Prepare a run as `model` at `at` and fill the header of `report`. */
static void job_init_device(struct job *j, const struct session *s, const struct ps_model *model,
			    time_t at, struct ps_report *report, const struct ps_device *d)
{
	const struct options *o = s->o;
	memset(j, 0, sizeof *j);
	j->s = s;
	ps_identity_init(&j->id, model);
	const char *mac = d && d->mac ? d->mac : o->mac;
	const char *serial = d && d->serial ? d->serial : o->serial;
	const char *firmware = d && d->firmware ? d->firmware : o->firmware;
	const char *target = d && d->url ? d->url : o->target;
	if (mac)
		ps_identity_set_mac(&j->id, mac); /* checked by session_open or the list */
	if (serial)
		ps_identity_set_serial(&j->id, serial);
	if (firmware)
		ps_identity_set_firmware(&j->id, firmware);
	const char *priority = o->priority ? o->priority : model->priority;
	j->user_agent = ps_identity_user_agent(&j->id);
	ps_progress_init(&j->bar, stderr, "firmware");
	j->cfg = (struct ps_run_config){ .identity = &j->id,
					 .target = target,
					 .priority = priority,
					 .creds = s->creds,
					 .timeout_ms = o->timeout_ms,
					 .pins = o->pins,
					 .n_pins = o->n_pins,
					 .probe = o->probe,
					 .trust = s->trust,
					 .at = at,
					 .inspect_anyway = o->inspect_anyway,
					 .profile_key = o->profile_key,
					 .user_agent = j->user_agent,
					 .max_body = o->max_size ? o->max_size : (size_t)4 << 20,
					 .handshake_only = o->handshake_only,
					 /* offline, only a MAC given says which device it is */
					 .check_device = o->mode == PS_MODE_LIVE || o->mac,
					 .download_file = o->download,
					 .audit = o->audit,
					 .progress = o->download ? ps_progress_update : NULL,
					 .progress_ctx = &j->bar,
					 .target_version = o->target_version };
	report->tool_version = ps_xstrdup(PACKAGE_VERSION);
	/* A rule given on the command line may hold a key or a password. */
	report->target = (o->mode == PS_MODE_RULE || o->mode == PS_MODE_LIVE) && !o->show_secrets
			     ? ps_redact_rule_options(target)
			     : ps_xstrdup(target);
	fill_phone(report, &j->id, priority);
	report->mode = o->mode;
	report->show_secrets = o->show_secrets;
}

static void job_init(struct job *j, const struct session *s, const struct ps_model *model,
		     time_t at, struct ps_report *report)
{
	job_init_device(j, s, model, at, report, NULL);
}

static void job_clear(struct job *j)
{
	free(j->user_agent);
	ps_identity_clear(&j->id);
}

/* Play the run into `sink`; false with `*err` when an input file of an
 * offline run cannot be read. */
static bool job_run(struct job *j, const struct ps_sink *sink, char **err)
{
	const struct options *o = j->s->o;
	switch (o->mode) {
	case PS_MODE_CERT:
		return ps_engine_run_cert(&j->cfg, o->target, o->host, sink, err);
	case PS_MODE_PROFILE:
		return ps_engine_run_profile(&j->cfg, (const char *const *)o->files, o->n_files,
					     sink, err);
	case PS_MODE_RULE:
		ps_engine_run_rule(&j->cfg, o->target, o->kind ? o->kind : "profile", sink);
		return true;
	case PS_MODE_LIVE:
		ps_engine_run(&j->cfg, sink);
		return true;
	}
	return true;
}

/* The TUI's host interface: a job per run, played on its worker thread. */
static void *tui_prepare(void *ctx, const struct ps_tui_setup *setup, struct ps_report *r,
			 char **err)
{
	(void)err;
	struct job *j = ps_xmalloc(sizeof *j);
	job_init(j, ctx, setup->model, setup->at, r);
	j->cfg.progress = NULL; /* no progress bar across the screen */
	return j;
}

static void tui_run(void *job, const struct ps_sink *sink)
{
	char *err = NULL;
	job_run(job, sink, &err); /* live runs read no file */
	free(err);
}

static void tui_release(void *job)
{
	job_clear(job);
	free(job);
}

/* Live runs open the TUI when both ends are a terminal and nothing asks
 * for a batch report. */
static bool use_tui(const struct options *o)
{
	return o->mode == PS_MODE_LIVE && !o->batch && !o->output &&
	       strcmp(o->format, "text") == 0 && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
}

/* --devices: every device of the list through the same pass, --jobs at a
 * time, a record each in list order, then the summary. */
struct devices_run {
	const struct session *s;
	const struct ps_model *model; /* for rows without a model */
	const char *format;
	FILE *out;
	struct ps_buf held; /* JUnit: the records until the counts are known */
	struct ps_device_summary sum;
};

static char *render_report(const char *format, const struct ps_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return ps_xstrdup("");
	struct ps_output_opts oo = { .color = false };
	ps_output_find(format)->write(m, r, &oo);
	fclose(m);
	return text;
}

static int device_run(void *ctx, size_t index, const struct ps_device *d, char **record)
{
	struct devices_run *dr = ctx;
	const struct options *o = dr->s->o;
	const struct ps_model *model = d->model ? ps_model_find(d->model) : dr->model;
	struct ps_device_outcome oc = { .index = index,
					.line = d->line,
					.mac = d->mac,
					.model = model->id,
					.exit_code = PS_EXIT_USAGE };
	char *err = NULL;
	struct ps_tls_creds *creds = NULL;
	const char *target = d->url ? d->url : o->target;
	if (!ps_engine_check_target(target, &err) ||
	    (d->cert && !(creds = ps_tls_creds_new(d->cert, d->key, &err)))) {
		char *why = ps_xasprintf("line %u: %s", d->line, err);
		oc.error = why;
		*record = ps_device_record(dr->format, &oc);
		free(why);
		free(err);
		return PS_EXIT_USAGE;
	}
	struct ps_report *report = ps_report_new();
	struct job j;
	job_init_device(&j, dr->s, model, o->at, report, d);
	if (creds)
		j.cfg.creds = creds;
	j.cfg.progress = NULL;
	struct ps_sink sink = ps_report_sink(report);
	job_run(&j, &sink, &err); /* live runs read no file */
	free(err);
	ps_report_finish(report);
	ps_report_expect(report, o->expects, o->n_expects);
	oc.report = report;
	oc.exit_code = report->exit_code;
	*record = strcmp(dr->format, "jsonl") == 0 ? render_report("jsonl", report)
						   : ps_device_record(dr->format, &oc);
	int code = report->exit_code;
	job_clear(&j);
	ps_report_free(report);
	ps_tls_creds_free(creds);
	return code;
}

static void device_done(void *ctx, size_t index, const struct ps_device *d, int code,
			const char *record)
{
	struct devices_run *dr = ctx;
	char *own = NULL;
	if (!record) { /* a row that could not run */
		struct ps_device_outcome oc = { .index = index,
						.line = d->line,
						.mac = d->mac,
						.model = d->model,
						.error = d->error,
						.exit_code = code };
		own = ps_device_record(dr->format, &oc);
		record = own;
	}
	dr->sum.n++;
	dr->sum.by_exit[code & 0xff]++;
	if (code > dr->sum.worst)
		dr->sum.worst = code;
	if (strcmp(dr->format, "junit") == 0)
		ps_buf_puts(&dr->held, record);
	else {
		fputs(record, dr->out);
		fflush(dr->out);
	}
	free(own);
}

static int run_devices(const struct session *s, const struct ps_model *model)
{
	const struct options *o = s->o;
	struct ps_device_list list;
	char *err = NULL;
	if (!ps_devices_load(o->devices, &list, &err)) {
		int rc = fail_usage("%s", err);
		free(err);
		return rc;
	}
	for (size_t i = 0; i < list.n; i++)
		if (!list.v[i].error && !list.v[i].url && !o->target)
			list.v[i].error = ps_xasprintf(
			    "line %u: no url column value and no URL on the command line",
			    list.v[i].line);
	FILE *out = stdout;
	if (o->output && !(out = fopen(o->output, "w"))) {
		fprintf(stderr, "provscope: --output %s: %s\n", o->output, strerror(errno));
		ps_devices_free(&list);
		return PS_EXIT_USAGE;
	}
	struct devices_run dr = { .s = s, .model = model, .format = o->format, .out = out };
	double t0 = ps_now_ms();
	char *head = ps_device_header(o->format, list.n);
	fputs(head, out);
	free(head);
	fflush(out);
	ps_devices_run(&list, o->jobs ? o->jobs : 4, device_run, device_done, &dr);
	dr.sum.seconds = (ps_now_ms() - t0) / 1000.0;
	if (strcmp(o->format, "junit") == 0) {
		char *open = ps_device_junit_open(&dr.sum);
		fputs(open, out);
		free(open);
		fputs(dr.held.s ? dr.held.s : "", out);
	}
	char *foot = ps_device_footer(o->format, &dr.sum);
	fputs(foot, strcmp(o->format, "jsonl") == 0 ? stderr : out);
	free(foot);
	ps_buf_free(&dr.held);
	int rc = dr.sum.worst;
	if (fflush(out) != 0 || ferror(out) || (o->output && fclose(out) != 0)) {
		fprintf(stderr, "provscope: writing the records: %s\n", strerror(errno));
		rc = PS_EXIT_USAGE;
	}
	ps_devices_free(&list);
	return rc;
}

static int run(struct options *o)
{
	const struct ps_model *model = o->model ? ps_model_find(o->model) : ps_model_default();
	if (!model)
		return fail_usage("--model '%s' is not in the catalogue (see --list-models)",
				  o->model);
	if (o->lab) {
		struct ps_identity id;
		ps_identity_init(&id, model);
		if (o->serial)
			ps_identity_set_serial(&id, o->serial);
		int lrc = ps_lab_command(&o->lab_opts, &id);
		ps_identity_clear(&id);
		return lrc;
	}
	struct ps_demo demo;
	memset(&demo, 0, sizeof demo);
	static char demo_mac[13];
	if (o->demo) {
		struct ps_identity id;
		ps_identity_init(&id, model);
		if (o->mac && !ps_identity_set_mac(&id, o->mac)) {
			ps_identity_clear(&id);
			return fail_usage("--mac '%s': give 12 hex digits, e.g. 00:0e:08:aa:bb:cc",
					  o->mac);
		}
		if (o->serial)
			ps_identity_set_serial(&id, o->serial);
		/* The lab's request log on stderr, unless a screen is drawn. */
		bool quiet = !o->batch && isatty(STDOUT_FILENO);
		char *err = NULL;
		bool ok = ps_demo_start(&demo, &id, o->lab_opts.fault, o->lab_opts.pki,
					quiet ? NULL : stderr, &err);
		/* The minted certificate names this MAC: keep it when the TUI
		 * switches models. */
		memcpy(demo_mac, id.mac, sizeof demo_mac);
		ps_identity_clear(&id);
		if (!ok) {
			int urc = fail_usage("--demo: %s", err);
			free(err);
			return urc;
		}
		o->mac = demo_mac;
		o->target = demo.target;
		o->pins = ps_xrealloc(o->pins, (o->n_pins + 1) * sizeof *o->pins);
		if (!ps_pin_parse(demo.pin, &o->pins[o->n_pins], &err)) {
			int urc = fail_usage("--demo: %s", err);
			free(err);
			ps_demo_stop(&demo);
			return urc;
		}
		o->n_pins++;
	}
	struct session s;
	int rc = session_open(&s, o, model, o->demo ? &demo : NULL);
	if (rc != PS_EXIT_OK) {
		session_close(&s);
		ps_demo_stop(&demo);
		return rc;
	}
	if (o->devices) {
		rc = run_devices(&s, model);
		session_close(&s);
		return rc;
	}
	if (use_tui(o)) {
		struct ps_tui_host host = {
			.prepare = tui_prepare, .run = tui_run, .release = tui_release, .ctx = &s
		};
		struct ps_tui_setup setup = { .model = model, .at = o->at };
		bool busy = false;
		char *err = NULL;
		rc = ps_tui_main(&host, &setup, &busy, &err);
		if (err)
			fprintf(stderr, "provscope: %s%s\n", err,
				rc == PS_TUI_UNAVAILABLE ? "; writing the report instead" : "");
		free(err);
		if (busy) {
			/* A worker still waits on a server: end now, without
			 * freeing what it uses. */
			fflush(stderr);
			_exit(rc);
		}
		if (rc != PS_TUI_UNAVAILABLE) {
			session_close(&s);
			return rc;
		}
	}
	struct ps_report *report = ps_report_new();
	struct job j;
	job_init(&j, &s, model, o->at, report);
	struct ps_sink sink = ps_report_sink(report);
	char *err = NULL;
	if (!job_run(&j, &sink, &err)) {
		rc = fail_usage("%s", err);
	} else {
		ps_report_finish(report);
		ps_report_expect(report, o->expects, o->n_expects);
		rc = report->exit_code;
		if (write_report(o, report) < 0)
			rc = PS_EXIT_USAGE;
	}
	free(err);
	job_clear(&j);
	ps_report_free(report);
	session_close(&s);
	ps_demo_stop(&demo);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc == 0) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			fputs("provscope: libcurl failed to initialise\n", stderr);
			rc = PS_EXIT_INTERNAL;
		} else if (o.list_models) {
			list_models();
		} else {
			rc = run(&o);
		}
		curl_global_cleanup();
	} else if (rc < 0) {
		rc = 0;
	}
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "provscope: standard output: %s\n", strerror(errno));
		rc = PS_EXIT_USAGE;
	}
	for (size_t i = 0; i < o.n_pins; i++)
		ps_pin_clear(&o.pins[i]);
	free(o.pins);
	for (size_t i = 0; i < o.n_expects; i++)
		ps_expect_clear(&o.expects[i]);
	free(o.expects);
	return rc;
}
