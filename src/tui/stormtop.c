/* The storm's live view (see stormtop.h): the terminal taken at the first
 * tick, then at each tick the keys read and the screen drawn from
 * stormview.c's lines, on the runner's thread with its lock held; the
 * terminal given back when the storm ends. */
#include "config.h"

#include "tui/stormtop.h"

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
#include <term.h>

#include "core/util.h"
#include "model/storm.h"
#include "tui/stormview.h"
#include "tui/termsig.h"
#include "tui/view.h"

/* How often the runner calls the view: the screen's refresh, and the
 * longest a key waits. */
#define TICK_MS 200

struct ps_stormtop {
	SCREEN *scr; /* while the view holds the terminal */
	bool tried;  /* the first tick came: the terminal taken, or it could not be */
	bool utf8, color;
	const struct ps_tui_glyphs *g;
	attr_t attr[PS_TS_COUNT];
	bool stopping;                      /* the user asked the storm to stop */
	struct sigaction old[PS_TERM_NSIG]; /* the runner's handlers, while ours are in */
};

struct ps_stormtop *ps_stormtop_new(char **err)
{
	*err = NULL;
	const char *term = getenv("TERM");
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return NULL;
	/* What newterm would refuse, asked now without touching the screen. */
	int status = 0;
	if (setupterm(NULL, STDOUT_FILENO, &status) != OK) {
		*err = ps_xasprintf("no terminal description for TERM=%s", term);
		return NULL;
	}
	del_curterm(cur_term);
	struct ps_stormtop *t = ps_xcalloc(1, sizeof *t);
	setlocale(LC_CTYPE, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t->g = ps_tui_glyphs_for(t->utf8);
	const char *nc = getenv("NO_COLOR");
	t->color = !(nc && *nc);
	return t;
}

/* The alternate screen and our handlers (before newterm, so that curses
 * leaves SIGINT, SIGTERM and SIGWINCH to us; the runner's come back at
 * the end). */
static bool take(struct ps_stormtop *t)
{
	t->tried = true;
	ps_term_signals_install(-1, t->old);
	t->scr = newterm(NULL, stdout, stdin);
	if (!t->scr) {
		ps_term_signals_restore(t->old);
		fputs("provscope: the terminal could not be taken; the storm goes on without its "
		      "view\n",
		      stderr);
		return false;
	}
	set_term(t->scr);
	ps_term_screen_setup();
	/* Ctrl-C and Ctrl-S are keys, not a signal and a stop of the output:
	 * the view draws with the runner's lock held, so a terminal stopped
	 * by Ctrl-S would stall every pass's start and end. */
	raw();
	ps_term_style_attrs(t->attr, t->color);
	return true;
}

static void give_back(struct ps_stormtop *t)
{
	if (!t->scr)
		return;
	endwin();
	delscreen(t->scr);
	t->scr = NULL;
	ps_term_signals_restore(t->old);
}

static void on_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resize_term(ws.ws_row, ws.ws_col);
	clear();
}

static void read_keys(struct ps_stormtop *t)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
		t->stopping = true; /* the terminal went away */
	wint_t wc;
	int rc;
	while ((rc = get_wch(&wc)) != ERR) {
		if (rc == KEY_CODE_YES) {
			if (wc == KEY_RESIZE)
				on_resize();
			continue;
		}
		switch (wc) {
		case 'q':
		case 'Q':
		case 3: /* Ctrl-C */
			t->stopping = true;
			break;
		case 12: /* ^L */
			clearok(curscr, TRUE);
			break;
		default:
			break;
		}
	}
}

static void draw(struct ps_stormtop *t, const struct ps_storm_report *r,
		 const struct ps_storm_now *now)
{
	int H = LINES, W = COLS;
	struct ps_tui_ctx c = { .g = t->g, .utf8 = t->utf8, .width = W };
	struct ps_tui_lines l = { 0 };
	ps_storm_view_screen(&l, r, now, &c, H);
	for (size_t i = 0; i < l.n && i < (size_t)H; i++)
		ps_term_draw_line(stdscr, t->attr, (int)i, 0, W, &l.v[i], A_NORMAL);
	ps_tui_lines_clear(&l);
	refresh();
}

static bool tick(void *ctx, const struct ps_storm_report *r, unsigned in_flight, size_t planned,
		 double t_s)
{
	struct ps_stormtop *t = ctx;
	if (!t->tried)
		take(t);
	if (!t->scr)
		return true;
	read_keys(t);
	if (ps_term_signal())
		t->stopping = true;
	if (ps_term_winch())
		on_resize();
	struct ps_storm_now now = {
		.in_flight = in_flight, .planned = planned, .t_s = t_s, .stopping = t->stopping
	};
	draw(t, r, &now);
	return !t->stopping;
}

static void done(void *ctx)
{
	give_back(ctx);
}

struct ps_storm_view ps_stormtop_view(struct ps_stormtop *t)
{
	return (
	    struct ps_storm_view){ .ctx = t, .tick = tick, .done = done, .interval_ms = TICK_MS };
}

void ps_stormtop_free(struct ps_stormtop *t)
{
	if (!t)
		return;
	give_back(t);
	free(t);
}
