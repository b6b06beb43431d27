/* The option table, its parser and --help (see options.h). */
#include "config.h"

#include "cli/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"
#include "core/util.h"
#include "lab/lab.h"
#include "output/output.h"
#include "rules/rule.h"

/* --- the commands ------------------------------------------------------------ */

#define ALL_RUNS                                                                          \
	(PS_CMD_BIT(PS_CMD_LIVE) | PS_CMD_BIT(PS_CMD_DEMO) | PS_CMD_BIT(PS_CMD_DEVICES) | \
	 PS_CMD_BIT(PS_CMD_CERT) | PS_CMD_BIT(PS_CMD_PROFILE) | PS_CMD_BIT(PS_CMD_RULE))
#define LIVE_RUNS (PS_CMD_BIT(PS_CMD_LIVE) | PS_CMD_BIT(PS_CMD_DEMO) | PS_CMD_BIT(PS_CMD_DEVICES))
#define S PS_CMD_BIT(PS_CMD_SCAN)
#define L PS_CMD_BIT(PS_CMD_LIVE)
#define D PS_CMD_BIT(PS_CMD_DEMO)
#define V PS_CMD_BIT(PS_CMD_DEVICES)
#define B PS_CMD_BIT(PS_CMD_LAB)
#define C PS_CMD_BIT(PS_CMD_CERT)
#define P PS_CMD_BIT(PS_CMD_PROFILE)
#define R PS_CMD_BIT(PS_CMD_RULE)
#define T PS_CMD_BIT(PS_CMD_STORM)
#define M PS_CMD_BIT(PS_CMD_MERGE)
#define LP PS_CMD_BIT(PS_CMD_LIST_PARAMS)
#define EVERYWHERE (~0u)

/* Operands: how many, and what they are called in messages. */
struct command {
	const char *name;  /* in refusals: "--jobs is for --devices" */
	const char *usage; /* the synopsis line(s) */
	const char *operand;
	unsigned min_operands, max_operands;
	const char *about; /* what --help says of it, for a subcommand's own help */
};

static const struct command commands[PS_CMD_COUNT] = {
	[PS_CMD_LIVE] = { "live runs", "provscope [OPTIONS] URL|RULE", "URL", 1, 1,
			  "Plays the phone's resync pass against the server of URL (or of a\n"
			  "Profile_Rule): every step the phone sees, and why it fails." },
	[PS_CMD_DEMO] = { "--demo", "provscope --demo [--fault NAME] [OPTIONS]", "URL", 0, 0,
			  "Runs the whole pass against the built-in lab server in this process." },
	[PS_CMD_DEVICES] = { "--devices",
			     "provscope --devices FILE [--jobs N] [OPTIONS] [URL|RULE]", "URL", 0,
			     1, "The same pass for every device of a CSV list, a record each." },
	[PS_CMD_LAB] = { "'provscope lab'",
			 "provscope lab [--listen ADDR:PORT] [--pki DIR] [--fault NAME] [OPTIONS]",
			 "URL", 0, 0, "Runs the built-in lab provisioning server alone." },
	[PS_CMD_CERT] = { "'provscope cert'",
			  "provscope cert FILE [--ca FILE] [--host NAME] [--at TIME] [OPTIONS]",
			  "chain file", 1, 1,
			  "Checks a chain file (leaf first) offline, as the phone and as a\n"
			  "modern client would." },
	[PS_CMD_PROFILE] = { "'provscope profile'",
			     "provscope profile FILE... [--profile-key KEY] [OPTIONS]",
			     "profile file", 1, (unsigned)-1,
			     "Decodes profiles (applied in order) into the phone's parameter\n"
			     "table and analyses the firmware upgrade." },
	[PS_CMD_RULE] = { "'provscope rule'",
			  "provscope rule 'RULE' [--kind profile|upgrade|trigger] [OPTIONS]",
			  "rule", 1, 1, "Evaluates one rule for the phone." },
	[PS_CMD_SCAN] = { "'provscope scan'",
			  "provscope scan [--models LIST] [--ca FILE] [--cert FILE --key FILE]\n"
			  "                      [OPTIONS] URL|RULE\n"
			  "       provscope scan --demo [--fault NAME] [--models LIST] [OPTIONS]",
			  "URL", 1, 1,
			  "Plays every phone of the catalogue (or --models) against one server:\n"
			  "which of them can provision from it and what each gets, the server's\n"
			  "protocol versions and cipher suites, its client-certificate request, "
			  "its\n"
			  "chain, and who else gets a per-device file." },
	[PS_CMD_LIST_MODELS] = { "--list-models", "provscope --list-models", "URL", 0, 0,
				 "Prints the phone catalogue." },
	[PS_CMD_LIST_PARAMS] = { "--list-params",
				 "provscope --list-params [--model MODEL] [-v] [WORD]", "WORD", 0,
				 1,
				 "Prints the parameters the firmware of the model's family knows "
				 "(those\n"
				 "whose names hold WORD, in any letter case): type, range or "
				 "words,\n"
				 "factory default; -v: the sources and what is uncertain." },
	[PS_CMD_STORM] = { "'provscope storm'",
			   "provscope storm --count N [--device-ca CERT --device-ca-key KEY]\n"
			   "                      [--spread S | --rate N] [--duration S] [--jobs "
			   "N]\n"
			   "                      [--shard I/N] [OPTIONS] URL|RULE\n"
			   "       provscope storm --devices FILE [OPTIONS] [URL|RULE]",
			   "URL", 0, 1,
			   "A resync storm: many devices, each with its own MAC and certificate,\n"
			   "play the whole pass against one server, arriving as "
			   "Resync_Random_Delay\n"
			   "spreads them (--spread) or at a fixed rate (--rate): how many would\n"
			   "provision, why the others fail, each step's latency percentiles, and\n"
			   "the rate at which failures began. Loopback servers only, unless\n"
			   "--i-own-this-server." },
	[PS_CMD_MERGE] = { "'provscope merge'", "provscope merge [OPTIONS] FILE...", "result file",
			   1, (unsigned)-1,
			   "Merges the JSON results of a storm's shards (storm --shard I/N\n"
			   "--format json) into the report one run would have given." },
};

const char *ps_command_name(enum ps_command cmd)
{
	return commands[cmd].name;
}

/* --- parsers of the options with a checked value --------------------------------- */

static bool parse_timeout(struct ps_config *c, const char *s, char **err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v <= 0 || v > 3600 ||
	    (c->timeout_ms = (unsigned)(v * 1000.0 + 0.5)) == 0) {
		*err =
		    ps_xasprintf("--timeout '%s': give seconds, more than 0 and at most 3600", s);
		return false;
	}
	return true;
}

