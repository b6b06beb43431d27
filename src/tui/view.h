/* The TUI's pure side: what each part of the screen says, as lines of text
 * with a style, computed from the report model alone. No curses and no I/O
 * here, so the unit tests check every view; tui.c only draws these lines. */
#ifndef PS_TUI_VIEW_H
#define PS_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/report.h"

/* How a piece of text is drawn; tui.c maps each to colours and attributes
 * (attributes alone on a monochrome terminal or with NO_COLOR). */
enum ps_tui_style {
	PS_TS_NORMAL,
	PS_TS_DIM,  /* secondary: pending steps, factory defaults, hints */
	PS_TS_HEAD, /* headings */
	PS_TS_OK,
	PS_TS_WARN,
	PS_TS_FAIL,
	PS_TS_INFO, /* info findings, fix hints */
	PS_TS_RUN,  /* the running step */
	PS_TS_COUNT
};

/* The glyphs of one character set: Unicode, or ASCII when the locale is
 * not UTF-8. Every status glyph is one column wide. */
struct ps_tui_glyphs {
	const char *ok, *warn, *fail, *skipped, *pending; /* step status */
	const char *pass, *nopass, *na;                   /* a check's result */
	const char *out, *in;                             /* phone -> server, server -> phone */
	const char *chosen; /* the chosen suite, the fired alternative */
	const char *bullet;
	const char *hline, *vline, *ellipsis, *bar;
	const char *bar_empty;    /* the part of a progress bar still to go */
	const char *const *spark; /* a sparkline's levels, lowest first */
	size_t n_spark;
	const char *keys_move; /* the arrow keys in the footer */
	const char *const *spinner;
	size_t n_spinner;
};

/* Static tables. */
const struct ps_tui_glyphs *ps_tui_glyphs_for(bool utf8);

/* What a view needs besides the report. */
struct ps_tui_ctx {
	const struct ps_tui_glyphs *g;
	bool utf8;          /* text may hold UTF-8; else it is made ASCII */
	int width;          /* columns available */
	bool reveal;        /* show secret values (--show-secrets and the user asked) */
	const char *filter; /* parameter tables: rows whose name or shown value
			       contains it, ignoring case; NULL or "" for all */
	const char *clock;  /* the phone's clock as set, for the header */
	double now_ms;      /* monotonic, since the report started (running step) */
	unsigned spin;      /* spinner frame */
	bool scan;          /* the report is a scan's: no model to pick */
};

/* One line of a view: `text` (sanitized for the screen) in `style`, its
 * first `mark` bytes (a glyph, a label) in `mark_style`. */
struct ps_tui_line {
	char *text;
	size_t mark;
	enum ps_tui_style style, mark_style;
	/* the first line of a parameter the profile checks found a problem
	 * in: n and N go through these */
	bool problem;
};

struct ps_tui_lines {
	struct ps_tui_line *v;
	size_t n, cap;
};

/* Free the lines and zero the array (it can be reused). */
void ps_tui_lines_clear(struct ps_tui_lines *l);

/* Display columns of UTF-8 text (an invalid byte counts as one). */
size_t ps_tui_width(const char *s);
/* Bytes of `s` that fit in `cols` columns, never splitting a character. */
size_t ps_tui_fit(const char *s, size_t cols);
/* `s` made safe to put on the screen: control characters become '?' (a
 * tab a space), and so does invalid UTF-8, or any byte above 127 when
 * `utf8` is false. NULL gives "". The caller frees. */
char *ps_tui_sanitize(const char *s, bool utf8);
/* Append `raw` as one line cut to c->width (ending in the ellipsis when
 * cut; sanitized), its first `mark` bytes in `mark_style`. */
void ps_tui_fitted_line(struct ps_tui_lines *out, const struct ps_tui_ctx *c, const char *raw,
			size_t mark, enum ps_tui_style style, enum ps_tui_style mark_style);
/* Append `text` wrapped to `width` columns: the first line is `indent`
 * spaces, then `mark` (may be NULL; followed by one space) in
 * `mark_style`, then the text; the next lines are indented by `hang`
 * columns (a negative `hang` lines them up after the mark). Newlines in
 * `text` start new lines; `text` is sanitized. */
void ps_tui_wrap(struct ps_tui_lines *l, const struct ps_tui_ctx *c, int indent, int hang,
		 const char *mark, enum ps_tui_style mark_style, enum ps_tui_style style,
		 const char *text);

