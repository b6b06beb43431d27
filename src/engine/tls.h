/* The phone's TLS session on a connected socket: the phone's priority
 * string, every handshake message and record reported in wire order
 * (handshake hooks plus a record tap on the transport), the client
 * certificate choice, and a plain-words diagnosis when it fails. */
#ifndef PS_ENGINE_TLS_H
#define PS_ENGINE_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>

#include "model/finding.h"
#include "model/report.h"
#include "model/sink.h"

/* Device credentials, loaded once per run. Opaque. */
struct ps_tls_creds;

/* Load a PEM certificate (chain) and its key; `cert` NULL gives creds with
 * no device certificate. Returns NULL with `*err` (caller frees). */
struct ps_tls_creds *ps_tls_creds_new(const char *cert, const char *key, char **err);
/* The same from PEM text in memory (a certificate minted by the lab). */
struct ps_tls_creds *ps_tls_creds_new_mem(const char *cert_pem, const char *key_pem, char **err);
void ps_tls_creds_free(struct ps_tls_creds *c);
/* Whether the creds hold a device certificate. */
bool ps_tls_creds_has_cert(const struct ps_tls_creds *c);

/* Check that a priority string is one GnuTLS accepts; `*err` on failure. */
bool ps_tls_priority_check(const char *priority, char **err);

/* Whether this host's GnuTLS makes a phone's offer (`priority`) whole:
 * every suite of `phone_suites` (the catalogue's words, "TLS 1.0; IANA
 * name, IANA name, ...") in it. A system policy (crypto-policies, the file
 * of gnutls_get_system_config_file() or GNUTLS_SYSTEM_PRIORITY_FILE) can
 * forbid TLS 1.0, RSA key exchange, RC4 or SHA-1 for every program on the
 * host. NULL when the offer is whole; else why not in plain words, naming
 * the policy file and the lines of it that forbid, and with `with_fix`
 * the fix (caller frees); `*fatal` when no offer can be made at all, else the message
 * lists the suites left out. `who` names the phone ("an SPA942"). */
char *ps_tls_local_policy(const char *who, const char *priority, const char *phone_suites,
			  bool with_fix, bool *fatal);

/* What this host's GnuTLS can offer of what the phones need: TLS 1.0, RSA
 * key exchange, RC4, DHE and SHA-1 MACs, as "yes"/"no" lines for
 * --version, the policy file first (caller frees). */
char *ps_tls_local_capabilities(void);
/* The version of GnuTLS in use ("3.7.9"). */
const char *ps_tls_library_version(void);

/* Called inside the handshake with the server's certificates (DER, in the
 * order sent) as soon as they arrive. Returns true to go on, false to end
 * the handshake as the phone does when it rejects the chain. */
typedef bool (*ps_tls_certs_fn)(void *ctx, const gnutls_datum_t *certs, unsigned n);

struct ps_tls_params {
	const char *priority;
	const char *server_name; /* SNI and the name for checks; NULL for none */
	bool no_sni;             /* the phone sends no SNI (a learned model) */
	unsigned timeout_ms;     /* for the whole handshake */
	const struct ps_tls_creds *creds;
	const struct ps_sink *sink; /* receives live TLS_MSG details; may be NULL */
	size_t hop;
	double t0_ms;             /* message times are relative to this */
	ps_tls_certs_fn on_certs; /* may be NULL */
	void *on_certs_ctx;
	/* On a HelloRequest after a handshake without RFC 5746, renegotiate
	 * anyway (else refuse with no_renegotiation). */
	bool legacy_renegotiation;
};

struct ps_tls_outcome {
	bool ok;
	enum ps_finding_id finding; /* when !ok, or PS_F_COUNT */
	char *detail;               /* what was seen, caller frees */
	bool client_auth_failure;   /* the failure is the client certificate's */
	bool probe_useful;          /* a modern probe would explain more */
	bool chain_rejected;        /* on_certs ended the handshake */
	int hello_alert;            /* the fatal alert that answered the ClientHello, or -1 */
};

/* The finding of a failed handshake and its detail (caller frees) in the
 * light of the modern-client probe: `probe` is NULL when none was made.
 * A failure a modern client shares is the server's own
 * (PS_F_TLS_SERVER_ERROR); one it gets past is the phone's offer, and the
 * detail says what the server would accept (`model` names the phone); with
 * no probe, a reading that needs one is not claimed. */
char *ps_tls_explain(const struct ps_tls_outcome *o, const struct ps_tls_probe *probe,
		     const char *model, enum ps_finding_id *finding);

/* Run the handshake on `fd` (blocking, connected). Fills `info` and
 * `client_auth` (cleared first; caller clears them later) and `out`.
 * The fd stays open; the session is closed before returning. */
void ps_tls_handshake(int fd, const struct ps_tls_params *p, struct ps_tls_info *info,
		      struct ps_client_auth *client_auth, struct ps_tls_outcome *out);