static bool parse_tftp_server(struct ps_config *c, const char *s, char **err)
{
	struct ps_url u = { .host_defaulted = true };
	char *why = NULL;
	const char *colon = strchr(s, ':');
	if (strstr(s, "://"))
		why = ps_xstrdup("give the server, not a URL");
	else if (*s == '-')
		why = ps_xstrdup("a host name does not start with '-'");
	else if (*s != '[' && colon && strchr(colon + 1, ':'))
		why = ps_xstrdup("an IPv6 address goes in brackets, [::1] or [::1]:69");
	if (why || !ps_url_dhcp_server(&u, s, &why)) {
		*err =
		    ps_xasprintf("--tftp-server '%s': %s (HOST, HOST:PORT or [IPv6]:PORT)", s, why);
		free(why);
		return false;
	}
	ps_url_clear(&u);
	c->tftp_server = s;
	return true;
}

static bool parse_resolve(struct ps_config *c, const char *s, char **err)
{
	c->pins = ps_xrealloc(c->pins, (c->n_pins + 1) * sizeof *c->pins);
	if (!ps_pin_parse(s, &c->pins[c->n_pins], err))
		return false;
	c->n_pins++;
	return true;
}

static bool parse_model_file(struct ps_config *c, const char *s, char **err)
{
	(void)err;
	c->model_files =
	    ps_xrealloc(c->model_files, (c->n_model_files + 1) * sizeof *c->model_files);
	c->model_files[c->n_model_files++] = s;
	return true;
}

static bool parse_expect(struct ps_config *c, const char *s, char **err)
{
	c->expects = ps_xrealloc(c->expects, (c->n_expects + 1) * sizeof *c->expects);
	if (!ps_expect_parse(s, &c->expects[c->n_expects], err))
		return false;
	c->n_expects++;
	return true;
}

static bool parse_jobs(struct ps_config *c, const char *s, char **err)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 64) {
		*err = ps_xasprintf("--jobs '%s': give a number from 1 to 64", s);
		return false;
	}
	c->jobs = (unsigned)v;
	return true;
}

/* A number of seconds, more than 0 and at most `max`. */
static bool parse_seconds(const char *opt, const char *s, double max, double *out, char **err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > max) {
		*err = ps_xasprintf("--%s '%s': give seconds, more than 0 and at most %.0f", opt, s,
				    max);
		return false;
	}
	*out = v;
	return true;
}

static bool parse_spread(struct ps_config *c, const char *s, char **err)
{
	return parse_seconds("spread", s, 86400, &c->spread_s, err);
}

static bool parse_duration(struct ps_config *c, const char *s, char **err)
{
	return parse_seconds("duration", s, 7 * 86400, &c->duration_s, err);
}

/* --rate N or N/s: passes begun per second. */
static bool parse_rate(struct ps_config *c, const char *s, char **err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end != s && strcmp(end, "/s") == 0)
		end += 2;
	if (errno || end == s || *end || !(v > 0) || v > 1e6) {
		*err = ps_xasprintf("--rate '%s': give passes per second, e.g. 50 or 50/s (more "
				    "than 0, at most 1000000)",
				    s);
		return false;
	}
	c->rate = v;
	return true;
}

static bool parse_count(struct ps_config *c, const char *s, char **err)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > 10000000) {
		*err = ps_xasprintf("--count '%s': give a number of devices from 1 to 10000000", s);
		return false;
	}
	c->count = (unsigned long)v;
	return true;
}

static bool parse_seed(struct ps_config *c, const char *s, char **err)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-') {
		*err = ps_xasprintf("--seed '%s': give a whole number, e.g. 1", s);
		return false;
	}
	c->seed = v;
	c->seed_given = true;
	return true;
}

/* --shard I/N: the I-th of N slices (1-based). */
static bool parse_shard(struct ps_config *c, const char *s, char **err)
{
	unsigned long i = 0, n = 0;
	int used = 0;
	if (sscanf(s, "%lu/%lu%n", &i, &n, &used) != 2 || s[used] || *s == '-' || !i || !n ||
	    i > n || n > 100000 || strchr(s, '-') || strchr(s, '+') || strchr(s, ' ')) {
		*err = ps_xasprintf("--shard '%s': give I/N, the I-th of N slices, 1 <= I <= N "
				    "(e.g. 1/4; N at most 100000)",
				    s);
		return false;
	}
	c->shard_i = (unsigned)i;
	c->shard_n = (unsigned)n;
	return true;
}

static bool parse_at(struct ps_config *c, const char *s, char **err)
{
	if (ps_time_parse(s, &c->at))
		return true;
	*err = ps_xasprintf("--at '%s': give a date such as 2026-11-27 (UTC), an RFC 3339 time "
			    "such as 2026-11-27T08:00:00+01:00, or @1795000000",
			    s);
	return false;
}

static bool parse_max_size(struct ps_config *c, const char *s, char **err)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = *end == 'k' || *end == 'K' ? 10 : *end == 'm' || *end == 'M' ? 20 : 0;
	if (errno || end == s || v == 0 || (*end && (!shift || end[1])) ||
	    v > ((1ull << 30) >> shift)) {
		*err = ps_xasprintf(
		    "--max-size '%s': give bytes, e.g. 4194304, 512k or 4M (at most 1024M)", s);
		return false;
	}
	c->max_size = (size_t)(v << shift);
	return true;
}

static bool parse_format(struct ps_config *c, const char *s, char **err)
{
	if (!ps_output_find(s)) {
		*err = ps_xasprintf("--format '%s': use one of %s", s, ps_output_names());
		return false;
	}
	c->format = s;
	return true;
}

static bool parse_kind(struct ps_config *c, const char *s, char **err)
{
	if (strcmp(s, "profile") != 0 && strcmp(s, "upgrade") != 0 && strcmp(s, "trigger") != 0) {
		*err = ps_xasprintf("--kind '%s': use profile, upgrade or trigger", s);
		return false;
	}
	c->kind = s;
	return true;
}

/* -v, -vv: more of the text report; -q: the verdict and the errors. */
static bool parse_verbose(struct ps_config *c, const char *s, char **err)
{
	(void)s, (void)err;
	if (c->verbosity < 2)
		c->verbosity = c->verbosity < 0 ? 1 : c->verbosity + 1;
	return true;
}

static bool parse_quiet(struct ps_config *c, const char *s, char **err)
{
	(void)s, (void)err;
	c->verbosity = -1;
	return true;
}

static bool parse_color(struct ps_config *c, const char *s, char **err)
{
	if (strcmp(s, "auto") != 0 && strcmp(s, "always") != 0 && strcmp(s, "never") != 0) {
		*err = ps_xasprintf("--color '%s': use auto, always or never", s);
		return false;
	}
	c->color = s;
	return true;
}

