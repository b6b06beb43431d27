/* Unit tests of the TAP and JUnit outputs: the escaping helpers (XML, TAP
 * descriptions, YAML scalars) on hostile text and broken UTF-8, the
 * locale-free decimals, where findings are attached, and whole TAP and
 * JUnit documents of a report whose texts hold every special character. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/expect.h"
#include "model/report.h"
#include "output/cases.h"
#include "output/devices.h"
#include "output/escape.h"
#include "output/output.h"

static char *xml(const char *s, bool attr)
{
	struct ps_buf b = { 0 };
	ps_xml_escape(&b, s, attr);
	return ps_buf_take(&b);
}

static char *tap(const char *s)
{
	struct ps_buf b = { 0 };
	ps_tap_escape(&b, s);
	return ps_buf_take(&b);
}

static char *yaml(const char *s)
{
	struct ps_buf b = { 0 };
	ps_yaml_quote(&b, s);
	return ps_buf_take(&b);
}

#define EXPECT_STR(call, want)                     \
	do {                                       \
		char *got_ = (call);               \
		assert_string_equal(got_, (want)); \
		free(got_);                        \
	} while (0)

static void test_xml_escape(void **state)
{
	(void)state;
	EXPECT_STR(xml("a & b < c > d \"e\" 'f'", false), "a &amp; b &lt; c &gt; d \"e\" 'f'");
	EXPECT_STR(xml("a & b < c > d \"e\" 'f'", true),
		   "a &amp; b &lt; c &gt; d &quot;e&quot; 'f'");
	EXPECT_STR(xml("l1\nl2\tx\r", false), "l1\nl2\tx&#13;");
	EXPECT_STR(xml("l1\nl2\tx\r", true), "l1&#10;l2&#9;x&#13;");
	EXPECT_STR(xml("]]>", false), "]]&gt;");
	EXPECT_STR(xml("", false), "");
	EXPECT_STR(xml(NULL, false), "");
	/* Control characters XML 1.0 forbids become U+FFFD. */
	EXPECT_STR(xml("a\x01"
		       "b\x1b"
		       "c",
		       false),
		   "a\xEF\xBF\xBD"
		   "b\xEF\xBF\xBD"
		   "c");
	/* Valid UTF-8 stays; U+FFFE is not an XML character. */
	EXPECT_STR(xml("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x9E", false),
		   "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x9E");
	EXPECT_STR(xml("\xEF\xBF\xBE", false), "\xEF\xBF\xBD");
	/* Broken UTF-8: a lone continuation byte, a cut sequence, an
	 * overlong '<', a surrogate, Latin-1 and a value past U+10FFFF. */
	EXPECT_STR(xml("\x80", false), "\xEF\xBF\xBD");
	EXPECT_STR(xml("\xE2\x82", false), "\xEF\xBF\xBD\xEF\xBF\xBD");
	EXPECT_STR(xml("\xC0\xBC", false), "\xEF\xBF\xBD\xEF\xBF\xBD");
	EXPECT_STR(xml("\xED\xA0\x80", false), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	EXPECT_STR(xml("caf\xE9!", false), "caf\xEF\xBF\xBD!");
	EXPECT_STR(xml("\xF4\x90\x80\x80", false),
		   "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_tap_escape(void **state)
{
	(void)state;
	EXPECT_STR(tap("ok # SKIP not really"), "ok \\# SKIP not really");
	EXPECT_STR(tap("C:\\path"), "C:\\\\path");
	EXPECT_STR(tap("\\#"), "\\\\\\#");
	EXPECT_STR(tap("two\nlines\r\tand\x01"), "two lines  and ");
	EXPECT_STR(tap("caf\xC3\xA9"), "caf\xC3\xA9");
	EXPECT_STR(tap("bad\xFF"), "bad\xEF\xBF\xBD");
	EXPECT_STR(tap(NULL), "");
}

static void test_yaml_quote(void **state)
{
	(void)state;
	EXPECT_STR(yaml(NULL), "~");
	EXPECT_STR(yaml(""), "\"\"");
	EXPECT_STR(yaml("plain"), "\"plain\"");
	EXPECT_STR(yaml("say \"hi\" \\ there"), "\"say \\\"hi\\\" \\\\ there\"");
	EXPECT_STR(yaml("a\nb\tc\rd"), "\"a\\nb\\tc\\rd\"");
	EXPECT_STR(yaml("- key: [x] # {y}"), "\"- key: [x] # {y}\"");
	EXPECT_STR(yaml("\x01\x7f"), "\"\\x01\\x7F\"");
	EXPECT_STR(yaml("\xC2\x85"), "\"\\x85\"");
	EXPECT_STR(yaml("\xEF\xBB\xBF\xE2\x80\xA8"), "\"\\uFEFF\\u2028\"");
	EXPECT_STR(yaml("caf\xC3\xA9 \xFF"), "\"caf\xC3\xA9 \xEF\xBF\xBD\"");
}

static char *decimal(double v, unsigned places)
{
	struct ps_buf b = { 0 };
	ps_cases_decimal(&b, v, places);
	return ps_buf_take(&b);
}

static void test_decimal(void **state)
{
	(void)state;
	EXPECT_STR(decimal(0, 3), "0.000");
	EXPECT_STR(decimal(1.25, 3), "1.250");
	EXPECT_STR(decimal(0.0296, 3), "0.030");
	EXPECT_STR(decimal(12.34, 1), "12.3");
	EXPECT_STR(decimal(7, 0), "7");
	EXPECT_STR(decimal(-1, 2), "0.00");
}

/* A report with hostile texts: a failed TLS step with an error finding, a
 * chain warning, a skipped step, a warning with no hop, and two
 * expectations. */
static struct ps_report *hostile(void)
{
	struct ps_report *r = ps_report_new();
	r->tool_version = ps_xstrdup("0.1.0");
	r->target = ps_xstrdup("https://p/<a&b>\"#1\".cfg");
	r->phone.model = ps_xstrdup("spa942");
	ps_report_add_hop(r, "https://p/x");
	struct ps_hop *h = &r->hops[0];
	struct ps_step *s = ps_hop_step(h, PS_STEP_CONNECT);
	s->status = PS_STATUS_OK;
	s->summary = ps_xstrdup("connected # to <127.0.0.1>");
	s = ps_hop_step(h, PS_STEP_TLS_HANDSHAKE);
	s->status = PS_STATUS_FAIL;
	s->duration_ms = 12.5;
	s->summary = ps_xstrdup("alert\n\"fatal\" & \x01\xFF done");
	ps_report_add_finding(r, 0, PS_F_TLS_PROTOCOL_VERSION, "got <alert> \"70\" ]]> \\ #");
	s = ps_hop_step(h, PS_STEP_TLS_CHAIN);
	s->status = PS_STATUS_RUNNING; /* the chain warning is raised in its step */
	ps_report_add_finding_sev(r, 0, PS_F_CHAIN_UNTRUSTED_ROOT, PS_SEV_WARN, NULL);
	s->status = PS_STATUS_WARN;
	s = ps_hop_step(h, PS_STEP_TLS_CLIENT_AUTH);
	s->status = PS_STATUS_SKIPPED;
	s->summary = ps_xstrdup("skipped # because");
	ps_report_add_finding(r, -1, PS_F_CLIENT_AUTH_CA_MISMATCH, "no hop");
	ps_report_finish(r);
	struct ps_expect e[2];
	char *err = NULL;
	assert_true(ps_expect_parse("tls.version=TLS<1.0>", &e[0], &err));
	assert_true(ps_expect_parse("!finding=chain.untrusted_root", &e[1], &err));
	ps_report_expect(r, e, 2);
	ps_expect_clear(&e[0]);
	ps_expect_clear(&e[1]);
	return r;
}

static void test_cases(void **state)
{
	(void)state;
	struct ps_report *r = hostile();
	struct ps_cases c;
	ps_cases_build(r, &c);
	/* 4 steps, 2 expectations, the verdict. */
	assert_int_equal(c.n, 7);
	assert_int_equal(c.v[0].result, PS_CASE_PASS);
	assert_int_equal(c.v[1].result, PS_CASE_FAIL);
	assert_int_equal(c.v[1].n_findings, 1);
	assert_ptr_equal(c.v[1].first_error, &r->findings[0]);
	assert_int_equal(c.v[2].result, PS_CASE_PASS);
	assert_int_equal(c.v[2].n_findings, 1);
	assert_null(c.v[2].first_error);
	assert_int_equal(c.v[3].result, PS_CASE_SKIP);
	assert_int_equal(c.v[4].kind, PS_CASE_EXPECT);
	assert_int_equal(c.v[4].result, PS_CASE_FAIL); /* no TLS record */
	assert_int_equal(c.v[5].result, PS_CASE_FAIL); /* the warning is there */
	assert_int_equal(c.v[6].kind, PS_CASE_VERDICT);
	assert_int_equal(c.v[6].result, PS_CASE_FAIL);
	assert_int_equal(c.v[6].n_findings, 1); /* the one without a hop */
	assert_int_equal(c.failed, 4);
	assert_int_equal(c.skipped, 1);
	assert_true(c.total_ms >= 12.5);
	ps_cases_free(&c);
	ps_report_free(r);
}

static char *render(int (*write)(FILE *, const struct ps_report *, const struct ps_output_opts *),
		    const struct ps_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(write(f, r, NULL), 0);
	fclose(f);
	return buf;
}

/* JSON keeps a value that is not UTF-8 (a server's Latin-1 header), its
 * bad bytes as U+FFFD, instead of losing it. */
static void test_json_not_utf8(void **state)
{
	(void)state;
	struct ps_report *r = hostile();
	char *text = render(ps_output_json, r);
	/* the step summary "alert\n\"fatal\" & \x01\xFF done" */
	assert_non_null(strstr(text, "\\u0001\xef\xbf\xbd done"));
	free(text);
	ps_report_free(r);
}

/* Device-list records come from the format table: a row that did not run,
 * its error quoting a CSV field with a control byte and a byte that is not
 * UTF-8, is one valid JSON line in jsonl (\u0001, not YAML's \x01), a
 * one-line TAP test and well-formed XML. */
static void test_device_records(void **state)
{
	(void)state;
	const char *why = "line 2: MAC '00\x01"
			  "e08\xff': give 12 hex digits";
	struct ps_device_outcome o = { .index = 0,
				       .line = 2,
				       .mac = "00\x01"
					      "e08\xff",
				       .error = why,
				       .exit_code = 2 };
	for (const char *const *name =
		 (const char *const[]){ "text", "jsonl", "tap", "junit", NULL };
	     *name; name++) {
		const struct ps_output_format *f = ps_output_find(*name);
		assert_non_null(f->devices);
		assert_ptr_equal(ps_device_format_find(*name), f->devices);
		char *a = f->devices->record(&o), *b = ps_device_record(*name, &o);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	assert_null(ps_device_format_find("json")); /* one document, no device list */

	char *line = ps_device_record("jsonl", &o);
	assert_non_null(strstr(line, "00\\u0001e08"));
	assert_null(strstr(line, "\\x01"));
	assert_int_equal(strchr(line, '\n') - line, (long)strlen(line) - 1); /* one line */
	json_error_t jerr;
	json_t *j = json_loads(line, 0, &jerr);
	if (!j)
		fail_msg("not JSON: %s in %s", jerr.text, line);
	assert_string_equal(json_string_value(json_object_get(j, "schema")),
			    "provscope/1-device-error");
	assert_int_equal(json_integer_value(json_object_get(j, "line")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "verdict")), "fail");
	assert_string_equal(json_string_value(json_object_get(j, "error")),
			    "line 2: MAC '00\x01"
			    "e08\xef\xbf\xbd': give 12 hex digits");
	json_decref(j);
	free(line);

	char *tap = ps_device_record("tap", &o);
	assert_non_null(strstr(tap, "not ok 1 - line 2 00 e08\xef\xbf\xbd"));
	assert_non_null(strstr(tap, "  error: \"line 2: MAC '00\\x01e08\xef\xbf\xbd'"));
	free(tap);
	char *x = ps_device_record("junit", &o);
	assert_null(strchr(x, '\x01'));
	assert_non_null(strstr(x, "type=\"usage\""));
	free(x);

	/* A device that ran: its jsonl record is the jsonl format's own. */
	struct ps_report *r = hostile();
	struct ps_device_outcome ran = { .line = 3, .report = r, .exit_code = r->exit_code };
	char *rec = ps_device_record("jsonl", &ran), *whole = render(ps_output_jsonl, r);
	assert_string_equal(rec, whole);
	free(rec);
	free(whole);
	ps_report_free(r);

	struct ps_device_summary sum = { .n = 3, .worst = 7, .seconds = 1.25 };
	sum.by_exit[0] = 1;
	sum.by_exit[2] = 1;
	sum.by_exit[7] = 1;
	char *foot = ps_device_format_find("jsonl")->footer(&sum);
	assert_string_equal(foot,
			    "provscope: 3 devices in 1.2 s: 1 ok (0), 1 usage (2), 1 http (7); "
			    "worst exit 7\n");
	free(foot);
	assert_true(ps_device_format_find("jsonl")->footer_diagnostic);
	assert_true(ps_device_format_find("junit")->hold_records);
	char *open = ps_device_format_find("junit")->open(&sum);
	assert_non_null(strstr(open, "tests=\"3\" failures=\"2\""));
	free(open);
}

static void test_tap_document(void **state)
{
	(void)state;
	struct ps_report *r = hostile();
	char *t = render(ps_output_tap, r);
	assert_true(strncmp(t, "TAP version 13\n1..7\n", 20) == 0);
	assert_non_null(strstr(t, "\nok 1 - hop 1 connect: connected \\# to <127.0.0.1>\n"));
	assert_non_null(strstr(t,
			       "\nnot ok 2 - hop 1 tls.handshake: alert \"fatal\" &  "
			       "\xEF\xBF\xBD done\n  ---\n  status: fail\n  duration_ms: 12.5\n"));
	assert_non_null(strstr(t, "      detail: \"got <alert> \\\"70\\\" ]]> \\\\ #\"\n"));
	assert_non_null(strstr(t, "\nok 3 - hop 1 tls.chain\n  ---\n  status: warn\n"));
	assert_non_null(strstr(t, "\nok 4 - hop 1 tls.client_auth # SKIP skipped \\# because\n"));
	assert_non_null(strstr(
	    t, "\nnot ok 5 - expect tls.version=TLS<1.0>: expected TLS<1.0>, got nothing\n"));
	assert_non_null(strstr(t, "\nnot ok 7 - verdict fail: "));
	assert_non_null(strstr(t, "  category: tls\n"));
	/* Every line is a test, a plan, the version or indented YAML. */
	for (char *line = t; *line;) {
		char *end = strchr(line, '\n');
		assert_non_null(end);
		assert_true(strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0 ||
			    strncmp(line, "  ", 2) == 0 || strncmp(line, "TAP ", 4) == 0 ||
			    strncmp(line, "1..", 3) == 0);
		line = end + 1;
	}
	free(t);
	ps_report_free(r);
}

static void test_junit_document(void **state)
{
	(void)state;
	struct ps_report *r = hostile();
	char *x = render(ps_output_junit, r);
	assert_true(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 50) == 0);
	assert_non_null(strstr(x, "<testsuite name=\"https://p/&lt;a&amp;b&gt;&quot;#1&quot;.cfg\" "
				  "tests=\"7\" failures=\"4\" errors=\"0\" skipped=\"1\""));
	assert_non_null(strstr(x, "<testcase classname=\"hop1\" name=\"tls.handshake\" "
				  "time=\"0.013\">\n      <failure message=\"The server refuses"));
	assert_non_null(strstr(x, "type=\"tls.protocol_version\">error tls.protocol_version: "));
	assert_non_null(strstr(x, "seen: got &lt;alert&gt; \"70\" ]]&gt; \\ #\n"));
	assert_non_null(strstr(x, "<system-out>alert\n\"fatal\" &amp; \xEF\xBF\xBD\xEF\xBF\xBD "
				  "done\n</system-out>"));
	assert_non_null(strstr(x, "<skipped message=\"skipped # because\"/>"));
	assert_non_null(
	    strstr(x, "<testcase classname=\"expect\" name=\"tls.version=TLS&lt;1.0&gt;\""));
	assert_non_null(strstr(x, "<testcase classname=\"run\" name=\"verdict\""));
	assert_non_null(strstr(x, "type=\"tls\""));
	assert_non_null(strstr(x, "warning client_auth.ca_mismatch"));
	assert_non_null(strstr(x, "<property name=\"exit_code\" value=\"4\"/>"));
	const char *tail = "  </testsuite>\n</testsuites>\n";
	assert_string_equal(x + strlen(x) - strlen(tail), tail);
	/* Nothing raw: no control character but LF and tab, no bare '<' in
	 * text, no invalid UTF-8 byte 0xFF. */
	for (const unsigned char *p = (const unsigned char *)x; *p; p++) {
		assert_true(*p >= 0x20 || *p == '\n' || *p == '\t');
		assert_true(*p != 0xFF);
	}
	free(x);
	ps_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_escape),     cmocka_unit_test(test_tap_escape),
		cmocka_unit_test(test_yaml_quote),     cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_cases),          cmocka_unit_test(test_tap_document),
		cmocka_unit_test(test_junit_document), cmocka_unit_test(test_json_not_utf8),
		cmocka_unit_test(test_device_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
