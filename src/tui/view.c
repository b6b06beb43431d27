/* The TUI's text toolkit (glyphs, widths, wrapping, durations), the step
 * list, the header, the help and where findings and failures are shown.
 * Pure functions of the report (see view.h); detail.c has the detail views. */
#include "config.h"

#include "tui/view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/utf8.h"
#include "core/util.h"
#include "model/scan.h"
#include "tlswire/tlsnames.h"

static const char *const spin_utf8[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
static const char *const spin_ascii[] = { "|", "/", "-", "\\" };
static const char *const spark_utf8[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char *const spark_ascii[] = { ".", ":", "-", "=", "+", "*", "#", "@" };

static const struct ps_tui_glyphs glyphs_utf8 = {
	.ok = "✔",
	.warn = "▲",
	.fail = "✘",
	.skipped = "○",
	.pending = "·",
	.pass = "✓",
	.nopass = "✗",
	.na = "–",
	.out = "→",
	.in = "←",
	.chosen = "►",
	.bullet = "•",
	.hline = "─",
	.vline = "│",
	.ellipsis = "…",
	.bar = "█",
	.bar_empty = "░",
	.spark = spark_utf8,
	.n_spark = sizeof spark_utf8 / sizeof spark_utf8[0],
	.keys_move = "↑↓",
	.spinner = spin_utf8,
	.n_spinner = sizeof spin_utf8 / sizeof spin_utf8[0],
};

static const struct ps_tui_glyphs glyphs_ascii = {
	.ok = "+",
	.warn = "!",
	.fail = "x",
	.skipped = "-",
	.pending = ".",
	.pass = "+",
	.nopass = "x",
	.na = "-",
	.out = "->",
	.in = "<-",
	.chosen = ">",
	.bullet = "*",
	.hline = "-",
	.vline = "|",
	.ellipsis = "~",
	.bar = "#",
	.bar_empty = ".",
	.spark = spark_ascii,
	.n_spark = sizeof spark_ascii / sizeof spark_ascii[0],
	.keys_move = "arrows",
	.spinner = spin_ascii,
	.n_spinner = sizeof spin_ascii / sizeof spin_ascii[0],
};

const struct ps_tui_glyphs *ps_tui_glyphs_for(bool utf8)
{
	return utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

/* --- text ---------------------------------------------------------------- */

static size_t cp_width(uint32_t cp)
{
	if (cp < 0x80)
		return 1;
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

size_t ps_tui_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = ps_utf8_decode(p, 4, &cp);
		if (!n) {
			w++;
			p++;
			continue;
		}
		w += cp_width(cp);
		p += n;
	}
	return w;
}

size_t ps_tui_fit(const char *s, size_t cols)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = ps_utf8_decode(p, 4, &cp);
		size_t cw = n ? cp_width(cp) : 1;
		if (!n)
			n = 1;
		if (w + cw > cols)
			break;
		w += cw;
		p += n;
	}
	return (size_t)(p - (const unsigned char *)s);
}

char *ps_tui_sanitize(const char *s, bool utf8)
{
	if (!s)
		return ps_xstrdup("");
	struct ps_buf b = { 0 };
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p == '\t') {
			ps_buf_add(&b, " ", 1);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			ps_buf_add(&b, "?", 1);
			p++;
		} else if (*p < 0x80) {
			ps_buf_add(&b, (const char *)p, 1);
			p++;
		} else {
			uint32_t cp;
			size_t n = ps_utf8_decode(p, 4, &cp);
			if (n && utf8 && cp >= 0xa0)
				ps_buf_add(&b, (const char *)p, n);
			else
				ps_buf_add(&b, "?", 1);
			p += n ? n : 1;
		}
	}
	return ps_buf_take(&b);
}

