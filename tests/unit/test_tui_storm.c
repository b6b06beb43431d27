/* Unit tests of the storm's live view, its pure side (tui/stormview.h):
 * the recent rate, durations, the bar, the sparkline, each part of the
 * screen and the whole screen at many sizes, on storm reports filled by
 * hand. */
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

#include "core/util.h"
#include "model/finding.h"
#include "model/storm.h"
#include "tui/stormview.h"
#include "tui/view.h"
#include "tui_lines.h"

/* --- helpers ---------------------------------------------------------------- */

static struct ps_tui_ctx ctx(bool utf8, int width)
{
	return (struct ps_tui_ctx){ .g = ps_tui_glyphs_for(utf8), .utf8 = utf8, .width = width };
}

static void assert_fits(const struct ps_tui_lines *l, int width)
{
	for (size_t i = 0; i < l->n; i++) {
		if (ps_tui_width(l->v[i].text) > (size_t)width)
			fail_msg("line %zu is wider than %d: '%s'", i, width, l->v[i].text);
	}
}

static void add_finding(struct ps_storm_report *r, enum ps_finding_id id, enum ps_severity sev,
			uint64_t passes)
{
	r->findings = ps_xrealloc(r->findings, (r->n_findings + 1) * sizeof *r->findings);
	r->findings[r->n_findings++] = (struct ps_storm_finding){
		.id = id, .severity = sev, .passes = passes, .mac = ps_xstrdup("000e08000001")
	};
}

/* A storm at 40 passes a second: `secs` whole seconds of 40 begun and
 * ended (`failed` of each second's failed with exit 4), with latencies;
 * an info finding on every pass, a warning on some. */
static struct ps_storm_report *sample(size_t secs, uint64_t failed_per_s)
{
	struct ps_storm_report *r = ps_storm_new();
	struct ps_storm_params *p = &r->params;
	p->target = ps_xstrdup("https://localhost:8443/spa942.cfg");
	p->model = ps_xstrdup("spa942");
	p->first_mac = ps_xstrdup("000e08000001");
	p->n_devices = p->n_passes = 200;
	p->rate = 40;
	p->jobs = 8;
	p->shard_i = p->shard_n = 1;
	p->device_ca = true;
	r->planned = 200;
	r->n_seconds = secs;
	r->seconds = ps_xcalloc(secs ? secs : 1, sizeof *r->seconds);
	for (size_t i = 0; i < secs; i++) {
		r->seconds[i].started = 40;
		r->seconds[i].ok = 40 - failed_per_s;
		r->seconds[i].failed = failed_per_s;
		r->done += 40;
		r->by_exit[0] += 40 - failed_per_s;
		r->by_exit[PS_EXIT_TLS] += failed_per_s;
	}
	for (uint64_t i = 0; i < r->done; i++) {
		ps_hist_add(&r->hist[PS_STORM_CONNECT], 200 + i);
		ps_hist_add(&r->hist[PS_STORM_TLS], 5000 + 10 * i);
		ps_hist_add(&r->hist[PS_STORM_FIRST_BYTE], 300);
		ps_hist_add(&r->hist[PS_STORM_TOTAL], 6000 + 10 * i);
		ps_hist_add(&r->hist[PS_STORM_LAG], 500);
	}
	if (r->done)
		add_finding(r, PS_F_UPGRADE_NO_RULE, PS_SEV_INFO, r->done);
	if (failed_per_s)
		add_finding(r, PS_F_STORM_LAGGING, PS_SEV_WARN, 3);
	return r;
}

/* --- the pieces ------------------------------------------------------------- */

static void test_recent_rate(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(8, 0);
	assert_true(ps_storm_recent_rate(r, 0, 5) == 0);
	/* the second under way counts as far as it has gone */
	r->seconds[3].ok = 20;
	double v = ps_storm_recent_rate(r, 3.5, 5);
	assert_true(v > 39.9 && v < 40.1);
	r->seconds[3].ok = 40;
	r->seconds[7].ok = 20;
	v = ps_storm_recent_rate(r, 7.5, 5); /* half of second 2 in the window */
	assert_true(v > 39.9 && v < 40.1);
	/* a stall shows at once */
	v = ps_storm_recent_rate(r, 13.0, 5);
	assert_true(v == 0);
	ps_storm_free(r);
}

