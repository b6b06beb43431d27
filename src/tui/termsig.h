/* What the full-screen views (the live run's, tui.c, the lab's table,
 * labtop.c, and the storm's, stormtop.c) share with the terminal: the
 * signals they catch while curses owns it, noted and written to a pipe
 * that wakes their poll, the curses settings of their screen, and how the
 * styled lines of view.h are drawn. Program-only, like them. */
#ifndef PS_TUI_TERMSIG_H
#define PS_TUI_TERMSIG_H

#include <signal.h>
#include <stdbool.h>

#include <curses.h>

#include "tui/view.h"

/* SIGINT, SIGTERM, SIGHUP and SIGWINCH. */
#define PS_TERM_NSIG 4
extern const int ps_term_signals[PS_TERM_NSIG];

/* Catch them (no SA_RESTART: a poll returns at once), what was noted
 * cleared, a byte written to `wake_fd` at each; the handlers they had go
 * to `old`. Install before newterm, so that curses leaves them to us. */
void ps_term_signals_install(int wake_fd, struct sigaction old[PS_TERM_NSIG]);
/* Give the handlers back; the wake pipe is forgotten. */
void ps_term_signals_restore(const struct sigaction old[PS_TERM_NSIG]);
/* The pipe installed, -1 when none. */
int ps_term_wake_fd(void);
/* The first of SIGINT, SIGTERM, SIGHUP caught since the install, 0 when
 * none. */
int ps_term_signal(void);
/* Whether SIGWINCH came since the last call. */
bool ps_term_winch(void);

/* The screen both views use: cbreak, no echo, keypad keys, reads that do
 * not wait, a short Esc delay, no cursor. */
void ps_term_screen_setup(void);

/* The attributes of each style: colours when `color` and the terminal
 * has them (call after newterm), else attributes alone. */
void ps_term_style_attrs(attr_t a[PS_TS_COUNT], bool color);
/* Draw `line` (NULL: an empty one) at (y, x) of `win` in `w` columns,
 * padded with spaces, its mark and text in the attributes `a` gives
 * their styles; `base` is added to every attribute (a selection's
 * reverse video). */
void ps_term_draw_line(WINDOW *win, const attr_t a[PS_TS_COUNT], int y, int x, int w,
		       const struct ps_tui_line *line, attr_t base);

#endif