void ps_tui_lines_clear(struct ps_tui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void push_line(struct ps_tui_lines *l, char *text, size_t mark, enum ps_tui_style style,
		      enum ps_tui_style mark_style)
{
	l->v = ps_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = (struct ps_tui_line){
		.text = text, .mark = mark, .style = style, .mark_style = mark_style
	};
}

/* Wrap one paragraph (no newline, sanitized). */
static void wrap_para(struct ps_tui_lines *l, int width, int indent, int hang, const char *mark,
		      enum ps_tui_style mark_style, enum ps_tui_style style, const char *text)
{
	struct ps_buf b = { 0 };
	for (int i = 0; i < indent; i++)
		ps_buf_add(&b, " ", 1);
	size_t mark_bytes = 0;
	if (mark && *mark) {
		ps_buf_puts(&b, mark);
		ps_buf_add(&b, " ", 1);
		mark_bytes = b.len;
	}
	if (hang < 0)
		hang = indent + (mark && *mark ? (int)ps_tui_width(mark) + 1 : 0);
	if (hang > width - 8) /* a narrow pane: keep room for the text */
		hang = width > 16 ? width - 8 : width / 2;
	size_t used = ps_tui_width(b.s ? b.s : "");
	const char *p = text;
	bool first = true;
	for (;;) {
		size_t avail = width > (int)used ? (size_t)width - used : 1;
		size_t fit = ps_tui_fit(p, avail);
		size_t take = fit, skip = fit;
		if (p[fit]) {
			size_t brk = fit;
			while (brk > 0 && p[brk] != ' ')
				brk--;
			if (brk > 0) {
				take = brk;
				skip = brk;
			} else if (fit == 0) { /* one wide character in one column */
				uint32_t cp;
				size_t n = ps_utf8_decode((const unsigned char *)p, 4, &cp);
				take = skip = n ? n : 1;
			}
		}
		ps_buf_add(&b, p, take);
		char *line = ps_buf_take(&b);
		size_t len = strlen(line);
		len = ps_tui_fit(line,
				 width > 0 ? (size_t)width : 0); /* a prefix wider than the pane */
		while (len > 0 && line[len - 1] == ' ')
			len--;
		line[len] = '\0';
		size_t mark_here = first ? mark_bytes : 0;
		push_line(l, line, mark_here < len ? mark_here : len, style, mark_style);
		first = false;
		p += skip;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (int i = 0; i < hang; i++)
			ps_buf_add(&b, " ", 1);
		used = (size_t)(hang > 0 ? hang : 0);
	}
}

void ps_tui_wrap(struct ps_tui_lines *l, const struct ps_tui_ctx *c, int indent, int hang,
		 const char *mark, enum ps_tui_style mark_style, enum ps_tui_style style,
		 const char *text)
{
	char *all = ps_xstrdup(text ? text : "");
	char *p = all;
	bool first = true;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		char *safe = ps_tui_sanitize(p, c->utf8);
		if (first)
			wrap_para(l, c->width, indent, hang, mark, mark_style, style, safe);
		else /* a later paragraph: as a continuation line */
			wrap_para(l, c->width,
				  hang >= 0
				      ? hang
				      : indent + (mark && *mark ? (int)ps_tui_width(mark) + 1 : 0),
				  -1, NULL, mark_style, style, safe);
		free(safe);
		first = false;
		if (!nl)
			break;
		p = nl + 1;
	}
	free(all);
}

/* `s` cut to `width` columns, ending in the ellipsis when cut; sanitized. */
static char *fit_text(const struct ps_tui_ctx *c, const char *s, size_t width)
{
	char *safe = ps_tui_sanitize(s, c->utf8);
	if (ps_tui_width(safe) <= width)
		return safe;
	size_t ew = ps_tui_width(c->g->ellipsis);
	size_t keep = ps_tui_fit(safe, width > ew ? width - ew : 0);
	char *out = ps_xasprintf("%.*s%s", (int)keep, safe, width > ew ? c->g->ellipsis : "");
	free(safe);
	return out;
}

/* Append `n` spaces. */
static void pad(struct ps_buf *b, size_t n)
{
	while (n--)
		ps_buf_add(b, " ", 1);
}

void ps_tui_duration(char *buf, size_t n, double ms)
{
	if (ms < 0)
		snprintf(buf, n, "%s", "");
	else if (ms < 10)
		snprintf(buf, n, "%.1f ms", ms);
	else if (ms < 1000)
		snprintf(buf, n, "%.0f ms", ms);
	else if (ms < 60000)
		snprintf(buf, n, "%.1f s", ms / 1000);
	else {
		long s = (long)(ms / 1000);
		snprintf(buf, n, "%ld min %02ld s", s / 60, s % 60);
	}
}