/* A TLS session kept open after its handshake, to carry data. Opaque. */
struct ps_tls_conn;

/* Like ps_tls_handshake, but on success the session stays open and is
 * returned (close it with ps_tls_close); NULL on failure. `info` and
 * `client_auth` are complete when this returns. */
struct ps_tls_conn *ps_tls_open(int fd, const struct ps_tls_params *p, struct ps_tls_info *info,
				struct ps_client_auth *client_auth, struct ps_tls_outcome *out);
/* Send close_notify and free the session; the fd stays open. Accepts NULL. */
void ps_tls_close(struct ps_tls_conn *c);

/* How a pump ended. */
struct ps_pump_result {
	size_t bytes_in, bytes_out; /* plaintext moved from / to the server */
	bool server_closed;         /* the server sent close_notify */
	bool truncated;             /* the server closed TCP without close_notify */
	bool timed_out;             /* nothing moved for the idle time */
	bool renegotiation_failed;  /* the server asked for a new handshake, which failed */
	int gnutls_code;            /* a TLS error, 0 when none */
	char *error;                /* its text, NULL when none; caller frees */
};

/* A pump moves bytes between the plaintext socket `plain` (the HTTP
 * client's end) and the TLS session, without waiting: step it whenever
 * the TLS socket (ps_tls_pump_fd) or `plain` is ready for what the step
 * asked for, or when ps_tls_pump_wait_ms has passed. It ends when either
 * side is done or nothing moved for `idle_ms`; when the server's side ends,
 * `plain` is shut down for writing so the client sees EOF. The fields are
 * the pump's own. */
struct ps_tls_pump {
	struct ps_tls_conn *conn;
	int plain;
	unsigned idle_ms;
	double idle_until;   /* ps_now_ms() at which nothing moved is a time-out */
	unsigned char *down; /* from the server, not yet taken by the client */
	size_t down_off, down_len;
	bool done;
	struct ps_pump_result res;
};

void ps_tls_pump_start(struct ps_tls_pump *p, struct ps_tls_conn *c, int plain_fd,
		       unsigned idle_ms);
/* Move what can move now. True while the pump goes on; then `*tls_events`
 * and `*plain_events` are the poll events to wait for. */
bool ps_tls_pump_step(struct ps_tls_pump *p, short *tls_events, short *plain_events);
int ps_tls_pump_fd(const struct ps_tls_pump *p);
/* How long to wait at most before the next step (ms). */
int ps_tls_pump_wait_ms(const struct ps_tls_pump *p);
/* How it ended, into `res` (its `error` is the caller's); the pump is
 * spent. */
void ps_tls_pump_end(struct ps_tls_pump *p, struct ps_pump_result *res);

/* Step the pump, waiting as it asks, until it ends; then as
 * ps_tls_pump_end. */
void ps_tls_pump_finish(struct ps_tls_pump *p, struct ps_pump_result *res);

/* A pump run to its end (blocking). */
void ps_tls_pump(struct ps_tls_conn *c, int plain_fd, unsigned idle_ms, struct ps_pump_result *res);

/* The leaf certificate the server sends on `fd` (connected) to a client
 * that names `p->server_name` (SNI), with the modern-client probe's
 * priority and `p->creds`: its DER into `*leaf` (free with gnutls_free).
 * 0, or a GnuTLS error with `*err` saying why (caller frees). */
int ps_tls_sni_leaf(int fd, const struct ps_tls_params *p, gnutls_datum_t *leaf, char **err);

/* A suite a priority string offers, with the names of its parts as
 * priority-string tokens ("DHE-RSA", "AES-256-CBC", "SHA1"). */
struct ps_tls_suite_def {
	unsigned id;
	char kx[32], cipher[32], mac[32];
};
/* The suites `priority` offers up to TLS 1.2, in the order of its
 * ClientHello; the count, 0 when it does not parse. `*out` caller frees. */
size_t ps_tls_priority_suites(const char *priority, struct ps_tls_suite_def **out);

/* A hello probe: a ClientHello with `p->priority` (and `p->creds`, which
 * may hold none) on `fd`, the handshake ended once the server's first
 * flight is in: what it chose, its DHE group, its certificate request;
 * or why it answered nothing. Fills `out`, which the caller has cleared
 * (ps_scan_hello_clear) and owns. */
struct ps_scan_hello;
void ps_tls_hello(int fd, const struct ps_tls_params *p, struct ps_scan_hello *out);

/* The broad priority used for the modern-client probe. */
#define PS_TLS_PROBE_PRIORITY "NORMAL"

/* A second handshake with PS_TLS_PROBE_PRIORITY on `fd`; records what the
 * server chose in `probe` (cleared first). */
void ps_tls_probe(int fd, const struct ps_tls_params *p, struct ps_tls_probe *probe);

#endif