/* -o - and --output -: standard output, as curl takes them. */
static bool parse_output(struct ps_config *c, const char *s, char **err)
{
	(void)err;
	c->output = strcmp(s, "-") == 0 ? NULL : s;
	return true;
}

/* The options that turn a live command line into another command. */
static bool parse_demo(struct ps_config *c, const char *s, char **err)
{
	(void)s, (void)err;
	if (c->cmd == PS_CMD_SCAN)
		c->demo = true; /* a scan of the built-in lab */
	else
		c->cmd = PS_CMD_DEMO;
	return true;
}

static bool parse_devices(struct ps_config *c, const char *s, char **err)
{
	(void)err;
	c->devices = s;
	if (c->cmd != PS_CMD_STORM) /* a storm's devices come from a list */
		c->cmd = PS_CMD_DEVICES;
	return true;
}

static bool parse_list_models(struct ps_config *c, const char *s, char **err)
{
	(void)s, (void)err;
	c->cmd = PS_CMD_LIST_MODELS;
	return true;
}

static bool parse_list_params(struct ps_config *c, const char *s, char **err)
{
	(void)s, (void)err;
	c->cmd = PS_CMD_LIST_PARAMS;
	return true;
}

/* --- the table ------------------------------------------------------------------- */

#define STRING(field) .kind = PS_OPT_STRING, .off = offsetof(struct ps_config, field)
#define SET(field) .kind = PS_OPT_SET, .off = offsetof(struct ps_config, field)
#define CLEAR(field) .kind = PS_OPT_CLEAR, .off = offsetof(struct ps_config, field)
#define PARSE(fn) .kind = PS_OPT_PARSE, .parse = (fn)

/* In --help order within each group. "{formats}" stands for the output
 * formats' names. */