const char *ps_tui_status_glyph(const struct ps_tui_glyphs *g, enum ps_step_status st)
{
	switch (st) {
	case PS_STATUS_OK:
		return g->ok;
	case PS_STATUS_WARN:
		return g->warn;
	case PS_STATUS_FAIL:
		return g->fail;
	case PS_STATUS_SKIPPED:
		return g->skipped;
	case PS_STATUS_RUNNING:
		return g->spinner[0];
	case PS_STATUS_PENDING:
		break;
	}
	return g->pending;
}

enum ps_tui_style ps_tui_status_style(enum ps_step_status st)
{
	switch (st) {
	case PS_STATUS_OK:
		return PS_TS_OK;
	case PS_STATUS_WARN:
		return PS_TS_WARN;
	case PS_STATUS_FAIL:
		return PS_TS_FAIL;
	case PS_STATUS_RUNNING:
		return PS_TS_RUN;
	case PS_STATUS_PENDING:
	case PS_STATUS_SKIPPED:
		break;
	}
	return PS_TS_DIM;
}

enum ps_tui_style ps_tui_severity_style(enum ps_severity sev)
{
	return sev == PS_SEV_ERROR ? PS_TS_FAIL : sev == PS_SEV_WARN ? PS_TS_WARN : PS_TS_INFO;
}

/* --- the step list ------------------------------------------------------- */

static void push_item(struct ps_tui_items *l, enum ps_tui_item_kind kind, size_t hop, size_t step)
{
	l->v = ps_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = (struct ps_tui_item){ .kind = kind, .hop = hop, .step = step };
}

void ps_tui_items_build(struct ps_tui_items *out, const struct ps_report *r)
{
	out->n = 0;
	if (r->mode == PS_MODE_SCAN) {
		const struct ps_scan_report *s = r->scan;
		if (!s)
			return; /* still running */
		push_item(out, PS_TUI_GROUP, 1, 0);
		for (size_t i = 0; i < s->n_models; i++)
			push_item(out, PS_TUI_MODEL, i, 0);
		push_item(out, PS_TUI_GROUP, 2, 0);
		push_item(out, PS_TUI_SERVER, 0, 0);
		if (s->audit)
			push_item(out, PS_TUI_AUDIT, 0, 0);
		push_item(out, PS_TUI_FINDINGS, 0, 0);
		return;
	}
	for (size_t h = 0; h < r->n_hops; h++) {
		push_item(out, PS_TUI_HOP, h, 0);
		for (size_t s = 0; s < r->hops[h].n_steps; s++)
			push_item(out, PS_TUI_STEP, h, s);
	}
	push_item(out, PS_TUI_GROUP, 0, 0);
	push_item(out, PS_TUI_PHONE, 0, 0);
	if (r->profile.n_params)
		push_item(out, PS_TUI_PARAMS, 0, 0);
	push_item(out, PS_TUI_FINDINGS, 0, 0);
}

void ps_tui_items_clear(struct ps_tui_items *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

bool ps_tui_item_selectable(const struct ps_tui_item *it)
{
	return it->kind != PS_TUI_HOP && it->kind != PS_TUI_GROUP;
}

bool ps_tui_item_eq(const struct ps_tui_item *a, const struct ps_tui_item *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == PS_TUI_STEP)
		return a->hop == b->hop && a->step == b->step;
	if (a->kind == PS_TUI_HOP || a->kind == PS_TUI_MODEL || a->kind == PS_TUI_GROUP)
		return a->hop == b->hop;
	return true;
}

size_t ps_tui_items_find(const struct ps_tui_items *l, const struct ps_tui_item *it)
{
	for (size_t i = 0; i < l->n; i++)
		if (ps_tui_item_eq(&l->v[i], it))
			return i;
	return l->n;
}

