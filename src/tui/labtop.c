/* The lab's live table (see labtop.h): the rows of phones and the log
 * lines under a mutex, fed by the lab's threads; the screen drawn from
 * them four times a second, or at once when a view arrives (a pipe wakes
 * the poll). */
#include "config.h"

#include "tui/labtop.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "core/util.h"
#include "lab/match.h"
#include "phone/catalogue.h"
#include "tui/termsig.h"
#include "tui/view.h"

#define MAX_ROWS 1024u
#define MAX_LOG 256u
#define HISTORY 8u
#define REDRAW_MS 250

/* One phone. */
struct row {
	char addr[64];
	char mac[13]; /* from its certificate, "" when none seen */
	char *model;  /* the catalogue id its User-Agent names, or NULL */
	char *ua;
	struct ps_offer_match match; /* its last ClientHello (have_match) */
	bool have_match;
	char *offer_text; /* the lab's sentence about it */
	enum ps_lab_client_cert cert;
	bool cert_seen; /* a request over HTTPS told the certificate */
	char *subject, *cert_reason;
	char last[200]; /* "GET /spa942.cfg", "" before a request */
	int status;
	char *reason; /* of the last request */
	char result[48];
	time_t first, when;
	unsigned long requests, connections;
	char *history[HISTORY]; /* the last requests, oldest first */
	size_t n_history;
};

struct ps_labtop {
	pthread_mutex_t lock; /* guards what follows, up to the screen's part */
	struct row *rows[MAX_ROWS];
	size_t n_rows;
	unsigned long requests;
	char *log[MAX_LOG]; /* a ring: the last lines */
	size_t log_start, n_log;
	char *header;

	/* the drawing thread's alone */
	int wake[2];
	SCREEN *scr;
	bool utf8, color;
	const struct ps_tui_glyphs *g;
	attr_t a_ok, a_warn, a_fail, a_head, a_dim;
	size_t sel, top; /* the selected row, the first row shown */
	bool detail;
	struct sigaction old[PS_TERM_NSIG];
};

/* --- the table ------------------------------------------------------------ */

static void wake(struct ps_labtop *t)
{
	if (t->wake[1] >= 0 && write(t->wake[1], "", 1) < 0) {
		/* full: a wake-up is pending anyway */
	}
}

static void set_str(char **dst, const char *s)
{
	if (!s)
		return;
	free(*dst);
	*dst = ps_xstrdup(s);
}

static void row_free(struct row *r)
{
	if (!r)
		return;
	free(r->model);
	free(r->ua);
	free(r->offer_text);
	free(r->subject);
	free(r->cert_reason);
	free(r->reason);
	for (size_t i = 0; i < r->n_history; i++)
		free(r->history[i]);
	free(r);
}

static bool model_fits(const struct row *r, const char *model)
{
	return !r->model || !model || strcmp(r->model, model) == 0;
}

/* The row of the phone a view comes from: the one of its certificate's
 * MAC; else the most recent of its address that says nothing else: the
 * same model, the same JA4, and no MAC of its own when the view has a
 * certificate's (or none over HTTPS, where the phone sends one); else a
 * new one. */
static struct row *row_for(struct ps_labtop *t, const struct ps_lab_client_view *v)
{
	const char *mac = v->cert_mac && *v->cert_mac ? v->cert_mac : NULL;
	bool told_cert = v->https && v->method; /* a request over HTTPS: its certificate known */
	struct row *best = NULL;
	for (size_t i = 0; i < t->n_rows; i++) {
		struct row *r = t->rows[i];
		if (mac && strcmp(r->mac, mac) == 0)
			return r;
		if (strcmp(r->addr, v->address ? v->address : "?") != 0 ||
		    !model_fits(r, v->model) || ((mac || told_cert) && r->mac[0]) ||
		    (v->offer && r->have_match && strcmp(v->offer->ja4, r->match.ja4) != 0))
			continue;
		if (!best || r->when >= best->when)
			best = r;
	}
	if (best)
		return best;
	size_t at = t->n_rows;
	if (at == MAX_ROWS) { /* full: the row quiet the longest goes */
		at = 0;
		for (size_t i = 1; i < t->n_rows; i++)
			if (t->rows[i]->when < t->rows[at]->when)
				at = i;
		row_free(t->rows[at]);
	} else {
		t->n_rows++;
	}
	struct row *r = ps_xcalloc(1, sizeof *r);
	snprintf(r->addr, sizeof r->addr, "%s", v->address ? v->address : "?");
	r->first = v->when;
	t->rows[at] = r;
	return r;
}

