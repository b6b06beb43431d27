/* Unit tests of the run layer (run/): a session checks the configuration
 * against its files and refuses what cannot run; a run fills the report's
 * header and is finished the same way for every caller (exit status, then
 * the expectations); a device row's own values come first; a device list
 * writes a record per row, in order, with the worst status. Offline
 * commands only: no network. */
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
#include <unistd.h>

#include "core/util.h"
#include "model/expect.h"
#include "model/finding.h"
#include "model/report.h"
#include "run/devices.h"
#include "run/run.h"
#include "run/session.h"

/* A session of `c` that must open. */
static struct ps_session *open_ok(const struct ps_config *c)
{
	struct ps_session *s = NULL;
	char *err = NULL;
	int rc = ps_session_open(c, NULL, &s, &err);
	if (rc != 0)
		fail_msg("session refused: %s", err);
	assert_non_null(s);
	return s;
}

/* The session of `c` is refused with exit 2 and a message holding `msg`. */
static void open_refused(const struct ps_config *c, const char *msg)
{
	struct ps_session *s = NULL;
	char *err = NULL;
	assert_int_equal(ps_session_open(c, NULL, &s, &err), PS_EXIT_USAGE);
	assert_null(s);
	assert_non_null(err);
	if (!strstr(err, msg))
		fail_msg("expected '%s' in '%s'", msg, err);
	free(err);
}

static void add_expect(struct ps_config *c, const char *text)
{
	char *err = NULL;
	c->expects = ps_xrealloc(c->expects, (c->n_expects + 1) * sizeof *c->expects);
	assert_true(ps_expect_parse(text, &c->expects[c->n_expects], &err));
	c->n_expects++;
}

static void test_session_refuses(void **state)
{
	(void)state;
	struct ps_config c;
	ps_config_init(&c);
	c.cmd = PS_CMD_LIVE;
	c.target = "https://prov.example.net/x.xml";
	c.model = "spa999";
	open_refused(&c, "--model 'spa999' is not in the catalogue");
	c.model = NULL;
	c.mac = "00:11";
	open_refused(&c, "--mac '00:11': give 12 hex digits");
	c.mac = NULL;
	c.ca = "/nonexistent/ca.pem";
	open_refused(&c, "--ca /nonexistent/ca.pem");
	c.ca = NULL;
	c.download = "/nonexistent/dir/fw.bin";
	open_refused(&c, "the directory /nonexistent/dir does not exist");
	c.download = NULL;
	c.priority = "NONE:+BOGUS";
	open_refused(&c, "priority string");
	c.priority = NULL;
	c.target = "https://[::1";
	open_refused(&c, "not a usable URL");
	c.target = "https://alice:s3cret@prov.example.net/x.xml";
	open_refused(&c, "'https://alice:********@prov.example.net/x.xml' is not a usable URL");
	c.target = "https://prov.example.net/x.xml";
	/* header injection: the serial and firmware go into the User-Agent */
	c.serial = "A\r\nX-Injected: 1";
	open_refused(&c, "--serial: a control character (0x0d) at position 2");
	c.serial = NULL;
	c.firmware = "6.1.5\n";
	open_refused(&c, "--firmware: a control character (0x0a) at position 6");
	c.firmware = NULL;
	ps_config_clear(&c);
}

/* An offline rule: the header, and the expectations evaluated by the
 * finish (exit 10 when one fails and the run is otherwise ok). */
static void test_run_finish(void **state)
{
	(void)state;
	struct ps_config c;
	ps_config_init(&c);
	c.cmd = PS_CMD_RULE;
	c.target = "($SWVER lt 7.5.2b) ? http://fw/new.bin";
	c.model = "spa504g";
	c.mac = "00:02:fd:ff:21:03";
	c.firmware = "7.4.9";
	c.kind = "upgrade";
	add_expect(&c, "verdict=fail");
	struct ps_session *s = open_ok(&c);
	struct ps_run_setup setup = ps_run_setup_of(s);
	assert_string_equal(setup.model->id, "spa504g");
	struct ps_report *r = ps_report_new();
	char *err = NULL;
	struct ps_run *run = ps_run_new(s, &setup, NULL, r, &err);
	assert_non_null(run);
	assert_int_equal(r->mode, PS_MODE_RULE);
	assert_string_equal(r->phone.model, "spa504g");
	assert_string_equal(r->phone.mac, "0002fdff2103");
	assert_string_equal(r->phone.firmware, "7.4.9");
	struct ps_sink sink = ps_report_sink(r);
	assert_true(ps_run_play(run, &sink, &err));
	ps_run_finish(run, r);
	assert_true(r->finished);
	assert_int_equal(r->n_expectations, 1);
	assert_int_equal(r->exit_code, PS_EXIT_EXPECT);
	ps_run_free(run);
	ps_report_free(r);
	ps_session_close(s);
	ps_config_clear(&c);
}

/* A device row's model, MAC and firmware come before the session's; a
 * row's certificate that cannot be read refuses that run only. */
