/* The engine's entry points: a live run (the phone's resync pass against a
 * target) and the offline runs (cert, profile, rule), each reporting every
 * step through a sink. Knows nothing of curses or output formats. The
 * live run is engine.c over the kinds of request (resync.c, firmware.c,
 * audit.c) and their shared hop core (hop.c); the offline runs are
 * offline.c; both share steps.c. */
#ifndef PS_ENGINE_ENGINE_H
#define PS_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "engine/net.h"
#include "engine/tls.h"
#include "engine/trust.h"
#include "model/sink.h"
#include "phone/identity.h"

/* Download progress: bytes so far, the announced total (-1 when unknown);
 * `end` is 0 while it runs, then once 1 (the image arrived whole) or -1
 * (the download failed). */
typedef void (*ps_progress_fn)(void *ctx, long long bytes, long long total, int end);

/* The largest firmware image --download-firmware writes. */
#define PS_FIRMWARE_MAX ((size_t)64 << 20)

struct ps_chain_memo;

struct ps_run_config {
	const struct ps_identity *identity;
	const char *target;               /* the URL */
	const char *priority;             /* the TLS priority string in effect */
	const struct ps_tls_creds *creds; /* device certificate, may hold none */
	unsigned timeout_ms;              /* per network wait */
	const struct ps_pin *pins;        /* --resolve */
	size_t n_pins;
	bool probe;                   /* make the modern-client probe after a failure */
	const struct ps_trust *trust; /* what the phone and a modern client trust: made
					 once, shared by every run (may be NULL: none) */
	time_t at;                    /* the phone's clock, 0 = now */
	bool inspect_anyway;          /* go on past a chain the phone rejects */
	const char *profile_key;      /* --profile-key, NULL if none */
	const char *target_version;   /* --target-version, NULL if none */
	const char *target_url;       /* the URL to fetch when target is a rule; NULL: target */
	const char *user_agent;       /* the phone's User-Agent */
	size_t max_body;              /* cap on a fetched body (--max-size) */
	bool handshake_only;          /* stop after the TLS handshake (--handshake-only) */
	bool check_device;            /* a profile naming another MAC is profile.wrong_device */
	bool strict;                  /* --strict: the profile checks' findings are errors */
	const char *download_file;    /* --download-firmware FILE, NULL if not asked */
	const char *tftp_server;      /* --tftp-server: DHCP option 66/150, NULL if not given */
	bool audit;                   /* --audit: check who else the server serves */
	bool loopback_only;           /* a storm: connect to loopback addresses only */
	ps_progress_fn progress;      /* download progress, may be NULL */
	void *progress_ctx;
	/* Chain reports made so far, shared like the trust (may be NULL:
	 * every chain analysed anew). */
	struct ps_chain_memo *chain_memo;
};

/* Offline: analyse the chain in `file` (PEM bundle or DER, leaf first) for
 * `host` (may be NULL) as the live run does, as hop 0 of the report.
 * Returns false with `*err` (caller frees) when the file cannot be read. */
bool ps_engine_run_cert(const struct ps_run_config *cfg, const char *file, const char *host,
			const struct ps_sink *sink, char **err);
/* The same for `len` bytes of the file's contents (borrowed; `file` names
 * the hop and the messages). ps_engine_run_cert reads the file (capped) and
 * calls this. */
bool ps_engine_run_cert_data(const struct ps_run_config *cfg, const char *file,
			     const unsigned char *data, size_t len, const char *host,
			     const struct ps_sink *sink, char **err);

/* Check that the engine can run `url`. Returns false with `*err` (caller
 * frees) for a malformed URL or a scheme this version cannot fetch. */
bool ps_engine_check_target(const char *url, char **err);

/* Run the target. Findings and steps go to `sink`. */
void ps_engine_run(const struct ps_run_config *cfg, const struct ps_sink *sink);

/* Offline: decode `n` profile files in order into the phone's parameter
 * table (factory defaults first), then analyse the firmware upgrade.
 * Returns false with `*err` when a file cannot be read. */
bool ps_engine_run_profile(const struct ps_run_config *cfg, const char *const *files, size_t n,
			   const struct ps_sink *sink, char **err);

/* Offline: parse and evaluate one rule for the identity; `kind` is
 * "profile", "upgrade" or "trigger". */
void ps_engine_run_rule(const struct ps_run_config *cfg, const char *rule, const char *kind,
			const struct ps_sink *sink);

/* For `provscope scan`: the URL the target's first hop fetches for the
 * phone (the rule evaluated over its factory defaults, macros expanded);
 * NULL with `*err` (caller frees) when it fetches nothing. */
char *ps_engine_first_url(const struct ps_run_config *cfg, char **err);
/* Whether `url` is a per-device file of the phone (it holds its MAC), which
 * the audit asks for. */
bool ps_engine_audit_concerns(const struct ps_run_config *cfg, const char *url);
/* The audit alone (see --audit) of the per-device file `url`, as hops of
 * their own. False, nothing done, when `url` holds not the phone's MAC. */
bool ps_engine_run_audit(const struct ps_run_config *cfg, const char *url,
			 const struct ps_sink *sink);
/* The host name of `url` as a client names it in SNI (no brackets); NULL
 * when it is an IP address (no name to send) or the URL does not parse.
 * Caller frees. */
char *ps_engine_sni_name(const char *url);
/* A hello probe of the server of `url` (resolved as the run resolves, the
 * --resolve pins first): a ClientHello with `priority`, the handshake cut
 * after the server's first flight (see ps_tls_hello). */
struct ps_scan_hello;
void ps_engine_hello(const struct ps_run_config *cfg, const char *url, const char *priority,
		     struct ps_scan_hello *out);

#endif