static void test_durations(void **state)
{
	(void)state;
	static const struct {
		uint64_t us;
		const char *text;
	} cases[] = {
		{ 0, "0.00 ms" },
		{ 250, "0.25 ms" },
		{ 5890, "5.89 ms" },
		{ 9999, "10 ms" },
		{ 123000, "123 ms" },
		{ 999400, "999 ms" },
		{ 999600, "1.00 s" },
		{ 1250000, "1.25 s" },
		{ 42000000, "42 s" },
		{ 999000000, "999 s" },
		{ 1200000000, "20 min" },
		{ 7200000000, "2 h" },
		{ (uint64_t)1 << 40, "305 h" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[32];
		ps_storm_duration(buf, sizeof buf, cases[i].us);
		assert_string_equal(buf, cases[i].text);
		assert_true(strlen(buf) <= 7);
	}
}

static void test_bar(void **state)
{
	(void)state;
	struct ps_tui_ctx u = ctx(true, 80), a = ctx(false, 80);
	struct ps_buf b = { 0 };
	size_t mark = ps_storm_bar(&b, &a, 10, 5, 10);
	assert_string_equal(b.s, "#####.....");
	assert_int_equal(mark, 5);
	ps_buf_free(&b);
	mark = ps_storm_bar(&b, &u, 4, 1, 4);
	assert_string_equal(b.s, "█░░░");
	assert_int_equal(mark, strlen("█"));
	ps_buf_free(&b);
	/* all done, more than planned, none planned, a width too small */
	ps_storm_bar(&b, &a, 4, 4, 4);
	assert_string_equal(b.s, "####");
	ps_buf_free(&b);
	ps_storm_bar(&b, &a, 4, 9, 4);
	assert_string_equal(b.s, "####");
	ps_buf_free(&b);
	mark = ps_storm_bar(&b, &a, 3, 0, 0);
	assert_string_equal(b.s, "...");
	assert_int_equal(mark, 0);
	ps_buf_free(&b);
	ps_storm_bar(&b, &a, -5, 1, 2);
	assert_string_equal(b.s, ".");
	ps_buf_free(&b);
}

static void test_spark(void **state)
{
	(void)state;
	struct ps_tui_ctx u = ctx(true, 80), a = ctx(false, 80);
	const uint64_t v[] = { 0, 1, 8, 4, 9 };
	struct ps_buf b = { 0 };
	ps_storm_spark(&b, &u, v, 5, 8);
	assert_string_equal(b.s, " ▁█▄█");
	ps_buf_free(&b);
	ps_storm_spark(&b, &a, v, 5, 8);
	assert_string_equal(b.s, " .@=@");
	ps_buf_free(&b);
	ps_storm_spark(&b, &a, v, 3, 0); /* nothing yet: blank */
	assert_string_equal(b.s, "   ");
	ps_buf_free(&b);
}

/* --- the parts -------------------------------------------------------------- */

static void test_header(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(3, 0);
	struct ps_storm_now now = { .planned = 200, .t_s = 3.4 };
	struct ps_tui_ctx c = ctx(true, 100);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_header(&l, r, &now, &c);
	assert_int_equal(l.n, 3);
	assert_string_equal(
	    l.v[0].text, "provscope storm │ 00:03 │ spa942 │ 200 devices, MACs from 000e08000001");
	assert_string_equal(l.v[1].text, "target https://localhost:8443/spa942.cfg");
	assert_string_equal(l.v[2].text,
			    "schedule 40 passes/s │ jobs 8 │ shard 1/1 │ 200 passes planned");
	ps_tui_lines_clear(&l);

	/* a spread over a duration, sharded, a device list, stopping */
	struct ps_storm_params *p = &r->params;
	p->rate = 0;
	p->spread_s = 30;
	p->seed = 7;
	p->duration_s = 600;
	p->shard_i = 2;
	p->shard_n = 4;
	p->devices = ps_xstrdup("phones.csv");
	now.stopping = true;
	now.t_s = 3725;
	ps_storm_view_header(&l, r, &now, &c);
	assert_string_equal(l.v[0].text, "provscope storm │ 1:02:05 of 10:00 │ stopping │ spa942 │ "
					 "200 devices of phones.csv");
	assert_string_equal(l.v[2].text, "schedule spread over 30 s (seed 7) for 600 s │ jobs 8 │ "
					 "shard 2/4 │ 200 passes planned");
	ps_tui_lines_clear(&l);

	/* all at once; narrow: the time stays in view */
	p->spread_s = 0;
	p->duration_s = 0;
	now.stopping = false;
	now.t_s = 61;
	c = ctx(true, 40);
	ps_storm_view_header(&l, r, &now, &c);
	assert_fits(&l, 40);
	assert_true(
	    strncmp(l.v[0].text, "storm │ 01:01 │ spa942", strlen("storm │ 01:01 │ spa942")) == 0);
	assert_non_null(strstr(l.v[2].text, "schedule all at once"));
	ps_tui_lines_clear(&l);
	ps_storm_free(r);
}

static void test_progress(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(2, 1);
	struct ps_storm_now now = { .planned = 200, .t_s = 2.0, .in_flight = 3 };
	struct ps_tui_ctx c = ctx(false, 80);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_progress(&l, r, &now, &c);
	assert_int_equal(l.n, 2);
	assert_fits(&l, 80);
	/* 80 done of 200: 40% of the bar before the counts */
	assert_non_null(strstr(l.v[0].text, " 80/200  40%"));
	assert_int_equal(l.v[0].mark, (80 - strlen(" 80/200  40%")) * 80 / 200);
	assert_int_equal(l.v[0].mark_style, PS_TS_WARN); /* some failed */
	assert_string_equal(l.v[1].text,
			    "ok 78 | failed 2 | in flight 3 | to begin 117 | 40.0 passes/s");
	assert_int_equal(l.v[1].mark, strlen("ok 78"));
	assert_int_equal(l.v[1].mark_style, PS_TS_OK);
	ps_tui_lines_clear(&l);
	/* narrow: the short words; stopping: what will not begin */
	c = ctx(false, 40);
	now.stopping = true;
	ps_storm_view_progress(&l, r, &now, &c);
	assert_fits(&l, 40);
	assert_string_equal(l.v[1].text, "ok 78  fail 2  run 3  off 117  40.0/s");
	ps_tui_lines_clear(&l);
	ps_storm_free(r);
}

static void test_latency(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(2, 0);
	struct ps_tui_ctx c = ctx(true, 80);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_latency(&l, r, &c);
	char *all = joined(&l);
	assert_int_equal(l.n, 6); /* a rate: start_lag too */
	assert_string_equal(l.v[0].text, "latency           n      p50      p95      p99      max");
	assert_string_equal(l.v[3].text, "first_byte       80  0.30 ms  0.30 ms  0.30 ms  0.30 ms");
	assert_true(line_of(&l, "start_lag") == 5);
	assert_int_equal(l.v[0].style, PS_TS_HEAD);
	free(all);
	ps_tui_lines_clear(&l);
	/* all at once: no lag row; 40 columns: n and max go */
	r->params.rate = 0;
	c = ctx(true, 40);
	ps_storm_view_latency(&l, r, &c);
	assert_int_equal(l.n, 5);
	assert_fits(&l, 40);
	assert_string_equal(l.v[0].text, "latency         p50      p95      p99");
	assert_true(line_of(&l, "start_lag") < 0);
	ps_tui_lines_clear(&l);
	/* before any pass: dashes, dim */
	struct ps_storm_report *e = sample(0, 0);
	c = ctx(true, 80);
	ps_storm_view_latency(&l, e, &c);
	assert_string_equal(l.v[1].text, "connect           0        -        -        -        -");
	assert_int_equal(l.v[1].style, PS_TS_DIM);
	ps_tui_lines_clear(&l);
	ps_storm_free(e);
	ps_storm_free(r);
}

static void test_timeline(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(0, 0);
	struct ps_storm_now now = { .planned = 200, .t_s = 0.6 };
	struct ps_tui_ctx c = ctx(false, 80);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_timeline(&l, r, &now, &c);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].text, "passes a second (from the end of the first)");
	assert_string_equal(l.v[1].text, "begun  ");
	ps_tui_lines_clear(&l);
	ps_storm_free(r);

	/* 100 s at 40 a second, a failure a second: the last 60, the second
	 * under way left out */
	r = sample(100, 1);
	r->seconds[99].started = 20;
	r->seconds[50].started = 10;
	now.t_s = 99.5;
	ps_storm_view_timeline(&l, r, &now, &c);
	assert_string_equal(l.v[0].text, "passes a second, the last 60 s (peak 40)");
	assert_int_equal(ps_tui_width(l.v[1].text), 7 + 60);
	assert_int_equal(l.v[1].text[7 + 11], ':'); /* second 50: 10 of 40, level 2 of 8 */
	assert_int_equal(l.v[1].text[7 + 59], '@'); /* second 98 */
	assert_int_equal(l.v[3].text[7 + 59], '.'); /* one failure */
	assert_int_equal(l.v[3].style, PS_TS_FAIL);
	ps_tui_lines_clear(&l);
	/* 40 columns: as many seconds as fit */
	c = ctx(false, 40);
	ps_storm_view_timeline(&l, r, &now, &c);
	assert_fits(&l, 40);
	assert_string_equal(l.v[0].text, "passes a second, the last 33 s (peak 40)");
	ps_tui_lines_clear(&l);
	ps_storm_free(r);
}

