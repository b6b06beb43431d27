/* The live view of `provscope storm`, its pure side: what each part of the
 * screen says, as lines with a style (view.h), from the storm report so
 * far and the runner's tick. No curses and no I/O here, so the unit tests
 * check every part at every width; stormtop.c only draws these lines and
 * reads keys. */
#ifndef PS_TUI_STORMVIEW_H
#define PS_TUI_STORMVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/storm.h"
#include "tui/view.h"

struct ps_buf;

/* What the view knows besides the report: the runner's last tick. */
struct ps_storm_now {
	unsigned in_flight; /* passes running */
	size_t planned;     /* passes of this shard's schedule */
	double t_s;         /* seconds since the storm began */
	bool stopping;      /* the user asked the storm to stop */
};

/* The seconds of the timeline the view shows, at most. */
#define PS_STORM_VIEW_SECONDS 60

/* Passes ended per second over the `window_s` seconds up to `t_s` (fewer
 * at the start), from the timeline; the second at the window's start
 * counts in proportion. 0 before any time has passed. */
double ps_storm_recent_rate(const struct ps_storm_report *r, double t_s, double window_s);

/* A progress bar of `width` columns (at least 1) for `done` of `planned`:
 * the part done in c->g->bar, the rest in c->g->bar_empty. Appended to
 * `b`; returns the bytes of the part done (a line's mark). */
size_t ps_storm_bar(struct ps_buf *b, const struct ps_tui_ctx *c, int width, uint64_t done,
		    uint64_t planned);

/* One glyph a value of `v[0..n)`, scaled to `peak`: a space for 0, else
 * the sparkline's level (the lowest for the smallest non-zero value, the
 * highest for `peak`). Appended to `b`. */
void ps_storm_spark(struct ps_buf *b, const struct ps_tui_ctx *c, const uint64_t *v, size_t n,
		    uint64_t peak);

/* The parts of the screen, each appended to `out`, each line fitted to
 * c->width: */
/* the header: the time since the storm began (of --duration), whether it
 * is stopping, the model and the devices; the target; the schedule (at
 * once, a rate or a spread; the duration), the jobs, the shard and the
 * passes planned. Three lines. */
void ps_storm_view_header(struct ps_tui_lines *out, const struct ps_storm_report *r,
			  const struct ps_storm_now *now, const struct ps_tui_ctx *c);
/* the progress bar of passes ended of planned, then the counts: ok,
 * failed, in flight, to begin, passes ended per second lately. Two lines. */
void ps_storm_view_progress(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_storm_now *now, const struct ps_tui_ctx *c);
/* the latency table: a heading, then n, p50, p95, p99 and max of connect,
 * tls, first_byte and total, and of start_lag when a rate or a spread
 * schedules the passes; the columns that do not fit go, n first. */
void ps_storm_view_latency(struct ps_tui_lines *out, const struct ps_storm_report *r,
			   const struct ps_tui_ctx *c);
/* the timeline of the last seconds (up to PS_STORM_VIEW_SECONDS, as many
 * as fit, the second under way not yet): a heading with the peak, then
 * sparklines of the passes begun, ended ok and failed per second. Four
 * lines, or none before the first second has ended. */
void ps_storm_view_timeline(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_storm_now *now, const struct ps_tui_ctx *c);
/* the outcomes: a heading, then a line per exit category seen (passes,
 * share, what it means), ok first, in at most `max_rows` lines (0: no
 * limit), the last of them saying how many more when some are cut. */
void ps_storm_view_outcomes(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_tui_ctx *c, size_t max_rows);
/* the findings seen in passes: a heading, then the worst first (severity,
 * then passes), each with its pass count, in at most `max_rows` lines
 * (0: no limit), the last of them saying how many more when some are cut. */
void ps_storm_view_findings(struct ps_tui_lines *out, const struct ps_storm_report *r,
			    const struct ps_tui_ctx *c, size_t max_rows);
/* The key hints, or what stopping waits for. One line. */
void ps_storm_view_hints(struct ps_tui_lines *out, const struct ps_storm_now *now,
			 const struct ps_tui_ctx *c);

/* The whole screen: exactly `height` lines appended, the hints last,
 * blank lines filling the rest. The parts above get lines in this order
 * of need: the header's first line and the progress; the latency table;
 * the outcomes' first row; the target and schedule; the timeline; the
 * findings' first row; then the other outcome and finding rows; then
 * blank lines between the parts, from the top, while lines are left.
 * Shown in the order above. */
void ps_storm_view_screen(struct ps_tui_lines *out, const struct ps_storm_report *r,
			  const struct ps_storm_now *now, const struct ps_tui_ctx *c, int height);

#endif
