/* The interactive view: the curses side. Draws the lines view.c and
 * detail.c compute from the report, reads keys, and runs the engine on a
 * worker thread (live.c) whose events wake the UI through a pipe. The only
 * file that includes curses. */
#include "config.h"

#include "tui/tui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>

#include "core/util.h"
#include "model/scan.h"
#include "output/output.h"
#include "tui/live.h"
#include "tui/termsig.h"
#include "tui/view.h"

/* Runs left behind by r, m or t while their step still waited on a
 * server; beyond this many, new runs wait. */
#define MAX_OLD 4
#define LIST_MIN 26
#define LIST_MAX 36
#define MIN_COLS 40
#define MIN_LINES 10

enum ui_mode { UI_MAIN, UI_HELP, UI_MODELS, UI_PROMPT };
enum prompt_kind { P_FILTER, P_CLOCK, P_WRITE, P_SEARCH };

struct tui {
	const struct ps_session *session;
	struct ps_run_setup setup; /* of the run on screen */
	struct ps_live *cur;       /* the run on screen */
	bool cur_ended;            /* its end was seen (and the failure selected) */
	struct ps_live *old[MAX_OLD];
	size_t n_old;
	int wake[2]; /* the workers write, the UI polls */
	bool utf8;
	const struct ps_tui_glyphs *g;
	attr_t attr[PS_TS_COUNT];

	struct ps_tui_items items; /* the list as last drawn */
	struct ps_tui_item sel;
	bool follow;     /* the selection follows the running step */
	size_t list_top; /* first list row shown */
	int detail_top;  /* first detail line shown */
	int detail_n;    /* detail lines, as last drawn */
	int body_h;      /* rows of the panes */
	bool focus_detail;
	bool filterable; /* the detail shown is a parameter table */
	/* the detail lines of the parameters to check, as last drawn, and the
	 * one n or N went to last (-1 none) in list row pjump_sel */
	int *plines;
	size_t n_plines, cap_plines;
	long pjump;
	size_t pjump_sel;
	char filter[256];
	bool reveal;

	enum ui_mode ui;
	enum prompt_kind prompt;
	char input[256];
	bool suggested;      /* input is a suggestion: the first key typed replaces it */
	char search[256];    /* the last / search (outside parameter tables) */
	bool search_pending; /* to be looked for in the detail pane as it is drawn */
	int help_top;
	size_t model_sel;
	char msg[256];
	bool msg_error;
};

/* --- runs ----------------------------------------------------------------- */

static void set_msg(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	t->msg_error = error;
}

/* Join the old runs that have ended. */
static void reap_old(struct tui *t)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n_old; i++) {
		if (ps_live_done(t->old[i]))
			ps_live_free(t->old[i]);
		else
			t->old[k++] = t->old[i];
	}
	t->n_old = k;
}

static bool running(struct tui *t)
{
	return t->cur && !ps_live_done(t->cur);
}

/* The run layer as the worker's job. */
static void job_play(void *run, const struct ps_sink *sink)
{
	char *err = NULL;
	ps_run_play(run, sink, &err); /* live runs read no file */
	free(err);
}

static void job_finish(void *run, struct ps_report *r)
{
	ps_run_finish(run, r);
}

static void job_release(void *run)
{
	ps_run_free(run);
}

/* A scan as the worker's job: its report is made aside while the report
 * on screen shows its progress, then moved into it. */
struct scan_job {
	const struct ps_session *s;
	struct ps_run_setup setup;
	const struct ps_sink *sink; /* the locked sink of the report on screen */
	struct ps_report *result;
};

static void scan_progress_set(struct ps_report *r, void *text)
{
	free(r->summary);
	r->summary = ps_xstrdup(text);
}

static void scan_progress(void *ctx, size_t done, size_t total, const char *what)
{
	struct scan_job *j = ctx;
	char *text = ps_xasprintf("%zu of %zu connections done (the last: %s)", done, total, what);
	ps_locked_sink_apply(j->sink, scan_progress_set, text);
	free(text);
}

static void scan_play(void *ctx, const struct ps_sink *sink)
{
	struct scan_job *j = ctx;
	j->sink = sink;
	j->result = ps_run_scan_report(j->s, &j->setup, scan_progress, j);
}

static void scan_finish(void *ctx, struct ps_report *r)
{
	struct scan_job *j = ctx;
	if (!j->result)
		return;
	struct ps_report shown = *r; /* the placeholder goes, the scan's report takes its place */
	*r = *j->result;
	*j->result = shown;
	ps_report_free(j->result);
	j->result = NULL;
}

static void scan_release(void *ctx)
{
	struct scan_job *j = ctx;
	ps_report_free(j->result);
	free(j);
}

static bool is_scan(const struct tui *t)
{
	return ps_session_config(t->session)->cmd == PS_CMD_SCAN;
}

/* Start a run of `setup` (a scan, for `provscope scan`); the run on
 * screen, if still going, is left to end on its own. False (with a
 * message) when it could not start. */