static void test_outcomes(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(0, 0);
	struct ps_tui_ctx c = ctx(true, 80);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_outcomes(&l, r, &c, 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].text, "  no pass has ended yet");
	ps_tui_lines_clear(&l);
	ps_storm_free(r);

	r = sample(5, 2);
	r->by_exit[PS_EXIT_NETWORK] = 1;
	r->by_exit[PS_EXIT_HTTP] = 3;
	r->done += 4;
	ps_storm_view_outcomes(&l, r, &c, 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].text, "outcomes          passes  share");
	assert_string_equal(l.v[1].text,
			    "  ok                 190  93.1%  exit 0, the phone would provision");
	assert_int_equal(l.v[1].style, PS_TS_OK);
	assert_non_null(strstr(l.v[2].text, "network"));
	assert_non_null(strstr(l.v[3].text, "tls                 10   4.9%  exit 4"));
	assert_int_equal(l.v[3].style, PS_TS_FAIL);
	ps_tui_lines_clear(&l);
	/* cut to three lines: two rows and how many more */
	ps_storm_view_outcomes(&l, r, &c, 3);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[3].text, "  … 2 more categories");
	ps_tui_lines_clear(&l);
	/* one line: the first row alone */
	ps_storm_view_outcomes(&l, r, &c, 1);
	assert_int_equal(l.n, 2);
	assert_non_null(strstr(l.v[1].text, "ok"));
	ps_tui_lines_clear(&l);
	ps_storm_free(r);
}