static const struct ps_option table[] = {
	/* the phone */
	{ "model", 0, "MODEL", PS_OG_IDENTITY, ALL_RUNS | B | T | LP,
	  "phone model from --list-models (default spa942)", STRING(model) },
	{ "model-file", 0, "FILE|DIR", PS_OG_IDENTITY,
	  ALL_RUNS | S | B | T | LP | PS_CMD_BIT(PS_CMD_LIST_MODELS),
	  "a phone learned by lab --learn-model, added to the\ncatalogue (repeatable; a directory: "
	  "its *.json);\none file alone is the phone played",
	  PARSE(parse_model_file) },
	{ "mac", 0, "MAC", PS_OG_IDENTITY, (ALL_RUNS & ~V) | S | T,
	  "the phone's MAC address (default: vendor OUI + aabbcc);\nstorm --count: the first "
	  "of the range (default OUI +\n000001)",
	  STRING(mac) },
	{ "serial", 0, "SERIAL", PS_OG_IDENTITY, ALL_RUNS | B | S, "the phone's serial number",
	  STRING(serial) },
	{ "firmware", 0, "VERSION", PS_OG_IDENTITY, ALL_RUNS | S | T,
	  "the firmware version ($SWVER), e.g. 6.1.5(a)", STRING(firmware) },
	{ "cert", 0, "FILE", PS_OG_IDENTITY, L | V | S | T,
	  "device certificate (PEM) sent when the server asks", STRING(cert) },
	{ "key", 0, "FILE", PS_OG_IDENTITY, L | V | S | T,
	  "its private key (PEM; default: the --cert file)", STRING(key) },
	{ "ca", 0, "FILE", PS_OG_IDENTITY, L | V | C | S | T,
	  "the CA certificates the phone trusts (PEM)", STRING(ca) },
	{ "at", 0, "TIME", PS_OG_IDENTITY, ALL_RUNS | S | T,
	  "the phone's clock: 2026-11-27 (UTC), an RFC 3339\ntime such as "
	  "2026-11-27T08:00:00+01:00, or @EPOCH\n(default: now)",
	  PARSE(parse_at) },
	{ "tftp-server", 0, "HOST[:PORT]", PS_OG_IDENTITY, (ALL_RUNS & ~(C | D)) | S | T,
	  "the TFTP server DHCP gave the phone (option 66/150):\nrules without a host, such as "
	  "the factory /spa$PSN.cfg,\nfetch from it",
	  PARSE(parse_tftp_server) },
	{ "priority", 0, "STRING", PS_OG_IDENTITY, LIVE_RUNS | T,
	  "GnuTLS priority string instead of the model's", STRING(priority) },
	/* checks */
	{ "audit", 0, NULL, PS_OG_CHECKS, L | V,
	  "after the pass, ask for each per-device file without a\ncertificate, and for a "
	  "neighbour MAC's file with this one",
	  SET(audit) },
	{ "inspect-anyway", 0, NULL, PS_OG_CHECKS, LIVE_RUNS | S | T,
	  "go on past a chain the phone rejects (it would not)", SET(inspect_anyway) },
	{ "no-system-trust", 0, NULL, PS_OG_CHECKS, LIVE_RUNS | C | S | T,
	  "the modern client trusts only --ca, not the system store", CLEAR(system_trust) },
	{ "modern-ca", 0, "FILE", PS_OG_CHECKS, L | V | C | S,
	  "CA certificates only the modern client trusts (PEM)", STRING(modern_ca) },
	{ "host", 0, "NAME", PS_OG_CHECKS, C, "cert: the host name or IP address to check",
	  STRING(host) },
	/* profiles and rules */
	{ "profile-key", 0, "KEY", PS_OG_PROFILES, LIVE_RUNS | P | R | S | T,
	  "key for encrypted profiles (openssl enc -aes-256-cbc)", STRING(profile_key) },
	{ "target-version", 0, "V", PS_OG_PROFILES, LIVE_RUNS | P | R | S | T,
	  "the version of the firmware image the upgrade points to", STRING(target_version) },
	{ "strict", 0, NULL, PS_OG_PROFILES, LIVE_RUNS | P | S,
	  "the profile checks' findings (unknown parameters, bad\nvalues, other models', "
	  "duplicates) are errors:\nexit 8",
	  SET(strict) },
	{ "kind", 0, "KIND", PS_OG_PROFILES, R,
	  "rule: evaluate as a profile, upgrade or trigger rule", PARSE(parse_kind) },
	{ "show-secrets", 0, NULL, PS_OG_PROFILES, ALL_RUNS | S | T,
	  "print passwords and keys instead of ********", SET(show_secrets) },
	/* network */
	{ "timeout", 0, "SECONDS", PS_OG_NETWORK, LIVE_RUNS | S | T,
	  "limit for each network wait (default 10)", PARSE(parse_timeout) },
	{ "resolve", 0, "HOST:PORT:ADDR[,ADDR]", PS_OG_NETWORK, L | V | S | T,
	  "use ADDR for HOST:PORT instead of DNS (repeatable;\nPORT * for every port)",
	  PARSE(parse_resolve) },
	{ "no-probe", 0, NULL, PS_OG_NETWORK, LIVE_RUNS | S,
	  "no second, modern-client handshake after a failure", CLEAR(probe) },
	{ "handshake-only", 0, NULL, PS_OG_NETWORK, LIVE_RUNS | S | T,
	  "stop after the TLS handshake: no HTTP request", SET(handshake_only) },
	{ "max-size", 0, "BYTES", PS_OG_NETWORK, LIVE_RUNS | P | S | T,
	  "cap on a fetched body (default 4M) or a profile file\n(profile: default 64M); k and M "
	  "suffixes",
	  PARSE(parse_max_size) },
	{ "download-firmware", 0, "FILE", PS_OG_NETWORK, L | D,
	  "when the phone would upgrade, download the image to FILE\nover the phone's TLS "
	  "(progress on stderr; at most 64M)",
	  STRING(download) },
	{ "keylog", 0, "FILE", PS_OG_NETWORK, LIVE_RUNS | S,
	  "append the TLS secrets to FILE for Wireshark (NSS key\nlog format, as SSLKEYLOGFILE)",
	  STRING(keylog) },
	/* output */
	{ "batch", 0, NULL, PS_OG_OUTPUT, ALL_RUNS | S | T,
	  "never open the interactive view, which a live run opens\nwhen it runs on a terminal "
	  "(? in it lists the keys)",
	  SET(batch) },
	{ "format", 0, "FORMAT", PS_OG_OUTPUT, ALL_RUNS | S | T | M, "{formats} (default text)",
	  PARSE(parse_format) },
	{ "output", 'o', "FILE", PS_OG_OUTPUT, ALL_RUNS | S | T | M,
	  "write the report to FILE instead of standard output\n(- for standard output)",
	  PARSE(parse_output) },
	{ "verbose", 'v', NULL, PS_OG_OUTPUT,
	  ALL_RUNS | S | T | M | LP | PS_CMD_BIT(PS_CMD_LIST_MODELS),
	  "text: every step's detail and each distinct chain once;\n-vv everything, each hop's "
	  "chain",
	  PARSE(parse_verbose) },
	{ "quiet", 'q', NULL, PS_OG_OUTPUT, ALL_RUNS | S | T | M,
	  "text: only the verdict and the error findings", PARSE(parse_quiet) },
	{ "color", 0, "WHEN", PS_OG_OUTPUT, ALL_RUNS | S | T | M,
	  "text: colours auto (a terminal, no NO_COLOR), always\nor never", PARSE(parse_color) },
	{ "expect", 0, "KEY=VALUE", PS_OG_OUTPUT, ALL_RUNS | S,
	  "check the finished run: tls.version, http.status,\nchain.phone_verdict, "
	  "upgrade.would_upgrade, finding,\n!finding, param:NAME, hopN.KEY... (repeatable; exit "
	  "10\nwhen one fails and the run is otherwise ok)",
	  PARSE(parse_expect) },
	{ "devices", 0, "FILE", PS_OG_OUTPUT, L | T,
	  "the same pass for every device of a CSV list (columns\nmac, serial, model, firmware, "
	  "cert, key, url): a record\neach (text, jsonl, tap, junit), exit = the worst status",
	  PARSE(parse_devices) },
	{ "models", 0, "LIST", PS_OG_OUTPUT, S,
	  "scan: only these models, e.g. spa942,spa504g (default:\nthe whole catalogue)",
	  STRING(models) },
	{ "jobs", 0, "N", PS_OG_OUTPUT, V | S | T,
	  "--devices: devices at a time (1-64, default 4); scan:\nconnections at a time (default "
	  "8); storm: passes in\nflight (default 8)",
	  PARSE(parse_jobs) },
	{ "shard", 0, "I/N", PS_OG_OUTPUT, V | T,
	  "--devices and storm: only the I-th of N slices of the\ndevices (every N-th from the "
	  "I-th), for runs on N\nmachines; provscope merge joins storm results",
	  PARSE(parse_shard) },
	/* storm */
	{ "count", 0, "N", PS_OG_STORM, T,
	  "devices made from a MAC range (from --mac), each its\nown serial and, with "
	  "--device-ca, certificate",
	  PARSE(parse_count) },
	{ "device-ca", 0, "CERT", PS_OG_STORM, T,
	  "a test device CA (PEM or DER) the server trusts: each\ndevice gets a certificate of "
	  "its own from it",
	  STRING(device_ca) },
	{ "device-ca-key", 0, "KEY", PS_OG_STORM, T, "the device CA's private key",
	  STRING(device_ca_key) },
	{ "spread", 0, "SECONDS", PS_OG_STORM, T,
	  "each device begins after a random delay up to SECONDS,\nas Resync_Random_Delay "
	  "spreads phones",
	  PARSE(parse_spread) },
	{ "rate", 0, "N", PS_OG_STORM, T, "begin N passes per second (N or N/s)",
	  PARSE(parse_rate) },
	{ "duration", 0, "SECONDS", PS_OG_STORM, T,
	  "begin no pass after SECONDS; with --rate the devices\nresync again until then",
	  PARSE(parse_duration) },
	{ "seed", 0, "N", PS_OG_STORM, T, "the seed of --spread's delays (default 1)",
	  PARSE(parse_seed) },
	{ "i-own-this-server", 0, NULL, PS_OG_STORM, T,
	  "let the storm load addresses other than loopback", SET(own_server) },
	/* lab and demo */
	{ "demo", 0, NULL, PS_OG_LAB, L | S,
	  "a live run against the built-in lab (no server needed)", PARSE(parse_demo) },
	{ "fault", 0, "NAME[,NAME]", PS_OG_LAB, D | B | S,
	  "the lab plays a server mistake (--fault help lists them)", STRING(lab.fault) },
	{ "pki", 0, "DIR", PS_OG_LAB, D | B, "keep the lab's demo PKI in DIR and reuse it",
	  STRING(lab.pki) },
	{ "listen", 0, "ADDR:PORT", PS_OG_LAB, B,
	  "lab: HTTPS address and port (default 127.0.0.1:0, free)", STRING(lab.listen) },
	{ "http-port", 0, "PORT", PS_OG_LAB, B, "lab: plain-HTTP port (default: a free one)",
	  STRING(lab.http_port) },
	{ "dir", 0, "DIR", PS_OG_LAB, B, "lab: serve DIR instead of the built-in profiles",
	  STRING(lab.dir) },
	{ "record", 0, "FILE", PS_OG_LAB, B,
	  "lab: append a JSON record of each client connection\n(its ClientHello, JA3, JA4, "
	  "model match, certificate)",
	  STRING(lab.record) },
	{ "learn-model", 0, "NAME", PS_OG_LAB, B,
	  "lab: write NAME.json, a model file of the first phone\nthat connects, to play with "
	  "--model-file",
	  STRING(lab.learn_model) },
	{ "encrypt", 0, NULL, PS_OG_LAB, B,
	  "lab: per-device files encrypted (the key in each\nprofile's Profile_Rule_B)",
	  SET(lab.encrypt) },
	{ "log", 0, NULL, PS_OG_LAB, B,
	  "lab: a log line per request on the standard error even\non a terminal, instead of the "
	  "live table of phones",
	  SET(lab.log) },
	{ "mint-device", 0, "MAC", PS_OG_LAB, B,
	  "lab: write a device certificate and key into --pki, exit", STRING(lab.mint_device) },
	/* the rest */
	{ "list-models", 0, NULL, PS_OG_OTHER, L,
	  "print the phone catalogue and exit (-v: each model's\nUser-Agent, suites and GnuTLS "
	  "priority string)",
	  PARSE(parse_list_models) },
	{ "list-params", 0, NULL, PS_OG_OTHER, L,
	  "print the parameters the model's firmware knows, with\ntheir types and defaults, "
	  "and exit (WORD: those whose\nnames hold it; -v: sources, what is uncertain)",
	  PARSE(parse_list_params) },
	{ "help", 'h', NULL, PS_OG_OTHER, EVERYWHERE, "print this help and exit",
	  .kind = PS_OPT_ACTION },
	{ "version", 'V', NULL, PS_OG_OTHER, EVERYWHERE,
	  "print the versions of provscope and its libraries, and\nwhether this host can offer "
	  "what the phones need",
	  .kind = PS_OPT_ACTION },
};

