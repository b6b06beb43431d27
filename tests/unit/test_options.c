/* Unit tests of the option table (cli/options): every option is in the man
 * page and in --help; options that do not apply to a command are refused
 * with the commands they are for; values are checked; the mode switches
 * (--demo, --devices, --list-models) and their conflicts; the operands;
 * --fault help on its own; a subcommand's --help shows its own options. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "core/util.h"
#include "run/conf.h"

/* What one parse printed and decided. */
struct parsed {
	enum ps_parse_outcome outcome;
	struct ps_config c;
	char *out, *err;
};

/* Parse the NULL-terminated arguments after "provscope". */
static void parse(struct parsed *p, const char *const *args)
{
	char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)"provscope";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	size_t on = 0, en = 0;
	FILE *out = open_memstream(&p->out, &on), *err = open_memstream(&p->err, &en);
	assert_non_null(out);
	assert_non_null(err);
	p->outcome = ps_options_parse(argc, argv, &p->c, out, err);
	fclose(out);
	fclose(err);
}

static void parsed_clear(struct parsed *p)
{
	ps_config_clear(&p->c);
	free(p->out);
	free(p->err);
}

#define PARSE(p, ...) parse((p), (const char *const[]){ __VA_ARGS__, NULL })

/* The arguments must be refused with a message holding `msg`. */
static void refused(const char *msg, const char *const *args)
{
	struct parsed p;
	parse(&p, args);
	if (p.outcome != PS_PARSE_USAGE || !strstr(p.err, msg))
		fail_msg("expected a usage error with '%s', got outcome %d, stderr '%s'", msg,
			 (int)p.outcome, p.err);
	assert_string_equal(p.out, "");
	parsed_clear(&p);
}
#define REFUSED(msg, ...) refused((msg), (const char *const[]){ __VA_ARGS__, NULL })

__attribute__((noinline)) static char *read_man(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char *file = ps_xasprintf("%s/man/provscope.1", top ? top : ".");
	unsigned char *text = NULL;
	size_t len = 0;
	char *err = NULL;
	if (!ps_read_file(file, 1 << 20, &text, &len, &err))
		fail_msg("%s", err);
	free(file);
	return (char *)text;
}

/* An item ".It Fl Fl NAME" (or ".It Fl X , Fl Fl NAME"), the name whole:
 * "Fl Fl ca" is not "Fl Fl cert". */
static bool man_has_item(const char *man, const char *name)
{
	char *item = ps_xasprintf("Fl Fl %s", name);
	size_t n = strlen(item);
	bool found = false;
	for (const char *at = strstr(man, item); at && !found; at = strstr(at + 1, item)) {
		const char *bol = at;
		while (bol > man && bol[-1] != '\n')
			bol--;
		found = strncmp(bol, ".It ", 4) == 0 && (at[n] == ' ' || at[n] == '\n');
	}
	free(item);
	return found;
}

/* Every option of the table has its `.It Fl Fl NAME` item in the man page
 * and a line in --help. */
static void test_table_documented(void **state)
{
	(void)state;
	char *man = read_man();
	struct parsed p;
	PARSE(&p, "--help");
	assert_int_equal(p.outcome, PS_PARSE_DONE);
	size_t n;
	const struct ps_option *t = ps_options(&n);
	assert_true(n > 30);
	for (size_t i = 0; i < n; i++) {
		char *line = ps_xasprintf("--%s", t[i].name);
		if (!man_has_item(man, t[i].name))
			fail_msg("--%s is not in the man page (.It Fl Fl %s)", t[i].name,
				 t[i].name);
		if (!strstr(p.out, line))
			fail_msg("--%s is not in --help", t[i].name);
		assert_non_null(t[i].help);
		assert_true(t[i].cmds != 0);
		free(line);
	}
	parsed_clear(&p);
	free(man);
}

/* A subcommand's --help: its synopsis and only the options for it. */
static void test_command_help(void **state)
{
	(void)state;
	struct parsed p;
	PARSE(&p, "lab", "--help");
	assert_int_equal(p.outcome, PS_PARSE_DONE);
	assert_non_null(strstr(p.out, "Usage: provscope lab "));
	assert_non_null(strstr(p.out, "--listen ADDR:PORT"));
	assert_non_null(strstr(p.out, "--mint-device MAC"));
	assert_null(strstr(p.out, "--ca "));
	assert_null(strstr(p.out, "provscope cert"));
	parsed_clear(&p);
	PARSE(&p, "cert", "-h");
	assert_int_equal(p.outcome, PS_PARSE_DONE);
	assert_non_null(strstr(p.out, "Usage: provscope cert FILE"));
	assert_non_null(strstr(p.out, "--host NAME"));
	assert_null(strstr(p.out, "--listen"));
	assert_null(strstr(p.out, "--download-firmware"));
	parsed_clear(&p);
	/* the whole help names every command and the formats */
	PARSE(&p, "--help");
	assert_non_null(strstr(p.out, "provscope rule 'RULE'"));
	assert_non_null(strstr(p.out, "--format FORMAT      text, json"));
	parsed_clear(&p);
}

