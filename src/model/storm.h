/* The report of `provscope storm`: many devices' resync passes against one
 * server, each folded in as it finishes: outcomes by exit category and by
 * finding, latency histograms per step, a timeline per second, and the
 * passes themselves in a compact record each. Plain records owned by the
 * storm report, which hangs off a struct ps_report of mode PS_MODE_STORM
 * (report.h). Shards of one storm (--shard I/N) merge into the report one
 * run would have given (`provscope merge`): counts add, histograms merge,
 * timelines add second by second. No I/O and no locking here: the runner
 * folds under its own lock. */
#ifndef PS_MODEL_STORM_H
#define PS_MODEL_STORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/finding.h"
#include "model/hist.h"

struct ps_report;

/* The measured steps. X(enum, id, title) */
#define PS_STORM_STEPS(X)                                                      \
	X(PS_STORM_CONNECT, "connect", "TCP connect")                          \
	X(PS_STORM_TLS, "tls", "TLS handshake")                                \
	X(PS_STORM_FIRST_BYTE, "first_byte", "first byte (request to answer)") \
	X(PS_STORM_TOTAL, "total", "whole pass")                               \
	X(PS_STORM_LAG, "start_lag", "start lag (behind the schedule)")

enum ps_storm_step {
#define PS_X(e, id, title) e,
	PS_STORM_STEPS(PS_X)
#undef PS_X
	    PS_STORM_STEP_COUNT
};

const char *ps_storm_step_name(enum ps_storm_step s);
const char *ps_storm_step_title(enum ps_storm_step s);
/* PS_STORM_STEP_COUNT when unknown. */
enum ps_storm_step ps_storm_step_lookup(const char *name);

/* What the storm was asked to play: shards of one storm agree on all of
 * it but the shard index. Strings owned. */
struct ps_storm_params {
	char *target;              /* the URL or rule, secrets redacted */
	char *model;               /* the catalogue id (a list may name others per row) */
	char *devices;             /* --devices FILE as given, NULL with --count */
	char *first_mac;           /* --count: the first MAC of the range */
	uint64_t n_devices;        /* of the whole storm (every shard) */
	uint64_t n_passes;         /* planned passes of the whole storm */
	double spread_s;           /* --spread, 0 none */
	double rate;               /* --rate passes per second, 0 none */
	double duration_s;         /* --duration, 0 none */
	uint64_t seed;             /* of the --spread delays */
	unsigned jobs;             /* passes in flight at most (this shard's) */
	unsigned shard_i, shard_n; /* 1/1 when not sharded */
	bool device_ca;            /* certificates minted from --device-ca */
	char *devices_sha256;      /* --devices: of the list's MACs in order (shards compare it) */
	bool handshake_only;       /* --handshake-only */
	char *firmware;            /* --firmware, NULL: the model's */
	char *tftp_server;         /* --tftp-server, NULL none */
	unsigned timeout_ms;       /* --timeout */
};

/* One second of the timeline (seconds since the storm began). */
struct ps_storm_second {
	uint64_t started;                  /* passes that began in it */
	uint64_t ok;                       /* passes that ended in it, exit status 0 */
	uint64_t failed;                   /* that ended in it otherwise */
	double total_ms_sum, total_ms_max; /* of the passes that ended in it */
};

/* A finding seen in passes: how many, and the first pass's words. */
struct ps_storm_finding {
	enum ps_finding_id id;
	enum ps_severity severity; /* the highest seen */
	uint64_t passes;
	char *mac;      /* of the first pass that had it (the earliest to begin) */
	char *detail;   /* its detail there, may be NULL */
	double first_s; /* when that pass began */
};

/* One pass, compactly. */
struct ps_storm_pass {
	char mac[13];
	uint32_t round; /* 0 the device's first pass; more when --duration cycles */
	uint8_t exit_code;
	int16_t finding; /* the error finding that set the status, -1 none */
	float start_s;   /* since the storm began */
	float total_ms;
};