#define N_OPTIONS (sizeof table / sizeof table[0])

const struct ps_option *ps_options(size_t *n)
{
	*n = N_OPTIONS;
	return table;
}

static const char *const group_titles[PS_OG_COUNT] = {
	[PS_OG_IDENTITY] = "Phone identity",
	[PS_OG_CHECKS] = "Checks",
	[PS_OG_PROFILES] = "Profiles and rules",
	[PS_OG_NETWORK] = "Network",
	[PS_OG_OUTPUT] = "Output",
	[PS_OG_STORM] = "Storm",
	[PS_OG_LAB] = "Lab and demo",
	[PS_OG_OTHER] = NULL, /* no title: the last lines */
};

/* --- --help ---------------------------------------------------------------------- */

#define HELP_COLUMN 23

static void help_option(FILE *f, const struct ps_option *o, enum ps_command cmd)
{
	/* what a storm and a merge write, and what a storm's list is */
	struct ps_option own = *o;
	if ((cmd == PS_CMD_STORM || cmd == PS_CMD_MERGE) && strcmp(o->name, "format") == 0)
		own.help = "text, json, tap or junit (default text)";
	else if (cmd == PS_CMD_STORM && strcmp(o->name, "devices") == 0)
		own.help = "the devices to play, a CSV list (columns mac, serial,\n"
			   "model, firmware, cert, key, url); or --count";
	o = &own;
	char head[64];
	if (o->short_name)
		snprintf(head, sizeof head, "  -%c, --%s%s%s", o->short_name, o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(head, sizeof head, "  --%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	fputs(head, f);
	int col = (int)strlen(head);
	if (col >= HELP_COLUMN - 1) {
		fputc('\n', f);
		col = 0;
	}
	const char *line = o->help;
	while (*line) {
		size_t n = strcspn(line, "\n");
		fprintf(f, "%*s", HELP_COLUMN - col, "");
		const char *tok = strstr(line, "{formats}");
		if (tok && (size_t)(tok - line) < n)
			fprintf(f, "%.*s%s%.*s\n", (int)(tok - line), line, ps_output_names(),
				(int)(n - (size_t)(tok - line) - 9), tok + 9);
		else
			fprintf(f, "%.*s\n", (int)n, line);
		line += n + (line[n] == '\n');
		col = 0;
	}
}

void ps_options_help(FILE *f, enum ps_command cmd, bool all)
{
	all = all && cmd == PS_CMD_LIVE;
	fputs("Usage: ", f);
	for (int k = 0, first = 1; k < PS_CMD_COUNT; k++)
		if (all || k == (int)cmd) {
			fprintf(f, "%s%s\n", first ? "" : "       ", commands[k].usage);
			first = 0;
		}
	if (all)
		fputs("       provscope help [COMMAND]\n", f);
	if (all)
		fputs(
		    "\nPlays a Linksys/Cisco SPA phone against a provisioning server and shows, "
		    "step\n"
		    "by step, what the phone sees: name resolution, TCP connect, every TLS "
		    "handshake\n"
		    "message, the server certificate chain as the phone and as a modern client "
		    "check\n"
		    "it, the client-certificate exchange, and why it fails. 'cert' checks a chain\n"
		    "file (leaf first) offline, the same way; 'profile' decodes profiles (applied\n"
		    "in order) into the phone's parameter table and analyses the firmware "
		    "upgrade;\n"
		    "'rule' evaluates one rule for the phone. 'scan' plays every model of the\n"
		    "catalogue against one server: which of them can provision from it, with "
		    "the\n"
		    "server's versions and suites. 'storm' plays many devices at once, each\n"
		    "with its own certificate, against a server of yours (a load test; 'merge'\n"
		    "joins the results of its shards). '--demo' runs the whole pass against the\n"
		    "built-in lab server in this process; 'lab' runs that server alone.\n"
		    "'provscope COMMAND --help' shows the options of one command.\n",
		    f);
	else
		fprintf(f, "\n%s\n", commands[cmd].about);
	for (int g = 0; g < PS_OG_COUNT; g++) {
		bool titled = false;
		for (size_t i = 0; i < N_OPTIONS; i++) {
			const struct ps_option *o = &table[i];
			if ((int)o->group != g || !(all || (o->cmds & PS_CMD_BIT(cmd))))
				continue;
			if (!titled) {
				fprintf(f, "\n%s%s", group_titles[g] ? group_titles[g] : "",
					group_titles[g] ? ":\n" : "");
				titled = true;
			}
			help_option(f, o, all ? PS_CMD_LIVE : cmd);
		}
	}
	if (cmd == PS_CMD_LAB) {
		fputs(
		    "\nExit status: 0 when stopped (Ctrl-C, SIGTERM, SIGHUP) or a certificate was\n"
		    "minted, 2 usage error, or a port or PKI directory that cannot be used.\n"
		    "See provscope(1).\n",
		    f);
		return;
	}
	fputs("\nExit status: 0 the phone would get through, 2 usage or local file error,\n"
	      "3 DNS/connect/timeout, 4 TLS negotiation failed, 5 server certificate\n"
	      "rejected, 6 client authentication refused, 7 HTTP error, 8 profile unusable,\n"
	      "9 firmware-upgrade check failed, 10 expectation failed, 70 internal error.\n"
	      "--devices, scan and storm: the highest of their devices', models' or\n"
	      "passes' statuses.\n"
	      "See provscope(1).\n",
	      f);
}

/* --- options it does not know --------------------------------------------------- */

/* What curl and openssl s_client users type, and what provscope calls it. */
static const struct {
	const char *habit; /* as typed, without a value */
	const char *here;  /* the answer */
} habits[] = {
	{ "--cacert", "use --ca FILE (the CA certificates the phone trusts, PEM)" },
	{ "-CAfile", "use --ca FILE (the CA certificates the phone trusts, PEM)" },
	{ "--capath", "use --ca FILE: put the directory's certificates into one PEM file" },
	{ "-k", "use --inspect-anyway (go on past a chain the phone rejects)" },
	{ "--insecure", "use --inspect-anyway (go on past a chain the phone rejects)" },
	{ "-E", "use --cert FILE and --key FILE" },
	{ "-cert", "use --cert FILE" },
	{ "-key", "use --key FILE" },
	{ "--connect-timeout", "use --timeout SECONDS (each network wait)" },
	{ "--max-time", "use --timeout SECONDS (each network wait)" },
	{ "-m", "use --timeout SECONDS (each network wait)" },
	{ "-s", "use -q (only the verdict and the error findings)" },
	{ "--silent", "use -q (only the verdict and the error findings)" },
	{ "-L", "no option needed: redirects are followed as the phone follows them" },
	{ "--location", "no option needed: redirects are followed as the phone follows them" },
	{ "-A", "use --model MODEL: the User-Agent is the phone's (see --list-models)" },
	{ "--user-agent", "use --model MODEL: the User-Agent is the phone's (see --list-models)" },
	{ "--ciphers", "use --priority STRING (a GnuTLS priority string), or --model" },
	{ "-cipher", "use --priority STRING (a GnuTLS priority string), or --model" },
	{ "--tlsv1", "use --model: the phone's TLS versions come with it, or --priority" },
	{ "--tlsv1.0", "use --model: the phone's TLS versions come with it, or --priority" },
	{ "-tls1", "use --model: the phone's TLS versions come with it, or --priority" },
	{ "-servername", "no option needed: the phones send no server name (SNI), and neither does "
			 "provscope's phone" },
	{ "-connect", "give a URL: https://HOST:PORT/FILE" },
	{ "--url", "give the URL as the last argument" },
	{ "-x",
	  "no option needed: the phones use no proxy; --resolve HOST:PORT:ADDR pins an address" },
	{ "--proxy",
	  "no option needed: the phones use no proxy; --resolve HOST:PORT:ADDR pins an address" },
	{ "--keylogfile", "use --keylog FILE" },
	{ "--ca-file", "use --ca FILE (the CA certificates the phone trusts, PEM)" },
	{ "--cafile", "use --ca FILE (the CA certificates the phone trusts, PEM)" },
	{ "--cert-file", "use --cert FILE" },
	{ "--certfile", "use --cert FILE" },
	{ "--key-file", "use --key FILE" },
	{ "--keyfile", "use --key FILE" },
};

/* What provscope calls a curl or openssl spelling ("--cacert", also
 * "---cacert" for "-cert" typed with two dashes), or NULL. */
static const char *habit(const char *name)
{
	for (size_t i = 0; i < sizeof habits / sizeof habits[0]; i++)
		if (strcmp(name, habits[i].habit) == 0 ||
		    (name[0] == '-' && name[1] == '-' && strcmp(name + 1, habits[i].habit) == 0))
			return habits[i].here;
	return NULL;
}

/* Edit distance between two short words, capped at 9. */
static unsigned distance(const char *a, const char *b)
{
	unsigned d = ps_edit_distance(a, b, 9, false);
	return d < 9 ? d : 9;
}

/* The message for an option getopt did not take: `typed` is the argument
 * it was in ("--cacert=x", "-kv"), `short_opt` the short option's letter
 * or 0. Caller frees. */
static char *unknown_option(const char *typed, int short_opt, enum ps_command cmd)
{
	char name[64];
	/* "-cert", "-CAfile": openssl's single-dash words, which getopt read
	 * as a cluster of short options. */
	bool single_dash_word = typed[0] == '-' && typed[1] && typed[1] != '-' && typed[2];
	if (short_opt && short_opt < 256 && single_dash_word) {
		snprintf(name, sizeof name, "%.*s", (int)strcspn(typed, "="), typed);
		if (habit(name))
			return ps_xasprintf("unknown option '%s': %s", name, habit(name));
		for (size_t i = 0; i < N_OPTIONS; i++)
			if (strcmp(name + 1, table[i].name) == 0)
				return ps_xasprintf("'%s': long options take two dashes: --%s",
						    name, table[i].name);
	}
	if (short_opt && short_opt < 256)
		snprintf(name, sizeof name, "-%c", short_opt);
	else
		snprintf(name, sizeof name, "%.*s", (int)strcspn(typed, "="), typed);
	/* A known option without its value. */
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct ps_option *o = &table[i];
		bool is_long = strncmp(name, "--", 2) == 0 && strcmp(name + 2, o->name) == 0;
		bool is_short = name[1] && !name[2] && o->short_name == name[1];
		if ((is_long || is_short) && o->arg)
			return ps_xasprintf("%s needs a value: %s %s", name, name, o->arg);
	}
	if (habit(name))
		return ps_xasprintf("unknown option '%s': %s", name, habit(name));
	if (strncmp(name, "--", 2) != 0)
		return ps_xasprintf("unknown option '%s' (see --help)", name);
	/* A prefix of several (getopt takes a prefix of one), or a typo. */
	const char *word = name + 2;
	struct ps_buf b = { 0 };
	unsigned n = 0;
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (*word && strncmp(table[i].name, word, strlen(word)) == 0)
			ps_buf_printf(&b, "%s--%s", n++ ? ", " : "", table[i].name);
	if (n > 1) {
		char *msg = ps_xasprintf("'%s' could be %s: give the whole name", name, b.s);
		ps_buf_free(&b);
		return msg;
	}
	ps_buf_free(&b);
	/* The nearest names: those of this command first. */
	unsigned best = 9;
	const struct ps_option *near = NULL;
	for (int pass = 0; pass < 2 && !near; pass++)
		for (size_t i = 0; i < N_OPTIONS; i++) {
			if (pass == 0 && !(table[i].cmds & PS_CMD_BIT(cmd)))
				continue;
			unsigned d = distance(word, table[i].name);
			size_t len = strlen(table[i].name);
			if (d < best && d <= (len > 6 ? 2u : 1u)) {
				best = d;
				near = &table[i];
			}
		}
	if (near)
		return ps_xasprintf("unknown option '%s'; did you mean --%s%s%s?", name, near->name,
				    near->arg ? " " : "", near->arg ? near->arg : "");
	return ps_xasprintf("unknown option '%s' (see --help)", name);
}

/* A first word that is a command misspelt ("scna", "Lab") or a habit
 * ("version"): the message, or NULL when it is none of them. Only plain
 * words: a URL, a rule or a host name has '/', ':', '.' or '$'. */
static char *near_command(const char *word)
{
	static const char *const names[] = { "lab",  "cert",  "profile", "rule",
					     "scan", "storm", "merge" };
	if (!*word ||
	    strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != strlen(word) ||
	    word[0] == '-')
		return NULL;
	if (strcmp(word, "version") == 0 || strcmp(word, "list-models") == 0 ||
	    strcmp(word, "demo") == 0)
		return ps_xasprintf("unknown command '%s'; did you mean --%s?", word, word);
	char lower[32];
	size_t n = strlen(word);
	if (n >= sizeof lower)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)(word[i] >= 'A' && word[i] <= 'Z' ? word[i] + 32 : word[i]);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (distance(lower, names[i]) <= (strlen(names[i]) > 4 ? 2u : 1u))
			return ps_xasprintf("unknown command '%s'; did you mean 'provscope %s'?",
					    word, names[i]);
	return NULL;
}

