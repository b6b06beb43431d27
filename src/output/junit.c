/* JUnit XML output (the Ant/Jenkins format): one <testsuite> per run, a
 * <testcase> per step (classname hop1, hop2...), per expectation
 * (classname expect) and for the verdict (classname run). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/util.h"
#include "model/expect.h"
#include "model/report.h"
#include "model/scan.h"
#include "model/storm.h"
#include "output/cases.h"
#include "output/devices.h"
#include "output/escape.h"
#include "output/output.h"

static void attr(struct ps_buf *b, const char *name, const char *value)
{
	ps_buf_printf(b, " %s=\"", name);
	ps_xml_escape(b, value ? value : "", true);
	ps_buf_add(b, "\"", 1);
}

static void seconds_attr(struct ps_buf *b, double ms)
{
	ps_buf_puts(b, " time=\"");
	ps_cases_decimal(b, ms / 1000.0, 3);
	ps_buf_add(b, "\"", 1);
}

static void counts(struct ps_buf *b, const struct ps_cases *c)
{
	ps_buf_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"", c->n,
		      c->failed, c->skipped);
	seconds_attr(b, c->total_ms);
}

static void property(struct ps_buf *b, const char *name, const char *value)
{
	ps_buf_puts(b, "      <property");
	attr(b, "name", name);
	attr(b, "value", value);
	ps_buf_puts(b, "/>\n");
}

/* A finding as lines of text: id, explanation, what was seen, the fix. */
static void finding_text(struct ps_buf *b, const struct ps_finding *f)
{
	struct ps_buf t = { 0 };
	ps_buf_printf(&t, "%s %s: %s\n", ps_severity_name(f->severity), ps_finding_name(f->id),
		      ps_finding_text(f->id));
	if (f->detail)
		ps_buf_printf(&t, "  seen: %s\n", f->detail);
	ps_buf_printf(&t, "  fix:  %s\n", ps_finding_fix(f->id));
	ps_xml_escape(b, t.s, false);
	ps_buf_free(&t);
}

/* <skipped/> or <failure> with the case's error findings, and <system-out>
 * with `out` and the other findings. The failure's message and type are
 * the first error finding's, or `fail_message` and `fail_type` when there
 * is none or `own` is set. */
static void case_body(struct ps_buf *b, const struct ps_case *c, const char *fail_message,
		      const char *fail_type, const char *out, bool own)
{
	const struct ps_finding *first = own ? NULL : c->first_error;
	if (c->result == PS_CASE_SKIP) {
		ps_buf_puts(b, "      <skipped");
		if (out)
			attr(b, "message", out);
		ps_buf_puts(b, "/>\n");
	}
	if (c->result == PS_CASE_FAIL) {
		ps_buf_puts(b, "      <failure");
		if (first) {
			attr(b, "message", ps_finding_text(first->id));
			attr(b, "type", ps_finding_name(first->id));
		} else {
			attr(b, "message", fail_message);
			attr(b, "type", fail_type);
		}
		ps_buf_add(b, ">", 1);
		if (!first) {
			ps_xml_escape(b, fail_message, false);
			ps_buf_add(b, "\n", 1);
		}
		for (size_t i = 0; i < c->n_findings; i++)
			if (c->findings[i]->severity == PS_SEV_ERROR)
				finding_text(b, c->findings[i]);
		ps_buf_puts(b, "</failure>\n");
	}
	bool others = false;
	for (size_t i = 0; i < c->n_findings; i++)
		others |= c->findings[i]->severity != PS_SEV_ERROR || c->result != PS_CASE_FAIL;
	if (!out && !others)
		return;
	ps_buf_puts(b, "      <system-out>");
	if (out) {
		ps_xml_escape(b, out, false);
		ps_buf_add(b, "\n", 1);
	}
	for (size_t i = 0; i < c->n_findings; i++)
		if (c->findings[i]->severity != PS_SEV_ERROR || c->result != PS_CASE_FAIL)
			finding_text(b, c->findings[i]);
	ps_buf_puts(b, "</system-out>\n");
}