static void test_findings(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(0, 0);
	struct ps_tui_ctx c = ctx(true, 100);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_findings(&l, r, &c, 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].text, "  none yet");
	ps_tui_lines_clear(&l);
	ps_storm_free(r);

	r = sample(5, 1); /* upgrade.no_rule on 200 (info), storm.lagging on 3 (warn) */
	add_finding(r, PS_F_TLS_HANDSHAKE_FAILED, PS_SEV_ERROR, 5);
	add_finding(r, PS_F_NET_TIMEOUT, PS_SEV_ERROR, 12);
	ps_storm_view_findings(&l, r, &c, 0);
	assert_int_equal(l.n, 5);
	assert_fits(&l, 100);
	/* errors first, the most passes first; counts and names lined up */
	assert_true(strncmp(l.v[1].text, "✘ 12   net.timeout ", strlen("✘ 12   net.timeout ")) ==
		    0);
	assert_true(strncmp(l.v[2].text, "✘ 5    tls.handshake_failed ",
			    strlen("✘ 5    tls.handshake_failed ")) == 0);
	assert_true(
	    strncmp(l.v[3].text, "▲ 3    storm.lagging ", strlen("▲ 3    storm.lagging ")) == 0);
	assert_true(strncmp(l.v[4].text, "• 200  upgrade.no_rule ",
			    strlen("• 200  upgrade.no_rule ")) == 0);
	assert_int_equal(l.v[1].mark, strlen("✘"));
	assert_int_equal(l.v[1].mark_style, PS_TS_FAIL);
	assert_int_equal(l.v[3].mark_style, PS_TS_WARN);
	ps_tui_lines_clear(&l);
	/* cut: the worst stay */
	ps_storm_view_findings(&l, r, &c, 2);
	assert_int_equal(l.n, 3);
	assert_non_null(strstr(l.v[1].text, "net.timeout"));
	assert_string_equal(l.v[2].text, "  … 3 more findings");
	ps_tui_lines_clear(&l);
	/* narrow: the count stays */
	c = ctx(true, 40);
	ps_storm_view_findings(&l, r, &c, 0);
	assert_fits(&l, 40);
	assert_true(
	    strncmp(l.v[4].text, "• 200  upgrade.no_rule", strlen("• 200  upgrade.no_rule")) == 0);
	ps_tui_lines_clear(&l);
	ps_storm_free(r);
}