static void add_history(struct row *r, char *line)
{
	if (r->n_history == HISTORY) {
		free(r->history[0]);
		memmove(r->history, r->history + 1, (HISTORY - 1) * sizeof *r->history);
		r->n_history--;
	}
	r->history[r->n_history++] = line;
}

static void clock_text(time_t when, char out[16])
{
	struct tm tm;
	if (!localtime_r(&when, &tm) || !strftime(out, 16, "%H:%M:%S", &tm))
		snprintf(out, 16, "--:--:--");
}

void ps_labtop_client(void *ctx, const struct ps_lab_client_view *v)
{
	struct ps_labtop *t = ctx;
	pthread_mutex_lock(&t->lock);
	struct row *r = row_for(t, v);
	if (v->cert_mac && *v->cert_mac)
		snprintf(r->mac, sizeof r->mac, "%s", v->cert_mac);
	snprintf(r->addr, sizeof r->addr, "%s", v->address ? v->address : "?");
	set_str(&r->model, v->model);
	set_str(&r->ua, v->user_agent);
	if (v->offer) {
		r->match = *v->offer;
		r->have_match = true;
		set_str(&r->offer_text, v->offer_text);
	}
	if (v->requests <= 1)
		r->connections++;
	r->when = v->when;
	snprintf(r->result, sizeof r->result, "%s", v->result ? v->result : "");
	char when[16];
	clock_text(v->when, when);
	if (v->method) {
		t->requests++;
		r->requests++;
		snprintf(r->last, sizeof r->last, "%s %s", v->method, v->path ? v->path : "?");
		r->status = v->status;
		free(r->reason);
		r->reason = v->reason ? ps_xstrdup(v->reason) : NULL;
		if (v->https) {
			r->cert = v->cert;
			r->cert_seen = true;
			free(r->subject);
			r->subject = v->cert_subject ? ps_xstrdup(v->cert_subject) : NULL;
			free(r->cert_reason);
			r->cert_reason = v->cert_reason ? ps_xstrdup(v->cert_reason) : NULL;
		}
		add_history(r, ps_xasprintf("%s %s %s %s %d, %zu bytes%s%s", when,
					    v->https ? "https" : "http", v->method,
					    v->path ? v->path : "?", v->status, v->bytes,
					    v->reason ? ": " : "", v->reason ? v->reason : ""));
	} else {
		add_history(r, ps_xasprintf("%s https: %s", when, v->result ? v->result : "?"));
	}
	pthread_mutex_unlock(&t->lock);
	wake(t);
}

void ps_labtop_log(void *ctx, const char *line)
{
	struct ps_labtop *t = ctx;
	char when[16];
	clock_text(time(NULL), when);
	char *l = ps_xasprintf("%s %s", when, line);
	pthread_mutex_lock(&t->lock);
	if (t->n_log == MAX_LOG) {
		free(t->log[t->log_start]);
		t->log[t->log_start] = l;
		t->log_start = (t->log_start + 1) % MAX_LOG;
	} else {
		t->log[(t->log_start + t->n_log++) % MAX_LOG] = l;
	}
	pthread_mutex_unlock(&t->lock);
	wake(t);
}

void ps_labtop_set_header(struct ps_labtop *t, const char *text)
{
	pthread_mutex_lock(&t->lock);
	free(t->header);
	t->header = ps_xstrdup(text ? text : "");
	pthread_mutex_unlock(&t->lock);
}

void ps_labtop_counts(struct ps_labtop *t, size_t *phones, unsigned long *requests)
{
	pthread_mutex_lock(&t->lock);
	*phones = t->n_rows;
	*requests = t->requests;
	pthread_mutex_unlock(&t->lock);
}

/* --- what a row says ------------------------------------------------------ */

