/* The storm's live view, its pure side (see stormview.h): the header, the
 * progress, the latency table, the timeline, the outcomes, the findings
 * and the hints as lines, and how many of each a screen of a given
 * height shows. */
#include "config.h"

#include "tui/stormview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/finding.h"
#include "model/hist.h"

/* Passes per second over this many seconds: "lately". */
#define RATE_WINDOW_S 5.0

/* The timeline's row labels take this many columns. */
#define SPARK_LABEL 7

double ps_storm_recent_rate(const struct ps_storm_report *r, double t_s, double window_s)
{
	if (t_s <= 0 || window_s <= 0)
		return 0;
	double lo = t_s > window_s ? t_s - window_s : 0;
	size_t first = (size_t)lo;
	double sum = 0;
	for (size_t i = first; i < r->n_seconds && (double)i < t_s; i++) {
		double n = (double)(r->seconds[i].ok + r->seconds[i].failed);
		if (i == first && lo > (double)i) /* the part of it inside the window */
			n *= (double)(i + 1) - lo;
		sum += n;
	}
	return sum / (t_s - lo);
}

size_t ps_storm_bar(struct ps_buf *b, const struct ps_tui_ctx *c, int width, uint64_t done,
		    uint64_t planned)
{
	if (width < 1)
		width = 1;
	uint64_t full = 0;
	if (planned)
		full = done >= planned ? (uint64_t)width : done * (uint64_t)width / planned;
	size_t at = b->len;
	for (uint64_t i = 0; i < full; i++)
		ps_buf_puts(b, c->g->bar);
	size_t mark = b->len - at;
	for (uint64_t i = full; i < (uint64_t)width; i++)
		ps_buf_puts(b, c->g->bar_empty);
	return mark;
}

void ps_storm_spark(struct ps_buf *b, const struct ps_tui_ctx *c, const uint64_t *v, size_t n,
		    uint64_t peak)
{
	size_t levels = c->g->n_spark;
	for (size_t i = 0; i < n; i++) {
		if (!v[i] || !peak) {
			ps_buf_add(b, " ", 1);
			continue;
		}
		uint64_t x = v[i] > peak ? peak : v[i];
		size_t level = (size_t)((x * levels + peak - 1) / peak); /* 1..levels */
		ps_buf_puts(b, c->g->spark[level ? level - 1 : 0]);
	}
}

/* --- the header and the progress ---------------------------------------------- */