static bool start_run(struct tui *t, const struct ps_run_setup *setup, char **err)
{
	reap_old(t);
	if (running(t) && t->n_old == MAX_OLD) {
		*err = ps_xstrdup("earlier runs still wait for their servers; quit with q or wait");
		return false;
	}
	struct ps_report *r = ps_report_new();
	struct ps_live_job lj;
	if (is_scan(t)) {
		const struct ps_config *c = ps_session_config(t->session);
		const char *target = ps_session_target(t->session);
		if (!target) /* --tftp-server and no URL */
			target = PS_FACTORY_TARGET;
		r->mode = PS_MODE_SCAN;
		r->target = c->show_secrets ? ps_xstrdup(target) : ps_redact_secrets(target);
		struct scan_job *j = ps_xcalloc(1, sizeof *j);
		j->s = t->session;
		j->setup = *setup;
		lj = (struct ps_live_job){
			.run = scan_play, .finish = scan_finish, .release = scan_release, .ctx = j
		};
	} else {
		struct ps_run *run = ps_run_new(t->session, setup, NULL, r, err);
		if (!run) {
			ps_report_free(r);
			return false;
		}
		lj = (struct ps_live_job){
			.run = job_play, .finish = job_finish, .release = job_release, .ctx = run
		};
	}
	struct ps_live *l = ps_live_start(r, &lj, t->wake[1], err);
	if (!l)
		return false;
	if (t->cur) {
		if (ps_live_done(t->cur))
			ps_live_free(t->cur);
		else
			t->old[t->n_old++] = t->cur;
	}
	t->cur = l;
	t->cur_ended = false;
	t->setup = *setup;
	t->follow = true;
	t->detail_top = 0;
	t->focus_detail = false;
	t->list_top = 0;
	return true;
}

static void rerun(struct tui *t, const struct ps_run_setup *setup)
{
	char *err = NULL;
	if (start_run(t, setup, &err)) {
		char clock[64];
		ps_tui_clock_text(clock, sizeof clock, setup->at);
		if (is_scan(t))
			set_msg(t, false, "scanning again, clock %s", clock);
		else
			set_msg(t, false, "running as the %s, clock %s", setup->model->product,
				clock);
	} else {
		set_msg(t, true, "%s", err ? err : "cannot run");
	}
	free(err);
}

static void select_near(struct tui *t, size_t idx, int dir);

/* A step that is not ok: failed, or a warning; a scan's model that does
 * not get through. */
static bool is_problem(const struct ps_report *r, const struct ps_tui_item *it)
{
	if (it->kind == PS_TUI_MODEL)
		return r->scan && it->hop < r->scan->n_models && r->scan->models[it->hop].exit_code;
	if (it->kind != PS_TUI_STEP || it->hop >= r->n_hops || it->step >= r->hops[it->hop].n_steps)
		return false;
	enum ps_step_status st = r->hops[it->hop].steps[it->step].status;
	return st == PS_STATUS_FAIL || st == PS_STATUS_WARN;
}

/* When the run on screen has just ended: it opens on its failure (its
 * finding and fix show without a key press), else on its first warning,
 * else on its first step, hop 1 in view; the status line says it is over. */
static void see_end(struct tui *t)
{
	if (t->cur_ended || !ps_live_done(t->cur))
		return;
	t->cur_ended = true;
	ps_live_lock(t->cur);
	const struct ps_report *r = ps_live_report(t->cur);
	struct ps_tui_item it;
	bool found = ps_tui_failure_item(r, &it);
	ps_tui_items_build(&t->items, r);
	for (size_t i = 0; !found && i < t->items.n; i++)
		if (is_problem(r, &t->items.v[i])) {
			it = t->items.v[i];
			found = true;
		}
	if (found) {
		t->sel = it;
	} else {
		select_near(t, 0, 1);
		t->list_top = 0;
	}
	t->follow = false;
	t->detail_top = 0;
	t->focus_detail = false;
	/* The status line no longer says "running": the key hints again for a
	 * run that went through, how it ended for one that did not. */
	if (r->exit_code == 0 && !found)
		t->msg[0] = '\0';
	else
		set_msg(t, r->exit_code != 0,
			"the %s is over: %s (exit %d); n and N go through the %s",
			r->mode == PS_MODE_SCAN ? "scan" : "run", r->verdict ? r->verdict : "?",
			r->exit_code,
			r->mode == PS_MODE_SCAN ? "models that do not get through"
						: "steps that are not ok");
	ps_live_unlock(t->cur);
}

/* n, N in a parameter table with parameters to check: the next or
 * previous of them, put at the top of the pane. False when there is none
 * that way. */
static bool next_param(struct tui *t, int dir)
{
	if (!t->filterable || !t->n_plines)
		return false;
	ps_live_lock(t->cur);
	size_t idx = ps_tui_items_find(&t->items, &t->sel);
	ps_live_unlock(t->cur);
	long from = t->pjump_sel == idx ? t->pjump : -1;
	long to = -1;
	size_t k = 0;
	for (size_t i = 0; i < t->n_plines; i++) {
		long l = t->plines[i];
		if (dir > 0 && l > from) {
			to = l;
			k = i;
			break;
		}
		if (dir < 0 && from >= 0 && l < from) {
			to = l;
			k = i;
		}
	}
	if (to < 0)
		return false;
	t->pjump = to;
	t->pjump_sel = idx;
	t->detail_top = to > 0 ? (int)to - 1 : 0; /* a line of context above */
	t->follow = false;
	set_msg(t, false, "parameter %zu of %zu to check; n and N for the others", k + 1,
		t->n_plines);
	return true;
}

/* n, N: the next (`dir` 1) or previous (-1) step that is not ok. */
static void next_problem(struct tui *t, int dir)
{
	if (next_param(t, dir))
		return;
	ps_live_lock(t->cur);
	const struct ps_report *r = ps_live_report(t->cur);
	const struct ps_tui_items *l = &t->items;
	size_t idx = ps_tui_items_find(l, &t->sel);
	bool moved = false;
	for (long i = (long)(idx == l->n ? 0 : idx) + dir; i >= 0 && i < (long)l->n && !moved;
	     i += dir)
		if (is_problem(r, &l->v[i])) {
			t->sel = l->v[i];
			moved = true;
		}
	ps_live_unlock(t->cur);
	if (!moved)
		set_msg(t, false, "no %s step that is not ok", dir > 0 ? "later" : "earlier");
	t->follow = false;
	t->detail_top = 0;
}