static long model_index(const char *id)
{
	for (size_t i = 0; id && ps_model_at(i); i++)
		if (strcmp(ps_model_at(i)->id, id) == 0)
			return (long)i;
	return -1;
}

/* "spa942 ✓ exact", "spa942 ≠ offer of spa921", "≠ closest spa504g". */
static void verdict(const struct ps_labtop *t, const struct row *r, char *out, size_t n, attr_t *a)
{
	const char *yes = t->utf8 ? "\u2713" : "=", *no = t->utf8 ? "\u2260" : "!=";
	const char *m = r->model;
	*a = A_NORMAL;
	if (!r->have_match) {
		snprintf(out, n, "%s", m ? m : "");
		return;
	}
	long ua = model_index(m);
	const struct ps_offer_match *x = &r->match;
	if (ua >= 0 && ua < PS_OFFER_MODELS && x->same[ua]) {
		snprintf(out, n, "%s %s exact", m, yes);
		*a = t->a_ok;
		return;
	}
	*a = t->a_warn;
	if (x->n_same) {
		const char *first = "?";
		for (size_t i = 0; ps_model_at(i) && i < PS_OFFER_MODELS; i++)
			if (x->same[i]) {
				first = ps_model_at(i)->id;
				break;
			}
		char more[24] = "";
		if (x->n_same > 1)
			snprintf(more, sizeof more, " +%zu", x->n_same - 1);
		if (m)
			snprintf(out, n, "%s %s offer of %s%s", m, no, first, more);
		else
			snprintf(out, n, "offer of %s%s", first, more);
		if (!m)
			*a = A_NORMAL;
		return;
	}
	if (x->closest >= 0 && ps_model_at((size_t)x->closest))
		snprintf(out, n, "%s%s%s closest %s", m ? m : "", m ? " " : "", no,
			 ps_model_at((size_t)x->closest)->id);
	else
		snprintf(out, n, "%s%s%s no model", m ? m : "", m ? " " : "", no);
}

static void cert_text(const struct ps_labtop *t, const struct row *r, char *out, size_t n,
		      attr_t *a)
{
	*a = A_NORMAL;
	if (!r->cert_seen) {
		snprintf(out, n, "%s", r->mac[0] ? r->mac : "-");
		return;
	}
	switch (r->cert) {
	case PS_LAB_CLIENT_CERT_TRUSTED:
		snprintf(out, n, "%s%strusted", r->mac, r->mac[0] ? " " : "");
		*a = t->a_ok;
		break;
	case PS_LAB_CLIENT_CERT_UNTRUSTED:
		snprintf(out, n, "%s%suntrusted", r->mac, r->mac[0] ? " " : "");
		*a = t->a_fail;
		break;
	case PS_LAB_CLIENT_CERT_NONE:
		snprintf(out, n, "none");
		*a = t->a_warn;
		break;
	}
}

static void age_text(time_t when, time_t now, char *out, size_t n)
{
	long s = now > when ? (long)(now - when) : 0;
	if (s < 60)
		snprintf(out, n, "%lds ago", s);
	else if (s < 3600)
		snprintf(out, n, "%ldm ago", s / 60);
	else if (s < 86400)
		snprintf(out, n, "%ldh ago", s / 3600);
	else
		snprintf(out, n, "%ldd ago", s / 86400);
}

static attr_t result_attr(const struct ps_labtop *t, const char *result)
{
	return strcmp(result, "ok") == 0 ? t->a_ok : *result ? t->a_fail : A_NORMAL;
}

/* --- drawing -------------------------------------------------------------- */

enum col { C_ADDR, C_MODEL, C_JA4, C_CERT, C_LAST, C_RESULT, C_COUNT };
static const char *const col_name[C_COUNT] = { "ADDRESS", "MODEL",        "JA4",
					       "CERT",    "LAST REQUEST", "RESULT" };

/* Column widths for `W` columns: each gets its least, then LAST REQUEST
 * grows to 36, JA4 to its full 36, RESULT to 24 ("alert
 * handshake_failure"), and LAST REQUEST takes the rest. Too narrow a
 * terminal cuts the row at its right edge. */
