/* `provscope lab` on a terminal: a live table of the phones the lab has
 * seen, like a small top (ncursesw). One row per phone, keyed by its
 * certificate's MAC when it sent one, else by its address and the model its
 * User-Agent names: a phone reconnects from new ports, and phones behind
 * one address (NAT, a test host) each keep a row. The lab's threads feed
 * it through the observers of struct ps_lab_config; the thread that opened
 * it draws and reads keys. Part of the program only (curses). */
#ifndef PS_TUI_LABTOP_H
#define PS_TUI_LABTOP_H

#include "lab/lab.h"

struct ps_labtop;

/* Take the terminal (stdout and stdin must be one): the alternate screen,
 * and handlers for SIGINT, SIGTERM, SIGHUP and SIGWINCH. Returns NULL when
 * the terminal cannot be used, with a sentence in `*err` (caller frees),
 * or none for a TERM unset or "dumb". Nothing is drawn before
 * ps_labtop_run. */
struct ps_labtop *ps_labtop_open(char **err);

/* The lines above the table: what the lab serves and where (newlines
 * separate them; at most three are shown). Copied. */
void ps_labtop_set_header(struct ps_labtop *t, const char *text);

/* The observers (their `ctx` is the ps_labtop): a line for the log pane,
 * and a client's view, merged into its phone's row. Safe from any thread
 * while the handle lives; they wake the drawing thread. */
void ps_labtop_log(void *ctx, const char *line);
void ps_labtop_client(void *ctx, const struct ps_lab_client_view *v);

/* Draw and read keys until `q` (or Ctrl-C typed as a key) or a signal.
 * Returns 0 for a key, else the signal's number. */
int ps_labtop_run(struct ps_labtop *t);

/* The phones and requests seen so far. */
void ps_labtop_counts(struct ps_labtop *t, size_t *phones, unsigned long *requests);

/* Give the terminal back (the normal screen, the old signal handlers);
 * the observers still take views until ps_labtop_free. Idempotent. */
void ps_labtop_close(struct ps_labtop *t);

/* Close it and free it; stop the lab first, so that no observer runs.
 * Accepts NULL. */
void ps_labtop_free(struct ps_labtop *t);

#endif
