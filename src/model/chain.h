/* The server certificate chain as checked step by step, once as the phone
 * checks it and once as a modern client does: plain records that own deep
 * copies of everything they hold. The engine (engine/chain.c) fills them;
 * views only read them. */
#ifndef PS_MODEL_CHAIN_H
#define PS_MODEL_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/finding.h"

/* One check of one step. */
struct ps_chain_check {
	int result; /* 1 pass, 0 fail, -1 not applicable (or not checked) */
	char *text; /* plain-language detail, may be NULL */
};

/* What one certificate says about itself. */
struct ps_cert_info {
	char *subject;     /* RFC 4514 text, "" for an empty subject */
	char *issuer;      /* RFC 4514 text */
	char *serial;      /* lower-case hex, no colons */
	time_t not_before; /* start of validity */
	time_t not_after;  /* end of validity */
	char *key_type;    /* "RSA", "RSA-PSS", "EC", "DSA", "Ed25519", ... */
	unsigned key_bits; /* modulus or curve size */
	char *sig_alg;     /* how the issuer signed it, e.g. "RSA-SHA256" */
	/* The signature algorithm is still acceptable for certificates
	 * (gnutls_sign_is_secure2 with GNUTLS_SIGN_FLAG_SECURE_FOR_CERTS, not
	 * the TLS sense in which RSA-SHA1 still passes). */
	bool sig_secure_for_certs;
	char *sha256;           /* fingerprint of the DER, lower-case hex, no colons */
	int is_ca;              /* basicConstraints cA: 1, 0, or -1 when absent */
	int path_len;           /* pathLenConstraint, -1 when none */
	char **key_usage;       /* "digitalSignature", "keyCertSign", ... */
	size_t n_key_usage;     /* 0 also when the extension is absent */
	bool has_key_usage;     /* the keyUsage extension is present */
	char **ext_key_usage;   /* "serverAuth", "clientAuth", or the OID */
	size_t n_ext_key_usage; /* 0 when the extension is absent */
	char **sans;            /* "DNS:name", "IP:192.0.2.1", "email:x", "URI:x" */
	size_t n_sans;
	char *cn;         /* first commonName of the subject, NULL when none */
	bool self_signed; /* issuer name equals subject and its own key verifies it */
};

/* Where the issuer of a certificate was found. */
enum ps_issuer_source {
	PS_ISSUER_NONE,   /* nowhere: not sent, not a known CA */
	PS_ISSUER_CHAIN,  /* in the chain the server sent, see issuer_index */
	PS_ISSUER_ANCHOR, /* a trusted CA (phone or modern anchors), see anchor_subject */
};

/* "none", "chain", "anchor" (static). */
const char *ps_issuer_source_name(enum ps_issuer_source s);

/* One step of the chain as sent: certificate `subject_index` and its issuer. */
struct ps_chain_link {
	size_t subject_index; /* index into certs[] */
	enum ps_issuer_source issuer_source;
	/* Index into certs[] when issuer_source is CHAIN; equal to
	 * subject_index for a self-signed certificate. */
	size_t issuer_index;
	char *anchor_subject; /* subject of the trusted CA when ANCHOR, else NULL */
	/* One result per check; -1 when the issuer is unknown. */
	struct ps_chain_check issuer_name;  /* subject's issuer DN = issuer's subject DN */
	struct ps_chain_check signature;    /* issuer's key verifies it (strength aside) */
	struct ps_chain_check validity;     /* the subject is valid at the time checked */
	struct ps_chain_check issuer_is_ca; /* CA:TRUE, keyCertSign if keyUsage present */
	struct ps_chain_check path_len;     /* the issuer's pathLenConstraint is kept */
};

/* One client's verdict on the chain. */
struct ps_chain_verdict {
	bool accept;  /* this client would accept the server certificate */
	bool unknown; /* the phone's only: no anchors were given (--ca) and nothing
			 else rejects the chain, so its trust is not judged */
	/* Plain sentences: why it rejects; when it accepts, one sentence
	 * saying why. */
	char **reasons;
	size_t n_reasons;
	char *anchor; /* subject of the trusted CA that ends the path, or NULL */
	/* gnutls_certificate_status_t bits from
	 * gnutls_x509_trust_list_verify_crt2 (run with time checks off, as
	 * GnuTLS 3.7 cannot verify at another time), with EXPIRED or
	 * NOT_ACTIVATED and INVALID added from the validity check at `at`. */
	unsigned gnutls_status;
	char *status_text; /* gnutls_certificate_verification_status_print of it */
};

/* A finding raised by the chain check, and which verdicts it concerns. */
struct ps_chain_finding {
	enum ps_finding_id id;
	char *detail; /* what was seen, may be NULL */
	bool phone;   /* it concerns the phone's verdict (for an error: the phone rejects) */
	bool modern;  /* it concerns the modern client's verdict */
};

struct ps_chain_report {
	struct ps_cert_info *certs; /* in the order the server sent them */
	size_t n_certs;
	struct ps_chain_link *links; /* one per certificate, same order */
	size_t n_links;
	char *host; /* the name checked, NULL when none */
	time_t at;  /* the time the chain was checked at */
	struct ps_chain_verdict phone;
	struct ps_chain_verdict modern;
	struct ps_chain_check hostname_phone;  /* CN rule and connected-address rule */
	struct ps_chain_check hostname_modern; /* subjectAltName rules (RFC 6125) */
	struct ps_chain_finding *findings;
	size_t n_findings;
};

/* Free everything the report holds and zero it (checks become -1). */
void ps_chain_report_clear(struct ps_chain_report *r);
/* Deep copy `src` into `dst`, which is overwritten without being freed. */
void ps_chain_report_copy(struct ps_chain_report *dst, const struct ps_chain_report *src);

/* Builders used by the engine. */
/* Replace the check's text (copied) and result. */
void ps_chain_check_set(struct ps_chain_check *c, int result, const char *text);
void ps_chain_verdict_add_reason(struct ps_chain_verdict *v, const char *text);
/* Add a finding; the same id with the same detail is kept once, its
 * phone/modern flags OR-ed together. */
void ps_chain_report_add_finding(struct ps_chain_report *r, enum ps_finding_id id,
				 const char *detail, bool phone, bool modern);
/* The first finding with `id`, or NULL (borrowed). */
const struct ps_chain_finding *ps_chain_report_find(const struct ps_chain_report *r,
						    enum ps_finding_id id);

/* "accept", "reject", or "unknown" (the phone's trust, not judged). */
const char *ps_chain_verdict_name(const struct ps_chain_verdict *v);

#endif