/* "00:03", "1:02:03". */
static void clock_of(char *buf, size_t n, double s)
{
	unsigned long t = s > 0 ? (unsigned long)s : 0;
	if (t >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%02lu:%02lu", t / 60, t % 60);
}

void ps_storm_view_header(struct ps_tui_lines *out, const struct ps_storm_report *r,
			  const struct ps_storm_now *now, const struct ps_tui_ctx *c)
{
	const struct ps_storm_params *p = &r->params;
	const char *bar = c->g->vline;
	struct ps_buf b = { 0 };
	char when[32], dur[32];
	clock_of(when, sizeof when, now->t_s);
	ps_buf_printf(&b, "storm %s %s", bar, when);
	if (p->duration_s > 0) {
		clock_of(dur, sizeof dur, p->duration_s);
		ps_buf_printf(&b, " of %s", dur);
	}
	if (now->stopping)
		ps_buf_printf(&b, " %s stopping", bar);
	ps_buf_printf(&b, " %s %s %s %" PRIu64 " device%s", bar, p->model ? p->model : "?", bar,
		      p->n_devices, p->n_devices == 1 ? "" : "s");
	if (p->devices)
		ps_buf_printf(&b, " of %s", p->devices);
	else if (p->first_mac)
		ps_buf_printf(&b, ", MACs from %s", p->first_mac);
	char *raw = ps_buf_take(&b);
	if (ps_tui_width(raw) + 10 <= (size_t)c->width) { /* room for the program's name */
		char *named = ps_xasprintf("provscope %s", raw);
		free(raw);
		raw = named;
	}
	ps_tui_fitted_line(out, c, raw, 0, PS_TS_HEAD, PS_TS_HEAD);
	free(raw);

	raw = ps_xasprintf("target %s", p->target ? p->target : "each device's url");
	ps_tui_fitted_line(out, c, raw, 6, PS_TS_NORMAL, PS_TS_DIM);
	free(raw);

	ps_buf_puts(&b, "schedule ");
	if (p->rate > 0)
		ps_buf_printf(&b, "%g passes/s", p->rate);
	else if (p->spread_s > 0)
		ps_buf_printf(&b, "spread over %g s (seed %" PRIu64 ")", p->spread_s, p->seed);
	else
		ps_buf_puts(&b, "all at once");
	if (p->duration_s > 0)
		ps_buf_printf(&b, " for %g s", p->duration_s);
	ps_buf_printf(&b, " %s jobs %u %s shard %u/%u %s %zu pass%s planned", bar, p->jobs, bar,
		      p->shard_i ? p->shard_i : 1, p->shard_n ? p->shard_n : 1, bar, now->planned,
		      now->planned == 1 ? "" : "es");
	raw = ps_buf_take(&b);
	ps_tui_fitted_line(out, c, raw, 8, PS_TS_NORMAL, PS_TS_DIM);
	free(raw);
}

void ps_storm_view_progress(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_storm_now *now, const struct ps_tui_ctx *c)
{
	uint64_t done = r->done, ok = r->by_exit[0], failed = done - ok;
	uint64_t planned = now->planned > done ? now->planned : done;
	char tail[64];
	snprintf(tail, sizeof tail, " %" PRIu64 "/%" PRIu64 " %3.0f%%", done, planned,
		 planned ? 100.0 * (double)done / (double)planned : 0.0);
	struct ps_buf b = { 0 };
	size_t mark = ps_storm_bar(&b, c, c->width - (int)strlen(tail), done, planned);
	ps_buf_puts(&b, tail);
	char *raw = ps_buf_take(&b);
	ps_tui_fitted_line(out, c, raw, mark, PS_TS_NORMAL, failed ? PS_TS_WARN : PS_TS_OK);
	free(raw);

	uint64_t left = planned - done > now->in_flight ? planned - done - now->in_flight : 0;
	double rate = ps_storm_recent_rate(r, now->t_s, RATE_WINDOW_S);
	const char *bar = c->g->vline;
	char okc[32];
	snprintf(okc, sizeof okc, "ok %" PRIu64, ok);
	raw = ps_xasprintf("%s %s failed %" PRIu64 " %s in flight %u %s %s %" PRIu64
			   " %s %.1f passes/s",
			   okc, bar, failed, bar, now->in_flight, bar,
			   now->stopping ? "not begun" : "to begin", left, bar, rate);
	if (ps_tui_width(raw) > (size_t)c->width) { /* narrow: the short words */
		free(raw);
		raw = ps_xasprintf("%s  fail %" PRIu64 "  run %u  %s %" PRIu64 "  %.1f/s", okc,
				   failed, now->in_flight, now->stopping ? "off" : "wait", left,
				   rate);
	}
	ps_tui_fitted_line(out, c, raw, strlen(okc), PS_TS_NORMAL, PS_TS_OK);
	free(raw);
}

/* --- latency ------------------------------------------------------------------ */

enum lat_col { L_N, L_P50, L_P95, L_P99, L_MAX, L_COUNT };

/* The name column's width, and each other column's (a space and 8). */
#define LAT_NAME 10
#define LAT_COL 9

void ps_storm_view_latency(struct ps_tui_lines *out, const struct ps_storm_report *r,
			   const struct ps_tui_ctx *c)
{
	static const char *const head[L_COUNT] = { "n", "p50", "p95", "p99", "max" };
	/* the columns in the order they go when the width is short */
	static const enum lat_col drop[] = { L_N, L_MAX, L_P99, L_P95 };
	bool show[L_COUNT] = { true, true, true, true, true };
	int width = LAT_NAME + L_COUNT * LAT_COL;
	for (size_t i = 0; i < sizeof drop / sizeof drop[0] && width > c->width; i++) {
		show[drop[i]] = false;
		width -= LAT_COL;
	}
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%-*s", LAT_NAME, "latency");
	for (int k = 0; k < L_COUNT; k++)
		if (show[k])
			ps_buf_printf(&b, " %8s", head[k]);
	char *raw = ps_buf_take(&b);
	ps_tui_fitted_line(out, c, raw, 0, PS_TS_HEAD, PS_TS_HEAD);
	free(raw);
	bool scheduled = r->params.rate > 0 || r->params.spread_s > 0;
	for (int s = 0; s < PS_STORM_STEP_COUNT; s++) {
		if (s == PS_STORM_LAG && !scheduled)
			continue; /* all at once: the queue for the jobs, not a lag */
		const struct ps_hist *h = &r->hist[s];
		ps_buf_printf(&b, "%-*s", LAT_NAME, ps_storm_step_name((enum ps_storm_step)s));
		uint64_t v[L_COUNT] = { h->n, ps_hist_percentile(h, 50), ps_hist_percentile(h, 95),
					ps_hist_percentile(h, 99), h->max };
		for (int k = 0; k < L_COUNT; k++) {
			if (!show[k])
				continue;
			char cell[32];
			if (k == L_N)
				snprintf(cell, sizeof cell, "%" PRIu64, h->n);
			else if (!h->n)
				snprintf(cell, sizeof cell, "-");
			else
				ps_storm_duration(cell, sizeof cell, v[k]);
			ps_buf_printf(&b, " %8s", cell);
		}
		raw = ps_buf_take(&b);
		ps_tui_fitted_line(out, c, raw, 0, h->n ? PS_TS_NORMAL : PS_TS_DIM, PS_TS_NORMAL);
		free(raw);
	}
}

/* --- the timeline ------------------------------------------------------------- */

void ps_storm_view_timeline(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_storm_now *now, const struct ps_tui_ctx *c)
{
	size_t ended = now->t_s > 0 ? (size_t)now->t_s : 0; /* seconds over */
	size_t cols = c->width > SPARK_LABEL ? (size_t)(c->width - SPARK_LABEL) : 1;
	if (cols > PS_STORM_VIEW_SECONDS)
		cols = PS_STORM_VIEW_SECONDS;
	size_t n = ended < cols ? ended : cols, first = ended - n;
	uint64_t rows[3][PS_STORM_VIEW_SECONDS] = { { 0 } }, peak = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = first + i;
		if (k >= r->n_seconds)
			break;
		const struct ps_storm_second *s = &r->seconds[k];
		rows[0][i] = s->started;
		rows[1][i] = s->ok;
		rows[2][i] = s->failed;
		failed += s->failed;
		for (int j = 0; j < 3; j++)
			if (rows[j][i] > peak)
				peak = rows[j][i];
	}
	char *raw;
	if (n)
		raw = ps_xasprintf("passes a second, the last %zu s (peak %" PRIu64 ")", n, peak);
	else
		raw = ps_xstrdup("passes a second (from the end of the first)");
	ps_tui_fitted_line(out, c, raw, 0, PS_TS_HEAD, PS_TS_HEAD);
	free(raw);
	static const char *const label[3] = { "begun", "ok", "failed" };
	const enum ps_tui_style style[3] = { PS_TS_NORMAL, PS_TS_OK,
					     failed ? PS_TS_FAIL : PS_TS_DIM };
	for (int j = 0; j < 3; j++) {
		struct ps_buf b = { 0 };
		ps_buf_printf(&b, "%-*s", SPARK_LABEL, label[j]);
		ps_storm_spark(&b, c, rows[j], n, peak);
		raw = ps_buf_take(&b);
		ps_tui_fitted_line(out, c, raw, SPARK_LABEL, style[j], PS_TS_DIM);
		free(raw);
	}
}

