/* The batch modes: one run written out, and a device list run on a pool of
 * threads (see run.h). */
#include "config.h"

#include "run/run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/util.h"
#include "engine/engine.h"
#include "model/finding.h"
#include "model/profile.h"
#include "output/devices.h"
#include "output/output.h"
#include "phone/catalogue.h"

/* Where the output goes: standard output, or --output replaced whole
 * when the output is complete. NULL with the message on stderr. */
static FILE *output_open(const struct ps_config *c, struct ps_atomic **a)
{
	*a = NULL;
	if (!c->output)
		return stdout;
	char *err = NULL;
	FILE *f = ps_atomic_open(c->output, a, &err);
	if (!f) {
		fprintf(stderr, "provscope: --output %s\n", err);
		free(err);
	}
	return f;
}

/* Finish the output: `ok` false (a write error seen) leaves --output as it
 * was. Returns 0, or -1 with the message on stderr. */
static int output_close(const struct ps_config *c, FILE *f, struct ps_atomic *a, bool ok)
{
	int e = errno;
	if (!a) {
		ok = fflush(f) == 0 && !ferror(f) && ok;
		e = ok ? 0 : errno ? errno : e;
		if (!ok)
			fprintf(stderr, "provscope: writing to standard output: %s\n",
				strerror(e ? e : EIO));
		return ok ? 0 : -1;
	}
	char *err = NULL;
	if (!ok) {
		ps_atomic_abort(a);
		fprintf(stderr, "provscope: writing --output %s: %s; the file is left as it was\n",
			c->output, strerror(e ? e : EIO));
		return -1;
	}
	if (ps_atomic_commit(a, &err) < 0) {
		fprintf(stderr, "provscope: writing --output %s; the file is left as it was\n",
			err);
		free(err);
		return -1;
	}
	return 0;
}

struct ps_output_opts ps_run_output_opts(const struct ps_config *c)
{
	const char *nc = getenv("NO_COLOR");
	bool tty = !c->output && isatty(STDOUT_FILENO);
	bool color = c->color && strcmp(c->color, "always") == 0  ? true
		     : c->color && strcmp(c->color, "never") == 0 ? false
								  : tty && !(nc && *nc);
	/* COLUMNS when exported (COLUMNS=200 for a file with long lines), the
	 * terminal's width, else 80. */
	int width = 80;
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	char *end = NULL;
	long n = cols ? strtol(cols, &end, 10) : 0;
	if (cols && end && !*end && n >= 40 && n <= 100000)
		width = (int)n;
	else if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		width = ws.ws_col;
	return (struct ps_output_opts){ .color = color, .level = c->verbosity, .width = width };
}

int ps_run_write(const struct ps_config *c, const struct ps_report *r)
{
	const struct ps_output_format *fmt = ps_output_find(c->format);
	struct ps_atomic *a;
	FILE *out = output_open(c, &a);
	if (!out)
		return -1;
	struct ps_output_opts oo = ps_run_output_opts(c);
	return output_close(c, out, a, fmt->write(out, r, &oo) == 0);
}

int ps_run_batch(const struct ps_session *s)
{
	const struct ps_config *c = ps_session_config(s);
	struct ps_report *report = ps_report_new();
	struct ps_run_setup setup = ps_run_setup_of(s);
	char *err = NULL;
	int rc;
	struct ps_run *run = ps_run_new(s, &setup, NULL, report, &err);
	struct ps_sink sink = ps_report_sink(report);
	if (!run || !ps_run_play(run, &sink, &err)) {
		fprintf(stderr, "provscope: %s\n", err);
		rc = PS_EXIT_USAGE;
	} else {
		ps_run_finish(run, report);
		rc = report->exit_code;
		if (ps_run_write(c, report) < 0)
			rc = PS_EXIT_USAGE;
	}
	free(err);
	ps_run_free(run);
	ps_report_free(report);
	return rc;
}

/* --- --devices ------------------------------------------------------------------ */

struct devices_run {
	const struct ps_session *s;
	const struct ps_config *c;
	const struct ps_device_format *fmt; /* the --format's device records */
	FILE *out;
	struct ps_buf held; /* JUnit: the records until the counts are known */
	struct ps_device_summary sum;
};

/* A row that cannot run: its record says why. */
static char *refused_record(const struct ps_device_format *fmt, size_t index,
			    const struct ps_device *d, const char *model, int code, const char *why)
{
	struct ps_device_outcome oc = { .index = index,
					.line = d->line,
					.mac = d->mac,
					.model = model,
					.error = why,
					.exit_code = code };
	return fmt->record(&oc);
}