static void col_widths(int W, int w[C_COUNT])
{
	static const int least[C_COUNT] = { 15, 26, 10, 21, 24, 12 };
	static const struct {
		enum col c;
		int most;
	} grow[] = { { C_LAST, 36 }, { C_JA4, 36 }, { C_RESULT, 24 }, { C_LAST, 1 << 16 } };
	int used = C_COUNT - 1;
	for (int i = 0; i < C_COUNT; i++)
		used += w[i] = least[i];
	int extra = W - used;
	for (size_t i = 0; i < sizeof grow / sizeof grow[0] && extra > 0; i++) {
		int room = grow[i].most - w[grow[i].c];
		int j = extra < room ? extra : room;
		if (j > 0) {
			w[grow[i].c] += j;
			extra -= j;
		}
	}
}

/* `s` at (y, x) in at most `w` columns, never past column W. */
static void put(int y, int x, int w, int W, const char *s, attr_t a)
{
	if (x >= W || w <= 0)
		return;
	if (x + w > W)
		w = W - x;
	attrset(a);
	mvaddnstr(y, x, s, (int)ps_tui_fit(s, (size_t)w));
}

/* A whole line, cut at the width. */
static void put_line(int y, int W, const char *s, attr_t a)
{
	put(y, 0, W, W, s, a);
}

static void draw_row(struct ps_labtop *t, const struct row *r, int y, int W, const int *w,
		     bool selected, time_t now)
{
	attr_t base = selected ? A_REVERSE : A_NORMAL;
	if (selected) {
		attrset(base);
		mvhline(y, 0, ' ', W);
	}
	char buf[256], age[32];
	attr_t a;
	int x = 0;
	put(y, x, w[C_ADDR], W, r->addr, base);
	x += w[C_ADDR] + 1;
	verdict(t, r, buf, sizeof buf, &a);
	put(y, x, w[C_MODEL], W, buf, base | a);
	x += w[C_MODEL] + 1;
	put(y, x, w[C_JA4], W, r->have_match ? r->match.ja4 : "-", base);
	x += w[C_JA4] + 1;
	cert_text(t, r, buf, sizeof buf, &a);
	put(y, x, w[C_CERT], W, buf, base | a);
	x += w[C_CERT] + 1;
	age_text(r->when, now, age, sizeof age);
	if (r->last[0])
		snprintf(buf, sizeof buf, "%s %d %s", r->last, r->status, age);
	else
		snprintf(buf, sizeof buf, "- %s", age);
	/* the age stays in view: the path gives way */
	size_t bw = ps_tui_width(buf);
	if (r->last[0] && bw > (size_t)w[C_LAST] && w[C_LAST] > 12) {
		char tail[64];
		snprintf(tail, sizeof tail, "%s %d %s", t->utf8 ? "\u2026" : "~", r->status, age);
		size_t keep = (size_t)w[C_LAST] - ps_tui_width(tail);
		char *cut = ps_xstrndup(r->last, ps_tui_fit(r->last, keep));
		snprintf(buf, sizeof buf, "%s%s", cut, tail);
		free(cut);
	}
	put(y, x, w[C_LAST], W, buf, base);
	x += w[C_LAST] + 1;
	put(y, x, w[C_RESULT], W, r->result, base | result_attr(t, r->result));
}

