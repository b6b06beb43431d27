/* Device-list records: the shared parts and the calls by format name (see
 * devices.h). */
#include "config.h"

#include "output/devices.h"

#include <stdlib.h>

#include "model/finding.h"
#include "output/output.h"

const struct ps_finding *ps_device_first_error(const struct ps_report *r)
{
	for (size_t i = 0; r && i < r->n_findings; i++)
		if (r->findings[i].severity == PS_SEV_ERROR)
			return &r->findings[i];
	return NULL;
}

const char *ps_device_verdict(const struct ps_device_outcome *o)
{
	if (!o->report)
		return o->error ? o->error : "did not run";
	return o->report->summary ? o->report->summary : o->report->verdict;
}

void ps_device_label(struct ps_buf *b, const struct ps_device_outcome *o)
{
	ps_buf_printf(b, "line %u %s %s", o->line, o->mac ? o->mac : "(no MAC)",
		      o->model ? o->model : "");
}

void ps_device_counts(struct ps_buf *b, const struct ps_device_summary *s)
{
	bool first = true;
	for (int c = 0; c < 256; c++) {
		if (!s->by_exit[c])
			continue;
		ps_buf_printf(b, "%s%zu %s (%d)", first ? "" : ", ", s->by_exit[c], ps_exit_name(c),
			      c);
		first = false;
	}
}

char *ps_device_summary_line(const char *prefix, const struct ps_device_summary *s)
{
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%s%zu devices in %.1f s: ", prefix, s->n, s->seconds);
	ps_device_counts(&b, s);
	ps_buf_printf(&b, "; worst exit %d\n", s->worst);
	return ps_buf_take(&b);
}

const struct ps_device_format *ps_device_format_find(const char *format)
{
	const struct ps_output_format *f = ps_output_find(format);
	return f ? f->devices : NULL;
}

char *ps_device_record(const char *format, const struct ps_device_outcome *o)
{
	const struct ps_device_format *d = ps_device_format_find(format);
	return d ? d->record(o) : ps_xstrdup("");
}
