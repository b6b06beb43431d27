/* The full-screen views' signals and screen (see termsig.h). */
#include "config.h"

#include "tui/termsig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "core/util.h"

const int ps_term_signals[PS_TERM_NSIG] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };

/* A signal handler can only reach statics: the signal seen and the pipe
 * that wakes the UI thread's poll. */
static volatile sig_atomic_t got_signal, got_winch;
static int signal_wake_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGWINCH)
		got_winch = 1;
	else if (!got_signal)
		got_signal = sig;
	if (signal_wake_fd >= 0 && write(signal_wake_fd, "", 1) < 0) {
		/* full: a wake-up is pending anyway */
	}
	errno = saved;
}

void ps_term_signals_install(int wake_fd, struct sigaction old[PS_TERM_NSIG])
{
	got_signal = got_winch = 0;
	signal_wake_fd = wake_fd;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < PS_TERM_NSIG; i++)
		sigaction(ps_term_signals[i], &sa, &old[i]);
}

void ps_term_signals_restore(const struct sigaction old[PS_TERM_NSIG])
{
	for (size_t i = 0; i < PS_TERM_NSIG; i++)
		sigaction(ps_term_signals[i], &old[i], NULL);
	signal_wake_fd = -1;
}

int ps_term_wake_fd(void)
{
	return signal_wake_fd;
}

int ps_term_signal(void)
{
	return got_signal;
}

bool ps_term_winch(void)
{
	if (!got_winch)
		return false;
	got_winch = 0;
	return true;
}

void ps_term_screen_setup(void)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
}

void ps_term_style_attrs(attr_t a[PS_TS_COUNT], bool color)
{
	a[PS_TS_NORMAL] = A_NORMAL;
	a[PS_TS_DIM] = A_DIM;
	a[PS_TS_HEAD] = A_BOLD;
	/* Monochrome: the glyphs tell the statuses apart; bold marks what
	 * needs attention. */
	a[PS_TS_OK] = A_NORMAL;
	a[PS_TS_WARN] = A_BOLD;
	a[PS_TS_FAIL] = A_BOLD;
	a[PS_TS_INFO] = A_UNDERLINE;
	a[PS_TS_RUN] = A_BOLD;
	if (!color || !has_colors() || start_color() == ERR)
		return;
	short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	init_pair(1, COLOR_GREEN, bg);
	init_pair(2, COLOR_YELLOW, bg);
	init_pair(3, COLOR_RED, bg);
	init_pair(4, COLOR_CYAN, bg);
	a[PS_TS_OK] = COLOR_PAIR(1);
	a[PS_TS_WARN] = COLOR_PAIR(2) | A_BOLD;
	a[PS_TS_FAIL] = COLOR_PAIR(3) | A_BOLD;
	a[PS_TS_INFO] = COLOR_PAIR(4);
	a[PS_TS_RUN] = COLOR_PAIR(4) | A_BOLD;
}

void ps_term_draw_line(WINDOW *win, const attr_t a[PS_TS_COUNT], int y, int x, int w,
		       const struct ps_tui_line *line, attr_t base)
{
	if (w <= 0)
		return;
	wmove(win, y, x);
	const char *s = line ? line->text : "";
	size_t fit = ps_tui_fit(s, (size_t)w);
	size_t mark = !line ? 0 : line->mark < fit ? line->mark : fit;
	if (mark) {
		wattrset(win, base | a[line->mark_style]);
		waddnstr(win, s, (int)mark);
	}
	wattrset(win, base | (line ? a[line->style] : A_NORMAL));
	if (fit > mark)
		waddnstr(win, s + mark, (int)(fit - mark));
	char *drawn = ps_xstrndup(s, fit);
	size_t used = ps_tui_width(drawn);
	free(drawn);
	wattrset(win, base);
	for (size_t i = used; i < (size_t)w; i++)
		waddch(win, ' ');
	wattrset(win, A_NORMAL);
}