/* The last path component of a URL, or the whole text. */
static const char *url_tail(const char *url)
{
	if (!url)
		return "";
	const char *q = strchr(url, '?');
	size_t len = q ? (size_t)(q - url) : strlen(url);
	while (len > 1 && url[len - 1] == '/')
		len--;
	for (size_t i = len; i > 0; i--)
		if (url[i - 1] == '/')
			return url + i;
	return url;
}

static const struct ps_finding *worst_finding(const struct ps_report *r)
{
	const struct ps_finding *w = NULL;
	for (size_t i = 0; i < r->n_findings; i++)
		if (!w || r->findings[i].severity > w->severity)
			w = &r->findings[i];
	return w;
}

void ps_tui_item_row(struct ps_tui_lines *out, const struct ps_report *r,
		     const struct ps_tui_item *it, const struct ps_tui_ctx *c)
{
	size_t width = c->width > 0 ? (size_t)c->width : 0;
	const struct ps_tui_glyphs *g = c->g;
	struct ps_buf b = { 0 };
	char *text = NULL;
	enum ps_tui_style style = PS_TS_NORMAL, mark_style = PS_TS_NORMAL;
	size_t mark = 0;
	switch (it->kind) {
	case PS_TUI_HOP: {
		const struct ps_hop *h = &r->hops[it->hop];
		char *label = r->show_secrets ? ps_xstrdup(h->url) : ps_redact_secrets(h->url);
		char *raw = ps_xasprintf("hop %zu %s", it->hop + 1,
					 r->mode == PS_MODE_LIVE ? url_tail(label) : label);
		text = fit_text(c, raw, width);
		free(raw);
		free(label);
		style = PS_TS_HEAD;
		break;
	}
	case PS_TUI_STEP: {
		const struct ps_step *s = &r->hops[it->hop].steps[it->step];
		const char *glyph = ps_tui_status_glyph(g, s->status);
		if (s->status == PS_STATUS_RUNNING)
			glyph = g->spinner[c->spin % g->n_spinner];
		char dur[32] = "";
		if (s->status == PS_STATUS_RUNNING)
			ps_tui_duration(dur, sizeof dur, c->now_ms - s->start_ms);
		else if (s->status != PS_STATUS_PENDING)
			ps_tui_duration(dur, sizeof dur, s->duration_ms);
		ps_buf_puts(&b, glyph);
		mark = b.len;
		ps_buf_add(&b, " ", 1);
		const char *name = ps_step_name(s->id);
		size_t left = 2 + strlen(name), dw = strlen(dur);
		ps_buf_puts(&b, name);
		if (left + 1 + dw <= width) {
			pad(&b, width - left - dw);
			ps_buf_puts(&b, dur);
		}
		char *raw = ps_buf_take(&b);
		text = fit_text(c, raw, width);
		free(raw);
		mark_style = ps_tui_status_style(s->status);
		style = s->status == PS_STATUS_PENDING || s->status == PS_STATUS_SKIPPED ? PS_TS_DIM
			: s->status == PS_STATUS_RUNNING                                 ? PS_TS_RUN
							 : PS_TS_NORMAL;
		break;
	}
	case PS_TUI_GROUP:
		text = fit_text(c,
				it->hop == 1   ? "models"
				: it->hop == 2 ? "server"
					       : "report",
				width);
		style = PS_TS_HEAD;
		break;
	case PS_TUI_MODEL: {
		struct ps_scan_row w;
		ps_scan_row(r->scan, it->hop, &w);
		ps_buf_puts(&b, w.exit_code ? g->fail : g->ok);
		mark = b.len;
		mark_style = w.exit_code ? PS_TS_FAIL : PS_TS_OK;
		const char *what = w.error                        ? "not played"
				   : w.exit_code && w.first_error ? w.first_error
				   : w.cipher_suite               ? w.cipher_suite
								  : "";
		const char *o =
		    w.suite_id && !w.exit_code ? ps_suite_openssl_name(w.suite_id) : NULL;
		char exit_text[16];
		snprintf(exit_text, sizeof exit_text, "%d", w.exit_code);
		ps_buf_printf(&b, " %-8s %s", w.product, o ? o : what);
		size_t used = ps_tui_width(b.s);
		if (used + 1 + strlen(exit_text) <= width) {
			pad(&b, width - used - strlen(exit_text));
			ps_buf_puts(&b, exit_text);
		}
		char *raw = ps_buf_take(&b);
		text = fit_text(c, raw, width);
		free(raw);
		break;
	}
	case PS_TUI_SERVER:
	case PS_TUI_AUDIT: {
		bool bad = it->kind == PS_TUI_AUDIT && r->scan->audit->exit_code;
		ps_buf_puts(&b, bad ? g->fail : g->bullet);
		mark = b.len;
		mark_style = bad ? PS_TS_FAIL : PS_TS_NORMAL;
		ps_buf_puts(&b, it->kind == PS_TUI_SERVER ? " versions, suites, chain" : " audit");
		char *raw = ps_buf_take(&b);
		text = fit_text(c, raw, width);
		free(raw);
		break;
	}
	case PS_TUI_PHONE:
	case PS_TUI_PARAMS:
	case PS_TUI_FINDINGS: {
		const char *glyph = g->bullet;
		if (it->kind == PS_TUI_FINDINGS) {
			const struct ps_finding *w = worst_finding(r);
			if (w) {
				glyph = w->severity == PS_SEV_ERROR  ? g->fail
					: w->severity == PS_SEV_WARN ? g->warn
								     : g->bullet;
				mark_style = ps_tui_severity_style(w->severity);
			}
		}
		ps_buf_puts(&b, glyph);
		mark = b.len;
		if (it->kind == PS_TUI_PHONE)
			ps_buf_printf(&b, " phone %s", r->phone.product ? r->phone.product : "");
		else if (it->kind == PS_TUI_PARAMS)
			ps_buf_printf(&b, " parameters (%zu)", r->profile.n_params);
		else
			ps_buf_printf(&b, " findings (%zu)", r->n_findings);
		char *raw = ps_buf_take(&b);
		text = fit_text(c, raw, width);
		free(raw);
		break;
	}
	}
	if (mark > strlen(text))
		mark = strlen(text);
	push_line(out, text, mark, style, mark_style);
}