static void test_refused_by_command(void **state)
{
	(void)state;
	REFUSED("--host does not apply to live runs; it is for 'provscope cert'", "--host", "x",
		"https://a/");
	REFUSED("--listen does not apply to --demo; it is for 'provscope lab'", "--demo",
		"--listen", ":1");
	REFUSED("--expect does not apply to 'provscope lab'", "lab", "--expect", "verdict=ok");
	REFUSED("--cert does not apply to --demo; it is for live runs, --devices, 'provscope "
		"scan' and 'provscope storm'",
		"--demo", "--cert", "x.pem");
	REFUSED("--count does not apply to live runs; it is for 'provscope storm'", "--count", "3",
		"https://a/");
	REFUSED("--shard does not apply to 'provscope scan'; it is for --devices and 'provscope "
		"storm'",
		"scan", "--shard", "1/2", "https://a/");
	REFUSED("--i-own-this-server does not apply to --demo; it is for 'provscope storm'",
		"--demo", "--i-own-this-server");
	REFUSED("--audit does not apply to 'provscope storm'", "storm", "--count", "2", "--audit",
		"https://a/");
	REFUSED("--model does not apply to 'provscope scan'", "scan", "--model", "spa942",
		"https://a/");
	REFUSED("--models does not apply to live runs; it is for 'provscope scan'", "--models",
		"spa942", "https://a/");
	REFUSED("--audit does not apply to 'provscope scan'", "scan", "--audit", "https://a/");
	REFUSED("--jobs does not apply to live runs; it is for --devices, 'provscope scan' and "
		"'provscope storm'",
		"--jobs", "2", "https://a/");
	REFUSED("--pki does not apply to live runs; it is for --demo and 'provscope lab'", "--pki",
		"d", "https://a/");
	REFUSED("--download-firmware does not apply to --devices", "--devices", "l.csv",
		"--download-firmware", "f", "https://a/");
	/* a switch applies to the command line it switches */
	REFUSED("--demo does not apply to 'provscope cert'; it is for live runs", "cert", "--demo",
		"f.pem");
	REFUSED("--devices does not apply to 'provscope lab'", "lab", "--devices", "l.csv");
	REFUSED("--list-models does not apply to 'provscope rule'", "rule", "--list-models", "x");
	REFUSED("--demo and --devices exclude each other", "--demo", "--devices", "l.csv");
}

static void test_values(void **state)
{
	(void)state;
	REFUSED("--timeout '0'", "--timeout", "0", "https://a/");
	REFUSED("--timeout 'x'", "--timeout", "x", "https://a/");
	REFUSED("--max-size '5G'", "--max-size", "5G", "https://a/");
	REFUSED("--jobs '65'", "--devices", "l.csv", "--jobs", "65");
	REFUSED("--format 'yaml': use one of text, json", "--format", "yaml", "https://a/");
	REFUSED("--kind 'x': use profile, upgrade or trigger", "rule", "--kind", "x", "R");
	REFUSED("--at 'tomorrow'", "--at", "tomorrow", "https://a/");
	REFUSED("HOST:PORT:ADDRESS", "--resolve", "nonsense", "https://a/");
	REFUSED("unknown option '--frobnicate' (see --help)", "--frobnicate", "https://a/");
	REFUSED("--model needs a value: --model MODEL", "https://a/", "--model");
	REFUSED("unknown option '--modle'; did you mean --model MODEL?", "--modle", "x",
		"https://a/");
	REFUSED("unknown option '--cacert': use --ca FILE", "--cacert", "x", "https://a/");
	REFUSED("unknown option '-k': use --inspect-anyway", "-k", "https://a/");
	REFUSED("unknown option '-CAfile': use --ca FILE", "-CAfile", "x", "https://a/");
	REFUSED("'-batch': long options take two dashes: --batch", "-batch", "https://a/");
	REFUSED("'--mod' could be --model, --model-file, --modern-ca, --models", "--mod", "x",
		"https://a/");
	REFUSED("help 'bogus': no such command", "help", "bogus");
	REFUSED("unknown option '-x': no option needed", "-x", "https://a/");
	struct parsed p;
	PARSE(&p, "--timeout", "2.5", "--max-size", "4M", "--resolve", "h:443:127.0.0.1",
	      "--no-probe", "--no-system-trust", "--expect", "http.status=200", "--at",
	      "2026-11-27", "https://a/");
	assert_int_equal(p.outcome, PS_PARSE_RUN);
	assert_int_equal(p.c.cmd, PS_CMD_LIVE);
	assert_int_equal(p.c.timeout_ms, 2500);
	assert_int_equal(p.c.max_size, 4u << 20);
	assert_int_equal(p.c.n_pins, 1);
	assert_false(p.c.probe);
	assert_false(p.c.system_trust);
	assert_int_equal(p.c.n_expects, 1);
	assert_int_equal(p.c.at, 1795737600);
	assert_string_equal(p.c.target, "https://a/");
	parsed_clear(&p);
}