static void junit_case(struct ps_buf *b, const struct ps_case *c, const struct ps_report *r,
		       double total_ms)
{
	char cls[32];
	ps_buf_puts(b, "    <testcase");
	switch (c->kind) {
	case PS_CASE_STEP: {
		snprintf(cls, sizeof cls, "hop%zu", c->hop + 1);
		attr(b, "classname", cls);
		attr(b, "name", ps_step_name(c->step->id));
		seconds_attr(b, c->step->duration_ms);
		ps_buf_puts(b, ">\n");
		char *msg = ps_xasprintf("%s", c->step->summary ? c->step->summary
								: "the step did not pass");
		char *type = ps_xasprintf("step.%s", ps_status_name(c->step->status));
		case_body(b, c, msg, type, c->step->summary, false);
		free(type);
		free(msg);
		break;
	}
	case PS_CASE_EXPECT: {
		const struct ps_expect_result *e = c->expect;
		char *name = ps_xasprintf("%s=%s", e->key, e->expected);
		attr(b, "classname", "expect");
		attr(b, "name", name);
		ps_buf_puts(b, " time=\"0.000\">\n");
		char *msg = ps_expect_result_text(e);
		if (e->hop >= 0) {
			char *m2 = ps_xasprintf("%s (hop %ld)", msg, e->hop + 1);
			free(msg);
			msg = m2;
		}
		case_body(b, c, msg, "expect", e->ok ? msg : NULL, true);
		free(msg);
		free(name);
		break;
	}
	case PS_CASE_MODEL: {
		const struct ps_scan_model *m = &r->scan->models[c->hop];
		const struct ps_report *pr = ps_scan_model_report(r->scan, c->hop);
		attr(b, "classname", "scan");
		attr(b, "name", m->model);
		double end = 0; /* of its pass's last step */
		for (size_t h = 0; pr && h < pr->n_hops; h++)
			for (size_t k = 0; k < pr->hops[h].n_steps; k++) {
				const struct ps_step *st = &pr->hops[h].steps[k];
				if (st->start_ms + st->duration_ms > end)
					end = st->start_ms + st->duration_ms;
			}
		seconds_attr(b, end);
		ps_buf_puts(b, ">\n");
		struct ps_buf line = { 0 };
		ps_cases_model_line(&line, r, c->hop);
		const char *cat = ps_exit_name(m->exit_code);
		case_body(b, c, line.s,
			  c->first_error ? ps_finding_name(c->first_error->id)
			  : cat          ? cat
					 : "unknown",
			  c->result == PS_CASE_FAIL ? NULL : line.s, true);
		ps_buf_free(&line);
		break;
	}
	case PS_CASE_AUDIT: {
		attr(b, "classname", "scan");
		attr(b, "name", "audit");
		ps_buf_puts(b, " time=\"0.000\">\n");
		const char *msg = r->scan->audit_note ? r->scan->audit_note : "the audit";
		/* A failure's message and type are its first error finding's. */
		case_body(b, c, msg, "audit", msg, false);
		break;
	}
	case PS_CASE_VERDICT: {
		const char *cat = ps_exit_name(r->exit_code);
		attr(b, "classname", "run");
		attr(b, "name", "verdict");
		seconds_attr(b, total_ms);
		ps_buf_puts(b, ">\n");
		char *msg = ps_xasprintf("%s: %s (exit %d)", r->verdict ? r->verdict : "?",
					 r->summary ? r->summary : "", r->exit_code);
		case_body(b, c, msg, cat ? cat : "unknown", c->result == PS_CASE_FAIL ? NULL : msg,
			  true);
		free(msg);
		break;
	}
	}
	ps_buf_puts(b, "    </testcase>\n");
}