/* The format a file name's extension asks for: "json", "text", or NULL. */
static const char *format_of(const char *file)
{
	const char *dot = strrchr(file, '.');
	if (dot && strchr(dot, '/'))
		dot = NULL;
	if (dot && (ps_str_ieq(dot, ".json") || ps_str_ieq(dot, ".jsonl")))
		return "json";
	if (dot && (ps_str_ieq(dot, ".txt") || ps_str_ieq(dot, ".text") || ps_str_ieq(dot, ".log")))
		return "text";
	if (dot && (ps_str_ieq(dot, ".html") || ps_str_ieq(dot, ".htm")))
		return "html";
	return NULL;
}

/* w: the report to `file`, as JSON or text (the -v level, 80 columns) by
 * its extension. */
static void write_report(struct tui *t, const char *file)
{
	const char *fmt = format_of(file);
	if (!fmt) {
		set_msg(t, true, "%s: name it .json, .txt or .html to say which format", file);
		return;
	}
	ps_live_lock(t->cur);
	const struct ps_report *r = ps_live_report(t->cur);
	if (!r->finished) {
		set_msg(t, true, "the run is still going: write it when it ends");
	} else {
		FILE *f = fopen(file, "w");
		if (!f) {
			set_msg(t, true, "%s: %s", file, strerror(errno));
		} else {
			bool json = strcmp(fmt, "json") == 0, html = strcmp(fmt, "html") == 0;
			struct ps_output_opts oo = { .color = false, .level = 1, .width = 80 };
			int rc = json   ? ps_output_json(f, r, &oo)
				 : html ? ps_output_html(f, r, &oo)
					: ps_output_text(f, r, &oo);
			int e = errno;
			if (fclose(f) != 0 && rc == 0) {
				rc = -1;
				e = errno;
			}
			if (rc < 0)
				set_msg(t, true, "writing %s: %s", file, strerror(e));
			else
				set_msg(t, false, "wrote the report as %s to %s",
					json   ? "JSON"
					: html ? "HTML"
					       : "text",
					file);
		}
	}
	ps_live_unlock(t->cur);
}

/* --- drawing -------------------------------------------------------------- */

static void init_attrs(struct tui *t, bool color)
{
	ps_term_style_attrs(t->attr, color);
}

/* Draw `line` at (y, x) in `w` columns, padded; `base` is added to every
 * attribute (the selection's reverse video). */
static void draw_line(WINDOW *win, struct tui *t, int y, int x, int w,
		      const struct ps_tui_line *line, attr_t base)
{
	ps_term_draw_line(win, t->attr, y, x, w, line, base);
}

static void draw_text(WINDOW *win, struct tui *t, int y, int x, int w, const char *text,
		      attr_t attr)
{
	struct ps_tui_line l = { .text = (char *)text, .style = PS_TS_NORMAL };
	draw_line(win, t, y, x, w, &l, attr);
}

static int list_width(int cols)
{
	int w = cols / 3;
	return w < LIST_MIN ? LIST_MIN : w > LIST_MAX ? LIST_MAX : w;
}

/* Select the selectable item nearest `idx`, looking in `dir` first. */
static void select_near(struct tui *t, size_t idx, int dir)
{
	const struct ps_tui_items *l = &t->items;
	if (!l->n)
		return;
	long start = idx >= l->n ? (long)l->n - 1 : (long)idx;
	for (int pass = 0; pass < 2; pass++, dir = -dir)
		for (long i = start; i >= 0 && i < (long)l->n; i += dir)
			if (ps_tui_item_selectable(&l->v[i])) {
				t->sel = l->v[i];
				return;
			}
}

static void draw_overlay(struct tui *t, const char *title, const struct ps_tui_lines *lines,
			 int top, long highlight, int width)
{
	int h = LINES - 4, w = width < COLS - 4 ? width : COLS - 4;
	if ((long)lines->n + 2 < h)
		h = (int)lines->n + 2;
	if (h < 3 || w < 10)
		return;
	WINDOW *win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (!win)
		return;
	werase(win);
	if (t->utf8) /* Unicode lines: a terminal's line-drawing set (vt100's
		      * \E(0) is not honoured in a UTF-8 terminal */
		box_set(win, WACS_VLINE, WACS_HLINE);
	else /* plain ASCII, not the terminal's line-drawing set */
		wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
	char *ttl = ps_xasprintf(" %s ", title);
	size_t tb = ps_tui_fit(ttl, (size_t)w - 4);
	wattrset(win, A_BOLD);
	mvwaddnstr(win, 0, 2, ttl, (int)tb);
	wattrset(win, A_NORMAL);
	free(ttl);
	for (int i = 0; i < h - 2; i++) {
		size_t k = (size_t)(top + i);
		if (k >= lines->n)
			break;
		draw_line(win, t, 1 + i, 1, w - 2, &lines->v[k],
			  (long)k == highlight ? A_REVERSE : A_NORMAL);
	}
	wnoutrefresh(win);
	delwin(win);
}

static void draw_help(struct tui *t)
{
	struct ps_tui_ctx c = { .g = t->g, .utf8 = t->utf8, .width = 72 };
	if (c.width > COLS - 6)
		c.width = COLS - 6;
	struct ps_tui_lines l = { 0 };
	ps_tui_help(&l, &c);
	int visible = LINES - 6;
	if (t->help_top > (int)l.n - visible)
		t->help_top = (int)l.n - visible;
	if (t->help_top < 0)
		t->help_top = 0;
	draw_overlay(t, "provscope keys (Esc closes)", &l, t->help_top, -1, c.width + 2);
	ps_tui_lines_clear(&l);
}