/* --- parsing ---------------------------------------------------------------------- */

/* "'provscope cert' and --demo" for a mask. */
static char *command_list(unsigned mask)
{
	struct ps_buf b = { 0 };
	unsigned n = 0, left = 0;
	for (int k = 0; k < PS_CMD_COUNT; k++)
		left += !!(mask & PS_CMD_BIT(k));
	for (int k = 0; k < PS_CMD_COUNT; k++) {
		if (!(mask & PS_CMD_BIT(k)))
			continue;
		if (n)
			ps_buf_puts(&b, n + 1 == left ? " and " : ", ");
		ps_buf_puts(&b, commands[k].name);
		n++;
	}
	return b.s ? b.s : ps_xstrdup("nothing");
}

static enum ps_parse_outcome refuse(FILE *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum ps_parse_outcome refuse(FILE *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("provscope: ", err);
	vfprintf(err, fmt, ap);
	fputc('\n', err);
	va_end(ap);
	return PS_PARSE_USAGE;
}

static enum ps_parse_outcome refuse_owned(FILE *err, char *msg)
{
	refuse(err, "%s", msg);
	free(msg);
	return PS_PARSE_USAGE;
}

/* argv[1] names a subcommand: take it off. */
static enum ps_command subcommand(int *argc, char ***argv)
{
	static const struct {
		const char *name;
		enum ps_command cmd;
	} subs[] = { { "lab", PS_CMD_LAB },         { "cert", PS_CMD_CERT },
		     { "profile", PS_CMD_PROFILE }, { "rule", PS_CMD_RULE },
		     { "scan", PS_CMD_SCAN },       { "storm", PS_CMD_STORM },
		     { "merge", PS_CMD_MERGE } };
	for (size_t i = 0; *argc > 1 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp((*argv)[1], subs[i].name) == 0) {
			(*argv)[1] = (*argv)[0];
			(*argv)++;
			(*argc)--;
			return subs[i].cmd;
		}
	return PS_CMD_LIVE;
}

/* Store one option. */
static bool store(struct ps_config *c, const struct ps_option *o, const char *arg, char **err)
{
	char *field = (char *)c + o->off;
	switch (o->kind) {
	case PS_OPT_STRING:
		memcpy(field, &arg, sizeof arg);
		return true;
	case PS_OPT_SET:
	case PS_OPT_CLEAR: {
		bool v = o->kind == PS_OPT_SET;
		memcpy(field, &v, sizeof v);
		return true;
	}
	case PS_OPT_PARSE:
		return o->parse(c, arg, err);
	case PS_OPT_ACTION:
		break;
	}
	return true;
}

/* A storm's and a merge's rules. */
static char *storm_combinations(struct ps_config *c)
{
	if (strcmp(c->format, "text") != 0 && strcmp(c->format, "json") != 0 &&
	    strcmp(c->format, "tap") != 0 && strcmp(c->format, "junit") != 0)
		return ps_xasprintf("%s writes text, json, tap or junit, not %s",
				    commands[c->cmd].name, c->format);
	if (c->cmd == PS_CMD_MERGE)
		return NULL;
	c->probe = false; /* no second handshake: the load is the phones' */
	if (!c->count == !c->devices)
		return ps_xstrdup(c->count ? "--count and --devices exclude each other: the "
					     "devices come from a range or from a list"
					   : "give the devices: --count N (a MAC range) or "
					     "--devices FILE (a list)");
	if (c->devices && c->mac)
		return ps_xstrdup("--mac is the first MAC of a --count range; a --devices "
				  "list has its own");
	if (!c->device_ca != !c->device_ca_key)
		return ps_xstrdup(c->device_ca ? "--device-ca needs --device-ca-key (the CA's "
						 "private key, to sign the devices' certificates)"
					       : "--device-ca-key needs --device-ca");
	if (c->device_ca && c->cert)
		return ps_xstrdup("--device-ca and --cert exclude each other: each device gets "
				  "a certificate from the CA, or all share --cert");
	if (c->spread_s > 0 && c->rate > 0)
		return ps_xstrdup("--spread and --rate exclude each other: random delays as "
				  "Resync_Random_Delay, or a fixed rate");
	if (c->seed_given && !(c->spread_s > 0))
		return ps_xstrdup("--seed is for --spread's random delays");
	return NULL;
}

/* The rules between options that a mask cannot say. NULL or the message
 * (caller frees). */
static char *combinations(struct ps_config *c)
{
	if (c->cmd == PS_CMD_DEVICES && strcmp(c->format, "json") == 0)
		return ps_xstrdup("--devices writes a record per device: use --format jsonl, tap, "
				  "junit or text");
	if (c->download && c->handshake_only)
		return ps_xstrdup("--download-firmware and --handshake-only exclude each other");
	if (c->audit && c->handshake_only)
		return ps_xstrdup("--audit is for live runs that fetch profiles");
	if (c->key && !c->cert)
		return ps_xstrdup("--key needs --cert");
	if (c->cmd == PS_CMD_DEMO)
		c->audit = !c->handshake_only; /* the demo shows the audit too */
	if (c->cmd == PS_CMD_SCAN && c->lab.fault && !c->demo)
		return ps_xstrdup("--fault is for the built-in lab: give --demo too");
	if (c->cmd == PS_CMD_STORM || c->cmd == PS_CMD_MERGE) {
		char *msg = storm_combinations(c);
		if (msg)
			return msg;
	}
	if (c->cmd == PS_CMD_SCAN && c->demo &&
	    (c->cert || c->key || c->ca || c->modern_ca || c->n_pins))
		return ps_xstrdup("scan --demo plays the built-in lab with its own PKI: --cert, "
				  "--key, --ca, --modern-ca and --resolve do not apply");
	return NULL;
}

/* The operands after the options. */
static enum ps_parse_outcome operands(struct ps_config *c, int argc, char **argv, FILE *err)
{
	const struct command *k = &commands[c->cmd];
	struct command scan_demo = commands[PS_CMD_DEMO];
	if (c->cmd == PS_CMD_SCAN && c->demo) { /* the lab is the target */
		scan_demo.name = "'provscope scan --demo'";
		k = &scan_demo;
	}
	unsigned n = (unsigned)(argc - optind);
	if (n > k->max_operands) {
		if (k->max_operands == 0)
			return refuse(err, "'%s': %s takes no %s", argv[optind], k->name,
				      k->operand);
		return refuse(err, "one %s at a time; '%s' is one too many", k->operand,
			      argv[optind + (int)k->max_operands]);
	}
	/* A factory-fresh phone: with the DHCP server and no URL, each model's
	 * factory rule (/spa$PSN.cfg) is the target. */
	bool factory = n == 0 && c->tftp_server &&
		       (c->cmd == PS_CMD_LIVE || c->cmd == PS_CMD_SCAN || c->cmd == PS_CMD_STORM);
	if ((n < k->min_operands || (c->cmd == PS_CMD_STORM && c->count && !n)) && !factory)
		return refuse(err, "no %s given (see --help)", k->operand);
	c->target = n ? argv[optind] : NULL;
	c->files = &argv[optind];
	c->n_files = n;
	return PS_PARSE_RUN;
}

/* getopt_long's table, from ours: val is 256 + the row. */
static void long_options(struct option *lo)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		lo[i] = (struct option){ table[i].name,
					 table[i].arg ? required_argument : no_argument, NULL,
					 table[i].short_name ? table[i].short_name : 256 + (int)i };
	lo[N_OPTIONS] = (struct option){ NULL, 0, NULL, 0 };
}

