/* The run layer: one place that starts a run of the engine from a session,
 * plays it into a sink and finishes its report (the exit status, then the
 * expectations). The batch report, every device of a list, the TUI's first
 * run and every re-run, and the demo all go through it. */
#ifndef PS_RUN_RUN_H
#define PS_RUN_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "model/report.h"
#include "model/sink.h"
#include "output/output.h"
#include "phone/catalogue.h"
#include "run/devices.h"
#include "run/session.h"

/* What may change between the runs of one session (the TUI's m and t). */
struct ps_run_setup {
	const struct ps_model *model; /* borrowed catalogue row */
	time_t at;                    /* the phone's clock, 0 = the real clock */
	bool progress;                /* a download progress bar on stderr */
	/* The device's certificate when the caller made it (a storm's, minted
	 * from --device-ca): borrowed, before a list row's and the session's. */
	const struct ps_tls_creds *creds;
	bool loopback_only; /* connect to loopback addresses only (a storm) */
};

/* The session's own setup: its model and the command line's clock. */
struct ps_run_setup ps_run_setup_of(const struct ps_session *s);

struct ps_run;

/* Prepare a run of the session as `setup`, for the device `d` of a list
 * (NULL: the command line's phone), and fill the header of `report` (tool
 * version, target, mode, phone, show_secrets). NULL with `*err` (caller
 * frees) when the device's own certificate cannot be used. The session
 * must outlive the run. */
struct ps_run *ps_run_new(const struct ps_session *s, const struct ps_run_setup *setup,
			  const struct ps_device *d, struct ps_report *report, char **err);
/* Play the run into `sink` (from any thread). False with `*err` when an
 * input file of an offline run cannot be read. */
bool ps_run_play(struct ps_run *run, const struct ps_sink *sink, char **err);
/* Finish `report` once the run has returned: its exit status and verdict,
 * then the --expect checks of the session. */
void ps_run_finish(const struct ps_run *run, struct ps_report *report);
/* NULL is accepted. */
void ps_run_free(struct ps_run *run);
/* The engine's configuration of the run (borrowed, valid while it is). */
struct ps_run_config;
const struct ps_run_config *ps_run_cfg(const struct ps_run *run);

/* The whole of a batch run: prepare, play, finish and write the report in
 * --format to --output (or standard output). Returns the exit status; a
 * local error's message is on stderr. */
int ps_run_batch(const struct ps_session *s);

/* How the text report is written for `c`: colours (--color, NO_COLOR, a
 * terminal), the level (-q, -v, -vv) and the width (the terminal's, else 80). */
struct ps_output_opts ps_run_output_opts(const struct ps_config *c);
/* Write a finished report in --format to --output or standard output, as
 * ps_run_output_opts says. Returns 0, or -1 with the message on stderr. */
int ps_run_write(const struct ps_config *c, const struct ps_report *r);

/* --devices: every device of the list through the same pass, --jobs at a
 * time, a record each in list order, then the summary. Returns the worst
 * exit status. */
int ps_run_devices(const struct ps_session *s);

/* What a view of a running storm sees, several times a second, on the
 * thread that called ps_run_storm: a copy of the report so far (its
 * counts, findings, histograms, timeline; no passes; not finished), the
 * passes in flight and the seconds since the storm began. The workers go
 * on while the view draws. */
struct ps_storm_report;
struct ps_storm_view {
	void *ctx;
	/* Called every `interval_ms`; false asks the storm to stop (no pass
	 * begins after it; those in flight end). */
	bool (*tick)(void *ctx, const struct ps_storm_report *so_far, unsigned in_flight,
		     size_t planned, double t_s);
	/* The storm has ended (every worker returned), before the report is
	 * finished and written: the view gives the terminal back. */
	void (*done)(void *ctx);
	unsigned interval_ms;
};

/* provscope storm (run/storm.c): the devices' passes on --jobs threads as
 * the schedule has them begin, folded into the storm report, written in
 * --format to --output. `view` NULL: a progress line on stderr (rewritten
 * each second on a terminal, every ten seconds otherwise; none with -q).
 * Returns the exit status (the highest of the passes'). */
int ps_run_storm(const struct ps_session *s, const struct ps_storm_view *view);
/* provscope merge: the storm results of the command line's files into
 * one report, written in --format to --output. Returns the exit status. */
int ps_run_merge(const struct ps_config *c);

/* provscope scan: every model of the session against its server (see
 * model/scan.h), at the clock of `setup` (NULL: the session's). The
 * report, of mode PS_MODE_SCAN, is finished (exit status, verdict,
 * expectations); caller frees. `progress`, when not NULL, hears of each
 * job as it ends, in job order, on the calling thread: `done` of `total`,
 * and what it was. */
typedef void (*ps_scan_progress_fn)(void *ctx, size_t done, size_t total, const char *what);
struct ps_report *ps_run_scan_report(const struct ps_session *s, const struct ps_run_setup *setup,
				     ps_scan_progress_fn progress, void *ctx);
/* The whole scan in batch: the report written in --format to --output.
 * Returns the exit status. */
int ps_run_scan(const struct ps_session *s);

#endif