static void draw_models(struct tui *t)
{
	struct ps_tui_ctx c = { .g = t->g, .utf8 = t->utf8, .width = 56 };
	struct ps_tui_lines l = { 0 };
	for (size_t i = 0; i < ps_model_count(); i++) {
		const struct ps_model *m = ps_model_at(i);
		char *row = ps_xasprintf("%-8s %-8s %-8s firmware %s", m->id, m->vendor, m->product,
					 m->firmware);
		ps_tui_wrap(&l, &c, 0, 0, i == t->model_sel ? t->g->chosen : " ", PS_TS_HEAD,
			    m == t->setup.model ? PS_TS_HEAD : PS_TS_NORMAL, row);
		free(row);
	}
	int visible = LINES - 6;
	int top = (int)t->model_sel - visible + 1;
	draw_overlay(t, "Phone model (Enter runs, Esc cancels)", &l, top > 0 ? top : 0,
		     (long)t->model_sel, c.width + 2);
	ps_tui_lines_clear(&l);
}

static const char *prompt_label(enum prompt_kind k)
{
	switch (k) {
	case P_FILTER:
		return "filter (name or value): ";
	case P_CLOCK:
		return "phone clock, UTC (YYYY-MM-DD[ HH:MM], empty: now): ";
	case P_WRITE:
		return "write to (.json, .txt, .html): ";
	case P_SEARCH:
		return "search: ";
	}
	return "";
}

/* The screen too small for the panes: say so, and nothing else. */
static void draw_too_small(struct tui *t, int H, int W)
{
	char *s = ps_xasprintf("The terminal is too small (%dx%d): provscope needs %dx%d. "
			       "q quits.",
			       W, H, MIN_COLS, MIN_LINES);
	struct ps_tui_ctx c = { .g = t->g, .utf8 = t->utf8, .width = W };
	struct ps_tui_lines l = { 0 };
	ps_tui_wrap(&l, &c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_NORMAL, s);
	for (size_t i = 0; i < l.n && (int)i < H; i++)
		draw_line(stdscr, t, (int)i, 0, W, &l.v[i], A_NORMAL);
	ps_tui_lines_clear(&l);
	free(s);
	curs_set(0);
	refresh();
}

/* Keep the selection (row `idx` of the list) in view, and its hop's
 * heading when it fits. */
static void scroll_list(struct tui *t, size_t idx)
{
	size_t bh = (size_t)t->body_h;
	if (idx < t->items.n) {
		if (idx < t->list_top)
			t->list_top = idx;
		if (idx >= t->list_top + bh)
			t->list_top = idx - bh + 1;
		size_t group = idx;
		while (group > 0 && t->items.v[group].kind != PS_TUI_HOP &&
		       t->items.v[group].kind != PS_TUI_GROUP)
			group--;
		if (group < t->list_top && idx - group < bh)
			t->list_top = group;
	}
	if (t->list_top + bh > t->items.n)
		t->list_top = t->items.n > bh ? t->items.n - bh : 0;
}

/* What one frame shows, built from the report under the lock. */
struct frame {
	struct ps_tui_lines head, rows, detail;
	char *title, *hints;
	size_t idx; /* the selected row of the list; items.n for none */
};

/* The detail pane searched for t->search, from the line after the top,
 * round to the start: the line found goes to the top. */
static void search_detail(struct tui *t, const struct ps_tui_lines *l)
{
	for (size_t k = 0; k < l->n; k++) {
		size_t i = ((size_t)t->detail_top + 1 + k) % l->n;
		const char *s = l->v[i].text ? l->v[i].text : "";
		if (ps_mem_ifind(s, strlen(s), t->search)) {
			t->detail_top = (int)i;
			set_msg(t, false, "'%s' in line %zu; / and Enter for the next", t->search,
				i + 1);
			return;
		}
	}
	set_msg(t, true, "'%s' is not in this pane", t->search);
}

static void frame_build(struct tui *t, struct frame *f, int W, int LW, int DW)
{
	char clock[64];
	ps_tui_clock_text(clock, sizeof clock, t->setup.at);
	double now = ps_now_ms();
	ps_live_lock(t->cur);
	const struct ps_report *r = ps_live_report(t->cur);
	struct ps_tui_ctx c = { .g = t->g,
				.utf8 = t->utf8,
				.width = W,
				.reveal = t->reveal,
				.filter = t->filter,
				.clock = clock,
				.now_ms = now - r->started_ms,
				.spin = (unsigned)(now / 100),
				.scan = r->mode == PS_MODE_SCAN };
	ps_tui_header(&f->head, r, &c);
	ps_tui_items_build(&t->items, r);
	struct ps_tui_item latest;
	if (t->follow && ps_tui_latest_item(r, &latest))
		t->sel = latest;
	size_t idx = ps_tui_items_find(&t->items, &t->sel);
	if (idx == t->items.n || !ps_tui_item_selectable(&t->items.v[idx])) {
		select_near(t, idx == t->items.n ? 0 : idx, 1);
		idx = ps_tui_items_find(&t->items, &t->sel);
	}
	scroll_list(t, idx);
	c.width = LW - 1; /* a space before the separator */
	for (size_t i = t->list_top; i < t->items.n && i < t->list_top + (size_t)t->body_h; i++)
		ps_tui_item_row(&f->rows, r, &t->items.v[i], &c);
	f->title = idx < t->items.n ? ps_tui_item_title(r, &t->sel) : ps_xstrdup("");
	c.width = DW - 1;
	if (idx < t->items.n)
		ps_tui_detail(&f->detail, r, &t->sel, &c);
	t->filterable = idx < t->items.n && ps_tui_item_filterable(r, &t->sel);
	t->n_plines = 0;
	for (size_t i = 0; t->filterable && i < f->detail.n; i++)
		if (f->detail.v[i].problem) {
			t->plines =
			    ps_xgrow(t->plines, &t->cap_plines, t->n_plines + 1, sizeof *t->plines);
			t->plines[t->n_plines++] = (int)i;
		}
	if (t->pjump_sel != idx)
		t->pjump = -1;
	if (t->search_pending) {
		t->search_pending = false;
		search_detail(t, &f->detail);
	}
	c.width = W;
	f->hints = ps_tui_hints(&c, t->filterable);
	f->idx = idx;
	ps_live_unlock(t->cur);
}