/* getopt's string of short options, from the table ("hVo:vq"). */
static void short_options(char *buf, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < N_OPTIONS && n + 3 < size; i++) {
		if (!table[i].short_name)
			continue;
		buf[n++] = (char)table[i].short_name;
		if (table[i].arg)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

static const struct ps_option *by_short(int c)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (table[i].short_name == c)
			return &table[i];
	return NULL;
}

enum ps_parse_outcome ps_options_parse(int argc, char **argv, struct ps_config *c, FILE *out,
				       FILE *err)
{
	ps_config_init(c);
	/* "provscope help" and "provscope help lab", as git and apt take them. */
	if (argc > 1 && strcmp(argv[1], "help") == 0) {
		int n = argc - 1;
		char **rest = argv + 1;
		enum ps_command cmd = n > 1 ? subcommand(&n, &rest) : PS_CMD_LIVE;
		if (n > 1 && cmd == PS_CMD_LIVE && strcmp(rest[1], "help") != 0)
			return refuse(err,
				      "help '%s': no such command; the commands are lab, cert, "
				      "profile, rule, scan, storm and merge",
				      rest[1]);
		ps_options_help(out, cmd, true);
		return PS_PARSE_DONE;
	}
	enum ps_command base = subcommand(&argc, &argv);
	c->cmd = base;
	if (base == PS_CMD_LIVE && argc > 1) {
		char *msg = near_command(argv[1]);
		if (msg)
			return refuse_owned(err, msg);
	}
	struct option lo[N_OPTIONS + 1];
	long_options(lo);
	bool seen[N_OPTIONS] = { false };
	const struct ps_option *switched = NULL; /* --demo, --devices or --list-models */
	int ch;
	opterr = 0;
	optind = 0; /* GNU getopt: start afresh (a second parse, in tests) */
	char shorts[32];
	short_options(shorts, sizeof shorts);
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct ps_option *o = ch >= 256 ? &table[ch - 256] : by_short(ch);
		if (!o) {
			/* Inside a cluster ("-cert") getopt has not moved on yet. */
			const char *typed = argv[optind - 1];
			if (optopt && optind < argc && argv[optind][0] == '-' &&
			    argv[optind][1] != '-' && strchr(argv[optind] + 1, optopt))
				typed = argv[optind];
			return refuse_owned(err, unknown_option(typed, optopt, c->cmd));
		}
		if (o->short_name == 'h') {
			ps_options_help(out, c->cmd, true);
			return PS_PARSE_DONE;
		}
		if (o->short_name == 'V')
			return PS_PARSE_VERSION;
		enum ps_command before = c->cmd;
		char *msg = NULL;
		if (!store(c, o, optarg, &msg))
			return refuse_owned(err, msg);
		if (c->cmd != before) {
			if (switched && switched != o)
				return refuse(err, "--%s and --%s exclude each other",
					      switched->name, o->name);
			switched = o;
		}
		seen[o - table] = true;
	}
	/* --fault help lists the faults, whatever else is asked. */
	if (c->lab.fault && strcmp(c->lab.fault, "help") == 0) {
		char *help = ps_lab_fault_help();
		fputs(help, out);
		free(help);
		return PS_PARSE_DONE;
	}
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct ps_option *o = &table[i];
		/* A switch applies to the command line before it switched. */
		enum ps_command cmd = o == switched ? base : c->cmd;
		if (seen[i] && !(o->cmds & PS_CMD_BIT(cmd))) {
			char *list = command_list(o->cmds);
			enum ps_parse_outcome r =
			    refuse(err, "--%s does not apply to %s; it is for %s", o->name,
				   commands[cmd].name, list);
			free(list);
			return r;
		}
	}
	char *msg = combinations(c);
	if (msg)
		return refuse_owned(err, msg);
	return operands(c, argc, argv, err);
}
