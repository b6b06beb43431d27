/* The report model: the one structure that crosses from the engine to the
 * views. Plain records that own deep copies of everything they hold; the
 * engine fills it through a sink (sink.h), views only read it. */
#ifndef PS_MODEL_REPORT_H
#define PS_MODEL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/chain.h"
#include "model/finding.h"
#include "model/profile.h"

/* Steps of a run, in the phone's order. X(enum, id, title) */
#define PS_STEPS(X)                                                                    \
	X(PS_STEP_RULE_EXPAND, "rule.expand", "Expand the rule")                       \
	X(PS_STEP_RESOLVE, "resolve", "Resolve the server name")                       \
	X(PS_STEP_CONNECT, "connect", "TCP connect")                                   \
	X(PS_STEP_TLS_HANDSHAKE, "tls.handshake", "TLS handshake")                     \
	X(PS_STEP_TLS_CHAIN, "tls.chain", "Server certificate chain")                  \
	X(PS_STEP_TLS_CLIENT_AUTH, "tls.client_auth", "Client certificate")            \
	X(PS_STEP_TLS_PROBE, "tls.probe", "What a modern client gets")                 \
	X(PS_STEP_HTTP, "http", "HTTP request")                                        \
	X(PS_STEP_PROFILE_DECODE, "profile.decode", "Decode the profile")              \
	X(PS_STEP_PROFILE_PARSE, "profile.parse", "Parse the profile")                 \
	X(PS_STEP_UPGRADE_RULE, "upgrade.rule", "Evaluate Upgrade_Rule")               \
	X(PS_STEP_UPGRADE_DECISION, "upgrade.decision", "Would the phone upgrade?")    \
	X(PS_STEP_UPGRADE_CHECK, "upgrade.check", "Is the firmware image there?")      \
	X(PS_STEP_UPGRADE_DOWNLOAD, "upgrade.download", "Download the firmware image") \
	X(PS_STEP_AUDIT, "audit", "Who else gets this file?")

enum ps_step_id {
#define PS_X(e, id, title) e,
	PS_STEPS(PS_X)
#undef PS_X
	    PS_STEP_COUNT
};

enum ps_step_status {
	PS_STATUS_PENDING,
	PS_STATUS_RUNNING,
	PS_STATUS_OK,
	PS_STATUS_WARN,
	PS_STATUS_FAIL,
	PS_STATUS_SKIPPED,
};

const char *ps_step_name(enum ps_step_id id);
const char *ps_step_title(enum ps_step_id id);
const char *ps_status_name(enum ps_step_status st);

enum ps_dir {
	PS_DIR_OUT, /* phone -> server */
	PS_DIR_IN,  /* server -> phone */
};

/* One handshake message or record as seen on the wire. */
struct ps_tls_msg {
	enum ps_dir dir;
	char *type;      /* "ClientHello", "ChangeCipherSpec", "Alert", ... */
	double t_ms;     /* since the start of the hop */
	size_t length;   /* message body (handshake) or record payload bytes */
	bool encrypted;  /* sent under the negotiated keys */
	char *info;      /* one line of detail, may be NULL */
	unsigned round;  /* 0 the first handshake, n the n-th renegotiation */
	int alert_level; /* for alerts: 1 warning, 2 fatal; 0 when unknown */
	int alert_desc;  /* for alerts: description code, -1 when unknown */
};

struct ps_suite {
	unsigned id; /* IANA value, e.g. 0x0035 */
	char *name;  /* IANA name, e.g. "TLS_RSA_WITH_AES_256_CBC_SHA" */
};

struct ps_tls_ext {
	unsigned id; /* IANA value, e.g. 0xFF01 */
	char *name;  /* IANA name, e.g. "renegotiation_info"; "0x1234" when unknown */
};

/* What a second handshake with a broad modern priority got. */
struct ps_tls_probe {
	bool done;
	bool established; /* the whole probe handshake completed */
	char *priority;
	char *version;      /* what the server chose, NULL if it never answered */
	char *cipher_suite; /* IANA name */
	char *kx;           /* key exchange, e.g. "ECDHE-RSA" */
	char *error;        /* why the probe stopped, NULL if it completed */
};

/* A handshake that names the host (SNI), made when the phone sent no
 * name and the name check of the certificate it got failed: does the
 * server choose its certificate by name? */
struct ps_sni_check {
	bool done;
	char *server_name; /* the name sent */
	char *subject;     /* of the certificate the server sent for it, NULL if none came */
	char *sha256;      /* its fingerprint, hex */
	bool differs;      /* it is not the certificate the phone got */
	bool names_host;   /* it is valid for server_name (CN or subjectAltName) */
	bool cn_matches;   /* its CN is server_name, which the phone would accept */
	char *error;       /* why no certificate came, NULL when one did */
};