static void test_device_row(void **state)
{
	(void)state;
	struct ps_config c;
	ps_config_init(&c);
	c.cmd = PS_CMD_RULE;
	c.target = "http://prov/$MA/$PN.xml";
	c.firmware = "6.1.5(a)";
	struct ps_session *s = open_ok(&c);
	struct ps_run_setup setup = ps_run_setup_of(s);
	struct ps_device d = { .line = 3,
			       .mac = (char *)"0002FDFF2103",
			       .model = (char *)"spa504g",
			       .firmware = (char *)"7.5.5" };
	struct ps_report *r = ps_report_new();
	char *err = NULL;
	struct ps_run *run = ps_run_new(s, &setup, &d, r, &err);
	assert_non_null(run);
	assert_string_equal(r->phone.model, "spa504g");
	assert_string_equal(r->phone.mac, "0002fdff2103");
	assert_string_equal(r->phone.firmware, "7.5.5");
	ps_run_free(run);
	ps_report_free(r);
	d.cert = (char *)"/nonexistent/dev.pem";
	r = ps_report_new();
	assert_null(ps_run_new(s, &setup, &d, r, &err));
	assert_non_null(err);
	free(err);
	ps_report_free(r);
	ps_session_close(s);
	ps_config_clear(&c);
}

/* A device list from memory, checked as a file is: good and bad rows are
 * kept, a list that cannot be used is refused with its name. */
static void test_devices_parse(void **state)
{
	(void)state;
	static const char list[] = "MAC,Model,Cert,Key\n"
				   "# a comment\n"
				   "00:02:FD:FF:21:03,spa504g,,\n"
				   "0002fdff2104,spa000,,\n"
				   "0002fdff2105,,,k.pem\n"
				   "0002fdff2106\n";
	struct ps_device_list l;
	char *err = NULL;
	assert_true(ps_devices_parse(list, sizeof list - 1, "mem.csv", &l, &err));
	assert_null(err);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].line, 3);
	assert_string_equal(l.v[0].mac, "00:02:FD:FF:21:03");
	assert_null(l.v[0].cert);
	assert_null(l.v[0].error);
	assert_string_equal(l.v[1].error, "line 4: model 'spa000' is not in the catalogue");
	assert_string_equal(l.v[2].error, "line 5: a key without a certificate");
	assert_string_equal(l.v[3].error, "line 6: 1 field where the header has 4");
	ps_devices_free(&l);

	static const char *const bad[][2] = {
		{ "", "--devices mem.csv: empty" },
		{ "serial\n1\n", "--devices mem.csv: line 1: the header names no 'mac' column" },
		{ "mac,mac\n", "--devices mem.csv: line 1: column 'mac' twice" },
		{ "mac,ip\n", "--devices mem.csv: line 1: unknown column 'ip'" },
		{ "mac\n\"0002fdff2103\n", "--devices mem.csv: line 2: " },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(ps_devices_parse(bad[i][0], strlen(bad[i][0]), "mem.csv", &l, &err));
		assert_int_equal(l.n, 0);
		assert_null(l.v);
		if (strncmp(err, bad[i][1], strlen(bad[i][1])) != 0)
			fail_msg("expected '%s' in '%s'", bad[i][1], err);
		free(err);
		err = NULL;
	}
}

/* A list whose rows cannot run: a record each, in order, exit 2. */
static void test_devices_refused_rows(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_run.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *list = ps_xasprintf("%s/devices.csv", dir);
	char *out = ps_xasprintf("%s/out.tap", dir);
	FILE *f = fopen(list, "w");
	assert_non_null(f);
	fputs("mac,model,url\n001122,,\n0002fdff2103,spa504g,ftp://prov/x\n"
	      "0002fdff2104,\"spa504g\r\nX: 1\",https://h/\n",
	      f);
	fclose(f);
	struct ps_config c;
	ps_config_init(&c);
	c.cmd = PS_CMD_DEVICES;
	c.devices = list;
	c.format = "tap";
	c.output = out;
	struct ps_session *s = open_ok(&c);
	assert_int_equal(ps_run_devices(s), PS_EXIT_USAGE);
	ps_session_close(s);
	unsigned char *text = NULL;
	size_t len = 0;
	char *err = NULL;
	assert_true(ps_read_file(out, 1 << 20, &text, &len, &err));
	const char *t = (const char *)text;
	const char *first = strstr(t, "line 2: MAC '001122'");
	const char *second = strstr(t, "line 3: 'ftp://prov/x'");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	assert_non_null(strstr(t, "1..3"));
	assert_non_null(
	    strstr(t, "line 4: column model 'spa504g\\r\\nX: 1': a control character (0x0d)"));
	free(text);
	unlink(out);
	unlink(list);
	rmdir(dir);
	free(out);
	free(list);
	ps_config_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_refuses),      cmocka_unit_test(test_run_finish),
		cmocka_unit_test(test_device_row),           cmocka_unit_test(test_devices_parse),
		cmocka_unit_test(test_devices_refused_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