/* The detail of row `r` as lines wrapped to `W`. */
static void detail_lines(struct ps_labtop *t, const struct row *r, int W, struct ps_tui_lines *l)
{
	struct ps_tui_ctx c = { .g = t->g, .utf8 = t->utf8, .width = W };
	char buf[512], v[128];
	attr_t a;
	snprintf(buf, sizeof buf, "%s%s%s: %lu connection%s, %lu request%s", r->addr,
		 r->mac[0] ? " " : "", r->mac, r->connections, r->connections == 1 ? "" : "s",
		 r->requests, r->requests == 1 ? "" : "s");
	ps_tui_wrap(l, &c, 0, 2, NULL, PS_TS_HEAD, PS_TS_HEAD, buf);
	verdict(t, r, v, sizeof v, &a);
	snprintf(buf, sizeof buf, "model: %s%s%s", r->model ? r->model : "none named",
		 r->model ? " (its User-Agent)" : "", "");
	ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_NORMAL, PS_TS_NORMAL, buf);
	if (r->ua) {
		snprintf(buf, sizeof buf, "User-Agent: %s", r->ua);
		ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_NORMAL, PS_TS_NORMAL, buf);
	}
	if (r->have_match) {
		snprintf(buf, sizeof buf, "%s", r->offer_text ? r->offer_text : v);
		ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_NORMAL, PS_TS_NORMAL, buf);
		snprintf(buf, sizeof buf, "JA4 %s", r->match.ja4);
		ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_NORMAL, PS_TS_NORMAL, buf);
		snprintf(buf, sizeof buf, "JA3 %s", r->match.ja3);
		ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_NORMAL, PS_TS_NORMAL, buf);
	} else {
		ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_NORMAL, PS_TS_NORMAL,
			    "no ClientHello seen (plain HTTP only)");
	}
	if (!r->cert_seen)
		snprintf(buf, sizeof buf, "certificate: not seen (no request over HTTPS)");
	else if (r->cert == PS_LAB_CLIENT_CERT_NONE)
		snprintf(buf, sizeof buf, "certificate: none sent");
	else
		snprintf(buf, sizeof buf, "certificate: %s, %s%s%s",
			 r->subject ? r->subject : "(no subject)",
			 r->cert == PS_LAB_CLIENT_CERT_TRUSTED ? "trusted (the vendor CA)"
							       : "NOT trusted",
			 r->cert_reason ? ": " : "", r->cert_reason ? r->cert_reason : "");
	ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_NORMAL, PS_TS_NORMAL, buf);
	ps_tui_wrap(l, &c, 2, 4, NULL, PS_TS_HEAD, PS_TS_HEAD, "recent requests:");
	for (size_t i = 0; i < r->n_history; i++)
		ps_tui_wrap(l, &c, 4, 6, NULL, PS_TS_NORMAL, PS_TS_NORMAL, r->history[i]);
}

static attr_t style_attr(const struct ps_labtop *t, enum ps_tui_style s)
{
	return s == PS_TS_HEAD ? t->a_head : s == PS_TS_DIM ? t->a_dim : A_NORMAL;
}

