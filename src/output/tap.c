/* TAP version 13 output: one test per step, per expectation and for the
 * verdict (see cases.h), with YAML diagnostics under the failed tests and
 * under any test that findings explain. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "model/expect.h"
#include "model/report.h"
#include "model/scan.h"
#include "model/storm.h"
#include "output/cases.h"
#include "output/devices.h"
#include "output/escape.h"
#include "output/output.h"

static void yaml_field(struct ps_buf *b, const char *indent, const char *key, const char *value)
{
	ps_buf_printf(b, "%s%s: ", indent, key);
	ps_yaml_quote(b, value);
	ps_buf_add(b, "\n", 1);
}

static void yaml_findings(struct ps_buf *b, const struct ps_case *c)
{
	if (!c->n_findings)
		return;
	ps_buf_puts(b, "  findings:\n");
	for (size_t i = 0; i < c->n_findings; i++) {
		const struct ps_finding *f = c->findings[i];
		ps_buf_printf(b, "    - id: %s\n", ps_finding_name(f->id));
		ps_buf_printf(b, "      severity: %s\n", ps_severity_name(f->severity));
		yaml_field(b, "      ", "message", ps_finding_text(f->id));
		yaml_field(b, "      ", "detail", f->detail);
		yaml_field(b, "      ", "fix", ps_finding_fix(f->id));
	}
}

/* One test line and its diagnostics into `b`. */
static void tap_case(struct ps_buf *b, size_t num, const struct ps_case *c,
		     const struct ps_report *r)
{
	ps_buf_printf(b, "%s %zu - ", c->result == PS_CASE_FAIL ? "not ok" : "ok", num);
	bool yaml = c->result == PS_CASE_FAIL || c->n_findings ||
		    (c->kind == PS_CASE_STEP && c->step->status == PS_STATUS_WARN);
	switch (c->kind) {
	case PS_CASE_STEP: {
		const struct ps_step *s = c->step;
		ps_buf_printf(b, "hop %zu %s", c->hop + 1, ps_step_name(s->id));
		if (c->result == PS_CASE_SKIP) {
			ps_buf_puts(b, " # SKIP");
			if (s->summary) {
				ps_buf_add(b, " ", 1);
				ps_tap_escape(b, s->summary);
			}
		} else if (s->summary) {
			ps_buf_puts(b, ": ");
			ps_tap_escape(b, s->summary);
		}
		ps_buf_add(b, "\n", 1);
		if (!yaml)
			return;
		ps_buf_puts(b, "  ---\n");
		ps_buf_printf(b, "  status: %s\n", ps_status_name(s->status));
		ps_buf_puts(b, "  duration_ms: ");
		ps_cases_decimal(b, s->duration_ms, 1);
		ps_buf_add(b, "\n", 1);
		yaml_findings(b, c);
		break;
	}
	case PS_CASE_EXPECT: {
		const struct ps_expect_result *e = c->expect;
		ps_buf_puts(b, "expect ");
		ps_tap_escape(b, e->key);
		ps_buf_add(b, "=", 1);
		ps_tap_escape(b, e->expected);
		if (!e->ok) {
			char *why = ps_expect_result_text(e);
			ps_buf_puts(b, ": ");
			ps_tap_escape(b, why);
			free(why);
		}
		ps_buf_add(b, "\n", 1);
		if (!yaml)
			return;
		ps_buf_puts(b, "  ---\n");
		yaml_field(b, "  ", "key", e->key);
		yaml_field(b, "  ", "expected", e->expected);
		yaml_field(b, "  ", "got", e->got);
		if (e->negated)
			ps_buf_puts(b, "  absent: true\n");
		if (e->hop >= 0)
			ps_buf_printf(b, "  hop: %ld\n", e->hop + 1);
		break;
	}
	case PS_CASE_MODEL: {
		const struct ps_scan_model *m = &r->scan->models[c->hop];
		struct ps_buf line = { 0 };
		ps_cases_model_line(&line, r, c->hop);
		ps_tap_escape(b, line.s);
		ps_buf_free(&line);
		ps_buf_add(b, "\n", 1);
		if (!yaml)
			return;
		ps_buf_puts(b, "  ---\n");
		ps_buf_printf(b, "  exit_code: %d\n", m->exit_code);
		const char *cat = ps_exit_name(m->exit_code);
		ps_buf_printf(b, "  category: %s\n", cat ? cat : "unknown");
		if (m->error)
			yaml_field(b, "  ", "error", m->error);
		else if (m->shared)
			yaml_field(b, "  ", "pass_of", r->scan->passes[m->pass].model);
		yaml_findings(b, c);
		break;
	}
	case PS_CASE_AUDIT:
		ps_buf_puts(b, "audit: ");
		ps_tap_escape(b, c->first_error ? ps_finding_name(c->first_error->id)
						: "no other client gets the file");
		ps_buf_add(b, "\n", 1);
		if (!yaml)
			return;
		ps_buf_puts(b, "  ---\n");
		yaml_field(b, "  ", "what", r->scan->audit_note);
		yaml_findings(b, c);
		break;
	case PS_CASE_VERDICT:
		ps_buf_printf(b, "verdict %s: ", r->verdict ? r->verdict : "?");
		ps_tap_escape(b, r->summary ? r->summary : "");
		ps_buf_printf(b, " (exit %d)\n", r->exit_code);
		if (!yaml)
			return;
		ps_buf_puts(b, "  ---\n");
		ps_buf_printf(b, "  exit_code: %d\n", r->exit_code);
		const char *cat = ps_exit_name(r->exit_code);
		ps_buf_printf(b, "  category: %s\n", cat ? cat : "unknown");
		yaml_findings(b, c);
		break;
	}
	ps_buf_puts(b, "  ...\n");
}