char *ps_tui_item_title(const struct ps_report *r, const struct ps_tui_item *it)
{
	switch (it->kind) {
	case PS_TUI_HOP:
		return ps_xasprintf("hop %zu", it->hop + 1);
	case PS_TUI_STEP: {
		const struct ps_step *s = &r->hops[it->hop].steps[it->step];
		return ps_xasprintf("%s: %s", ps_step_name(s->id), ps_step_title(s->id));
	}
	case PS_TUI_GROUP:
		return ps_xstrdup(it->hop == 1 ? "models" : it->hop == 2 ? "server" : "report");
	case PS_TUI_MODEL: {
		const struct ps_scan_model *m = &r->scan->models[it->hop];
		return ps_xasprintf("%s, firmware %s", m->product, m->firmware);
	}
	case PS_TUI_SERVER:
		return ps_xstrdup("The server: versions, suites, client certificates, chain");
	case PS_TUI_AUDIT:
		return ps_xstrdup("Who else gets a per-device file?");
	case PS_TUI_PHONE:
		return ps_xstrdup("The phone played");
	case PS_TUI_PARAMS:
		return ps_xstrdup("The phone's parameter table after the run");
	case PS_TUI_FINDINGS:
		return ps_xstrdup("Findings");
	}
	return ps_xstrdup("");
}

/* --- findings and failures ----------------------------------------------- */

static long first_failed(const struct ps_hop *h)
{
	for (size_t i = 0; i < h->n_steps; i++)
		if (h->steps[i].status == PS_STATUS_FAIL)
			return (long)i;
	return -1;
}