static void frame_clear(struct frame *f)
{
	free(f->hints);
	free(f->title);
	ps_tui_lines_clear(&f->head);
	ps_tui_lines_clear(&f->rows);
	ps_tui_lines_clear(&f->detail);
}

/* The titles of the two panes, with the detail's scroll position. */
static void draw_titles(struct tui *t, const char *title, int W, int LW, int DX, int DW)
{
	int maxtop = t->detail_n - t->body_h;
	if (t->detail_top > maxtop)
		t->detail_top = maxtop;
	if (t->detail_top < 0)
		t->detail_top = 0;
	char *scroll = NULL;
	if (t->detail_n > t->body_h) {
		int last = t->detail_top + t->body_h;
		scroll = ps_xasprintf(" %d-%d/%d", t->detail_top + 1,
				      last < t->detail_n ? last : t->detail_n, t->detail_n);
	}
	char *dt = ps_xasprintf(" %s", title);
	char *sel_title = ps_xasprintf(" %s%s", is_scan(t) ? "models" : "steps",
				       t->follow && running(t) ? " (following)" : "");
	draw_text(stdscr, t, 3, 0, LW, sel_title,
		  t->focus_detail ? A_UNDERLINE : A_REVERSE | A_BOLD);
	attr_t dattr = t->focus_detail ? A_REVERSE | A_BOLD : A_UNDERLINE;
	int sw = scroll ? (int)strlen(scroll) : 0;
	draw_text(stdscr, t, 3, DX, DW - sw, dt, dattr);
	if (scroll)
		draw_text(stdscr, t, 3, W - sw, sw, scroll, dattr);
	free(sel_title);
	free(dt);
	free(scroll);
}

/* The last line: the prompt being typed, a message, or the key hints.
 * Returns the cursor's column while a prompt is open, else -1. */
static int draw_footer(struct tui *t, const char *hints, int H, int W)
{
	if (t->ui == UI_PROMPT) {
		char *p = ps_xasprintf("%s%s", prompt_label(t->prompt), t->input);
		char *safe = ps_tui_sanitize(p, t->utf8);
		size_t w = ps_tui_width(safe);
		/* keep the end (where one types) in view */
		const char *view = safe;
		while (w >= (size_t)W) {
			size_t n = ps_tui_fit(view, 1);
			view += n ? n : 1;
			w = ps_tui_width(view);
		}
		draw_text(stdscr, t, H - 1, 0, W, view, A_REVERSE);
		free(safe);
		free(p);
		return (int)w;
	}
	if (t->msg[0]) {
		char *safe = ps_tui_sanitize(t->msg, t->utf8);
		draw_text(stdscr, t, H - 1, 0, W, safe,
			  A_REVERSE | (t->msg_error ? t->attr[PS_TS_FAIL] : A_NORMAL));
		free(safe);
	} else {
		draw_text(stdscr, t, H - 1, 0, W, hints, A_REVERSE);
	}
	return -1;
}

static void draw(struct tui *t)
{
	int H = LINES, W = COLS;
	erase();
	if (H < MIN_LINES || W < MIN_COLS) {
		draw_too_small(t, H, W);
		return;
	}
	int LW = list_width(W), DX = LW + 1, DW = W - DX;
	t->body_h = H - 5;
	struct frame f = { 0 };
	frame_build(t, &f, W, LW, DW);
	for (size_t i = 0; i < f.head.n && i < 3; i++)
		draw_line(stdscr, t, (int)i, 0, W, &f.head.v[i], A_NORMAL);
	t->detail_n = (int)f.detail.n;
	draw_titles(t, f.title, W, LW, DX, DW);
	for (size_t i = 0; i < f.rows.n; i++) {
		bool is_sel = t->list_top + i == f.idx;
		attr_t base = is_sel ? (t->focus_detail ? A_UNDERLINE : A_REVERSE) : A_NORMAL;
		draw_line(stdscr, t, 4 + (int)i, 0, LW, &f.rows.v[i], base);
	}
	for (int y = 3; y < H - 1; y++)
		mvaddstr(y, LW, t->g->vline);
	for (int i = 0; i < t->body_h; i++) {
		size_t k = (size_t)(t->detail_top + i);
		if (k >= f.detail.n)
			break;
		/* the parameter n or N went to */
		bool at = t->pjump >= 0 && (size_t)t->pjump == k && t->pjump_sel == f.idx;
		draw_line(stdscr, t, 4 + i, DX + 1, DW - 1, &f.detail.v[k],
			  at ? A_REVERSE : A_NORMAL);
	}
	int cursor_x = draw_footer(t, f.hints, H, W);
	frame_clear(&f);
	wnoutrefresh(stdscr);
	if (t->ui == UI_HELP)
		draw_help(t);
	else if (t->ui == UI_MODELS)
		draw_models(t);
	if (cursor_x >= 0) {
		curs_set(1);
		move(H - 1, cursor_x);
		wnoutrefresh(stdscr);
	} else {
		curs_set(0);
	}
	doupdate();
}