/* A storm: a test per pass, the figures as comments first. */
static int storm_tap(FILE *out, const struct ps_report *r)
{
	const struct ps_storm_report *s = r->storm;
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "TAP version 13\n1..%zu\n# ", s->n_passes + (s->not_started ? 1 : 0));
	ps_tap_escape(&b, r->summary ? r->summary : "");
	ps_buf_printf(&b, " (exit %d)\n", r->exit_code);
	for (int k = 0; k < PS_STORM_STEP_COUNT; k++) {
		const struct ps_hist *h = &s->hist[k];
		if (h->n)
			ps_buf_printf(&b,
				      "# %s: n %" PRIu64 ", p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, "
				      "max %.3f ms\n",
				      ps_storm_step_name((enum ps_storm_step)k), h->n,
				      (double)ps_hist_percentile(h, 50) / 1000.0,
				      (double)ps_hist_percentile(h, 95) / 1000.0,
				      (double)ps_hist_percentile(h, 99) / 1000.0,
				      (double)h->max / 1000.0);
	}
	fputs(b.s, out);
	ps_buf_free(&b);
	for (size_t i = 0; i < s->n_passes; i++) {
		const struct ps_storm_pass *p = &s->passes[i];
		ps_buf_printf(&b, "%s %zu - %s", p->exit_code ? "not ok" : "ok", i + 1, p->mac);
		if (p->round)
			ps_buf_printf(&b, " pass %u", p->round + 1);
		if (p->exit_code) {
			const char *cat = ps_exit_name(p->exit_code);
			ps_buf_printf(&b, ": exit %d (%s)", p->exit_code, cat ? cat : "?");
			if (p->finding >= 0)
				ps_buf_printf(&b, " %s",
					      ps_finding_name((enum ps_finding_id)p->finding));
		}
		ps_buf_puts(&b, "\n");
		fputs(b.s, out);
		ps_buf_free(&b);
	}
	if (s->not_started) /* what the schedule had and was not played */
		fprintf(out, "ok %zu - %" PRIu64 " planned passes not begun # SKIP %s\n",
			s->n_passes + 1, s->not_started,
			s->interrupted ? "the storm was stopped" : "--duration ended first");
	return ferror(out) ? -1 : 0;
}

int ps_output_tap(FILE *out, const struct ps_report *r, const struct ps_output_opts *o)
{
	(void)o;
	if (r->mode == PS_MODE_STORM && r->storm)
		return storm_tap(out, r);
	struct ps_cases cases;
	ps_cases_build(r, &cases);
	fprintf(out, "TAP version 13\n1..%zu\n", cases.n);
	if (r->mode == PS_MODE_SCAN && r->summary) /* the verdict of the whole */
		fprintf(out, "# %s (exit %d)\n", r->summary, r->exit_code);
	struct ps_buf b = { 0 };
	for (size_t i = 0; i < cases.n; i++) {
		tap_case(&b, i + 1, &cases.v[i], r);
		fputs(b.s, out);
		ps_buf_free(&b);
	}
	ps_cases_free(&cases);
	return ferror(out) ? -1 : 0;
}

/* --- device lists (--devices): a test per device ---------------------------- */

static char *device_header(size_t n)
{
	return ps_xasprintf("TAP version 13\n1..%zu\n", n);
}

static char *device_record(const struct ps_device_outcome *o)
{
	struct ps_buf b = { 0 }, d = { 0 };
	const struct ps_finding *f = ps_device_first_error(o->report);
	ps_buf_printf(&b, "%s %zu - ", o->exit_code == 0 ? "ok" : "not ok", o->index + 1);
	ps_device_label(&d, o);
	ps_buf_printf(&d, ": %s", ps_device_verdict(o));
	ps_tap_escape(&b, d.s);
	ps_buf_free(&d);
	ps_buf_printf(&b, "\n  ---\n  exit_code: %d\n  category: %s\n", o->exit_code,
		      ps_exit_name(o->exit_code));
	if (f) {
		ps_buf_printf(&b, "  finding: %s\n", ps_finding_name(f->id));
		yaml_field(&b, "  ", "detail", f->detail ? f->detail : ps_finding_text(f->id));
		yaml_field(&b, "  ", "fix", ps_finding_fix(f->id));
	} else if (!o->report) {
		yaml_field(&b, "  ", "error", o->error);
	}
	ps_buf_puts(&b, "  ...\n");
	return ps_buf_take(&b);
}

static char *device_footer(const struct ps_device_summary *s)
{
	return ps_device_summary_line("# ", s);
}

const struct ps_device_format ps_devices_tap = {
	.header = device_header,
	.record = device_record,
	.footer = device_footer,
};
