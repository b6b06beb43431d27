/* Engine-internal: one request of a live run as a hop, the core that every
 * kind of request shares. The core records resolve, connect, the phone's
 * TLS (handshake, chain, client certificate, the modern-client probe) and
 * makes one HTTP exchange; the kind says what it fetches (the method, body
 * and cap of its struct ps_http_request) and records the answer. The kinds:
 * a resync's profile hop (resync.c), the firmware check and download
 * (firmware.c), the audit's requests (audit.c). */
#ifndef PS_ENGINE_HOP_H
#define PS_ENGINE_HOP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"
#include "engine/engine.h"
#include "engine/http.h"
#include "engine/net.h"
#include "engine/tls.h"

/* A URL taken apart (owned strings). */
struct ps_target {
	char *scheme, *host, *path;
	unsigned port;
};

/* Parse `url`; false with `*err` (caller frees) when it is not usable. */
bool ps_target_parse(const char *url, struct ps_target *t, char **err);
void ps_target_clear(struct ps_target *t);
/* The target detail of hop `hop`; `shown` is the URL as the run shows it
 * (the expanded rule of a profile hop), NULL where the hop's URL says it. */
void ps_target_detail(const struct ps_sink *sink, size_t hop, const struct ps_target *t,
		      const char *shown);

/* The chain check of a hop, called from the TLS verify hook. */
struct ps_hop_chain {
	const struct ps_run_config *cfg;
	const struct ps_sink *sink;
	size_t hop;
	const char *host;
	const char *connected;
	const char *const *host_addrs;
	size_t n_host_addrs;
};

/* A hop under way. The kinds read the first block; the rest is the core's. */
struct ps_hop_run {
	const struct ps_run_config *cfg;
	const struct ps_sink *sink;
	size_t hop;
	const struct ps_target *t;
	const char *url;          /* the URL fetched */
	bool tftp;                /* a tftp:// URL: no status line, curl's code says it all */
	double t_tls;             /* the handshake's duration */
	struct ps_client_auth ca; /* the client-certificate exchange */

	struct ps_sockaddr *addrs;
	size_t n_addrs, used;
	char *tls_host;          /* the host without IPv6 brackets */
	const char **host_addrs; /* the addresses as text, borrowed from addrs */
	struct ps_buf addr_list; /* "a, b" for sentences */
	struct ps_buf pin;       /* "HOST:PORT:ADDR,..." for curl */
	struct ps_hop_chain chain;
	struct ps_tls_params tp;
	struct ps_tls_info info;
	struct ps_tls_outcome o;
	bool tls_ran;
	bool stopped; /* --handshake-only: the run ends after the handshake */
};

/* Make the exchange `rq` (the kind's method, body and cap; the core fills
 * in the URL and the connection) as hop `hop` to `t`, for `url`; `t0` is
 * when the hop's clock starts. Records the resolve, connect and TLS steps
 * and begins the http step. Returns true when an answer (or its failure)
 * came back over a connection that got that far, for the kind to judge
 * into `rs` and end the http step; false when the hop ended before (its
 * steps and findings recorded; see ps_hop_stopped). End with ps_hop_end
 * either way. */
bool ps_hop_exchange(struct ps_hop_run *h, const struct ps_run_config *cfg,
		     const struct ps_sink *sink, size_t hop, const struct ps_target *t,
		     const char *url, double t0, struct ps_http_request *rq,
		     struct ps_http_response *rs);

/* Whether --handshake-only ended the hop after its handshake. */
bool ps_hop_stopped(const struct ps_hop_run *h);

/* The http detail record of the answer, for the kind's http step. */
void ps_hop_http_detail(const struct ps_hop_run *h, const struct ps_http_response *rs);

/* The hop's TLS and client-certificate records; frees what the core held. */
void ps_hop_end(struct ps_hop_run *h);

#endif