/* --- outcomes and findings ---------------------------------------------------- */

/* How many of a list's `rows` are shown in `max_rows` lines (0: no
 * limit): all that fit, the last line saying how many more when some are
 * left out (none when one line is all there is). */
static size_t list_cut(size_t rows, size_t max_rows)
{
	return !max_rows || rows <= max_rows ? rows : max_rows == 1 ? 1 : max_rows - 1;
}

static void more_line(struct ps_tui_lines *out, const struct ps_tui_ctx *c, size_t more,
		      const char *what)
{
	char *raw = ps_xasprintf("  %s %zu more %s", c->g->ellipsis, more, what);
	ps_tui_fitted_line(out, c, raw, 0, PS_TS_DIM, PS_TS_DIM);
	free(raw);
}

void ps_storm_view_outcomes(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_tui_ctx *c, size_t max_rows)
{
	ps_tui_fitted_line(out, c, "outcomes          passes  share", 0, PS_TS_HEAD, PS_TS_HEAD);
	size_t rows = 0;
	for (int code = 0; code < 256; code++)
		rows += r->by_exit[code] != 0;
	if (!rows) {
		ps_tui_fitted_line(out, c, "  no pass has ended yet", 0, PS_TS_DIM, PS_TS_DIM);
		return;
	}
	size_t shown = 0, keep = list_cut(rows, max_rows);
	for (int code = 0; code < 256 && shown < keep; code++) {
		uint64_t n = r->by_exit[code];
		if (!n)
			continue;
		shown++;
		const char *name = ps_exit_name(code), *text = ps_exit_text(code);
		char *raw = ps_xasprintf(
		    "  %-12s %9" PRIu64 " %5.1f%%  exit %d, %s", name ? name : "?", n,
		    100.0 * (double)n / (double)(r->done ? r->done : 1), code, text ? text : "?");
		ps_tui_fitted_line(out, c, raw, 0, code ? PS_TS_FAIL : PS_TS_OK, PS_TS_NORMAL);
		free(raw);
	}
	if (keep < rows && max_rows > 1)
		more_line(out, c, rows - keep, "categories");
}