bool ps_tui_failure_item(const struct ps_report *r, struct ps_tui_item *it)
{
	if (r->mode == PS_MODE_SCAN) { /* the first model that does not get through */
		for (size_t i = 0; r->scan && i < r->scan->n_models; i++)
			if (r->scan->models[i].exit_code) {
				*it = (struct ps_tui_item){ .kind = PS_TUI_MODEL, .hop = i };
				return true;
			}
		if (r->scan && r->scan->audit && r->scan->audit->exit_code) {
			*it = (struct ps_tui_item){ .kind = PS_TUI_AUDIT };
			return true;
		}
		return false;
	}
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		if (f->severity != PS_SEV_ERROR)
			continue;
		size_t hop, step;
		if (ps_report_finding_step(r, f, &hop, &step))
			*it = (struct ps_tui_item){ .kind = PS_TUI_STEP, .hop = hop, .step = step };
		else
			*it = (struct ps_tui_item){ .kind = PS_TUI_FINDINGS };
		return true;
	}
	for (size_t h = 0; h < r->n_hops; h++) {
		long s = first_failed(&r->hops[h]);
		if (s >= 0) {
			*it = (struct ps_tui_item){ .kind = PS_TUI_STEP,
						    .hop = h,
						    .step = (size_t)s };
			return true;
		}
	}
	return false;
}

bool ps_tui_latest_item(const struct ps_report *r, struct ps_tui_item *it)
{
	for (size_t h = r->n_hops; h-- > 0;)
		for (size_t s = r->hops[h].n_steps; s-- > 0;)
			if (r->hops[h].steps[s].status == PS_STATUS_RUNNING) {
				*it = (struct ps_tui_item){ .kind = PS_TUI_STEP,
							    .hop = h,
							    .step = s };
				return true;
			}
	for (size_t h = r->n_hops; h-- > 0;)
		if (r->hops[h].n_steps) {
			*it = (struct ps_tui_item){ .kind = PS_TUI_STEP,
						    .hop = h,
						    .step = r->hops[h].n_steps - 1 };
			return true;
		}
	return false;
}

/* --- header, help, hints ------------------------------------------------- */

void ps_tui_fitted_line(struct ps_tui_lines *out, const struct ps_tui_ctx *c, const char *raw,
			size_t mark, enum ps_tui_style style, enum ps_tui_style mark_style)
{
	char *text = fit_text(c, raw, c->width > 0 ? (size_t)c->width : 0);
	if (mark > strlen(text))
		mark = strlen(text);
	push_line(out, text, mark, style, mark_style);
}

/* A scan's header: the badge and what was scanned, the target, the
 * verdict or the progress. */
static void scan_header(struct ps_tui_lines *out, const struct ps_report *r,
			const struct ps_tui_ctx *c, struct ps_buf *b, size_t mark,
			enum ps_tui_style badge_style)
{
	const struct ps_scan_report *s = r->scan;
	if (s)
		ps_buf_printf(b, "  scan of %zu model%s %s %zu pass%s %s clock %s", s->n_models,
			      s->n_models == 1 ? "" : "s", c->g->vline, s->n_passes,
			      s->n_passes == 1 ? "" : "es", c->g->vline,
			      c->clock ? c->clock : "now");
	else
		ps_buf_printf(b, "  scan %s clock %s", c->g->vline, c->clock ? c->clock : "now");
	char *raw = ps_buf_take(b);
	ps_tui_fitted_line(out, c, raw, mark, PS_TS_HEAD, badge_style);
	free(raw);
	raw = ps_xasprintf("target %s", r->target ? r->target : "");
	ps_tui_fitted_line(out, c, raw, 6, PS_TS_NORMAL, PS_TS_DIM);
	free(raw);
	if (r->finished)
		raw = ps_xasprintf("verdict %s", r->summary ? r->summary : "");
	else
		raw = ps_xasprintf("running %s", r->summary ? r->summary : "starting");
	ps_tui_fitted_line(out, c, raw, 7,
			   !r->finished   ? PS_TS_RUN
			   : r->exit_code ? PS_TS_FAIL
					  : PS_TS_OK,
			   PS_TS_DIM);
	free(raw);
}