static void test_combinations(void **state)
{
	(void)state;
	REFUSED("--key needs --cert", "--key", "k.pem", "https://a/");
	REFUSED("--download-firmware and --handshake-only exclude each other",
		"--download-firmware", "f", "--handshake-only", "https://a/");
	REFUSED("--audit is for live runs that fetch profiles", "--audit", "--handshake-only",
		"https://a/");
	REFUSED("use --format jsonl, tap, junit or text", "--devices", "l.csv", "--format", "json");
	struct parsed p;
	/* the demo shows the audit, unless only the handshake is asked for */
	PARSE(&p, "--demo");
	assert_int_equal(p.outcome, PS_PARSE_RUN);
	assert_int_equal(p.c.cmd, PS_CMD_DEMO);
	assert_true(p.c.audit);
	parsed_clear(&p);
	PARSE(&p, "--demo", "--handshake-only");
	assert_false(p.c.audit);
	parsed_clear(&p);
	PARSE(&p, "lab", "--pki", "d", "--fault", "expired", "--listen", "[::1]:0");
	assert_int_equal(p.outcome, PS_PARSE_RUN);
	assert_int_equal(p.c.cmd, PS_CMD_LAB);
	assert_string_equal(p.c.lab.pki, "d");
	assert_string_equal(p.c.lab.fault, "expired");
	assert_string_equal(p.c.lab.listen, "[::1]:0");
	parsed_clear(&p);
}

/* provscope scan: its options, --demo as a scan of the lab, what that lab
 * replaces. */
static void test_scan(void **state)
{
	(void)state;
	struct parsed p;
	PARSE(&p, "scan", "--models", "spa942,spa504g", "--jobs", "3", "--cert", "c.pem", "--ca",
	      "ca.pem", "--expect", "scan.models_ok=2", "https://a/spa$MA.xml");
	assert_int_equal(p.outcome, PS_PARSE_RUN);
	assert_int_equal(p.c.cmd, PS_CMD_SCAN);
	assert_string_equal(p.c.models, "spa942,spa504g");
	assert_int_equal(p.c.jobs, 3);
	assert_false(p.c.demo);
	assert_false(p.c.audit); /* the scan makes its own audit */
	assert_string_equal(p.c.target, "https://a/spa$MA.xml");
	parsed_clear(&p);
	PARSE(&p, "scan", "--demo", "--fault", "modern-only");
	assert_int_equal(p.outcome, PS_PARSE_RUN);
	assert_int_equal(p.c.cmd, PS_CMD_SCAN);
	assert_true(p.c.demo);
	assert_null(p.c.target);
	parsed_clear(&p);
	REFUSED("no URL given", "scan");
	REFUSED("takes no URL", "scan", "--demo", "https://a/");
	REFUSED("--fault is for the built-in lab: give --demo too", "scan", "--fault", "expired",
		"https://a/");
	REFUSED("scan --demo plays the built-in lab with its own PKI", "scan", "--demo", "--ca",
		"ca.pem");
	REFUSED("--expect scan.spa999.exit_code: not a key of a scan", "scan", "--expect",
		"scan.spa999.exit_code=0", "https://a/");
	REFUSED("--expect scan.spa942.bogus: not a key of a scan", "scan", "--expect",
		"scan.spa942.bogus=1", "https://a/");
	REFUSED("--expect scan.protocol.TLS1.4: not a key of a scan", "scan", "--expect",
		"scan.protocol.TLS1.4=true", "https://a/");
}