static void draw(struct ps_labtop *t)
{
	int H = LINES, W = COLS;
	erase();
	if (H < 3 || W < 10) {
		put_line(0, W, "provscope lab", A_BOLD);
		refresh();
		return;
	}
	time_t now = time(NULL);
	pthread_mutex_lock(&t->lock);
	int y = 0;
	/* the header: its first line with the counts */
	const char *h = t->header ? t->header : "provscope lab";
	int n_head = H >= 16 ? 3 : H >= 10 ? 2 : 1;
	for (int i = 0; i < n_head && *h; i++) {
		size_t len = strcspn(h, "\n");
		char *line = ps_xstrndup(h, len);
		if (i == 0) {
			char *full = ps_xasprintf("%s %s %zu phone%s, %lu request%s", line,
						  t->g->vline, t->n_rows, t->n_rows == 1 ? "" : "s",
						  t->requests, t->requests == 1 ? "" : "s");
			free(line);
			line = full;
		}
		put_line(y++, W, line, i == 0 ? A_BOLD : A_NORMAL);
		free(line);
		h += len;
		if (*h == '\n')
			h++;
	}
	int hints_y = H - 1;
	/* below the table: the log, or the detail of the selected row */
	int pane_h = H >= 20 ? H / 4 : H >= 12 ? 3 : 0;
	struct ps_tui_lines dl = { 0 };
	if (t->sel >= t->n_rows)
		t->sel = t->n_rows ? t->n_rows - 1 : 0;
	if (t->detail && t->n_rows) {
		detail_lines(t, t->rows[t->sel], W, &dl);
		int want = (int)dl.n + 1;
		int most = (hints_y - y - 3) > 0 ? hints_y - y - 3 : 0;
		pane_h = want > most ? most : want < pane_h ? pane_h : want;
	}
	int table_y = y + 1, table_h = hints_y - table_y - pane_h;
	if (table_h < 1) {
		pane_h += table_h - 1;
		table_h = 1;
	}
	if (pane_h < 0)
		pane_h = 0;
	int w[C_COUNT];
	col_widths(W, w);
	attrset(t->a_head | A_UNDERLINE);
	mvhline(y, 0, ' ', W);
	for (int i = 0, x = 0; i < C_COUNT; x += w[i] + 1, i++)
		put(y, x, w[i], W, col_name[i], t->a_head | A_UNDERLINE);
	if (t->n_rows == 0)
		put_line(table_y, W, "no phone yet: the rows come with the first connections",
			 t->a_dim);
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + (size_t)table_h)
		t->top = t->sel - (size_t)table_h + 1;
	/* no empty rows below while rows are hidden above (a taller window) */
	if (table_h > 0 && t->top + (size_t)table_h > t->n_rows)
		t->top = t->n_rows > (size_t)table_h ? t->n_rows - (size_t)table_h : 0;
	for (int i = 0; i < table_h && t->top + (size_t)i < t->n_rows; i++)
		draw_row(t, t->rows[t->top + (size_t)i], table_y + i, W, w,
			 t->top + (size_t)i == t->sel, now);
	int pane_y = table_y + table_h;
	if (pane_h > 0) {
		char *rule = ps_xasprintf("%s%s %s ", t->g->hline, t->g->hline,
					  t->detail && t->n_rows ? "detail" : "log");
		attrset(t->a_dim);
		mvhline(pane_y, 0, ACS_HLINE, W);
		put_line(pane_y, W, rule, t->a_dim);
		free(rule);
		if (t->detail && t->n_rows) {
			for (int i = 0; i < pane_h - 1 && (size_t)i < dl.n; i++)
				put_line(pane_y + 1 + i, W, dl.v[i].text,
					 style_attr(t, dl.v[i].style));
		} else {
			size_t show =
			    (size_t)(pane_h - 1) < t->n_log ? (size_t)(pane_h - 1) : t->n_log;
			for (size_t i = 0; i < show; i++)
				put_line(pane_y + 1 + (int)i, W,
					 t->log[(t->log_start + t->n_log - show + i) % MAX_LOG],
					 A_NORMAL);
		}
	}
	pthread_mutex_unlock(&t->lock);
	ps_tui_lines_clear(&dl);
	char hints[160];
	snprintf(hints, sizeof hints, "%s select  Enter %s  q quit", t->g->keys_move,
		 t->detail ? "back to the log" : "details");
	put_line(hints_y, W, hints, t->a_dim);
	refresh();
}

/* --- keys and the loop ---------------------------------------------------- */

static void on_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resize_term(ws.ws_row, ws.ws_col);
	clear();
}

static void move_sel(struct ps_labtop *t, long delta)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->n_rows;
	pthread_mutex_unlock(&t->lock);
	if (!n)
		return;
	long s = (long)t->sel + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)n)
		s = (long)n - 1;
	t->sel = (size_t)s;
}