void ps_tui_header(struct ps_tui_lines *out, const struct ps_report *r, const struct ps_tui_ctx *c)
{
	const struct ps_tui_glyphs *g = c->g;
	const struct ps_phone_info *p = &r->phone;
	struct ps_buf b = { 0 };
	enum ps_tui_style badge_style;
	if (!r->finished) {
		ps_buf_printf(&b, "%s RUNNING", g->spinner[c->spin % g->n_spinner]);
		badge_style = PS_TS_RUN;
	} else if (r->exit_code == PS_EXIT_OK) {
		ps_buf_printf(&b, "%s OK", g->ok);
		badge_style = PS_TS_OK;
	} else {
		ps_buf_printf(&b, "%s FAIL", g->fail);
		badge_style = PS_TS_FAIL;
	}
	size_t mark = b.len;
	if (r->finished)
		ps_buf_printf(&b, " exit %d", r->exit_code);
	if (r->mode == PS_MODE_SCAN) {
		scan_header(out, r, c, &b, mark, badge_style);
		return;
	}
	/* The long form when it fits, else without the vendor, "fw". */
	char *longer =
	    ps_xasprintf("  %s %s %s MAC %s %s firmware %s %s clock %s", p->vendor ? p->vendor : "",
			 p->product ? p->product : "", g->vline, p->mac ? p->mac : "", g->vline,
			 p->firmware ? p->firmware : "", g->vline, c->clock ? c->clock : "now");
	if (ps_tui_width(b.s) + ps_tui_width(longer) <= (size_t)(c->width > 0 ? c->width : 0))
		ps_buf_puts(&b, longer);
	else
		ps_buf_printf(&b, "  %s  MAC %s  fw %s  clock %s", p->product ? p->product : "",
			      p->mac ? p->mac : "", p->firmware ? p->firmware : "",
			      c->clock ? c->clock : "now");
	free(longer);
	char *raw = ps_buf_take(&b);
	ps_tui_fitted_line(out, c, raw, mark, PS_TS_HEAD, badge_style);
	free(raw);

	raw = ps_xasprintf("target %s", r->target ? r->target : "");
	ps_tui_fitted_line(out, c, raw, 6, PS_TS_NORMAL, PS_TS_DIM);
	free(raw);

	if (r->finished) {
		raw = ps_xasprintf("verdict %s", r->summary ? r->summary : "");
		ps_tui_fitted_line(out, c, raw, 7, r->exit_code ? PS_TS_FAIL : PS_TS_OK, PS_TS_DIM);
	} else {
		struct ps_tui_item it;
		if (ps_tui_latest_item(r, &it)) {
			const struct ps_step *s = &r->hops[it.hop].steps[it.step];
			char dur[32];
			ps_tui_duration(dur, sizeof dur, c->now_ms - s->start_ms);
			raw = ps_xasprintf("running hop %zu %s %s", it.hop + 1, ps_step_name(s->id),
					   s->status == PS_STATUS_RUNNING ? dur : "");
		} else {
			raw = ps_xstrdup("running starting");
		}
		ps_tui_fitted_line(out, c, raw, 7, PS_TS_RUN, PS_TS_DIM);
	}
	free(raw);
}

static const struct {
	const char *keys, *what;
} help_keys[] = {
	{ "Up Down j k", "move in the step list, or scroll the detail pane" },
	{ "PgUp PgDn", "a page up or down" },
	{ "Home End g G", "the first or the last entry" },
	{ "Enter Tab", "switch between the step list and the detail pane" },
	{ "Left Right", "the step list, the detail pane" },
	{ "/", "filter a parameter table; elsewhere search the list or the detail" },
	{ "s", "show or hide secret values (only with --show-secrets)" },
	{ "r", "run again" },
	{ "n N", "the next, the previous step that is not ok (in a parameter table, first "
		 "the parameters to check)" },
	{ "m", "run again as another phone model from the catalogue" },
	{ "t", "run again with the phone's clock set (YYYY-MM-DD[ HH:MM], UTC)" },
	{ "w", "write the report to a file: .json, .txt or .html" },
	{ "?", "this help" },
	{ "q Esc", "quit, cancelling a running step at once" },
};