/* The terminal's new size: curses learns it from us (its own SIGWINCH
 * handler is not installed, ours wakes the poll). */
static void on_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resize_term(ws.ws_row, ws.ws_col);
	clear();
}

/* --- keys ----------------------------------------------------------------- */

static void move_sel(struct tui *t, long delta)
{
	const struct ps_tui_items *l = &t->items;
	if (!l->n)
		return;
	t->follow = false;
	size_t idx = ps_tui_items_find(l, &t->sel);
	if (idx == l->n)
		idx = 0;
	long target = (long)idx + delta;
	if (target < 0)
		target = 0;
	if (target >= (long)l->n)
		target = (long)l->n - 1;
	if (delta == 1 || delta == -1) { /* next selectable, or stay */
		for (long i = (long)idx + delta; i >= 0 && i < (long)l->n; i += delta)
			if (ps_tui_item_selectable(&l->v[i])) {
				t->sel = l->v[i];
				break;
			}
	} else {
		select_near(t, (size_t)target, delta > 0 ? 1 : -1);
	}
	t->detail_top = 0;
}

static void scroll_detail(struct tui *t, int delta)
{
	t->detail_top += delta;
	if (t->detail_top > t->detail_n - t->body_h)
		t->detail_top = t->detail_n - t->body_h;
	if (t->detail_top < 0)
		t->detail_top = 0;
}

/* Movement keys in the list or the detail pane; true when `k` was one. */
static bool movement(struct tui *t, int k)
{
	long page = t->body_h > 1 ? t->body_h - 1 : 1;
	long big = 1L << 20;
	long d;
	switch (k) {
	case KEY_UP:
	case 'k':
		d = -1;
		break;
	case KEY_DOWN:
	case 'j':
		d = 1;
		break;
	case KEY_PPAGE:
		d = -page;
		break;
	case KEY_NPAGE:
	case ' ':
		d = page;
		break;
	case KEY_HOME:
	case 'g':
		d = -big;
		break;
	case KEY_END:
	case 'G':
		d = big;
		break;
	default:
		return false;
	}
	if (t->focus_detail)
		scroll_detail(t, (int)(d > big / 2 ? big / 2 : d < -big / 2 ? -big / 2 : d));
	else
		move_sel(t, d);
	return true;
}

static void open_prompt(struct tui *t, enum prompt_kind k, const char *initial)
{
	t->ui = UI_PROMPT;
	t->prompt = k;
	snprintf(t->input, sizeof t->input, "%s", initial ? initial : "");
	/* A file name offered for w, the last search, are suggestions, as a
	 * selected text is: Enter takes them, a key typed replaces them. */
	t->suggested = k == P_WRITE || k == P_SEARCH;
	t->msg[0] = '\0';
}

/* The step list searched for t->search (the entries' titles), from the
 * one after the selection, round to the start. */
static void search_list(struct tui *t)
{
	ps_live_lock(t->cur);
	const struct ps_report *r = ps_live_report(t->cur);
	const struct ps_tui_items *l = &t->items;
	size_t from = ps_tui_items_find(l, &t->sel);
	bool found = false;
	for (size_t k = 1; k <= l->n && !found; k++) {
		size_t i = (from + k) % (l->n ? l->n : 1);
		if (i >= l->n || !ps_tui_item_selectable(&l->v[i]))
			continue;
		char *title = ps_tui_item_title(r, &l->v[i]);
		if (ps_mem_ifind(title, strlen(title), t->search)) {
			t->sel = l->v[i];
			t->follow = false;
			t->detail_top = 0;
			found = true;
		}
		free(title);
	}
	ps_live_unlock(t->cur);
	if (found)
		set_msg(t, false, "'%s' found; / and Enter for the next", t->search);
	else
		set_msg(t, true, "no step is about '%s'; Tab, then / searches the detail",
			t->search);
}

static void prompt_done(struct tui *t, bool accept)
{
	t->ui = UI_MAIN;
	switch (t->prompt) {
	case P_FILTER:
		if (!accept)
			t->filter[0] = '\0';
		t->detail_top = 0;
		break;
	case P_CLOCK: {
		if (!accept)
			break;
		struct ps_run_setup s = t->setup;
		if (!ps_tui_parse_clock(t->input, &s.at))
			set_msg(t, true,
				"'%s' is no time: give YYYY-MM-DD or YYYY-MM-DD HH:MM (UTC), or "
				"nothing for now",
				t->input);
		else
			rerun(t, &s);
		break;
	}
	case P_WRITE:
		if (accept && t->input[0])
			write_report(t, t->input);
		break;
	case P_SEARCH:
		if (accept && t->input[0]) {
			snprintf(t->search, sizeof t->search, "%s", t->input);
			if (t->focus_detail)
				t->search_pending = true; /* done as the pane is drawn */
			else
				search_list(t);
		}
		break;
	}
}