static void test_operands(void **state)
{
	(void)state;
	REFUSED("no URL given", "--model", "spa942");
	REFUSED("one URL at a time; 'https://b/' is one too many", "https://a/", "https://b/");
	REFUSED("'https://a/': --demo takes no URL", "--demo", "https://a/");
	REFUSED("'x': 'provscope lab' takes no URL", "lab", "x");
	REFUSED("no chain file given", "cert");
	REFUSED("one rule at a time", "rule", "a", "b");
	REFUSED("one URL at a time", "--devices", "l.csv", "https://a/", "https://b/");
	struct parsed p;
	PARSE(&p, "profile", "a.xml", "--model", "spa504g", "b.xml");
	assert_int_equal(p.outcome, PS_PARSE_RUN);
	assert_int_equal(p.c.cmd, PS_CMD_PROFILE);
	assert_int_equal(p.c.n_files, 2);
	assert_string_equal(p.c.files[0], "a.xml");
	assert_string_equal(p.c.files[1], "b.xml");
	parsed_clear(&p);
	PARSE(&p, "--devices", "l.csv");
	assert_int_equal(p.outcome, PS_PARSE_RUN);
	assert_int_equal(p.c.cmd, PS_CMD_DEVICES);
	assert_null(p.c.target);
	parsed_clear(&p);
	PARSE(&p, "--list-models");
	assert_int_equal(p.c.cmd, PS_CMD_LIST_MODELS);
	parsed_clear(&p);
}

/* --at: RFC 3339 with its offsets, the older forms, impossible dates
 * refused (the epochs are Python's datetime.fromisoformat). */
static void test_at(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		long long epoch; /* -1: refused */
	} cases[] = {
		{ "2026-02-02T08:36:39+00:00", 1770021399 },
		{ "2026-02-02T08:36:39-05:30", 1770041199 },
		{ "2026-02-02t08:36:39z", 1770021399 },
		{ "2026-11-27T08:00:00.123Z", 1795766400 },
		{ "2026-11-27 08:00", 1795766400 },
		{ "2026-11-27T08:00Z", 1795766400 },
		{ "2026-11-27", 1795737600 },
		{ "2024-02-29", 1709164800 },
		{ "2016-12-31T23:59:60Z", 1483228800 }, /* a leap second, as timegm counts it */
		{ "@1795000000", 1795000000 },
		{ "2026-02-30", -1 },
		{ "2023-02-29", -1 },
		{ "1900-02-29", -1 },
		{ "2026-13-01", -1 },
		{ "2026-00-10", -1 },
		{ "2026-11-27T24:00", -1 },
		{ "2026-11-27T08:60", -1 },
		{ "2026-11-27T08:00+24:00", -1 },
		{ "2026-11-27T08:00+0100", -1 },
		{ "2026-11-27T08:00:00.Z", -1 },
		{ "2026-1-1", -1 },
		{ "2026-11-27X08:00", -1 },
		{ "1970-01-01", -1 },
		{ "@0", -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		time_t t = 0;
		bool ok = ps_time_parse(cases[i].text, &t);
		if (ok != (cases[i].epoch >= 0) || (ok && (long long)t != cases[i].epoch))
			fail_msg("--at '%s': %s %lld, expected %lld", cases[i].text,
				 ok ? "read as" : "refused", (long long)t, cases[i].epoch);
	}
	REFUSED("--at '2026-02-30': give a date such as", "--at", "2026-02-30", "https://a/");
}

/* --fault help answers on its own, with or without --demo or lab. */
static void test_fault_help(void **state)
{
	(void)state;
	static const char *const a[] = { "--fault", "help", NULL };
	static const char *const b[] = { "--demo", "--fault", "help", NULL };
	static const char *const c[] = { "lab", "--fault", "help", NULL };
	const char *const *cases[] = { a, b, c };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct parsed p;
		parse(&p, cases[i]);
		assert_int_equal(p.outcome, PS_PARSE_DONE);
		assert_non_null(strstr(p.out, "modern-only "));
		assert_non_null(strstr(p.out, "\ncross-device "));
		assert_string_equal(p.err, "");
		parsed_clear(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_documented),
		cmocka_unit_test(test_command_help),
		cmocka_unit_test(test_refused_by_command),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_operands),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_fault_help),
		cmocka_unit_test(test_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
