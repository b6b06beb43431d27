/* The storm report (model/storm.h): folding passes in, merging shards,
 * finishing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "model/report.h"
#include "model/storm.h"

/* A pass's report: one https hop with connect and TLS steps and an answer
 * (first byte `fb` ms after the request), exit `code` from `finding`. */
static struct ps_report *pass(double connect_ms, double tls_ms, double fb_ms, int finding)
{
	struct ps_report *r = ps_report_new();
	size_t i = ps_report_add_hop(r, "https://127.0.0.1/x.xml");
	struct ps_hop *h = &r->hops[i];
	h->scheme = ps_xstrdup("https");
	struct ps_step *c = ps_hop_step(h, PS_STEP_CONNECT);
	c->status = PS_STATUS_OK;
	c->duration_ms = connect_ms;
	struct ps_step *t = ps_hop_step(h, PS_STEP_TLS_HANDSHAKE);
	t->status = tls_ms > 0 ? PS_STATUS_OK : PS_STATUS_FAIL;
	t->duration_ms = tls_ms;
	if (tls_ms > 0) {
		h->http.attempted = true;
		h->http.status = 200;
		h->http.t_connect = connect_ms;
		h->http.t_first_byte = connect_ms + tls_ms + fb_ms;
	}
	ps_report_add_finding(r, 0, PS_F_UPGRADE_NO_RULE, "no rule");
	if (finding >= 0) {
		ps_report_add_finding(r, 0, (enum ps_finding_id)finding, "the detail");
		ps_report_add_finding(r, 0, (enum ps_finding_id)finding, "again, once per pass");
	}
	ps_report_finish(r);
	return r;
}

/* Pass k of a made-up storm: every seventh fails its handshake from
 * second 3, every eleventh gets a 404. */
static void add_pass(struct ps_storm_report *s, unsigned k)
{
	int f = k % 7 == 0 && k >= 30 ? PS_F_TLS_NO_SHARED_CIPHER
		: k % 11 == 0         ? PS_F_HTTP_NOT_FOUND
				      : -1;
	struct ps_report *r =
	    pass(0.1 + k % 5, f == PS_F_TLS_NO_SHARED_CIPHER ? 0 : 3 + k % 9, 1 + k % 3, f);
	char mac[13];
	snprintf(mac, sizeof mac, "000e08%06x", k);
	struct ps_storm_timing t = { .start_s = k / 10.0, .lag_ms = k % 4, .total_ms = 5 + k % 13 };
	ps_storm_add(s, r, mac, 0, &t);
	ps_report_free(r);
}

static struct ps_storm_params params(unsigned i, unsigned n)
{
	return (struct ps_storm_params){ .target = (char *)"https://127.0.0.1/x.xml",
					 .model = (char *)"spa942",
					 .first_mac = (char *)"000e08000000",
					 .n_devices = 100,
					 .n_passes = 100,
					 .rate = 10,
					 .jobs = 8,
					 .shard_i = i,
					 .shard_n = n };
}

static struct ps_storm_report *storm_of(unsigned i, unsigned n)
{
	struct ps_storm_report *s = ps_storm_new();
	struct ps_storm_params p = params(i, n);
	ps_storm_params_copy(&s->params, &p);
	s->shards = ps_xcalloc(1, sizeof *s->shards);
	s->shards[0] = i;
	s->n_shards = 1;
	for (unsigned k = i - 1; k < 100; k += n) {
		s->planned++;
		add_pass(s, k);
	}
	s->wall_s = 10;
	return s;
}

