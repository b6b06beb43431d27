/* The report of `provscope scan`: which phones of the catalogue can
 * provision from one server. Plain records owned by the scan report, which
 * hangs off a struct ps_report of mode PS_MODE_SCAN (report.h): that
 * report's findings are the scan's (each model's, once, and the audit's),
 * its exit status the worst of the models'. */
#ifndef PS_MODEL_SCAN_H
#define PS_MODEL_SCAN_H

#include <stdbool.h>
#include <stddef.h>

struct ps_report;

/* The versions a scan asks about, in order. */
#define PS_SCAN_VERSIONS 4

/* What a server answered to one ClientHello, the handshake cut after the
 * server's first flight (a "hello probe"). */
struct ps_scan_hello {
	bool done;          /* the probe was made */
	char *priority;     /* the GnuTLS priority string of the ClientHello */
	bool answered;      /* a ServerHello came */
	char *version;      /* "TLS1.0" ... chosen by the server */
	unsigned suite_id;  /* the suite chosen */
	char *cipher_suite; /* its IANA name */
	unsigned dh_bits;   /* size of the DHE group (ServerKeyExchange), 0 if none */
	char *leaf_subject; /* the server's certificate (TLS 1.0-1.2), RFC 4514 */
	char *leaf_sha256;  /* its fingerprint, hex */
	bool cert_requested;
	char **ca_names; /* of the CertificateRequest, RFC 4514 text */
	size_t n_ca_names;
	bool connected; /* the TCP connection was made */
	bool silent;    /* no answer came in time, or no TLS answer: the server
			   neither accepted nor refused */
	int alert;      /* the fatal alert that refused the hello, -1 if none */
	char *error;    /* why no ServerHello came, NULL when one did */
};

struct ps_scan_protocol {
	const char *version; /* "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3" (static) */
	struct ps_scan_hello hello;
};

/* One suite of the catalogue's offers, offered alone at TLS 1.0. */
struct ps_scan_suite {
	unsigned id;
	char *name;   /* IANA */
	char *models; /* the models that offer it: "spa921, spa922, ..." */
	int accepted; /* the server chose it: 1, 0; -1 unknown (the server was not reached) */
	bool tls12;   /* probed at TLS 1.2, which it needs (a learned model's), not 1.0 */
	struct ps_scan_hello hello;
};

/* One model of the scan: its pass, or another model's that made the same
 * offer to the same URL. */
struct ps_scan_model {
	char *model;   /* catalogue id */
	char *product; /* $PN, "SPA942" */
	char *firmware;
	char *url;     /* the URL it fetches first (the target's macros expanded), NULL if none */
	size_t pass;   /* index in ps_scan_report.passes */
	bool shared;   /* the pass was made as another model (passes[pass].model) */
	int exit_code; /* the pass's */
	char *error;   /* why the pass could not be made (exit status 2), else NULL */
};

/* One pass of the resync, made as `model`: its whole report. */
struct ps_scan_pass {
	char *model;
	struct ps_report *report; /* owned; finished (exit status, verdict) */
};

struct ps_scan_report {
	char *target;        /* as given, secrets redacted */
	bool handshake_only; /* --handshake-only: no file was asked for */
	struct ps_scan_model *models;
	size_t n_models;
	struct ps_scan_pass *passes;
	size_t n_passes;
	/* The server alone: protocol versions, suites, its preference. */
	struct ps_scan_protocol protocols[PS_SCAN_VERSIONS];
	struct ps_scan_suite *suites;
	size_t n_suites;
	struct ps_scan_hello preferred; /* every suite offered, in the catalogue's order */
	struct ps_scan_hello reversed;  /* the same list reversed */
	/* Does the server choose its certificate by name? The preferred offer
	 * again with the host's name (SNI); NULL name: an IP address, no probe. */
	char *sni_name;
	struct ps_scan_hello sni;
	/* Client certificates asked for by renegotiation (after the request),
	 * as the passes saw it: -1 unknown (no pass got an answer), 0 no, 1 yes. */
	int renegotiation;
	char *renegotiation_kind; /* "secure" or "legacy" (RFC 5746 or not) */
	bool renegotiated;        /* it completed */
	/* Client certificates: asked for? which CA names? (from the passes, else
	 * from the hello probes); requested -1 when no handshake got that far. */
	int cert_requested;
	char **ca_names;
	size_t n_ca_names;
	/* The chain as sent, from the first pass that checked one (-1: none). */
	long chain_pass;
	size_t chain_hop;
	/* The audit (who else gets a per-device file): its own report, NULL
	 * when no audit was made; audit_note says why not, or what it asked. */
	struct ps_report *audit;
	char *audit_note;
	/* The models each finding of the scan's report concerns, aligned with
	 * its findings[]: "spa921, spa922", "" for the audit's. */
	char **finding_models;
	size_t n_finding_models;
	double duration_ms;
};