/* "0.4 ms", "29 ms", "1.2 s", "3 min 05 s"; "" for a negative time. */
void ps_tui_duration(char *buf, size_t n, double ms);
/* The status glyph of a step. */
const char *ps_tui_status_glyph(const struct ps_tui_glyphs *g, enum ps_step_status st);
enum ps_tui_style ps_tui_status_style(enum ps_step_status st);
enum ps_tui_style ps_tui_severity_style(enum ps_severity sev);

/* The rows of the step list: each hop and its steps, then the
 * report-wide entries; a scan's: its models, then the server, the audit
 * and the findings. */
enum ps_tui_item_kind {
	PS_TUI_HOP,      /* a hop's heading (not selectable) */
	PS_TUI_STEP,     /* hop `hop`, step index `step` */
	PS_TUI_GROUP,    /* a heading (not selectable): `hop` 0 the report-wide entries,
			    1 a scan's models, 2 a scan's server */
	PS_TUI_PHONE,    /* the phone played */
	PS_TUI_PARAMS,   /* the final parameter table */
	PS_TUI_FINDINGS, /* every finding */
	PS_TUI_MODEL,    /* a scan: model `hop` */
	PS_TUI_SERVER,   /* a scan: the server's versions, suites, chain */
	PS_TUI_AUDIT,    /* a scan: the audit */
};

struct ps_tui_item {
	enum ps_tui_item_kind kind;
	size_t hop, step; /* for PS_TUI_HOP and PS_TUI_STEP */
};

struct ps_tui_items {
	struct ps_tui_item *v;
	size_t n, cap;
};

/* Rebuild `out` (cleared first) for the report as it stands. */
void ps_tui_items_build(struct ps_tui_items *out, const struct ps_report *r);
void ps_tui_items_clear(struct ps_tui_items *l);
bool ps_tui_item_selectable(const struct ps_tui_item *it);
bool ps_tui_item_eq(const struct ps_tui_item *a, const struct ps_tui_item *b);
/* Index of `it` in `l`, or l->n when it is not there. */
size_t ps_tui_items_find(const struct ps_tui_items *l, const struct ps_tui_item *it);

/* The list row of `it`, fitted to c->width (appended to `out`). */
void ps_tui_item_row(struct ps_tui_lines *out, const struct ps_report *r,
		     const struct ps_tui_item *it, const struct ps_tui_ctx *c);
/* The detail pane's title for `it`. The caller frees. */
char *ps_tui_item_title(const struct ps_report *r, const struct ps_tui_item *it);
/* The detail pane for `it`: its status, its findings with their fixes
 * first, then the view of its kind (handshake, chain, client
 * authentication, HTTP, profile, firmware upgrade...). Appended to `out`. */
void ps_tui_detail(struct ps_tui_lines *out, const struct ps_report *r,
		   const struct ps_tui_item *it, const struct ps_tui_ctx *c);
/* Whether the detail of `it` is a parameter table that `/` filters. */
bool ps_tui_item_filterable(const struct ps_report *r, const struct ps_tui_item *it);

/* Whether a parameter row passes the filter: its name, or its value as
 * shown (a hidden secret never matches by value), contains `filter`,
 * ignoring ASCII case. An empty or NULL filter passes every row. */
bool ps_tui_param_matches(const struct ps_param_row *p, const char *filter, bool reveal);

/* Where to look when a run failed: the step the first error finding (the
 * one that sets the exit status) was raised in, else the first failed
 * step, else the findings entry. False when the run has no error and no failed step. */
bool ps_tui_failure_item(const struct ps_report *r, struct ps_tui_item *it);
/* The step a live run is at: the running step, else the last one. False
 * while there is no step. */
bool ps_tui_latest_item(const struct ps_report *r, struct ps_tui_item *it);

/* The header: identity and verdict, the target, the verdict's summary
 * (or what is running). Three lines. */
void ps_tui_header(struct ps_tui_lines *out, const struct ps_report *r, const struct ps_tui_ctx *c);
/* The help screen. */
void ps_tui_help(struct ps_tui_lines *out, const struct ps_tui_ctx *c);
/* The footer's key hints, fitted to c->width. The caller frees. */
char *ps_tui_hints(const struct ps_tui_ctx *c, bool filterable);

/* The clock entry of `t`: a time as --at takes it, or "" or "now" for the
 * real clock (0). False when malformed. */
bool ps_tui_parse_clock(const char *s, time_t *at);
/* "now", or "2030-01-01 08:00 UTC". */
void ps_tui_clock_text(char *buf, size_t n, time_t at);

#endif