void ps_tui_help(struct ps_tui_lines *out, const struct ps_tui_ctx *c)
{
	const struct ps_tui_glyphs *g = c->g;
	ps_tui_wrap(out, c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_HEAD, "Keys");
	for (size_t i = 0; i < sizeof help_keys / sizeof help_keys[0]; i++) {
		char *k = ps_xasprintf("%-13s", help_keys[i].keys);
		ps_tui_wrap(out, c, 2, -1, k, PS_TS_HEAD, PS_TS_NORMAL, help_keys[i].what);
		free(k);
	}
	ps_tui_wrap(out, c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_NORMAL, "");
	ps_tui_wrap(out, c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_HEAD, "Marks");
	const struct {
		const char *glyph;
		enum ps_tui_style style;
		const char *what;
	} marks[] = {
		{ g->ok, PS_TS_OK, "ok: the phone gets through this step" },
		{ g->warn, PS_TS_WARN, "warning: the phone still gets through" },
		{ g->fail, PS_TS_FAIL, "failed: the phone stops here (see its finding and fix)" },
		{ g->spinner[0], PS_TS_RUN, "running" },
		{ g->skipped, PS_TS_DIM, "skipped" },
		{ g->pending, PS_TS_DIM, "pending" },
		{ g->pass, PS_TS_OK, "a check passed" },
		{ g->nopass, PS_TS_FAIL, "a check failed" },
		{ g->na, PS_TS_DIM, "not applicable or not checked" },
		{ g->chosen, PS_TS_HEAD, "what the server chose, the rule alternative that fired" },
	};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		ps_tui_wrap(out, c, 2, -1, marks[i].glyph, marks[i].style, PS_TS_NORMAL,
			    marks[i].what);
	ps_tui_wrap(out, c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_NORMAL, "");
	ps_tui_wrap(out, c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_DIM,
		    "The exit status is the last run's, as in batch mode (see provscope(1)).");
}

char *ps_tui_hints(const struct ps_tui_ctx *c, bool filterable)
{
	/* In order of display; `drop` says which go first when space is short. */
	struct hint {
		const char *text;
		int drop;
		bool on;
	} h[] = {
		{ NULL, 4, true },
		{ "Tab pane", 7, true },
		{ "/ filter", 3, filterable },
		{ "s secrets", 8, filterable },
		{ "r re-run", 2, true },
		{ "m model", 5, !c->scan },
		{ "t clock", 6, true },
		{ "w write", 6, true },
		{ "? help", 0, true },
		{ "q quit", 0, true },
	};
	char move[32];
	snprintf(move, sizeof move, "%s move", c->g->keys_move);
	h[0].text = move;
	size_t n = sizeof h / sizeof h[0];
	size_t width = c->width > 0 ? (size_t)c->width : 0;
	for (;;) {
		size_t w = 0;
		for (size_t i = 0; i < n; i++)
			if (h[i].on)
				w += (w ? 2 : 0) + ps_tui_width(h[i].text);
		if (w <= width)
			break;
		size_t worst = n;
		for (size_t i = 0; i < n; i++)
			if (h[i].on && h[i].drop && (worst == n || h[i].drop > h[worst].drop))
				worst = i;
		if (worst == n)
			break;
		h[worst].on = false;
	}
	struct ps_buf b = { 0 };
	for (size_t i = 0; i < n; i++)
		if (h[i].on) {
			if (b.len)
				ps_buf_puts(&b, "  ");
			ps_buf_puts(&b, h[i].text);
		}
	char *raw = ps_buf_take(&b);
	char *out = fit_text(c, raw, width);
	free(raw);
	return out;
}

/* --- filter, clock ------------------------------------------------------- */

bool ps_tui_param_matches(const struct ps_param_row *p, const char *filter, bool reveal)
{
	if (!filter || !*filter)
		return true;
	if (p->name && ps_mem_ifind(p->name, strlen(p->name), filter))
		return true;
	if (p->secret && !reveal)
		return false;
	return p->value && ps_mem_ifind(p->value, strlen(p->value), filter);
}

bool ps_tui_parse_clock(const char *s, time_t *at)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	char *t = ps_xstrndup(s, n);
	bool ok = true;
	if (!*t || strcmp(t, "now") == 0)
		*at = 0;
	else
		ok = ps_time_parse(t, at);
	free(t);
	return ok;
}

void ps_tui_clock_text(char *buf, size_t n, time_t at)
{
	struct tm tm;
	if (at == 0 || !gmtime_r(&at, &tm))
		snprintf(buf, n, "now");
	else
		strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm);
}