/* One device, on a worker thread. */
static int device_run(void *ctx, size_t index, const struct ps_device *d, char **record)
{
	struct devices_run *dr = ctx;
	const struct ps_config *c = dr->c;
	struct ps_run_setup setup = ps_run_setup_of(dr->s);
	setup.progress = false;
	const char *model = d->model ? ps_model_find(d->model)->id : setup.model->id;
	char *err = NULL;
	struct ps_report *report = ps_report_new();
	struct ps_run *run = NULL;
	if (!ps_engine_check_target(d->url ? d->url : c->target, &err) ||
	    !(run = ps_run_new(dr->s, &setup, d, report, &err))) {
		char *why = ps_xasprintf("line %u: %s", d->line, err);
		if (!c->show_secrets) { /* a URL's password, a rule's --key */
			char *r = ps_redact_secrets(why);
			free(why);
			why = r;
		}
		*record = refused_record(dr->fmt, index, d, model, PS_EXIT_USAGE, why);
		free(why);
		free(err);
		ps_report_free(report);
		return PS_EXIT_USAGE;
	}
	struct ps_sink sink = ps_report_sink(report);
	ps_run_play(run, &sink, &err); /* live runs read no file */
	free(err);
	ps_run_finish(run, report);
	struct ps_device_outcome oc = { .index = index,
					.line = d->line,
					.mac = d->mac,
					.model = report->phone.model,
					.report = report,
					.exit_code = report->exit_code };
	*record = dr->fmt->record(&oc);
	int code = report->exit_code;
	ps_run_free(run);
	ps_report_free(report);
	return code;
}

/* In list order, on the calling thread. */
static void device_done(void *ctx, size_t index, const struct ps_device *d, int code,
			const char *record)
{
	struct devices_run *dr = ctx;
	char *own = NULL;
	if (!record) /* a row that could not run */
		record = own = refused_record(dr->fmt, index, d, d->model, code, d->error);
	dr->sum.n++;
	dr->sum.by_exit[code & 0xff]++;
	if (code > dr->sum.worst)
		dr->sum.worst = code;
	if (dr->fmt->hold_records)
		ps_buf_puts(&dr->held, record);
	else {
		fputs(record, dr->out);
		fflush(dr->out);
	}
	free(own);
}

static void put_owned(char *text, FILE *f)
{
	fputs(text, f);
	free(text);
}

/* The list read and checked against the command line. */
static bool load_list(const struct ps_config *c, struct ps_device_list *list)
{
	char *err = NULL;
	if (!ps_devices_load(c->devices, list, &err)) {
		fprintf(stderr, "provscope: %s\n", err);
		free(err);
		return false;
	}
	if (c->shard_n > 1) { /* --shard I/N: every N-th row from the I-th */
		struct ps_device_list keep = { .v = ps_xcalloc(list->n + 1, sizeof *keep.v) };
		struct ps_device_list drop = { .v = ps_xcalloc(list->n + 1, sizeof *drop.v) };
		for (size_t i = 0; i < list->n; i++) {
			struct ps_device_list *to =
			    i % c->shard_n == c->shard_i - 1 ? &keep : &drop;
			to->v[to->n++] = list->v[i];
		}
		free(list->v);
		*list = keep;
		ps_devices_free(&drop);
	}
	for (size_t i = 0; i < list->n; i++)
		if (!list->v[i].error && !list->v[i].url && !c->target)
			list->v[i].error = ps_xasprintf(
			    "line %u: no url column value and no URL on the command line",
			    list->v[i].line);
	return true;
}

int ps_run_devices(const struct ps_session *s)
{
	const struct ps_config *c = ps_session_config(s);
	const struct ps_device_format *fmt = ps_device_format_find(c->format);
	if (!fmt) { /* the options refuse such a format */
		fprintf(stderr, "provscope: --format %s writes no device list\n", c->format);
		return PS_EXIT_USAGE;
	}
	struct ps_device_list list;
	if (!load_list(c, &list))
		return PS_EXIT_USAGE;
	struct ps_atomic *a;
	FILE *out = output_open(c, &a);
	if (!out) {
		ps_devices_free(&list);
		return PS_EXIT_USAGE;
	}
	struct devices_run dr = { .s = s, .c = c, .fmt = fmt, .out = out };
	double t0 = ps_now_ms();
	if (fmt->header)
		put_owned(fmt->header(list.n), out);
	fflush(out);
	ps_devices_run(&list, c->jobs ? c->jobs : 4, device_run, device_done, &dr);
	dr.sum.seconds = (ps_now_ms() - t0) / 1000.0;
	if (fmt->open)
		put_owned(fmt->open(&dr.sum), out);
	if (fmt->hold_records)
		fputs(dr.held.s ? dr.held.s : "", out);
	put_owned(fmt->footer(&dr.sum), fmt->footer_diagnostic ? stderr : out);
	ps_buf_free(&dr.held);
	int rc = dr.sum.worst;
	if (output_close(c, out, a, true) < 0)
		rc = PS_EXIT_USAGE;
	ps_devices_free(&list);
	return rc;
}