/* A storm: a testcase per pass (its MAC), the figures as properties. */
static int storm_junit(FILE *out, const struct ps_report *r)
{
	const struct ps_storm_report *s = r->storm;
	size_t failed = 0;
	double total = 0;
	for (size_t i = 0; i < s->n_passes; i++) {
		failed += s->passes[i].exit_code != 0;
		total += s->passes[i].total_ms;
	}
	struct ps_buf b = { 0 }, n = { 0 };
	bool skip = s->not_started > 0; /* a testcase for the passes not begun */
	ps_buf_printf(&n, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%d\"",
		      s->n_passes + skip, failed, skip);
	seconds_attr(&n, s->wall_s * 1000.0);
	ps_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(&b, "name", "provscope");
	ps_buf_puts(&b, n.s);
	ps_buf_puts(&b, ">\n  <testsuite");
	attr(&b, "name", r->target ? r->target : "storm");
	ps_buf_puts(&b, n.s);
	char when[32] = "1970-01-01T00:00:00";
	struct tm tm;
	if (gmtime_r(&r->started, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	attr(&b, "timestamp", when);
	ps_buf_puts(&b, ">\n    <properties>\n");
	property(&b, "provscope.version", r->tool_version);
	property(&b, "mode", "storm");
	property(&b, "storm.model", s->params.model);
	char v[64];
	snprintf(v, sizeof v, "%" PRIu64, s->done);
	property(&b, "storm.passes", v);
	snprintf(v, sizeof v, "%" PRIu64, s->not_started);
	property(&b, "storm.not_started", v);
	snprintf(v, sizeof v, "%.1f", s->rate_done);
	property(&b, "storm.rate_done", v);
	for (int k = 0; k < PS_STORM_STEP_COUNT; k++) {
		const struct ps_hist *h = &s->hist[k];
		static const double pc[] = { 50, 95, 99 };
		for (size_t i = 0; h->n && i < 3; i++) {
			char name[64];
			snprintf(name, sizeof name, "storm.%s.p%.0f_ms",
				 ps_storm_step_name((enum ps_storm_step)k), pc[i]);
			snprintf(v, sizeof v, "%.3f",
				 (double)ps_hist_percentile(h, pc[i]) / 1000.0);
			property(&b, name, v);
		}
	}
	property(&b, "verdict", r->verdict);
	snprintf(v, sizeof v, "%d", r->exit_code);
	property(&b, "exit_code", v);
	ps_buf_puts(&b, "    </properties>\n");
	fputs(b.s, out);
	ps_buf_free(&b);
	ps_buf_free(&n);
	for (size_t i = 0; i < s->n_passes; i++) {
		const struct ps_storm_pass *p = &s->passes[i];
		char name[48];
		if (p->round)
			snprintf(name, sizeof name, "%s pass %u", p->mac, p->round + 1);
		else
			snprintf(name, sizeof name, "%s", p->mac);
		ps_buf_puts(&b, "    <testcase");
		attr(&b, "classname", "storm");
		attr(&b, "name", name);
		seconds_attr(&b, p->total_ms);
		if (!p->exit_code) {
			ps_buf_puts(&b, "/>\n");
		} else {
			const char *cat = ps_exit_name(p->exit_code);
			const char *fid = p->finding >= 0
					      ? ps_finding_name((enum ps_finding_id)p->finding)
					      : NULL;
			char *msg = ps_xasprintf("exit %d (%s)%s%s", p->exit_code, cat ? cat : "?",
						 fid ? ": " : "", fid ? fid : "");
			ps_buf_puts(&b, ">\n      <failure");
			attr(&b, "message", msg);
			attr(&b, "type", fid ? fid : cat ? cat : "failure");
			ps_buf_puts(&b, ">");
			ps_xml_escape(&b,
				      p->finding >= 0
					  ? ps_finding_text((enum ps_finding_id)p->finding)
					  : (s->first_error ? s->first_error : msg),
				      false);
			ps_buf_puts(&b, "</failure>\n    </testcase>\n");
			free(msg);
		}
		fputs(b.s, out);
		ps_buf_free(&b);
	}
	if (skip) {
		char *msg = ps_xasprintf("%" PRIu64 " planned passes not begun: %s", s->not_started,
					 s->interrupted ? "the storm was stopped"
							: "--duration ended first");
		ps_buf_puts(&b, "    <testcase");
		attr(&b, "classname", "storm");
		attr(&b, "name", "passes not begun");
		ps_buf_puts(&b, " time=\"0\">\n      <skipped");
		attr(&b, "message", msg);
		ps_buf_puts(&b, "/>\n    </testcase>\n");
		fputs(b.s, out);
		ps_buf_free(&b);
		free(msg);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	(void)total;
	return ferror(out) ? -1 : 0;
}

int ps_output_junit(FILE *out, const struct ps_report *r, const struct ps_output_opts *o)
{
	(void)o;
	if (r->mode == PS_MODE_STORM && r->storm)
		return storm_junit(out, r);
	static const char *const modes[] = {
		[PS_MODE_LIVE] = "live", [PS_MODE_CERT] = "cert", [PS_MODE_PROFILE] = "profile",
		[PS_MODE_RULE] = "rule", [PS_MODE_SCAN] = "scan", [PS_MODE_STORM] = "storm"
	};
	struct ps_cases cases;
	ps_cases_build(r, &cases);
	struct ps_buf b = { 0 };
	ps_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(&b, "name", "provscope");
	counts(&b, &cases);
	ps_buf_puts(&b, ">\n  <testsuite");
	attr(&b, "name", r->target ? r->target : "provscope");
	counts(&b, &cases);
	char when[32] = "1970-01-01T00:00:00";
	struct tm tm;
	if (gmtime_r(&r->started, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	attr(&b, "timestamp", when);
	ps_buf_puts(&b, ">\n    <properties>\n");
	const struct ps_phone_info *p = &r->phone;
	property(&b, "provscope.version", r->tool_version);
	property(&b, "mode", modes[r->mode]);
	if (r->mode == PS_MODE_SCAN && r->scan) {
		char n[64];
		snprintf(n, sizeof n, "%zu of %zu", ps_scan_models_ok(r->scan), r->scan->n_models);
		property(&b, "scan.models_ok", n);
	} else {
		property(&b, "phone.model", p->model);
		property(&b, "phone.firmware", p->firmware);
		property(&b, "phone.mac", p->mac);
	}
	property(&b, "verdict", r->verdict);
	char code[16];
	snprintf(code, sizeof code, "%d", r->exit_code);
	property(&b, "exit_code", code);
	ps_buf_puts(&b, "    </properties>\n");
	fputs(b.s, out);
	ps_buf_free(&b);
	for (size_t i = 0; i < cases.n; i++) {
		junit_case(&b, &cases.v[i], r, cases.total_ms);
		fputs(b.s, out);
		ps_buf_free(&b);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	ps_cases_free(&cases);
	return ferror(out) ? -1 : 0;
}

/* --- device lists (--devices): a testcase per device ------------------------ */

static char *device_header(size_t n)
{
	(void)n;
	return ps_xstrdup("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

static char *device_record(const struct ps_device_outcome *o)
{
	struct ps_buf b = { 0 }, n = { 0 };
	const struct ps_finding *f = ps_device_first_error(o->report);
	ps_buf_puts(&b, "    <testcase classname=\"provscope.devices\"");
	ps_device_label(&n, o);
	attr(&b, "name", n.s);
	ps_buf_free(&n);
	if (o->exit_code == 0) {
		ps_buf_puts(&b, "/>\n");
		return ps_buf_take(&b);
	}
	ps_buf_puts(&b, ">\n      <failure");
	attr(&b, "message", ps_device_verdict(o));
	attr(&b, "type", f ? ps_finding_name(f->id) : ps_exit_name(o->exit_code));
	ps_buf_puts(&b, ">");
	if (f) {
		ps_xml_escape(&b, f->detail ? f->detail : ps_finding_text(f->id), false);
		ps_buf_puts(&b, "\nfix: ");
		ps_xml_escape(&b, ps_finding_fix(f->id), false);
	} else {
		ps_xml_escape(&b, ps_device_verdict(o), false);
	}
	ps_buf_puts(&b, "</failure>\n    </testcase>\n");
	return ps_buf_take(&b);
}

static char *device_open(const struct ps_device_summary *s)
{
	return ps_xasprintf("<testsuites name=\"provscope devices\" tests=\"%zu\" failures=\"%zu\" "
			    "time=\"%.3f\">\n  <testsuite name=\"provscope devices\" tests=\"%zu\" "
			    "failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
			    s->n, s->n - s->by_exit[0], s->seconds, s->n, s->n - s->by_exit[0],
			    s->seconds);
}

static char *device_footer(const struct ps_device_summary *s)
{
	struct ps_buf b = { 0 }, c = { 0 };
	ps_buf_puts(&b, "    <system-out>");
	ps_device_counts(&c, s);
	ps_xml_escape(&b, c.s, false);
	ps_buf_free(&c);
	ps_buf_puts(&b, "</system-out>\n  </testsuite>\n</testsuites>\n");
	return ps_buf_take(&b);
}

const struct ps_device_format ps_devices_junit = {
	.header = device_header,
	.record = device_record,
	.open = device_open,
	.footer = device_footer,
	.hold_records = true,
};