static int finding_order(const void *a, const void *b)
{
	const struct ps_storm_finding *x = *(const struct ps_storm_finding *const *)a;
	const struct ps_storm_finding *y = *(const struct ps_storm_finding *const *)b;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->passes != y->passes)
		return x->passes > y->passes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const char *severity_glyph(const struct ps_tui_glyphs *g, enum ps_severity s)
{
	return s == PS_SEV_ERROR ? g->fail : s == PS_SEV_WARN ? g->warn : g->bullet;
}

void ps_storm_view_findings(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_tui_ctx *c, size_t max_rows)
{
	ps_tui_fitted_line(out, c, "findings (passes)", 0, PS_TS_HEAD, PS_TS_HEAD);
	if (!r->n_findings) {
		ps_tui_fitted_line(out, c, "  none yet", 0, PS_TS_DIM, PS_TS_DIM);
		return;
	}
	const struct ps_storm_finding **v = ps_xcalloc(r->n_findings, sizeof *v);
	for (size_t i = 0; i < r->n_findings; i++)
		v[i] = &r->findings[i];
	qsort(v, r->n_findings, sizeof *v, finding_order);
	size_t keep = list_cut(r->n_findings, max_rows);
	/* the count first, so that a narrow screen keeps it; then the names
	 * lined up */
	int count_w = 1, name_w = 0;
	for (size_t i = 0; i < keep; i++) {
		char n[32];
		int w = snprintf(n, sizeof n, "%" PRIu64, v[i]->passes);
		int nw = (int)strlen(ps_finding_name(v[i]->id));
		count_w = w > count_w ? w : count_w;
		name_w = nw > name_w ? nw : name_w;
	}
	for (size_t i = 0; i < keep; i++) {
		const char *glyph = severity_glyph(c->g, v[i]->severity);
		char *raw =
		    ps_xasprintf("%s %-*" PRIu64 "  %-*s  %s", glyph, count_w, v[i]->passes, name_w,
				 ps_finding_name(v[i]->id), ps_finding_text(v[i]->id));
		ps_tui_fitted_line(out, c, raw, strlen(glyph), PS_TS_NORMAL,
				   ps_tui_severity_style(v[i]->severity));
		free(raw);
	}
	if (keep < r->n_findings && max_rows > 1)
		more_line(out, c, r->n_findings - keep, "findings");
	free(v);
}

void ps_storm_view_hints(struct ps_tui_lines *out, const struct ps_storm_now *now,
			 const struct ps_tui_ctx *c)
{
	char *raw;
	if (now->stopping)
		raw = ps_xasprintf("stopping: %u pass%s in flight to end, then the report",
				   now->in_flight, now->in_flight == 1 ? "" : "es");
	else
		raw = ps_xstrdup("q or Ctrl-C stop the storm (the passes in flight end, then the "
				 "report)");
	ps_tui_fitted_line(out, c, raw, 0, now->stopping ? PS_TS_RUN : PS_TS_DIM, PS_TS_DIM);
	free(raw);
}

