/* The report as test cases for TAP and JUnit (see cases.h). */
#include "config.h"

#include "output/cases.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/scan.h"

static bool step_failed(const struct ps_step *s)
{
	return s->status == PS_STATUS_FAIL || s->status == PS_STATUS_PENDING ||
	       s->status == PS_STATUS_RUNNING;
}

static void attach(struct ps_case *c, const struct ps_finding *f)
{
	c->findings = ps_xrealloc(c->findings, (c->n_findings + 1) * sizeof *c->findings);
	c->findings[c->n_findings++] = f;
	if (f->severity == PS_SEV_ERROR && !c->first_error)
		c->first_error = f;
}

static void count(struct ps_cases *out)
{
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i].result == PS_CASE_FAIL)
			out->failed++;
		else if (out->v[i].result == PS_CASE_SKIP)
			out->skipped++;
	}
}

static void scan_cases(const struct ps_report *r, struct ps_cases *out)
{
	const struct ps_scan_report *s = r->scan;
	out->v = ps_xcalloc(s->n_models + 2 + r->n_expectations, sizeof *out->v);
	for (size_t i = 0; i < s->n_models; i++) {
		struct ps_case *c = &out->v[out->n++];
		c->kind = PS_CASE_MODEL;
		c->hop = i;
		c->result = s->models[i].exit_code ? PS_CASE_FAIL : PS_CASE_PASS;
		const struct ps_report *pr = ps_scan_model_report(s, i);
		for (size_t k = 0; pr && k < pr->n_findings; k++)
			attach(c, &pr->findings[k]);
	}
	if (s->audit) {
		struct ps_case *c = &out->v[out->n++];
		c->kind = PS_CASE_AUDIT;
		for (size_t k = 0; k < s->audit->n_findings; k++)
			attach(c, &s->audit->findings[k]);
		c->result = c->first_error ? PS_CASE_FAIL : PS_CASE_PASS;
	}
	for (size_t i = 0; i < r->n_expectations; i++) {
		struct ps_case *c = &out->v[out->n++];
		c->kind = PS_CASE_EXPECT;
		c->expect = &r->expectations[i];
		c->result = c->expect->ok ? PS_CASE_PASS : PS_CASE_FAIL;
	}
	out->total_ms = s->duration_ms;
	count(out);
}

void ps_cases_model_line(struct ps_buf *b, const struct ps_report *r, size_t model)
{
	struct ps_scan_row w;
	ps_scan_row(r->scan, model, &w);
	ps_buf_printf(b, "%s: ", w.model);
	if (w.error) {
		ps_buf_printf(b, "not played: %s (exit %d)", w.error, w.exit_code);
		return;
	}
	const char *sep = "";
	if (w.tls_version) {
		ps_buf_printf(b, "%s %s", w.tls_version, w.cipher_suite ? w.cipher_suite : "?");
		sep = ", ";
	}
	if (w.chain_verdict) {
		ps_buf_printf(b, "%schain %s", sep, w.chain_verdict);
		sep = ", ";
	}
	if (w.client_cert) {
		ps_buf_printf(b, "%sclient certificate %s", sep, w.client_cert);
		sep = ", ";
	}
	if (w.http_status) {
		ps_buf_printf(b, "%sHTTP %ld", sep, w.http_status);
		sep = ", ";
	}
	if (w.exit_code)
		ps_buf_printf(b, "%s%s (exit %d)", *sep ? "; " : "",
			      w.first_error ? w.first_error : "failed", w.exit_code);
}

void ps_cases_build(const struct ps_report *r, struct ps_cases *out)
{
	memset(out, 0, sizeof *out);
	if (r->mode == PS_MODE_SCAN && r->scan) {
		scan_cases(r, out);
		return;
	}
	size_t n = 1 + r->n_expectations;
	for (size_t i = 0; i < r->n_hops; i++)
		n += r->hops[i].n_steps;
	out->v = ps_xcalloc(n, sizeof *out->v);
	/* first[h]: the index of hop h's first step case. */
	size_t *first = ps_xcalloc(r->n_hops + 1, sizeof *first);
	for (size_t i = 0; i < r->n_hops; i++) {
		const struct ps_hop *h = &r->hops[i];
		first[i] = out->n;
		for (size_t j = 0; j < h->n_steps; j++) {
			struct ps_case *c = &out->v[out->n++];
			c->kind = PS_CASE_STEP;
			c->hop = i;
			c->step = &h->steps[j];
			double end = c->step->start_ms + c->step->duration_ms;
			if (end > out->total_ms)
				out->total_ms = end;
		}
	}
	for (size_t i = 0; i < r->n_expectations; i++) {
		struct ps_case *c = &out->v[out->n++];
		c->kind = PS_CASE_EXPECT;
		c->expect = &r->expectations[i];
		c->result = c->expect->ok ? PS_CASE_PASS : PS_CASE_FAIL;
	}
	struct ps_case *verdict = &out->v[out->n++];
	verdict->kind = PS_CASE_VERDICT;
	verdict->result = r->exit_code == 0 ? PS_CASE_PASS : PS_CASE_FAIL;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		size_t hop, step;
		if (ps_report_finding_step(r, f, &hop, &step))
			attach(&out->v[first[hop] + step], f);
		else
			attach(verdict, f);
	}
	free(first);
	for (size_t i = 0; i < out->n; i++) {
		struct ps_case *c = &out->v[i];
		if (c->kind == PS_CASE_STEP) {
			if (step_failed(c->step) || c->first_error)
				c->result = PS_CASE_FAIL;
			else if (c->step->status == PS_STATUS_SKIPPED)
				c->result = PS_CASE_SKIP;
			else
				c->result = PS_CASE_PASS;
		}
	}
	count(out);
}

void ps_cases_free(struct ps_cases *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].findings);
	free(c->v);
	memset(c, 0, sizeof *c);
}

void ps_cases_decimal(struct ps_buf *b, double v, unsigned places)
{
	if (places > 6)
		places = 6;
	long long scale = 1;
	for (unsigned i = 0; i < places; i++)
		scale *= 10;
	double x = v > 0 ? v * (double)scale + 0.5 : 0;
	long long n = x >= 9e15 ? 9000000000000000LL : (long long)x;
	ps_buf_printf(b, "%lld", n / scale);
	if (places)
		ps_buf_printf(b, ".%0*lld", (int)places, n % scale);
}