/* Model row `i` as every view shows it; strings are borrowed from the
 * report or static, NULL when there is nothing to show. */
/* The name a scan shows for a model: its product ("SPA942"), or a learned
 * model's own name ("bench942"), which its product would not tell apart. */
const char *ps_scan_model_name(const char *model, const char *product);

struct ps_scan_row {
	const char *model, *product, *firmware;
	const char *shared_with;   /* the model whose pass it shares, NULL when its own */
	const char *tls_version;   /* of the handshake of the first hop, when it completed */
	const char *cipher_suite;  /* IANA */
	unsigned suite_id;         /* 0 with no suite */
	const char *chain_verdict; /* "accept", "reject", "unknown"; NULL: not checked */
	const char *client_cert;   /* "sent", "not sent", "not asked", "refused" */
	long http_status;          /* of the request that failed, else the first; 0 when none */
	bool tftp;                 /* the first request was TFTP and its file came */
	const char *first_error;   /* the id of the first error finding, NULL when none */
	const char *error;         /* why the pass could not be made */
	int exit_code;
};
void ps_scan_row(const struct ps_scan_report *s, size_t i, struct ps_scan_row *out);

/* The pass and hop whose answer names the server (its Server header), for
 * the fixes in its words: the first such, else the first pass's hop 0;
 * NULL when there is no pass. */
const struct ps_report *ps_scan_answering_pass(const struct ps_scan_report *s, long *hop);

/* Finish the scan's report `r`: its exit status (the worst of the models';
 * when every model gets through, the audit's), verdict and summary ("7 of 9 phones can provision;
 * SPA921, SPA922 cannot: tls.no_shared_cipher: enable AES256-SHA"). */
void ps_scan_finish(struct ps_report *r);

/* The probe record's own memory; the struct is left zeroed. */
void ps_scan_hello_clear(struct ps_scan_hello *h);
struct ps_scan_report *ps_scan_report_new(void);
void ps_scan_report_free(struct ps_scan_report *s);

/* Whether a client that names the host gets another certificate than the
 * phones, which name none: 1 yes, 0 the same, -1 unknown (no name, or a
 * probe got no certificate). */
int ps_scan_sni_differs(const struct ps_scan_report *s);

/* The server's order (1: the same suite chosen whatever the client's
 * order), the client's (0), or unknown (-1: fewer than two suites
 * accepted, or a probe failed). */
int ps_scan_server_order(const struct ps_scan_report *s);
/* Whether the server accepts protocol version `i` (of protocols[]): 1, 0,
 * or -1 unknown (no probe made, the server not reached, or it answered
 * nothing, or nothing in TLS). */
int ps_scan_protocol_accepted(const struct ps_scan_report *s, size_t i);
/* The size of the server's DHE group, as the first probe that got a DHE
 * suite saw it; 0 when none did. */
unsigned ps_scan_dhe_bits(const struct ps_scan_report *s);
/* "yes", "no" or "?" for such a tri-state. */
const char *ps_scan_yes_no(int v);

/* How many models got through (exit status 0). */
size_t ps_scan_models_ok(const struct ps_scan_report *s);
/* The pass report of model row `i`. */
const struct ps_report *ps_scan_model_report(const struct ps_scan_report *s, size_t i);

#endif