/* --- the screen --------------------------------------------------------------- */

enum part { P_HEAD, P_PROGRESS, P_LATENCY, P_TIMELINE, P_OUTCOMES, P_FINDINGS, P_COUNT };

/* Move the first `n` lines of `from` to the end of `to`; free the rest. */
static void take_lines(struct ps_tui_lines *to, struct ps_tui_lines *from, size_t n)
{
	for (size_t i = 0; i < from->n; i++) {
		if (i < n) {
			to->v = ps_xgrow(to->v, &to->cap, to->n + 1, sizeof *to->v);
			to->v[to->n++] = from->v[i];
		} else {
			free(from->v[i].text);
		}
	}
	free(from->v);
	memset(from, 0, sizeof *from);
}

static void blank(struct ps_tui_lines *out, const struct ps_tui_ctx *c)
{
	ps_tui_fitted_line(out, c, "", 0, PS_TS_NORMAL, PS_TS_NORMAL);
}

/* Give part `p` up to `want` lines of what is left. */
static void give(size_t got[P_COUNT], int p, size_t want, size_t *left)
{
	if (want <= got[p])
		return;
	size_t more = want - got[p];
	if (more > *left)
		more = *left;
	got[p] += more;
	*left -= more;
}

void ps_storm_view_screen(struct ps_tui_lines *out, const struct ps_storm_report *r,
			  const struct ps_storm_now *now, const struct ps_tui_ctx *c, int height)
{
	if (height < 1)
		return;
	size_t start = out->n;
	struct ps_tui_lines part[P_COUNT] = { { 0 } };
	ps_storm_view_header(&part[P_HEAD], r, now, c);
	ps_storm_view_progress(&part[P_PROGRESS], r, now, c);
	ps_storm_view_latency(&part[P_LATENCY], r, c);
	ps_storm_view_timeline(&part[P_TIMELINE], r, now, c);
	ps_storm_view_outcomes(&part[P_OUTCOMES], r, c, 0);
	ps_storm_view_findings(&part[P_FINDINGS], r, c, 0);
	size_t left = (size_t)height - 1, got[P_COUNT] = { 0 }; /* the hints' line kept */
	give(got, P_HEAD, 1, &left);
	give(got, P_PROGRESS, part[P_PROGRESS].n, &left);
	if (left >= part[P_LATENCY].n)
		give(got, P_LATENCY, part[P_LATENCY].n, &left);
	if (left >= 2)
		give(got, P_OUTCOMES, 2, &left);
	give(got, P_HEAD, part[P_HEAD].n, &left);
	if (left >= part[P_TIMELINE].n)
		give(got, P_TIMELINE, part[P_TIMELINE].n, &left);
	if (left >= 2)
		give(got, P_FINDINGS, 2, &left);
	if (got[P_OUTCOMES])
		give(got, P_OUTCOMES, part[P_OUTCOMES].n, &left);
	if (got[P_FINDINGS])
		give(got, P_FINDINGS, part[P_FINDINGS].n, &left);
	/* a list cut short ends in a line saying how many more */
	if (got[P_OUTCOMES] && got[P_OUTCOMES] < part[P_OUTCOMES].n) {
		ps_tui_lines_clear(&part[P_OUTCOMES]);
		ps_storm_view_outcomes(&part[P_OUTCOMES], r, c, got[P_OUTCOMES] - 1);
	}
	if (got[P_FINDINGS] && got[P_FINDINGS] < part[P_FINDINGS].n) {
		ps_tui_lines_clear(&part[P_FINDINGS]);
		ps_storm_view_findings(&part[P_FINDINGS], r, c, got[P_FINDINGS] - 1);
	}
	/* blank lines between the parts, from the top, while there is room */
	bool first = true;
	for (int p = 0; p < P_COUNT; p++) {
		if (!got[p]) {
			ps_tui_lines_clear(&part[p]);
			continue;
		}
		if (!first && left) {
			blank(out, c);
			left--;
		}
		first = false;
		take_lines(out, &part[p], got[p]);
	}
	while (out->n - start < (size_t)height - 1)
		blank(out, c);
	ps_storm_view_hints(out, now, c);
}