static void test_hints(void **state)
{
	(void)state;
	struct ps_storm_now now = { .in_flight = 1 };
	struct ps_tui_ctx c = ctx(true, 100);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_hints(&l, &now, &c);
	assert_non_null(strstr(l.v[0].text, "q or Ctrl-C stop the storm"));
	now.stopping = true;
	ps_storm_view_hints(&l, &now, &c);
	assert_string_equal(l.v[1].text, "stopping: 1 pass in flight to end, then the report");
	assert_int_equal(l.v[1].style, PS_TS_RUN);
	ps_tui_lines_clear(&l);
}

/* --- the screen ------------------------------------------------------------- */

static void test_screen_sizes(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(30, 2);
	add_finding(r, PS_F_TLS_HANDSHAKE_FAILED, PS_SEV_ERROR, 5);
	add_finding(r, PS_F_NET_TIMEOUT, PS_SEV_ERROR, 12);
	r->by_exit[PS_EXIT_NETWORK] = 12;
	r->done += 12;
	struct ps_storm_now now = { .planned = 2000, .t_s = 30.5, .in_flight = 8 };
	for (int utf8 = 0; utf8 < 2; utf8++)
		for (int w = 10; w <= 160; w += 7)
			for (int h = 1; h <= 50; h++) {
				struct ps_tui_ctx c = ctx(utf8, w);
				struct ps_tui_lines l = { 0 };
				ps_storm_view_screen(&l, r, &now, &c, h);
				assert_int_equal(l.n, (size_t)h);
				assert_fits(&l, w);
				assert_non_null(strstr(l.v[h - 1].text, "q or"));
				if (h >= 4 && w >= 40) { /* the first line, the progress */
					assert_int_equal(line_of(&l, "storm"), 0);
					long at = line_of(&l, "/2000");
					assert_true(at >= 1 && at <= 4);
				}
				ps_tui_lines_clear(&l);
			}
	ps_storm_free(r);
}

static void test_screen_80x24(void **state)
{
	(void)state;
	struct ps_storm_report *r = sample(3, 0);
	struct ps_storm_now now = { .planned = 200, .t_s = 3.5, .in_flight = 2 };
	struct ps_tui_ctx c = ctx(true, 80);
	struct ps_tui_lines l = { 0 };
	ps_storm_view_screen(&l, r, &now, &c, 24);
	char *all = joined(&l);
	/* every part, a blank line between each but the last two */
	long at[] = { line_of(&l, "provscope storm"), line_of(&l, "target "),
		      line_of(&l, "schedule "),       line_of(&l, "120/200"),
		      line_of(&l, "ok 120 "),         line_of(&l, "latency "),
		      line_of(&l, "start_lag"),       line_of(&l, "passes a second"),
		      line_of(&l, "failed  "),        line_of(&l, "outcomes"),
		      line_of(&l, "findings"),        line_of(&l, "upgrade.no_rule") };
	long want[] = { 0, 1, 2, 4, 5, 7, 12, 14, 17, 19, 21, 22 };
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
		if (at[i] != want[i])
			fail_msg("part %zu at line %ld, not %ld:\n%s", i, at[i], want[i], all);
	free(all);
	ps_tui_lines_clear(&l);
	/* 12 lines: the header's first, the progress, the latency, the first
	 * outcome and the hints, nothing blank */
	ps_storm_view_screen(&l, r, &now, &c, 12);
	all = joined(&l);
	assert_int_equal(line_of(&l, "latency "), 3);
	assert_int_equal(line_of(&l, "outcomes"), 9);
	assert_true(line_of(&l, "target ") < 0);
	assert_true(line_of(&l, "passes a second") < 0);
	assert_null(strstr(all, "\n\n"));
	free(all);
	ps_tui_lines_clear(&l);
	ps_storm_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recent_rate),  cmocka_unit_test(test_durations),
		cmocka_unit_test(test_bar),          cmocka_unit_test(test_spark),
		cmocka_unit_test(test_header),       cmocka_unit_test(test_progress),
		cmocka_unit_test(test_latency),      cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_outcomes),     cmocka_unit_test(test_findings),
		cmocka_unit_test(test_hints),        cmocka_unit_test(test_screen_sizes),
		cmocka_unit_test(test_screen_80x24),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