struct ps_tls_info {
	bool attempted;
	bool established;
	char *priority;     /* the GnuTLS priority string used */
	char *sni;          /* server name sent, NULL when none */
	char *version;      /* "TLS1.0" once the ServerHello arrived */
	char *cipher_suite; /* IANA name of the chosen suite */
	unsigned suite_id;
	char *kx, *cipher, *mac;
	char *description; /* GnuTLS's one-line summary, as gnutls-cli prints it */
	struct ps_suite *offered;
	size_t n_offered;
	/* The extensions of the ServerHello, in its order: what the server
	 * took up of the phone's offer (TLS 1.3 sends most of them encrypted,
	 * in EncryptedExtensions, which this list does not show). */
	struct ps_tls_ext *extensions;
	size_t n_extensions;
	struct ps_tls_msg *msgs;
	size_t n_msgs, cap_msgs;
	size_t server_certs; /* certificates in the server's Certificate message */
	int error_code;      /* GnuTLS error code, 0 when none */
	char *error;         /* GnuTLS text, NULL when none */
	int alert_received;  /* description, -1 when none */
	int alert_sent;      /* description, -1 when none */
	double duration_ms;
	struct ps_tls_probe probe;
	struct ps_sni_check sni_check;
};

struct ps_client_auth {
	bool requested;        /* the server sent a CertificateRequest */
	char **acceptable_cas; /* distinguished names, RFC 4514 text */
	size_t n_acceptable_cas;
	char **cert_types; /* "RSA sign", ... from the request */
	size_t n_cert_types;
	bool have_cert;     /* a device certificate was configured */
	char *cert_subject; /* of the configured device certificate */
	char *cert_issuer;
	char *device_ca;       /* what cert_issuer says of it for the model (one sentence) */
	int device_ca_factory; /* 1 its name is the model's factory device CA, 0 not, -1 none */
	int issuer_accepted;   /* 1 yes, 0 no, -1 the server named no CAs */
	bool sent;             /* a certificate went out in the handshake */
	char *sent_subject;
	char *outcome; /* how the server reacted, NULL if not known */
	/* A renegotiation the server asked for after the handshake (a server
	 * that asks for the certificate only for some paths does this): */
	unsigned renegotiations;   /* the server's HelloRequests */
	char *renegotiation;       /* "secure" or "legacy" (RFC 5746 or not), NULL if none */
	bool renegotiated;         /* a renegotiation completed */
	char *renegotiation_error; /* why it did not, NULL when it did or none was made */
};

/* The HTTP exchange of a hop. */
struct ps_http_info {
	bool attempted;
	long status;            /* 0 when no answer arrived */
	char **request_headers; /* request line first */
	size_t n_request_headers;
	char **response_headers; /* status line first */
	size_t n_response_headers;
	size_t body_size;
	bool truncated; /* the server closed early (no close_notify) */
	char *error;    /* curl's or the pump's text, NULL when none */
	double t_dns, t_connect, t_tls, t_first_byte, t_total; /* ms */
};

void ps_http_info_copy(struct ps_http_info *dst, const struct ps_http_info *src);
struct ps_phone_info;
void ps_phone_info_copy(struct ps_phone_info *dst, const struct ps_phone_info *src);
void ps_http_info_clear(struct ps_http_info *h);

struct ps_step {
	enum ps_step_id id;
	enum ps_step_status status;
	double start_ms; /* since the start of the run */
	double duration_ms;
	char *summary; /* one line, may be NULL */
};

struct ps_addr {
	char *text;  /* numeric address */
	int family;  /* AF_INET or AF_INET6 */
	bool pinned; /* came from --resolve */
};

struct ps_hop {
	char *url;
	char *rule; /* the rule the URL came from, NULL when the hop began with its URL */
	char *scheme;
	char *host;
	unsigned port;
	struct ps_addr *addrs;
	size_t n_addrs;
	char *connected; /* "ADDR port" that the TCP connect reached */
	struct ps_step *steps;
	size_t n_steps, cap_steps;
	struct ps_tls_info tls;
	struct ps_client_auth client_auth;
	struct ps_http_info http;
	bool chain_checked; /* the chain record below is filled */
	struct ps_chain_report chain;
	/* The profile this hop fetched: one source and the parameters it set
	 * (their rows as they stood right after it); n_sources 0 when none. */
	struct ps_profile_report profile;
};

struct ps_finding {
	enum ps_finding_id id;
	enum ps_severity severity; /* the table's, or lower when it does not concern the phone */
	long hop;                  /* index, -1 when not tied to a hop */
	/* Index in the hop's steps of the step it belongs to, recorded when it
	 * was raised: the step running in the hop then, else the hop's last
	 * step (findings the engine raises after their step ended go to that
	 * step: report.c late_steps); -1 with no hop or no step yet. Every
	 * view reads this. */
	long step;
	char *detail; /* what was observed, may be NULL */
};

/* One --expect KEY=VALUE as evaluated against the finished report
 * (model/expect.h). Values are kept as printed: a secret parameter's
 * values are "********" unless --show-secrets. */
