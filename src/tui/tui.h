/* The interactive view (ncursesw): a live run on a worker thread, drawn as
 * it goes; keys to look at each step, run again as another model or at
 * another time, and write the report. main.c decides when it opens and
 * hands it a small host interface that runs the engine. */
#ifndef PS_TUI_TUI_H
#define PS_TUI_TUI_H

#include <stdbool.h>
#include <time.h>

#include "model/report.h"
#include "model/sink.h"
#include "phone/catalogue.h"

/* What the TUI may change between runs; the rest of the run's
 * configuration is the host's. */
struct ps_tui_setup {
	const struct ps_model *model; /* the phone played (borrowed catalogue row) */
	time_t at;                    /* the phone's clock, 0 = the real clock */
};

/* How the TUI runs the engine; main.c provides it. */
struct ps_tui_host {
	/* On the UI thread: prepare a run for `setup`, filling the header of
	 * the fresh report `r` (tool version, target, mode, phone,
	 * show_secrets). Returns an opaque job, or NULL with `*err` (caller
	 * frees) when this setup cannot run. */
	void *(*prepare)(void *ctx, const struct ps_tui_setup *setup, struct ps_report *r,
			 char **err);
	/* On a worker thread: play the job into `sink` (which any thread may
	 * call). Must not touch the terminal. */
	void (*run)(void *job, const struct ps_sink *sink);
	/* Free a job once its run has returned. */
	void (*release)(void *job);
	void *ctx;
};

/* ps_tui_main's answer when the terminal cannot be used: nothing was
 * drawn, run in batch mode. `*err` says why, except for a TERM unset or
 * "dumb" (an editor's shell), which is not worth a message. */
#define PS_TUI_UNAVAILABLE (-1)

/* Run the interactive view from a first run of `first` until the user
 * quits or a SIGINT, SIGTERM or SIGHUP arrives; the terminal is restored
 * on every way out. Returns the exit status: the report's exit code when
 * the run on screen ended, 130 when the user quit while it ran, 128 plus
 * the signal's number after a signal, 2 with `*err` set when no run could
 * start; or PS_TUI_UNAVAILABLE.
 * `*busy` is set when a worker thread is still running (a server that
 * hangs): the caller must then end the process at once (_exit) without
 * freeing what the run uses. */
int ps_tui_main(const struct ps_tui_host *host, const struct ps_tui_setup *first, bool *busy,
		char **err);

#endif