/* One key; true to quit. */
static bool on_key(struct ps_labtop *t, bool fn, int k)
{
	long page = LINES > 8 ? LINES / 2 : 1;
	if (fn) {
		switch (k) {
		case KEY_RESIZE:
			on_resize();
			break;
		case KEY_UP:
			move_sel(t, -1);
			break;
		case KEY_DOWN:
			move_sel(t, 1);
			break;
		case KEY_PPAGE:
			move_sel(t, -page);
			break;
		case KEY_NPAGE:
			move_sel(t, page);
			break;
		case KEY_HOME:
			move_sel(t, -(long)MAX_ROWS);
			break;
		case KEY_END:
			move_sel(t, (long)MAX_ROWS);
			break;
		case KEY_ENTER:
			t->detail = !t->detail;
			break;
		default:
			break;
		}
		return false;
	}
	switch (k) {
	case 'q':
	case 'Q':
	case 3: /* Ctrl-C as a key */
		return true;
	case 'k':
		move_sel(t, -1);
		break;
	case 'j':
		move_sel(t, 1);
		break;
	case 'g':
		move_sel(t, -(long)MAX_ROWS);
		break;
	case 'G':
		move_sel(t, (long)MAX_ROWS);
		break;
	case '\r':
	case '\n':
	case 'd':
		t->detail = !t->detail;
		break;
	case 27: /* Esc */
		t->detail = false;
		break;
	case 12: /* ^L */
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	return false;
}

static void drain(int fd)
{
	char buf[256];
	while (read(fd, buf, sizeof buf) > 0)
		;
}

int ps_labtop_run(struct ps_labtop *t)
{
	/* The signals the caller blocks (so that the lab's threads never
	 * take them) are let in while the poll waits. */
	sigset_t wait;
	pthread_sigmask(SIG_SETMASK, NULL, &wait);
	for (size_t i = 0; i < PS_TERM_NSIG; i++)
		sigdelset(&wait, ps_term_signals[i]);
	for (;;) {
		if (ps_term_signal())
			return ps_term_signal();
		if (ps_term_winch())
			on_resize();
		draw(t);
		struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
				       { .fd = t->wake[0], .events = POLLIN } };
		struct timespec ts = { 0, REDRAW_MS * 1000000L };
		int n = ppoll(p, 2, &ts, &wait);
		if (n < 0 && errno != EINTR)
			return SIGTERM;
		if (n > 0 && (p[1].revents & POLLIN))
			drain(t->wake[0]);
		if (n > 0 && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			return SIGHUP; /* the terminal went away */
		wint_t wc;
		int rc;
		while ((rc = get_wch(&wc)) != ERR) {
			if (on_key(t, rc == KEY_CODE_YES, (int)wc))
				return 0;
			if (ps_term_signal())
				break;
		}
	}
}

/* --- open and close ------------------------------------------------------- */

static void init_attrs(struct ps_labtop *t)
{
	t->a_head = A_BOLD;
	t->a_dim = A_DIM;
	t->a_ok = A_NORMAL;
	t->a_warn = A_BOLD;
	t->a_fail = A_BOLD;
	if (!t->color || !has_colors() || start_color() == ERR)
		return;
	short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	init_pair(1, COLOR_GREEN, bg);
	init_pair(2, COLOR_YELLOW, bg);
	init_pair(3, COLOR_RED, bg);
	t->a_ok = COLOR_PAIR(1);
	t->a_warn = COLOR_PAIR(2) | A_BOLD;
	t->a_fail = COLOR_PAIR(3) | A_BOLD;
}

struct ps_labtop *ps_labtop_open(char **err)
{
	*err = NULL;
	const char *term = getenv("TERM");
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return NULL;
	struct ps_labtop *t = ps_xcalloc(1, sizeof *t);
	pthread_mutex_init(&t->lock, NULL);
	setlocale(LC_CTYPE, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t->g = ps_tui_glyphs_for(t->utf8);
	const char *nc = getenv("NO_COLOR");
	t->color = !(nc && *nc);
	if (pipe2(t->wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		*err = ps_xasprintf("cannot make a pipe: %s", strerror(errno));
		pthread_mutex_destroy(&t->lock);
		free(t);
		return NULL;
	}
	/* Our handlers first: curses then leaves SIGINT, SIGTERM and SIGWINCH
	 * to us, and a signal wakes the poll. */
	ps_term_signals_install(t->wake[1], t->old);
	t->scr = newterm(NULL, stdout, stdin);
	if (!t->scr) {
		*err = ps_xasprintf("no terminal description for TERM=%s", term);
		ps_labtop_free(t);
		return NULL;
	}
	set_term(t->scr);
	ps_term_screen_setup();
	init_attrs(t);
	return t;
}

void ps_labtop_close(struct ps_labtop *t)
{
	if (!t || ps_term_wake_fd() != t->wake[1])
		return;
	if (t->scr) {
		endwin();
		delscreen(t->scr);
		t->scr = NULL;
	}
	ps_term_signals_restore(t->old);
}

void ps_labtop_free(struct ps_labtop *t)
{
	if (!t)
		return;
	ps_labtop_close(t);
	for (size_t i = 0; i < t->n_rows; i++)
		row_free(t->rows[i]);
	for (size_t i = 0; i < t->n_log; i++)
		free(t->log[(t->log_start + i) % MAX_LOG]);
	free(t->header);
	close(t->wake[0]);
	close(t->wake[1]);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