struct ps_expect_result {
	char *key;      /* as given: "tls.version", "hop2.http.status", "param:Upgrade_Enable" */
	char *expected; /* VALUE as given (redacted like the parameter when secret) */
	char *got;      /* what the run has, NULL when it has no such value */
	long hop;       /* index of the hop the value was read from, -1 when none */
	bool negated;   /* !finding: VALUE must be absent */
	bool ok;
};

struct ps_phone_info {
	char *model; /* catalogue id, "spa942" */
	char *vendor;
	char *product; /* $PN */
	char *psn;     /* $PSN */
	char *firmware;
	char *mac;
	char *serial;
	char *user_agent;
	char *priority;
	char *tftp_server; /* --tftp-server: DHCP option 66/150, NULL when not given */
};

enum ps_mode {
	PS_MODE_LIVE,    /* a run against a server */
	PS_MODE_CERT,    /* offline: a chain file (provscope cert) */
	PS_MODE_PROFILE, /* offline: profile files (provscope profile) */
	PS_MODE_RULE,    /* offline: one rule (provscope rule) */
	PS_MODE_SCAN,    /* provscope scan: every model against a server (scan below) */
	PS_MODE_STORM,   /* provscope storm and merge: many devices' passes (storm below) */
};

struct ps_scan_report;
struct ps_storm_report;

struct ps_report {
	enum ps_mode mode;
	char *tool_version;
	char *target;
	time_t started;    /* wall clock of the start */
	double started_ms; /* monotonic */
	struct ps_phone_info phone;
	struct ps_hop *hops;
	size_t n_hops, cap_hops;
	struct ps_finding *findings;
	size_t n_findings, cap_findings;
	bool show_secrets;                /* outputs may print secret values (--show-secrets) */
	struct ps_profile_report profile; /* the phone's parameter table after the run */
	struct ps_upgrade_report upgrade; /* the firmware-upgrade analysis */
	struct ps_rule_report rule;       /* provscope rule */
	struct ps_scan_report *scan;      /* provscope scan (model/scan.h), owned; else NULL */
	struct ps_storm_report *storm;    /* provscope storm (model/storm.h), owned; else NULL */
	/* --expect results, in the order given (set by ps_report_expect). */
	struct ps_expect_result *expectations;
	size_t n_expectations;
	bool finished;
	int exit_code;       /* set by ps_report_finish */
	const char *verdict; /* "ok" or "fail", set by ps_report_finish */
	char *summary;       /* one line, set by ps_report_finish */
};

struct ps_report *ps_report_new(void);
void ps_report_free(struct ps_report *r);

/* Builders used by the report sink. */
size_t ps_report_add_hop(struct ps_report *r, const char *url);
struct ps_step *ps_hop_step(struct ps_hop *h, enum ps_step_id id);
void ps_report_add_finding(struct ps_report *r, long hop, enum ps_finding_id id,
			   const char *detail);
/* The same with the severity given (a finding that concerns only the
 * modern client is reported as a warning). A finding equal to one already
 * there (id, severity and detail) is not added again. The finding's step is
 * recorded here (see struct ps_finding). */
void ps_report_add_finding_sev(struct ps_report *r, long hop, enum ps_finding_id id,
			       enum ps_severity sev, const char *detail);
/* The same for the (last) step `step` of the hop, which may have ended: a
 * finding told once later evidence came in (a failed handshake once the
 * modern-client probe ran, a refused certificate seen in the HTTP answer).
 * PS_STEP_COUNT: the step running now, else the hop's last. */
void ps_report_add_finding_at(struct ps_report *r, long hop, enum ps_step_id step,
			      enum ps_finding_id id, enum ps_severity sev, const char *detail);
/* Compute exit_code and verdict: the first error finding's category wins. */
void ps_report_finish(struct ps_report *r);
/* The hop and step (indices) a finding belongs to, as recorded when it
 * was raised; false when it has none (tied to no hop, or raised before its
 * hop had a step). */
bool ps_report_finding_step(const struct ps_report *r, const struct ps_finding *f, size_t *hop,
			    size_t *step);
/* True when the finding is present (any hop). */
bool ps_report_has_finding(const struct ps_report *r, enum ps_finding_id id);

/* Deep copies and frees of the typed records. */
void ps_tls_msg_copy(struct ps_tls_msg *dst, const struct ps_tls_msg *src);
void ps_tls_msg_clear(struct ps_tls_msg *m);
void ps_tls_info_copy(struct ps_tls_info *dst, const struct ps_tls_info *src);
void ps_tls_info_clear(struct ps_tls_info *t);
void ps_sni_check_clear(struct ps_sni_check *c);
void ps_client_auth_copy(struct ps_client_auth *dst, const struct ps_client_auth *src);
void ps_client_auth_clear(struct ps_client_auth *c);

#endif