static void test_fold(void **state)
{
	(void)state;
	struct ps_storm_report *s = storm_of(1, 1);
	assert_int_equal(s->done, 100);
	/* fails: 35 42 49 56 63 70 77 84 91 98 (tls); 0 11 22 33 44 55 66 88 99 (http, not 77) */
	assert_int_equal(ps_storm_count(s, PS_EXIT_TLS), 10);
	assert_int_equal(ps_storm_count(s, PS_EXIT_HTTP), 9);
	assert_int_equal(ps_storm_count(s, 0), 81);
	/* a connect per pass, a TLS handshake and a first byte per pass that got through */
	assert_int_equal(s->hist[PS_STORM_CONNECT].n, 100);
	assert_int_equal(s->hist[PS_STORM_TLS].n, 90);
	assert_int_equal(s->hist[PS_STORM_FIRST_BYTE].n, 90);
	assert_int_equal(s->hist[PS_STORM_TOTAL].n, 100);
	assert_int_equal(s->hist[PS_STORM_FIRST_BYTE].min, 1000);
	assert_int_equal(s->hist[PS_STORM_FIRST_BYTE].max, 3000);
	/* each finding once per pass, with the first pass's words */
	bool seen_tls = false;
	for (size_t i = 0; i < s->n_findings; i++) {
		const struct ps_storm_finding *f = &s->findings[i];
		if (f->id == PS_F_UPGRADE_NO_RULE)
			assert_int_equal(f->passes, 100);
		if (f->id == PS_F_TLS_NO_SHARED_CIPHER) {
			seen_tls = true;
			assert_int_equal(f->passes, 10);
			assert_string_equal(f->mac, "000e08000023");
			assert_string_equal(f->detail, "the detail");
		}
	}
	assert_true(seen_tls);
	/* the timeline: 10 begun each second */
	assert_true(s->n_seconds >= 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(s->seconds[i].started, 10);
	ps_storm_free(s);
}

/* Three shards merge to the figures of the whole. */
static void test_merge(void **state)
{
	(void)state;
	struct ps_storm_report *whole = storm_of(1, 1), *all = ps_storm_new();
	struct ps_storm_params p = params(1, 3);
	ps_storm_params_copy(&all->params, &p);
	for (unsigned i = 3; i >= 1; i--) { /* in any order */
		struct ps_storm_report *sh = storm_of(i, 3);
		assert_null(ps_storm_params_differ(&all->params, &sh->params));
		ps_storm_merge(all, sh);
		ps_storm_free(sh);
	}
	assert_int_equal(all->n_shards, 3);
	assert_int_equal(all->shards[0], 1);
	assert_int_equal(all->shards[2], 3);
	assert_int_equal(all->done, whole->done);
	assert_int_equal(all->planned, whole->planned);
	assert_memory_equal(all->by_exit, whole->by_exit, sizeof whole->by_exit);
	for (int k = 0; k < PS_STORM_STEP_COUNT; k++) {
		assert_memory_equal(all->hist[k].counts, whole->hist[k].counts,
				    sizeof whole->hist[k].counts);
		assert_int_equal(all->hist[k].sum, whole->hist[k].sum);
		assert_int_equal(ps_hist_percentile(&all->hist[k], 99),
				 ps_hist_percentile(&whole->hist[k], 99));
	}
	assert_int_equal(all->n_seconds, whole->n_seconds);
	for (size_t i = 0; i < whole->n_seconds; i++) {
		assert_int_equal(all->seconds[i].started, whole->seconds[i].started);
		assert_int_equal(all->seconds[i].failed, whole->seconds[i].failed);
	}
	assert_int_equal(all->n_findings, whole->n_findings);
	struct ps_report *a = ps_report_new(), *w = ps_report_new();
	a->storm = all;
	w->storm = whole;
	ps_storm_finish(a);
	ps_storm_finish(w);
	assert_int_equal(all->n_passes, whole->n_passes);
	for (size_t i = 0; i < whole->n_passes; i++) {
		assert_string_equal(all->passes[i].mac, whole->passes[i].mac);
		assert_int_equal(all->passes[i].exit_code, whole->passes[i].exit_code);
		assert_int_equal(all->passes[i].finding, whole->passes[i].finding);
	}
	assert_string_equal(a->summary, w->summary);
	assert_int_equal(a->exit_code, w->exit_code);
	assert_int_equal(all->onset_s, whole->onset_s);
	ps_report_free(a);
	ps_report_free(w);
}

static void test_finish(void **state)
{
	(void)state;
	struct ps_report *r = ps_report_new();
	r->storm = storm_of(1, 1);
	ps_storm_finish(r);
	/* the highest status of the passes: 7 (http) over 4 (tls) */
	assert_int_equal(r->exit_code, PS_EXIT_HTTP);
	assert_string_equal(r->verdict, "fail");
	assert_string_equal(r->summary, "19 of 100 passes failed: 10 tls, 9 http");
	/* the first failure: pass 0 (a 404) at second 0; failures rose at 3 s,
	 * where two of ten failed (33 and 35), over the 4 s up to it */
	assert_int_equal(r->storm->first_failure_s, 0);
	assert_int_equal(r->storm->onset_s, 3);
	assert_int_equal(r->storm->onset_span_s, 4);
	assert_true(r->storm->onset_rate > 9.99 && r->storm->onset_rate < 10.01);
	/* the findings: errors first, each with its count */
	assert_true(r->n_findings >= 3);
	assert_int_equal(r->findings[0].severity, PS_SEV_ERROR);
	bool tls = false;
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].id == PS_F_TLS_NO_SHARED_CIPHER) {
			tls = true;
			assert_string_equal(
			    r->findings[i].detail,
			    "10 of 100 passes; the first, 000e08000023: the detail");
		}
	assert_true(tls);
	/* a failed pass names the finding that failed it */
	for (size_t i = 0; i < r->storm->n_passes; i++)
		if (strcmp(r->storm->passes[i].mac, "000e08000023") == 0)
			assert_int_equal(r->storm->passes[i].finding, PS_F_TLS_NO_SHARED_CIPHER);
	ps_report_free(r);
}