/* Append the character `wc` to the input (as UTF-8). */
static void input_add(struct tui *t, wint_t wc)
{
	char buf[8];
	size_t n = 0;
	unsigned c = (unsigned)wc;
	if (c < 0x20 || c == 0x7f || (!t->utf8 && c > 0x7e))
		return;
	if (c < 0x80) {
		buf[n++] = (char)c;
	} else if (c < 0x800) {
		buf[n++] = (char)(0xc0 | (c >> 6));
		buf[n++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		buf[n++] = (char)(0xe0 | (c >> 12));
		buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
		buf[n++] = (char)(0x80 | (c & 0x3f));
	} else {
		buf[n++] = (char)(0xf0 | (c >> 18));
		buf[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
		buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
		buf[n++] = (char)(0x80 | (c & 0x3f));
	}
	size_t len = strlen(t->input);
	if (len + n < sizeof t->input) {
		memcpy(t->input + len, buf, n);
		t->input[len + n] = '\0';
	}
}

static void input_backspace(struct tui *t)
{
	size_t len = strlen(t->input);
	while (len > 0 && ((unsigned char)t->input[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	t->input[len] = '\0';
}

enum { KEY_ESC = 27 };

/* Keys while a prompt is open. */
static void key_prompt(struct tui *t, bool fn, int k)
{
	if (!fn && k == KEY_ESC)
		prompt_done(t, false);
	else if ((!fn && (k == '\n' || k == '\r')) || (fn && k == KEY_ENTER))
		prompt_done(t, true);
	else if ((fn && k == KEY_BACKSPACE) || (!fn && (k == 127 || k == 8)))
		input_backspace(t);
	else if (!fn && k == 21) /* ^U */
		t->input[0] = '\0';
	else if (!fn) {
		if (t->suggested)
			t->input[0] = '\0';
		input_add(t, (wint_t)k);
	}
	t->suggested = false;
	if (t->ui == UI_PROMPT && t->prompt == P_FILTER) {
		snprintf(t->filter, sizeof t->filter, "%s", t->input);
		t->detail_top = 0;
	}
}

/* Keys while the help is shown: scroll, or any other key closes it. */
static void key_help(struct tui *t, bool fn, int k)
{
	if ((fn && k == KEY_UP) || (!fn && k == 'k'))
		t->help_top--;
	else if ((fn && k == KEY_DOWN) || (!fn && k == 'j'))
		t->help_top++;
	else if (fn && k == KEY_NPAGE)
		t->help_top += LINES / 2;
	else if (fn && k == KEY_PPAGE)
		t->help_top -= LINES / 2;
	else
		t->ui = UI_MAIN;
}

/* Keys in the model picker: move, Enter runs again as that model. */
static void key_models(struct tui *t, bool fn, int k)
{
	size_t n = ps_model_count();
	if ((fn && k == KEY_UP) || (!fn && k == 'k')) {
		if (t->model_sel > 0)
			t->model_sel--;
	} else if ((fn && k == KEY_DOWN) || (!fn && k == 'j')) {
		if (t->model_sel + 1 < n)
			t->model_sel++;
	} else if ((fn && (k == KEY_HOME || k == KEY_PPAGE)) || (!fn && k == 'g')) {
		t->model_sel = 0;
	} else if ((fn && (k == KEY_END || k == KEY_NPAGE)) || (!fn && k == 'G')) {
		t->model_sel = n - 1;
	} else if ((!fn && (k == '\n' || k == '\r')) || (fn && k == KEY_ENTER)) {
		t->ui = UI_MAIN;
		struct ps_run_setup s = t->setup;
		s.model = ps_model_at(t->model_sel);
		rerun(t, &s);
	} else if (!fn && (k == KEY_ESC || k == 'q')) {
		t->ui = UI_MAIN;
	}
}

/* Function keys in the main view. */
static void key_main_fn(struct tui *t, int k)
{
	switch (k) {
	case KEY_ENTER:
	case KEY_BTAB:
		t->focus_detail = !t->focus_detail;
		break;
	case KEY_LEFT:
		t->focus_detail = false;
		break;
	case KEY_RIGHT:
		t->focus_detail = true;
		break;
	default:
		movement(t, k);
		break;
	}
}

/* m: the model picker, on the model of the run on screen. */
static void open_models(struct tui *t)
{
	t->ui = UI_MODELS;
	t->model_sel = 0;
	for (size_t i = 0; i < ps_model_count(); i++)
		if (ps_model_at(i) == t->setup.model)
			t->model_sel = i;
}

/* t: the clock prompt, with the clock of the run on screen. */
static void open_clock(struct tui *t)
{
	char now[64] = "";
	if (t->setup.at) {
		struct tm tm;
		if (gmtime_r(&t->setup.at, &tm))
			strftime(now, sizeof now, "%Y-%m-%d %H:%M", &tm);
	}
	open_prompt(t, P_CLOCK, now);
}

/* s: secrets shown or hidden, when --show-secrets allows it. */
static void toggle_secrets(struct tui *t)
{
	ps_live_lock(t->cur);
	bool allowed = ps_live_report(t->cur)->show_secrets;
	ps_live_unlock(t->cur);
	if (!allowed) {
		set_msg(t, true, "secrets stay hidden: start provscope with --show-secrets");
		return;
	}
	t->reveal = !t->reveal;
	set_msg(t, false, t->reveal ? "secrets shown" : "secrets hidden");
}

/* Character keys in the main view; true for quit. */
static bool key_main(struct tui *t, int k)
{
	switch (k) {
	case 'q':
	case KEY_ESC:
		return true;
	case '\t':
	case '\n':
	case '\r':
		t->focus_detail = !t->focus_detail;
		break;
	case 'h':
		t->focus_detail = false;
		break;
	case 'l':
		t->focus_detail = true;
		break;
	case '?':
		t->ui = UI_HELP;
		t->help_top = 0;
		break;
	case 'r':
		rerun(t, &t->setup);
		break;
	case 'n':
		next_problem(t, 1);
		break;
	case 'N':
		next_problem(t, -1);
		break;
	case 'm':
		if (is_scan(t))
			set_msg(t, true, "a scan plays every model: --models chooses them");
		else
			open_models(t);
		break;
	case 't':
		open_clock(t);
		break;
	case 'w':
		if (running(t))
			set_msg(t, true, "the run is still going: write it when it ends");
		else
			open_prompt(t, P_WRITE, "provscope-report.json");
		break;
	case '/':
		/* A parameter table is filtered; any other pane searched (the
		 * step list, or the detail when it has the focus). */
		if (t->filterable)
			open_prompt(t, P_FILTER, t->filter);
		else
			open_prompt(t, P_SEARCH, t->search);
		break;
	case 's':
		toggle_secrets(t);
		break;
	case 12: /* ^L */
		clearok(curscr, TRUE);
		break;
	default:
		movement(t, k);
		break;
	}
	return false;
}

/* One key; returns true to quit. `fn` says `k` is a KEY_ code. */
static bool on_key(struct tui *t, bool fn, int k)
{
	if (fn && k == KEY_RESIZE) {
		on_resize();
		return false;
	}
	switch (t->ui) {
	case UI_PROMPT:
		key_prompt(t, fn, k);
		return false;
	case UI_HELP:
		key_help(t, fn, k);
		return false;
	case UI_MODELS:
		key_models(t, fn, k);
		return false;
	case UI_MAIN:
		break;
	}
	t->msg[0] = '\0';
	if (fn) {
		key_main_fn(t, k);
		return false;
	}
	return key_main(t, k);
}

/* --- the loop ------------------------------------------------------------- */

static void drain(int fd)
{
	char buf[256];
	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Returns the exit status. */
static int loop(struct tui *t)
{
	for (;;) {
		if (ps_term_signal())
			return 128 + ps_term_signal();
		if (ps_term_winch())
			on_resize();
		reap_old(t);
		see_end(t);
		draw(t);
		struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
				       { .fd = t->wake[0], .events = POLLIN } };
		int timeout = running(t) ? 100 : t->n_old ? 500 : -1;
		int n = poll(p, 2, timeout);
		if (n < 0 && errno != EINTR)
			return PS_EXIT_INTERNAL;
		if (n > 0 && (p[1].revents & POLLIN))
			drain(t->wake[0]);
		if (n > 0 && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			return 128 + SIGHUP; /* the terminal went away */
		wint_t wc;
		int rc;
		while ((rc = get_wch(&wc)) != ERR) {
			if (on_key(t, rc == KEY_CODE_YES, (int)wc)) {
				if (!ps_live_done(t->cur))
					return 130;
				ps_live_lock(t->cur);
				int code = ps_live_report(t->cur)->exit_code;
				ps_live_unlock(t->cur);
				return code;
			}
			if (ps_term_signal())
				break;
		}
	}
}

/* What the run on screen came to stays on the normal screen once the view
 * is gone, as -q prints it: the error findings with their fixes, and the
 * verdict. */
static void leave_answer(const struct tui *t)
{
	if (!t->cur)
		return;
	struct ps_output_opts oo = ps_run_output_opts(ps_session_config(t->session));
	oo.level = -1;
	ps_output_text(stdout, ps_live_report(t->cur), &oo);
	fflush(stdout);
}

const char *ps_tui_library_version(void)
{
	return curses_version();
}

int ps_tui_main(const struct ps_session *session, bool *busy, char **err)
{
	*busy = false;
	const char *term = getenv("TERM");
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return PS_TUI_UNAVAILABLE; /* quietly: an editor's shell, a dumb terminal */
	struct tui *t = ps_xcalloc(1, sizeof *t);
	t->session = session;
	t->setup = ps_run_setup_of(session);
	t->setup.progress = false; /* no progress bar across the screen */
	setlocale(LC_CTYPE, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t->g = ps_tui_glyphs_for(t->utf8);
	t->pjump = -1;
	t->pjump_sel = (size_t)-1;
	if (pipe2(t->wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		*err = ps_xasprintf("cannot make a pipe: %s", strerror(errno));
		free(t);
		return PS_TUI_UNAVAILABLE;
	}
	/* Our handlers first: curses then leaves SIGINT, SIGTERM and SIGWINCH
	 * to us, and a signal wakes the poll. */
	struct sigaction old[PS_TERM_NSIG];
	ps_term_signals_install(t->wake[1], old);
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		ps_term_signals_restore(old);
		close(t->wake[0]);
		close(t->wake[1]);
		free(t);
		*err = ps_xasprintf("no terminal description for TERM=%s", term);
		return PS_TUI_UNAVAILABLE;
	}
	set_term(scr);
	ps_term_screen_setup();
	const char *nc = getenv("NO_COLOR");
	init_attrs(t, !(nc && *nc));

	int rc;
	if (!start_run(t, &t->setup, err)) {
		rc = PS_EXIT_USAGE;
	} else {
		rc = loop(t);
	}
	/* Restore the terminal before anything else. */
	endwin();
	delscreen(scr);
	ps_term_signals_restore(old);
	if (t->cur && !ps_live_done(t->cur)) {
		*busy = true;
	} else {
		leave_answer(t);
		ps_live_free(t->cur);
	}
	reap_old(t);
	if (t->n_old)
		*busy = true;
	free(t->plines);
	/* Runs still going keep their dups of the pipe; ours go. */
	close(t->wake[0]);
	close(t->wake[1]);
	/* The runs still going are left to the process's end (the caller
	 * exits at once). */
	ps_tui_items_clear(&t->items);
	free(t);
	return rc;
}
