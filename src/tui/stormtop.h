/* `provscope storm` on a terminal: a full-screen view of the storm as it
 * runs (ncursesw), like a small top: what is played against what, the
 * progress, the latency percentiles per step, the last minute second by
 * second, the outcomes and the findings (their text from stormview.c).
 * The runner calls it through struct ps_storm_view on the thread that
 * started the storm; q or Ctrl-C ask the storm to stop. Part of the
 * program only (curses). */
#ifndef PS_TUI_STORMTOP_H
#define PS_TUI_STORMTOP_H

#include "run/run.h"

struct ps_stormtop;

/* A view for a storm on the terminal of standard output and input (the
 * caller checked that both are one). NULL when the terminal cannot take
 * it, with a sentence in `*err` (caller frees), or none for a TERM unset
 * or "dumb": the caller then lets the runner draw its progress line.
 * Nothing is drawn and the terminal is left alone until the storm's first
 * tick: what the runner says before its passes begin (the certificates it
 * mints, a refusal) stays on the normal screen. */
struct ps_stormtop *ps_stormtop_new(char **err);

/* The view to hand ps_run_storm: its ticks take the terminal (the
 * alternate screen, handlers for SIGINT, SIGTERM, SIGHUP and SIGWINCH),
 * draw and read keys; its `done` gives the terminal back before the
 * runner writes the report. `t` must outlive the storm. */
struct ps_storm_view ps_stormtop_view(struct ps_stormtop *t);

/* Give the terminal back if the view still holds it (a storm that ended
 * without `done`), and free. Accepts NULL. */
void ps_stormtop_free(struct ps_stormtop *t);

#endif