/* The storm's own findings: passes not begun, shards missing, lag. */
static void test_own_findings(void **state)
{
	(void)state;
	struct ps_report *r = ps_report_new();
	r->storm = storm_of(2, 4);
	/* one shard's own result: no word of the others */
	ps_storm_finish(r);
	for (size_t i = 0; i < r->n_findings; i++)
		assert_int_not_equal(r->findings[i].id, PS_F_STORM_SHARDS_MISSING);
	r->storm->merged = true;
	r->storm->planned += 5;
	r->storm->not_started = 5;
	for (int i = 0; i < 30; i++)
		ps_hist_add(&r->storm->hist[PS_STORM_LAG], 2000000);
	ps_storm_finish(r);
	bool missing = false, not_started = false, lagging = false;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		if (f->id == PS_F_STORM_SHARDS_MISSING) {
			missing = true;
			assert_string_equal(f->detail, "shards 2 of 4 merged; 1, 3, 4 missing");
		}
		if (f->id == PS_F_STORM_NOT_STARTED) {
			not_started = true;
			assert_string_equal(f->detail,
					    "5 of 30 passes not begun (--duration ended first)");
		}
		lagging |= f->id == PS_F_STORM_LAGGING;
	}
	assert_true(missing && not_started && lagging);
	ps_report_free(r);
	/* at once, no pass failing: nothing of the kind, exit 0 */
	struct ps_storm_report *s = ps_storm_new();
	struct ps_report *ok = pass(1, 2, 3, -1);
	struct ps_storm_timing t = { .total_ms = 7 };
	ps_storm_add(s, ok, "000e08000001", 0, &t);
	ps_report_free(ok);
	r = ps_report_new();
	r->storm = s;
	ps_storm_finish(r);
	assert_int_equal(r->exit_code, 0);
	assert_string_equal(r->summary, "all 1 passes would provision");
	assert_int_equal(s->onset_s, -1);
	ps_report_free(r);
}

static void test_differ(void **state)
{
	(void)state;
	struct ps_storm_params a = params(1, 2), b = params(2, 2);
	assert_null(ps_storm_params_differ(&a, &b));
	b.rate = 20;
	char *d = ps_storm_params_differ(&a, &b);
	assert_non_null(d);
	assert_non_null(strstr(d, "schedule"));
	free(d);
	b = params(2, 3);
	d = ps_storm_params_differ(&a, &b);
	assert_string_equal(d, "the number of shards: 2, 3");
	free(d);
	b = params(2, 2);
	b.target = (char *)"https://127.0.0.1/y.xml";
	d = ps_storm_params_differ(&a, &b);
	assert_non_null(strstr(d, "the target"));
	free(d);
}

/* A pass that could not be made counts as exit 2 with why. */
static void test_refused(void **state)
{
	(void)state;
	struct ps_report *r = ps_report_new();
	r->storm = ps_storm_new();
	ps_storm_add_refused(r->storm, "000e08000009", 0, 0.5, "device certificate: bad");
	ps_storm_finish(r);
	assert_int_equal(r->exit_code, PS_EXIT_USAGE);
	assert_string_equal(r->storm->first_error, "000e08000009: device certificate: bad");
	assert_string_equal(r->summary, "1 of 1 passes failed: 1 usage");
	ps_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),   cmocka_unit_test(test_merge),
		cmocka_unit_test(test_finish), cmocka_unit_test(test_own_findings),
		cmocka_unit_test(test_differ), cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