struct ps_storm_report {
	struct ps_storm_params params;
	uint64_t planned;     /* passes of this report's shards' schedule */
	uint64_t done;        /* passes made (ok or not) */
	uint64_t not_started; /* planned, not begun: --duration ended, or interrupted */
	uint64_t by_exit[256];
	struct ps_hist hist[PS_STORM_STEP_COUNT];
	struct ps_storm_second *seconds;
	size_t n_seconds;
	struct ps_storm_finding *findings;
	size_t n_findings;
	struct ps_storm_pass *passes;
	size_t n_passes, cap_passes;
	double wall_s;         /* from the first start to the last end (longest shard's) */
	bool interrupted;      /* stopped early (Ctrl-C) */
	bool merged;           /* made by provscope merge */
	double shards_apart_s; /* merged: how far apart the shards began */
	double client_busy;    /* the share of the client machine's cores provscope used
				  (the highest of the shards') */
	char *first_error;     /* why the first pass that could not be made was not */
	unsigned *shards;      /* the shard indices in it, ascending */
	size_t n_shards;
	/* Set by ps_storm_finish: */
	long first_failure_s;   /* second in which the first failed pass ended, -1 none */
	long onset_s;           /* first second in which failures rose (see storm.c), -1 none */
	unsigned onset_span_s;  /* the seconds up to it the rates below cover (1 to 5) */
	double onset_rate;      /* passes begun per second over them */
	double onset_done_rate; /* passes ended per second over them */
	double rate_done;       /* passes ended per second, over the whole */
};

struct ps_storm_report *ps_storm_new(void);
void ps_storm_free(struct ps_storm_report *s);
void ps_storm_params_copy(struct ps_storm_params *dst, const struct ps_storm_params *src);
void ps_storm_params_clear(struct ps_storm_params *p);

/* The timings of one finished pass. */
struct ps_storm_timing {
	double start_s;  /* since the storm began */
	double lag_ms;   /* how late against its schedule it began */
	double total_ms; /* the whole pass */
};

/* Fold one finished pass (its report finished: exit status set) in:
 * counts, findings (each id once per pass), the connect, TLS and first
 * byte of each of its connections, the total, the timeline. */
void ps_storm_add(struct ps_storm_report *s, const struct ps_report *pass, const char *mac,
		  uint32_t round, const struct ps_storm_timing *t);
/* A pass that could not be made (exit status 2: a device whose
 * certificate or URL cannot be used), with why. */
void ps_storm_add_refused(struct ps_storm_report *s, const char *mac, uint32_t round,
			  double start_s, const char *why);

/* Add a shard's figures to `into` (params must agree: see
 * ps_storm_params_differ). */
void ps_storm_merge(struct ps_storm_report *into, const struct ps_storm_report *shard);
/* NULL when two shards are of the same storm, else what differs (caller
 * frees). */
char *ps_storm_params_differ(const struct ps_storm_params *a, const struct ps_storm_params *b);

/* Finish the report `r` holding storm `r->storm`: the passes in MAC
 * order, the onset of failures, the report's findings (each pass finding
 * once, with how many passes had it; the storm's own), exit status (the
 * highest of the passes'), verdict and summary. */
void ps_storm_finish(struct ps_report *r);

/* A copy of `src`'s figures for a view (params, counts, histograms,
 * timeline, findings; no passes) into `dst`, whose earlier copy it
 * replaces; `dst` from ps_storm_new, freed by ps_storm_free. */
void ps_storm_snapshot(struct ps_storm_report *dst, const struct ps_storm_report *src);

/* A duration of microseconds in the unit that suits it, as every view
 * and output writes one: "0.25 ms", "5.89 ms", "123 ms", "1.25 s",
 * "42 s", "20 min", "2 h"; at most 7 columns. */
void ps_storm_duration(char *buf, size_t n, uint64_t us);

/* Passes per category: the number that ended with exit status `code`. */
uint64_t ps_storm_count(const struct ps_storm_report *s, int code);

#endif
