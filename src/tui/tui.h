/* The interactive view (ncursesw): a live run on a worker thread, drawn as
 * it goes; keys to look at each step, run again as another model or at
 * another time, and write the report. main.c decides when it opens and
 * hands it the session; every run it starts (the first, and each re-run as
 * another model or at another clock) goes through the run layer. */
#ifndef PS_TUI_TUI_H
#define PS_TUI_TUI_H

#include <stdbool.h>
#include <time.h>

#include "run/run.h"

/* ps_tui_main's answer when the terminal cannot be used: nothing was
 * drawn, run in batch mode. `*err` says why, except for a TERM unset or
 * "dumb" (an editor's shell), which is not worth a message. */
#define PS_TUI_UNAVAILABLE (-1)

/* Run the interactive view of the session `s` (its model and clock first)
 * until the user
 * quits or a SIGINT, SIGTERM or SIGHUP arrives; the terminal is restored
 * on every way out. Returns the exit status: the report's exit code when
 * the run on screen ended, 130 when the user quit while it ran, 128 plus
 * the signal's number after a signal, 2 with `*err` set when no run could
 * start; or PS_TUI_UNAVAILABLE.
 * `*busy` is set when a worker thread is still running (a server that
 * hangs): the caller must then end the process at once (_exit) without
 * freeing what the run uses. */
int ps_tui_main(const struct ps_session *s, bool *busy, char **err);

/* The version of the curses library in use ("ncurses 6.4.20221231"). */
const char *ps_tui_library_version(void);

#endif
