/* Device-list records (see devices.h). */
#include "config.h"

#include "output/devices.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/util.h"
#include "model/finding.h"
#include "output/escape.h"

/* The first error finding of a report, or NULL. */
static const struct ps_finding *first_error(const struct ps_report *r)
{
	for (size_t i = 0; r && i < r->n_findings; i++)
		if (r->findings[i].severity == PS_SEV_ERROR)
			return &r->findings[i];
	return NULL;
}

static const char *verdict_of(const struct ps_device_outcome *o)
{
	if (!o->report)
		return o->error ? o->error : "did not run";
	return o->report->summary ? o->report->summary : o->report->verdict;
}

static void label(struct ps_buf *b, const struct ps_device_outcome *o)
{
	ps_buf_printf(b, "line %u %s %s", o->line, o->mac ? o->mac : "(no MAC)",
		      o->model ? o->model : "");
}

char *ps_device_record(const char *format, const struct ps_device_outcome *o)
{
	struct ps_buf b = { 0 };
	const struct ps_finding *f = first_error(o->report);
	if (strcmp(format, "tap") == 0) {
		ps_buf_printf(&b, "%s %zu - ", o->exit_code == 0 ? "ok" : "not ok", o->index + 1);
		struct ps_buf d = { 0 };
		label(&d, o);
		ps_buf_printf(&d, ": %s", verdict_of(o));
		ps_tap_escape(&b, d.s);
		ps_buf_free(&d);
		ps_buf_puts(&b, "\n  ---\n");
		ps_buf_printf(&b, "  exit_code: %d\n  category: %s\n", o->exit_code,
			      ps_exit_name(o->exit_code));
		if (f) {
			ps_buf_printf(&b, "  finding: %s\n  detail: ", ps_finding_name(f->id));
			ps_yaml_quote(&b, f->detail ? f->detail : ps_finding_text(f->id));
			ps_buf_puts(&b, "\n  fix: ");
			ps_yaml_quote(&b, ps_finding_fix(f->id));
			ps_buf_puts(&b, "\n");
		} else if (!o->report) {
			ps_buf_puts(&b, "  error: ");
			ps_yaml_quote(&b, o->error);
			ps_buf_puts(&b, "\n");
		}
		ps_buf_puts(&b, "  ...\n");
	} else if (strcmp(format, "junit") == 0) {
		ps_buf_puts(&b, "    <testcase classname=\"provscope.devices\" name=\"");
		struct ps_buf n = { 0 };
		label(&n, o);
		ps_xml_escape(&b, n.s, true);
		ps_buf_free(&n);
		ps_buf_puts(&b, "\"");
		if (o->exit_code == 0) {
			ps_buf_puts(&b, "/>\n");
		} else {
			ps_buf_puts(&b, ">\n      <failure message=\"");
			ps_xml_escape(&b, verdict_of(o), true);
			ps_buf_printf(&b, "\" type=\"%s\">",
				      f ? ps_finding_name(f->id) : ps_exit_name(o->exit_code));
			if (f) {
				ps_xml_escape(&b, f->detail ? f->detail : ps_finding_text(f->id),
					      false);
				ps_buf_puts(&b, "\nfix: ");
				ps_xml_escape(&b, ps_finding_fix(f->id), false);
			} else {
				ps_xml_escape(&b, verdict_of(o), false);
			}
			ps_buf_puts(&b, "</failure>\n    </testcase>\n");
		}
	} else if (strcmp(format, "jsonl") == 0) {
		/* A row that did not run: its line and why. */
		ps_buf_printf(
		    &b, "{\"schema\":\"provscope/1-device-error\",\"line\":%u,\"error\":", o->line);
		ps_yaml_quote(&b, o->error ? o->error : "did not run"); /* JSON-compatible */
		ps_buf_printf(&b, ",\"exit_code\":%d,\"verdict\":\"fail\"}\n", o->exit_code);
	} else {
		ps_buf_printf(&b, "%-4s ", o->exit_code == 0 ? "ok" : "FAIL");
		label(&b, o);
		ps_buf_printf(&b, "  exit %d  %s\n", o->exit_code, verdict_of(o));
		if (f)
			ps_buf_printf(&b, "       %s: %s\n", ps_finding_name(f->id),
				      f->detail ? f->detail : ps_finding_text(f->id));
	}
	return ps_buf_take(&b);
}

char *ps_device_header(const char *format, size_t n)
{
	if (strcmp(format, "tap") == 0)
		return ps_xasprintf("TAP version 13\n1..%zu\n", n);
	if (strcmp(format, "junit") == 0)
		return ps_xstrdup("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	return ps_xstrdup("");
}

static void counts(struct ps_buf *b, const struct ps_device_summary *s, const char *sep)
{
	bool first = true;
	for (int c = 0; c < 256; c++) {
		if (!s->by_exit[c])
			continue;
		ps_buf_printf(b, "%s%zu %s (%d)", first ? "" : sep, s->by_exit[c], ps_exit_name(c),
			      c);
		first = false;
	}
}

char *ps_device_footer(const char *format, const struct ps_device_summary *s)
{
	struct ps_buf b = { 0 };
	if (strcmp(format, "junit") == 0) {
		ps_buf_puts(&b, "    <system-out>");
		struct ps_buf c = { 0 };
		counts(&c, s, ", ");
		ps_xml_escape(&b, c.s, false);
		ps_buf_free(&c);
		ps_buf_puts(&b, "</system-out>\n  </testsuite>\n</testsuites>\n");
	} else if (strcmp(format, "tap") == 0) {
		ps_buf_printf(&b, "# %zu devices in %.1f s: ", s->n, s->seconds);
		counts(&b, s, ", ");
		ps_buf_printf(&b, "; worst exit %d\n", s->worst);
	} else if (strcmp(format, "text") == 0) {
		ps_buf_printf(&b, "\n%zu devices in %.1f s: ", s->n, s->seconds);
		counts(&b, s, ", ");
		ps_buf_printf(&b, "\nworst exit status: %d (%s)\n", s->worst,
			      ps_exit_text(s->worst));
	} else if (strcmp(format, "jsonl") == 0) {
		ps_buf_printf(&b, "provscope: %zu devices in %.1f s: ", s->n, s->seconds);
		counts(&b, s, ", ");
		ps_buf_printf(&b, "; worst exit %d\n", s->worst);
	}
	return ps_buf_take(&b);
}

char *ps_device_junit_open(const struct ps_device_summary *s)
{
	return ps_xasprintf("<testsuites name=\"provscope devices\" tests=\"%zu\" failures=\"%zu\" "
			    "time=\"%.3f\">\n  <testsuite name=\"provscope devices\" tests=\"%zu\" "
			    "failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
			    s->n, s->n - s->by_exit[0], s->seconds, s->n, s->n - s->by_exit[0],
			    s->seconds);
}
