/* The sink: how the engine reports. The engine calls these as a run goes;
 * the report sink (report_sink.c) applies them to a report model, and the
 * TUI wraps it to hand events across threads. */
#ifndef PS_MODEL_SINK_H
#define PS_MODEL_SINK_H

#include <stddef.h>

#include "model/report.h"

enum ps_detail_kind {
	PS_DETAIL_TARGET,      /* scheme, host, port of the hop; text: its URL after expansion */
	PS_DETAIL_ADDR,        /* one resolved address (appended) */
	PS_DETAIL_CONNECTED,   /* text: the address the TCP connect reached */
	PS_DETAIL_TLS_MSG,     /* one handshake message or record (appended) */
	PS_DETAIL_TLS,         /* the whole TLS record (replaces) */
	PS_DETAIL_CLIENT_AUTH, /* the whole client-auth record (replaces) */
	PS_DETAIL_CHAIN,       /* the chain analysis (replaces) */
	PS_DETAIL_HTTP,        /* the HTTP exchange (replaces) */
	PS_DETAIL_HOP_PROFILE, /* the profile this hop fetched (replaces) */
	PS_DETAIL_PROFILE,     /* the parameter table and its sources (replaces; report-wide) */
	PS_DETAIL_UPGRADE,     /* the firmware-upgrade analysis (replaces; report-wide) */
	PS_DETAIL_RULE,        /* one rule evaluated (replaces; report-wide) */
};

/* A typed detail. Everything is borrowed for the duration of the call;
 * the receiver copies what it keeps. */
struct ps_detail {
	enum ps_detail_kind kind;
	const char *scheme, *host;                /* TARGET */
	unsigned port;                            /* TARGET */
	const struct ps_addr *addr;               /* ADDR */
	const char *text;                         /* CONNECTED */
	const struct ps_tls_msg *msg;             /* TLS_MSG */
	const struct ps_tls_info *tls;            /* TLS */
	const struct ps_client_auth *client_auth; /* CLIENT_AUTH */
	const struct ps_chain_report *chain;      /* CHAIN */
	const struct ps_http_info *http;          /* HTTP */
	const struct ps_profile_report *profile;  /* PROFILE, HOP_PROFILE */
	const struct ps_upgrade_report *upgrade;  /* UPGRADE */
	const struct ps_rule_report *rule;        /* RULE */
};

struct ps_sink_ops {
	/* A new hop (one URL fetched); returns its index. */
	size_t (*hop_begin)(void *ctx, const char *url);
	void (*step_begin)(void *ctx, size_t hop, enum ps_step_id id);
	/* `summary` may be NULL. */
	void (*step_end)(void *ctx, size_t hop, enum ps_step_id id, enum ps_step_status st,
			 const char *summary);
	void (*detail)(void *ctx, size_t hop, const struct ps_detail *d);
	/* `hop` is -1 for findings not tied to a hop; `step` is the step of
	 * the hop it belongs to, PS_STEP_COUNT for the one running now (else
	 * the hop's last); `detail` may be NULL. */
	void (*finding)(void *ctx, long hop, enum ps_step_id step, enum ps_finding_id id,
			enum ps_severity sev, const char *detail);
};

struct ps_sink {
	const struct ps_sink_ops *ops;
	void *ctx;
};

/* A sink that writes into `r` (borrowed; must outlive the sink). */
struct ps_sink ps_report_sink(struct ps_report *r);

/* Convenience wrappers for the engine. */
size_t ps_sink_hop_begin(const struct ps_sink *s, const char *url);
void ps_sink_step_begin(const struct ps_sink *s, size_t hop, enum ps_step_id id);
void ps_sink_step_end(const struct ps_sink *s, size_t hop, enum ps_step_id id,
		      enum ps_step_status st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void ps_sink_detail(const struct ps_sink *s, size_t hop, const struct ps_detail *d);
void ps_sink_finding(const struct ps_sink *s, long hop, enum ps_finding_id id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A finding of the hop's step `step`, which may have ended already (see
 * ps_report_add_finding_at). */
void ps_sink_finding_in(const struct ps_sink *s, long hop, enum ps_step_id step,
			enum ps_finding_id id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A finding with its severity given (see ps_report_add_finding_sev). */
void ps_sink_finding_sev(const struct ps_sink *s, long hop, enum ps_finding_id id,
			 enum ps_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
