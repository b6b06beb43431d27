/* Unit tests of --expect (model/expect): parsing and its usage errors, the
 * hop a key reads without and with a hopN. prefix, findings present and
 * absent, parameters with secrets redacted, and the exit rule. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/expect.h"
#include "model/finding.h"
#include "model/report.h"

#include "../helpers/sample_report.h"

/* Parse `arg`, which must be accepted. */
static void parse_ok(const char *arg, struct ps_expect *e)
{
	char *err = NULL;
	bool ok = ps_expect_parse(arg, e, &err);
	if (!ok)
		fail_msg("'%s' refused: %s", arg, err);
	assert_null(err);
}

/* Parse `arg`, which must be refused with a message holding `needle`. */
static void parse_bad(const char *arg, const char *needle)
{
	struct ps_expect e;
	char *err = NULL;
	assert_false(ps_expect_parse(arg, &e, &err));
	assert_non_null(err);
	if (!strstr(err, needle))
		fail_msg("'%s': message '%s' lacks '%s'", arg, err, needle);
	assert_null(e.key);
	free(err);
}

static void test_parse(void **state)
{
	(void)state;
	struct ps_expect e;
	parse_ok("tls.version=TLS1.0", &e);
	assert_int_equal(e.id, PS_EK_TLS_VERSION);
	assert_int_equal(e.hop, -1);
	assert_string_equal(e.key, "tls.version");
	assert_string_equal(e.value, "TLS1.0");
	ps_expect_clear(&e);

	parse_ok("hop2.http.status=200", &e);
	assert_int_equal(e.id, PS_EK_HTTP_STATUS);
	assert_int_equal(e.hop, 1);
	assert_int_equal(e.number, 200);
	assert_string_equal(e.key, "hop2.http.status");
	ps_expect_clear(&e);

	parse_ok("upgrade.would_upgrade=Yes", &e);
	assert_true(e.boolean);
	ps_expect_clear(&e);
	parse_ok("upgrade.would_upgrade=false", &e);
	assert_false(e.boolean);
	ps_expect_clear(&e);

	/* finding:ID and !finding:ID, the colon form, as finding=ID */
	parse_ok("!finding:profile.unknown_parameter", &e);
	assert_int_equal(e.id, PS_EK_NO_FINDING);
	assert_string_equal(e.value, "profile.unknown_parameter");
	ps_expect_clear(&e);
	parse_ok("hop1.finding:profile.bad_value", &e);
	assert_int_equal(e.id, PS_EK_FINDING);
	assert_int_equal(e.hop, 0);
	assert_string_equal(e.value, "profile.bad_value");
	ps_expect_clear(&e);
	parse_ok("no_finding:profile.duplicate", &e);
	assert_int_equal(e.id, PS_EK_NO_FINDING);
	ps_expect_clear(&e);

	/* The value may hold '='; an empty value is a value. */
	parse_ok("param:Profile_Rule=[--key a=b] https://x/$MA.xml", &e);
	assert_int_equal(e.id, PS_EK_PARAM);
	assert_string_equal(e.name, "Profile_Rule");
	assert_string_equal(e.value, "[--key a=b] https://x/$MA.xml");
	ps_expect_clear(&e);
	parse_ok("param:GPP_A=", &e);
	assert_string_equal(e.value, "");
	ps_expect_clear(&e);

	parse_ok("finding=chain.expired", &e);
	assert_int_equal(e.id, PS_EK_FINDING);
	assert_int_equal(e.finding, PS_F_CHAIN_EXPIRED);
	ps_expect_clear(&e);
	parse_ok("no_finding=http.not_found", &e);
	assert_int_equal(e.id, PS_EK_NO_FINDING);
	ps_expect_clear(&e);
	parse_ok("hop3.!finding=http.not_found", &e);
	assert_int_equal(e.id, PS_EK_NO_FINDING);
	assert_int_equal(e.hop, 2);
	ps_expect_clear(&e);

	parse_ok("hop1.step.tls.chain=warn", &e);
	assert_int_equal(e.id, PS_EK_STEP);
	assert_string_equal(e.name, "tls.chain");
	ps_expect_clear(&e);

	parse_ok("exit_code=0", &e);
	ps_expect_clear(&e);
	parse_ok("verdict=fail", &e);
	ps_expect_clear(&e);
	parse_ok("chain.modern_verdict=reject", &e);
	ps_expect_clear(&e);
	parse_ok("upgrade.check.status=206", &e);
	ps_expect_clear(&e);

	/* Clearing twice is harmless. */
	ps_expect_clear(&e);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_bad("tls.version", "KEY=VALUE");
	parse_bad("=TLS1.0", "KEY=VALUE");
	parse_bad("tls.vers=TLS1.0", "unknown key");
	parse_bad("TLS.VERSION=TLS1.0", "unknown key");
	parse_bad("hop2.verdict=ok", "not a field of a hop");
	parse_bad("hop1.param:X=1", "not a field of a hop");
	parse_bad("hop0.tls.version=TLS1.0", "hop number from 1");
	parse_bad("hop1tls.version=TLS1.0", "hop number from 1");
	parse_bad("hop2.=x", "unknown key");
	parse_bad("http.status=OK", "whole number");
	parse_bad("http.status=", "whole number");
	parse_bad("exit_code=4x", "whole number");
	parse_bad("upgrade.would_upgrade=maybe", "true or false");
	parse_bad("chain.phone_verdict=accepts", "accept or reject");
	parse_bad("verdict=pass", "ok or fail");
	parse_bad("step.tls.chain=warning", "step status");
	parse_bad("step.tls=ok", "not a step id");
	parse_bad("finding=tls.no_such", "not a finding id");
	parse_bad("!finding=", "not a finding id");
	parse_bad("param:=x", "parameter's name");
	/* Every key of the table is in the list the messages give. */
	const char *list = ps_expect_key_list();
	static const char *const names[] = {
#define PS_X(e, name, type, hop) name,
		PS_EXPECT_KEYS(PS_X)
#undef PS_X
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_non_null(strstr(list, names[i]));
}

/* Evaluate `arg` against `r`; checks ok, got (NULL for none) and hop. */
static void check(const struct ps_report *r, const char *arg, bool ok, const char *got, long hop)
{
	struct ps_expect e;
	struct ps_expect_result res;
	parse_ok(arg, &e);
	ps_expect_eval(&e, r, &res);
	if (res.ok != ok)
		fail_msg("%s: ok is %d, got '%s'", arg, res.ok, res.got ? res.got : "(null)");
	if (got)
		assert_string_equal(res.got, got);
	else
		assert_null(res.got);
	assert_int_equal(res.hop, hop);
	assert_string_equal(res.key, e.key);
	ps_expect_result_clear(&res);
	ps_expect_clear(&e);
}

static void test_eval_hops(void **state)
{
	(void)state;
	struct ps_report *r = ps_sample_report();
	check(r, "tls.version=TLS1.0", true, "TLS1.0", 0);
	check(r, "tls.version=TLS1.2", false, "TLS1.0", 0);
	check(r, "tls.cipher_suite=TLS_RSA_WITH_AES_256_CBC_SHA", true,
	      "TLS_RSA_WITH_AES_256_CBC_SHA", 0);
	check(r, "tls.established=yes", true, "true", 0);
	check(r, "client_auth.requested=true", true, "true", 0);
	check(r, "client_auth.sent=true", false, "false", 0);
	check(r, "chain.phone_verdict=accept", true, "accept", 0);
	check(r, "chain.modern_verdict=accept", false, "reject", 0);
	/* Without a prefix: the first hop that has the field. */
	check(r, "http.status=200", true, "200", 0);
	check(r, "hop2.http.status=404", true, "404", 1);
	check(r, "hop2.http.status=200", false, "404", 1);
	/* A hop without the record, or no such hop: nothing to compare. */
	check(r, "hop2.tls.version=TLS1.0", false, NULL, -1);
	check(r, "hop9.http.status=200", false, NULL, -1);
	check(r, "step.http=fail", true, "fail", 1);
	check(r, "hop1.step.tls.chain=warn", true, "warn", 0);
	check(r, "step.audit=ok", false, NULL, -1);
	ps_report_free(r);
}

static void test_eval_findings_and_run(void **state)
{
	(void)state;
	struct ps_report *r = ps_sample_report();
	check(r, "finding=http.not_found", true, "http.not_found", 1);
	check(r, "hop2.finding=http.not_found", true, "http.not_found", 1);
	check(r, "hop1.finding=http.not_found", false, NULL, -1);
	check(r, "finding=chain.expired", false, NULL, -1);
	check(r, "!finding=chain.expired", true, NULL, -1);
	check(r, "no_finding=http.not_found", false, "http.not_found", 1);
	check(r, "hop1.!finding=http.not_found", true, NULL, -1);
	check(r, "upgrade.would_upgrade=1", true, "true", -1);
	check(r, "upgrade.enabled=true", false, "false", -1);
	check(r, "upgrade.target_version=6.1.5b", true, "6.1.5b", -1);
	check(r, "upgrade.check.status=200", true, "200", -1);
	check(r, "verdict=ok", true, "ok", -1);
	check(r, "exit_code=0", true, "0", -1);
	check(r, "exit_code=4", false, "0", -1);

	struct ps_expect e;
	struct ps_expect_result res;
	parse_ok("!finding=http.not_found", &e);
	ps_expect_eval(&e, r, &res);
	assert_true(res.negated);
	char *text = ps_expect_result_text(&res);
	assert_string_equal(text, "expected no http.not_found, got http.not_found");
	free(text);
	ps_expect_result_clear(&res);
	ps_expect_clear(&e);

	/* No upgrade analysis: nothing to compare. */
	r->upgrade.evaluated = false;
	check(r, "upgrade.would_upgrade=false", false, NULL, -1);
	ps_report_free(r);
}

static void test_eval_params_and_secrets(void **state)
{
	(void)state;
	struct ps_report *r = ps_sample_report();
	check(r, "param:Upgrade_Enable=Yes", true, "Yes", -1);
	check(r, "param:Upgrade_Enable=No", false, "Yes", -1);
	check(r, "param:upgrade_enable=Yes", false, NULL, -1);
	check(r, "param:No_Such=", false, NULL, -1);

	/* A secret is compared on its value and printed as ******** on both
	 * sides, unless --show-secrets. */
	struct ps_expect e;
	struct ps_expect_result res;
	parse_ok("param:Password_1_=s3cret", &e);
	ps_expect_eval(&e, r, &res);
	assert_true(res.ok);
	assert_string_equal(res.expected, "********");
	assert_string_equal(res.got, "********");
	ps_expect_result_clear(&res);
	ps_expect_clear(&e);
	parse_ok("param:Password_1_=guess", &e);
	ps_expect_eval(&e, r, &res);
	assert_false(res.ok);
	assert_string_equal(res.expected, "********");
	assert_string_equal(res.got, "********");
	char *text = ps_expect_result_text(&res);
	assert_null(strstr(text, "s3cret"));
	assert_null(strstr(text, "guess"));
	free(text);
	ps_expect_result_clear(&res);
	r->show_secrets = true;
	ps_expect_eval(&e, r, &res);
	assert_string_equal(res.expected, "guess");
	assert_string_equal(res.got, "s3cret");
	ps_expect_result_clear(&res);
	ps_expect_clear(&e);
	r->show_secrets = false;

	/* The --key of a rule is redacted as in the outputs. */
	parse_ok("param:Profile_Rule_B=[--key k3y] https://p/$MA.xml", &e);
	ps_expect_eval(&e, r, &res);
	assert_true(res.ok);
	assert_null(strstr(res.got, "k3y"));
	assert_null(strstr(res.expected, "k3y"));
	assert_non_null(strstr(res.got, "https://p/$MA.xml"));
	ps_expect_result_clear(&res);
	ps_expect_clear(&e);
	ps_report_free(r);
}

static void parse_all(struct ps_expect *v, const char *const *args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		parse_ok(args[i], &v[i]);
}

static void clear_all(struct ps_expect *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ps_expect_clear(&v[i]);
}

static void test_exit_rule(void **state)
{
	(void)state;
	static const char *const args[] = { "tls.version=TLS1.0", "http.status=200",
					    "hop2.http.status=200" };
	struct ps_expect v[3];
	parse_all(v, args, 3);

	/* All met: the run's own result stands. */
	struct ps_report *r = ps_sample_report();
	char *before = ps_xstrdup(r->summary);
	assert_int_equal(ps_report_expect(r, v, 2), 0);
	assert_int_equal(r->n_expectations, 2);
	assert_int_equal(r->exit_code, 0);
	assert_string_equal(r->verdict, "ok");
	assert_string_equal(r->summary, before);
	free(before);

	/* One fails in an ok run: exit 10, verdict fail, every result kept. */
	assert_int_equal(ps_report_expect(r, v, 3), 1);
	assert_int_equal(r->n_expectations, 3);
	assert_true(r->expectations[0].ok);
	assert_false(r->expectations[2].ok);
	assert_string_equal(r->expectations[2].got, "404");
	assert_int_equal(r->exit_code, PS_EXIT_EXPECT);
	assert_string_equal(r->verdict, "fail");
	assert_string_equal(r->summary,
			    "an --expect or audit check failed: 1 of 3 expectations not met "
			    "(first: hop2.http.status: expected 200, got 404)");
	ps_report_free(r);

	/* A run that failed keeps its own category; the summary says more. */
	r = ps_sample_report();
	ps_report_add_finding(r, 0, PS_F_TLS_PROTOCOL_VERSION, NULL);
	ps_report_finish(r);
	assert_int_equal(r->exit_code, PS_EXIT_TLS);
	assert_int_equal(ps_report_expect(r, v, 3), 1);
	assert_int_equal(r->exit_code, PS_EXIT_TLS);
	assert_string_equal(r->verdict, "fail");
	assert_non_null(strstr(r->summary, "TLS negotiation failed"));
	assert_non_null(strstr(r->summary, "1 of 3 expectations not met"));
	/* No expectation: nothing changes and nothing is kept. */
	assert_int_equal(ps_report_expect(r, NULL, 0), 0);
	assert_int_equal(r->n_expectations, 0);
	assert_null(r->expectations);
	ps_report_free(r);
	clear_all(v, 3);

	/* verdict and exit_code read the run's own result. */
	static const char *const own[] = { "verdict=ok", "exit_code=0", "finding=chain.expired" };
	parse_all(v, own, 3);
	r = ps_sample_report();
	assert_int_equal(ps_report_expect(r, v, 3), 1);
	assert_true(r->expectations[0].ok);
	assert_true(r->expectations[1].ok);
	assert_int_equal(r->exit_code, PS_EXIT_EXPECT);
	ps_report_free(r);
	clear_all(v, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_eval_hops),
		cmocka_unit_test(test_eval_findings_and_run),
		cmocka_unit_test(test_eval_params_and_secrets),
		cmocka_unit_test(test_exit_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
