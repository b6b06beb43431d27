/* The scan's report model (model/scan.h): a model's row, the verdict and
 * its summary, the server's order, the expectations on scan keys; and the
 * worker pool it runs on (core/pool.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/pool.h"
#include "core/util.h"
#include "model/expect.h"
#include "model/report.h"
#include "model/scan.h"
#include "output/cases.h"

/* A finished pass report as `model`: a handshake with `suite` (0: none
 * completed, the suites offered 0x0035 and 0x002F), `status` its HTTP
 * status, `finding` its error (PS_F_COUNT: none). */
static struct ps_report *pass(const char *model, unsigned suite, long status,
			      enum ps_finding_id finding)
{
	struct ps_report *r = ps_report_new();
	r->phone.model = ps_xstrdup(model);
	size_t h = ps_report_add_hop(r, "https://prov.example.net/spa000e08aabbcc.xml");
	struct ps_hop *hp = &r->hops[h];
	hp->tls.attempted = true;
	hp->tls.offered = ps_xcalloc(2, sizeof *hp->tls.offered);
	hp->tls.offered[0] =
	    (struct ps_suite){ 0x0035, ps_xstrdup("TLS_RSA_WITH_AES_256_CBC_SHA") };
	hp->tls.offered[1] =
	    (struct ps_suite){ 0x002F, ps_xstrdup("TLS_RSA_WITH_AES_128_CBC_SHA") };
	hp->tls.n_offered = 2;
	if (suite) {
		hp->tls.established = true;
		hp->tls.version = ps_xstrdup("TLS1.0");
		hp->tls.suite_id = suite;
		hp->tls.cipher_suite =
		    ps_xstrdup(suite == 0x0035 ? "TLS_RSA_WITH_AES_256_CBC_SHA"
					       : "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
		hp->tls.server_certs = 1;
		hp->client_auth.requested = true;
		hp->client_auth.sent = true;
		hp->chain_checked = true;
		hp->chain.phone.accept = true;
		hp->http.attempted = true;
		hp->http.status = status;
	}
	if (finding != PS_F_COUNT)
		ps_report_add_finding(r, (long)h, finding, "seen");
	ps_report_finish(r);
	return r;
}

/* A scan of `n` models over the passes given: model i uses pass `uses[i]`. */
static struct ps_report *scan_of(const char *const *models, const size_t *uses, size_t n,
				 struct ps_report **passes, size_t n_passes)
{
	struct ps_report *r = ps_report_new();
	r->mode = PS_MODE_SCAN;
	struct ps_scan_report *s = r->scan = ps_scan_report_new();
	s->passes = ps_xcalloc(n_passes, sizeof *s->passes);
	s->n_passes = n_passes;
	for (size_t k = 0; k < n_passes; k++) {
		s->passes[k].model = ps_xstrdup(passes[k]->phone.model);
		s->passes[k].report = passes[k];
	}
	s->models = ps_xcalloc(n, sizeof *s->models);
	s->n_models = n;
	for (size_t i = 0; i < n; i++) {
		struct ps_scan_model *m = &s->models[i];
		m->model = ps_xstrdup(models[i]);
		m->product = ps_xstrdup(models[i]);
		for (char *p = m->product; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		m->firmware = ps_xstrdup("6.1.5(a)");
		m->pass = uses[i];
		m->shared = strcmp(passes[uses[i]]->phone.model, models[i]) != 0;
		m->exit_code = passes[uses[i]]->exit_code;
	}
	return r;
}

static void test_rows_and_verdict(void **state)
{
	(void)state;
	struct ps_report *p[] = { pass("spa921", 0, 0, PS_F_TLS_NO_SHARED_CIPHER),
				  pass("spa303", 0x0039, 200, PS_F_COUNT) };
	const char *models[] = { "spa921", "spa942", "spa303", "spa504g" };
	size_t uses[] = { 0, 0, 1, 1 };
	struct ps_report *r = scan_of(models, uses, 4, p, 2);
	ps_scan_finish(r);
	assert_int_equal(r->exit_code, 4);
	assert_string_equal(r->verdict, "fail");
	assert_string_equal(r->summary, "2 of 4 phones can provision; SPA921, SPA942 cannot: "
					"tls.no_shared_cipher: enable AES256-SHA");
	assert_int_equal(ps_scan_models_ok(r->scan), 2);
	struct ps_scan_row w;
	ps_scan_row(r->scan, 1, &w);
	assert_string_equal(w.model, "spa942");
	assert_string_equal(w.shared_with, "spa921");
	assert_null(w.tls_version);
	assert_null(w.chain_verdict);
	assert_null(w.client_cert);
	assert_string_equal(w.first_error, "tls.no_shared_cipher");
	assert_int_equal(w.exit_code, 4);
	ps_scan_row(r->scan, 3, &w);
	assert_string_equal(w.shared_with, "spa303");
	assert_string_equal(w.tls_version, "TLS1.0");
	assert_int_equal(w.suite_id, 0x0039);
	assert_string_equal(w.chain_verdict, "accept");
	assert_string_equal(w.client_cert, "sent");
	assert_int_equal(w.http_status, 200);
	assert_null(w.first_error);
	ps_scan_row(r->scan, 2, &w);
	assert_null(w.shared_with); /* its own pass */
	ps_report_free(r);
}

static void test_worst_status_and_audit(void **state)
{
	(void)state;
	/* The highest status wins, not the first model's. */
	struct ps_report *p[] = { pass("spa921", 0x0035, 404, PS_F_HTTP_NOT_FOUND),
				  pass("spa303", 0, 0, PS_F_TLS_PROTOCOL_VERSION) };
	const char *models[] = { "spa921", "spa303" };
	size_t uses[] = { 0, 1 };
	struct ps_report *r = scan_of(models, uses, 2, p, 2);
	ps_scan_finish(r);
	assert_int_equal(r->exit_code, 7);
	assert_string_equal(r->summary, "0 of 2 phones can provision; SPA921 cannot: "
					"http.not_found; SPA303 cannot: tls.protocol_version: "
					"enable AES256-SHA at TLS 1.0");
	ps_report_free(r);
	/* Every model through, the audit found a leak: 10. */
	struct ps_report *q[] = { pass("spa942", 0x0035, 200, PS_F_COUNT) };
	const char *one[] = { "spa942" };
	size_t zero[] = { 0 };
	r = scan_of(one, zero, 1, q, 1);
	r->scan->audit = ps_report_new();
	ps_report_add_finding(r->scan->audit, 0, PS_F_AUDIT_NO_CERT_SERVED, "served");
	ps_report_finish(r->scan->audit);
	ps_scan_finish(r);
	assert_int_equal(r->exit_code, 10);
	assert_string_equal(
	    r->summary, "1 of 1 phone can provision; the audit fails: audit.served_without_cert");
	ps_report_free(r);
	/* A model that fails keeps its own status over the audit's, as a
	 * pass's findings come before the audit's. */
	struct ps_report *mixed[] = { pass("spa942", 0, 0, PS_F_TLS_NO_SHARED_CIPHER) };
	r = scan_of(one, zero, 1, mixed, 1);
	r->scan->audit = ps_report_new();
	ps_report_add_finding(r->scan->audit, 0, PS_F_AUDIT_NO_CERT_SERVED, "served");
	ps_report_add_finding(r->scan->audit, 1, PS_F_AUDIT_OTHER_DEVICE_SERVED, "served");
	ps_report_finish(r->scan->audit);
	ps_scan_finish(r);
	assert_int_equal(r->exit_code, 4);
	assert_string_equal(r->summary,
			    "0 of 1 phone can provision; SPA942 cannot: tls.no_shared_cipher: "
			    "enable AES256-SHA; the audit fails: audit.served_without_cert, "
			    "audit.served_other_device");
	ps_report_free(r);
	/* --handshake-only: the verdict says what was checked. */
	struct ps_report *hs[] = { pass("spa942", 0x0035, 0, PS_F_COUNT) };
	r = scan_of(one, zero, 1, hs, 1);
	r->scan->handshake_only = true;
	ps_scan_finish(r);
	assert_string_equal(r->summary, "1 of 1 phone complete the handshake (--handshake-only: "
					"no file asked for)");
	ps_report_free(r);
	/* All through: 0. */
	struct ps_report *ok[] = { pass("spa942", 0x0035, 200, PS_F_COUNT) };
	r = scan_of(one, zero, 1, ok, 1);
	ps_scan_finish(r);
	assert_int_equal(r->exit_code, 0);
	assert_string_equal(r->verdict, "ok");
	assert_string_equal(r->summary, "1 of 1 phone can provision");
	ps_report_free(r);
}

/* A chain the phone rejects ends the handshake before the server's
 * certificate request is read: the row does not claim "not asked". */
static void test_chain_rejected_row(void **state)
{
	(void)state;
	struct ps_report *p = pass("spa942", 0, 0, PS_F_CHAIN_UNTRUSTED_ROOT);
	struct ps_hop *h = &p->hops[0];
	h->tls.version = ps_xstrdup("TLS1.0");
	h->tls.server_certs = 1;
	h->chain_checked = true;
	h->chain.phone.accept = false;
	struct ps_report *ps[] = { p };
	const char *models[] = { "spa942" };
	size_t uses[] = { 0 };
	struct ps_report *r = scan_of(models, uses, 1, ps, 1);
	ps_scan_finish(r);
	struct ps_scan_row w;
	ps_scan_row(r->scan, 0, &w);
	assert_string_equal(w.chain_verdict, "reject");
	assert_null(w.client_cert);
	assert_null(w.tls_version);
	struct ps_buf b = { 0 };
	ps_cases_model_line(&b, r, 0);
	assert_string_equal(b.s, "spa942: chain reject; chain.untrusted_root (exit 5)");
	ps_buf_free(&b);
	ps_report_free(r);
}

/* A model whose pass could not be made is not played: status 2. */
static void test_not_played(void **state)
{
	(void)state;
	struct ps_report *p[] = { pass("spa942", 0x0035, 200, PS_F_COUNT) };
	const char *models[] = { "spa942", "spa504g" };
	size_t uses[] = { 0, 0 };
	struct ps_report *r = scan_of(models, uses, 2, p, 1);
	struct ps_scan_model *m = &r->scan->models[1];
	m->error = ps_xstrdup("no certificate could be minted");
	m->pass = (size_t)-1;
	m->exit_code = 2;
	ps_scan_finish(r);
	assert_int_equal(r->exit_code, 2);
	assert_string_equal(r->summary, "1 of 2 phones can provision; SPA504G cannot be played: "
					"no certificate could be minted");
	struct ps_scan_row w;
	ps_scan_row(r->scan, 1, &w);
	assert_string_equal(w.error, "no certificate could be minted");
	assert_null(w.tls_version);
	assert_null(ps_scan_model_report(r->scan, 1));
	ps_report_free(r);
}

static void set_hello(struct ps_scan_hello *h, unsigned suite)
{
	ps_scan_hello_clear(h);
	h->done = true;
	h->answered = suite != 0;
	h->suite_id = suite;
	h->version = ps_xstrdup("TLS1.0");
	h->cipher_suite = ps_xasprintf("0x%04X", suite);
}

static void test_server_order(void **state)
{
	(void)state;
	struct ps_scan_report *s = ps_scan_report_new();
	s->suites = ps_xcalloc(2, sizeof *s->suites);
	s->n_suites = 2;
	s->suites[0].id = 0x0035;
	s->suites[1].id = 0x0039;
	set_hello(&s->preferred, 0x0035);
	set_hello(&s->reversed, 0x0035);
	s->suites[0].accepted = true;
	assert_int_equal(ps_scan_server_order(s), -1); /* one suite: no order to tell */
	s->suites[1].accepted = true;
	assert_int_equal(ps_scan_server_order(s), 1);
	set_hello(&s->reversed, 0x0039);
	assert_int_equal(ps_scan_server_order(s), 0);
	ps_scan_hello_clear(&s->reversed); /* the probe failed */
	assert_int_equal(ps_scan_server_order(s), -1);
	ps_scan_report_free(s);
}

/* --expect on scan keys, evaluated on a scan's report. */
static void expect_one(struct ps_report *r, const char *arg, bool ok, const char *got)
{
	struct ps_expect e;
	char *err = NULL;
	assert_true(ps_expect_parse(arg, &e, &err));
	struct ps_expect_result res;
	ps_expect_eval(&e, r, &res);
	if (res.ok != ok)
		fail_msg("%s: expected %s, got %s", arg, ok ? "met" : "not met",
			 res.got ? res.got : "nothing");
	if (got)
		assert_string_equal(res.got, got);
	else
		assert_null(res.got);
	ps_expect_result_clear(&res);
	ps_expect_clear(&e);
}

static void test_expect_scan_keys(void **state)
{
	(void)state;
	struct ps_report *p[] = { pass("spa921", 0, 0, PS_F_TLS_NO_SHARED_CIPHER),
				  pass("spa303", 0x0039, 200, PS_F_COUNT) };
	const char *models[] = { "spa921", "spa942", "spa303" };
	size_t uses[] = { 0, 0, 1 };
	struct ps_report *r = scan_of(models, uses, 3, p, 2);
	struct ps_scan_report *s = r->scan;
	s->protocols[0].hello.done = true;
	s->protocols[0].hello.connected = true;
	s->protocols[0].hello.answered = true;
	s->protocols[0].hello.version = ps_xstrdup("TLS1.0");
	s->protocols[3].hello.done = true; /* refused */
	s->protocols[3].hello.connected = true;
	s->protocols[2].hello.done = true; /* not reached: unknown */
	s->suites = ps_xcalloc(1, sizeof *s->suites);
	s->n_suites = 1;
	s->suites[0].id = 0x0035;
	s->suites[0].name = ps_xstrdup("TLS_RSA_WITH_AES_256_CBC_SHA");
	s->suites[0].hello.done = true;
	s->suites[0].hello.connected = true;
	s->suites[0].accepted = 0;
	s->cert_requested = 1;
	ps_scan_finish(r);
	expect_one(r, "scan.models_ok=1", true, "1");
	expect_one(r, "scan.spa942.exit_code=4", true, "4");
	expect_one(r, "scan.SPA-942.exit_code=0", false, "4"); /* names as --model takes them */
	expect_one(r, "scan.spa303.tls.cipher_suite=TLS_DHE_RSA_WITH_AES_256_CBC_SHA", true,
		   "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
	expect_one(r, "scan.spa303.http.status=200", true, "200");
	/* a suite by its OpenSSL name too, as the text report shows it */
	expect_one(r, "scan.spa303.tls.cipher_suite=DHE-RSA-AES256-SHA", true,
		   "DHE-RSA-AES256-SHA");
	expect_one(r, "scan.spa303.tls.cipher_suite=AES256-SHA", false,
		   "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
	expect_one(r, "scan.spa303.client_certificate=sent", true, "sent");
	expect_one(r, "scan.spa921.chain.phone_verdict=accept", false, NULL);
	expect_one(r, "scan.spa504g.exit_code=0", false, NULL); /* not in this scan */
	expect_one(r, "scan.protocol.TLS1.0=yes", true, "true");
	expect_one(r, "scan.protocol.TLS1.3=false", true, "false");
	expect_one(r, "scan.protocol.TLS1.1=false", false, NULL); /* not probed */
	expect_one(r, "scan.protocol.TLS1.2=false", false, NULL); /* not reached */
	assert_int_equal(ps_scan_protocol_accepted(s, 2), -1);
	assert_string_equal(ps_scan_yes_no(ps_scan_protocol_accepted(s, 2)), "?");
	assert_string_equal(ps_scan_yes_no(ps_scan_protocol_accepted(s, 0)), "yes");
	expect_one(r, "scan.suite.AES256-SHA=false", true, "false");
	expect_one(r, "scan.suite.TLS_RSA_WITH_AES_256_CBC_SHA=no", true, "false");
	expect_one(r, "scan.client_auth.requested=true", true, "true");
	expect_one(r, "scan.audit=none", true, "none");
	expect_one(r, "scan.dhe_bits=2048", false, NULL);
	expect_one(r, "exit_code=4", true, "4");
	expect_one(r, "finding=tls.no_shared_cipher", false, NULL); /* merged by the run layer */
	ps_report_free(r);
	/* On a live run's report, scan keys read nothing. */
	struct ps_report *live = pass("spa942", 0x0035, 200, PS_F_COUNT);
	expect_one(live, "scan.models_ok=1", false, NULL);
	ps_report_free(live);
}

/* The pool runs every job once, on up to `jobs` threads, and reports them
 * in order. */
struct pool_ctx {
	int ran[40];
	size_t order[40];
	size_t n_done;
};

static void pool_job(void *ctx, size_t i)
{
	struct pool_ctx *c = ctx;
	c->ran[i]++;
}

static void pool_done(void *ctx, size_t i)
{
	struct pool_ctx *c = ctx;
	c->order[c->n_done++] = i;
}

static void test_pool(void **state)
{
	(void)state;
	unsigned jobs[] = { 0, 1, 3, 64, 100 };
	for (size_t k = 0; k < sizeof jobs / sizeof jobs[0]; k++) {
		struct pool_ctx c;
		memset(&c, 0, sizeof c);
		ps_pool_run(40, jobs[k], pool_job, pool_done, &c);
		assert_int_equal(c.n_done, 40);
		for (size_t i = 0; i < 40; i++) {
			assert_int_equal(c.ran[i], 1);
			assert_int_equal(c.order[i], i);
		}
	}
	struct pool_ctx none;
	memset(&none, 0, sizeof none);
	ps_pool_run(0, 8, pool_job, pool_done, &none);
	assert_int_equal(none.n_done, 0);
	ps_pool_run(5, 2, pool_job, NULL, &none);
	assert_int_equal(none.ran[4], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_verdict),
		cmocka_unit_test(test_worst_status_and_audit),
		cmocka_unit_test(test_not_played),
		cmocka_unit_test(test_chain_rejected_row),
		cmocka_unit_test(test_server_order),
		cmocka_unit_test(test_expect_scan_keys),
		cmocka_unit_test(test_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
