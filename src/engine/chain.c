/* Server certificate chain analysis (see chain.h): parse what the server
 * sent, link each certificate to its issuer, then judge the chain twice,
 * as the phone and as a modern client, with plain-language reasons. */
#include "config.h"

#include "engine/chain.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>

#include "core/pem.h"
#include "core/util.h"
#include "engine/trust.h"
#include "model/finding.h"

/* The phone (firmware of 2006-2012) verifies MD5 and SHA-1 signatures, so
 * nothing is rejected for the hash. GnuTLS 3.7.9 cannot verify at a given
 * time, so its own time checks are off and validity at `at` is checked
 * here.
 *
 * Key size, as the phone sees it: the SPA firmware accepts 1024-bit RSA
 * server certificates (what the vendor CAs issued then). We chose to
 * reject no RSA key for its size in the phone's verdict: no source gives
 * a floor (its cipher list even has the RSA-EXPORT1024 suites, so its RSA
 * code handles 512-bit moduli), and exit codes follow the phone, so an
 * invented floor would report errors the phone may not have. A small key
 * is still reported, as chain.weak_key (a warning) for the modern client,
 * which refuses RSA below 2048 bits. The phone's only key rule is "RSA
 * keys and RSA PKCS#1 v1.5 signatures" (chain.unsupported_key), because
 * it offers only RSA cipher suites. */
#define PHONE_FLAGS                                                            \
	(GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD2 | GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD5 | \
	 GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 | GNUTLS_VERIFY_ALLOW_BROKEN |     \
	 GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS)

/* A modern client: the MEDIUM profile (112-bit security: RSA >= 2048,
 * no SHA-1). Without the profile flag GnuTLS passes 1024-bit RSA. */
#define MODERN_FLAGS                                                                           \
	(GNUTLS_PROFILE_TO_VFLAGS(GNUTLS_PROFILE_MEDIUM) | GNUTLS_VERIFY_DISABLE_TIME_CHECKS | \
	 GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS)

/* More than this is not a chain a server sends; GnuTLS stops at 16. */
#define MAX_CERTS 64

/* The two clients. */
enum who { WHO_PHONE, WHO_MODERN };

/* One parsed certificate of the chain. */
struct cert {
	gnutls_x509_crt_t crt;
	gnutls_datum_t subject_raw; /* DER of the subject DN (gnutls_free) */
	gnutls_datum_t issuer_raw;  /* DER of the issuer DN (gnutls_free) */
	char *label;                /* "the server certificate 'x'", "certificate 2 'y'" */
};

/* How a path from the leaf towards a trusted CA ended. */
enum path_end {
	END_ANCHOR,    /* at a trusted CA (`anchor`) */
	END_NO_ISSUER, /* the last certificate's issuer is neither sent nor trusted */
	END_LOOP,      /* the certificates issue each other in a circle */
};

/* One client's path: chain indices from the leaf up, without the anchor. */
struct path {
	size_t idx[MAX_CERTS];
	size_t n;
	enum path_end end;
	gnutls_x509_crt_t anchor; /* borrowed (anchor_lookup), NULL unless END_ANCHOR */
	long anchor_sent;         /* chain index when the anchor is a sent certificate, else -1 */
};

/* The state of one verdict while it is being built. */
struct judge {
	enum who who;
	struct ps_chain_verdict *v;
	gnutls_x509_trust_list_t tl;
	bool reject;
	bool raised[PS_F_COUNT]; /* findings raised for this client */
};

struct anchor_memo;

struct ctx {
	const struct ps_chain_params *p;
	struct ps_chain_report *out;
	time_t at;
	struct cert c[MAX_CERTS];
	size_t n;
	/* Chain index of the sent certificate that fits best as the issuer
	 * (self for self-signed), or -1; and its fit (see issuer_fit). */
	long issuer_of[MAX_CERTS];
	unsigned fit_of[MAX_CERTS];
	const struct ps_trust *trust;
	gnutls_x509_trust_list_t tl_phone, tl_modern; /* borrowed from `trust` */
	int n_phone_anchors;                          /* the phone's anchors (--ca) */
	const char *phone_ca_error;                   /* why they could not be read, or NULL */
	char *modern_ca_error;
	struct anchor_memo *anchors; /* the trust-list lookups made, see anchor_lookup */
};

/* ---- small helpers ---- */

static void fmt_time(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (t == (time_t)-1 || !gmtime_r(&t, &tm))
		snprintf(buf, size, "(unknown time)");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
}

static char *crt_dn(gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
			: gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (rc < 0 || !d.data) {
		gnutls_free(d.data);
		return ps_xstrdup("");
	}
	char *s = ps_xstrndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

/* The first CN of the subject (`issuer` false) or the issuer named in
 * `crt`, or NULL. One look into the certificate when the name fits the
 * buffer on the stack (each look walks the whole name). */
static char *dn_cn(gnutls_x509_crt_t crt, bool issuer)
{
	char buf[256];
	size_t size = sizeof buf;
	int (*get)(gnutls_x509_crt_t, const char *, unsigned, unsigned, void *, size_t *) =
	    issuer ? gnutls_x509_crt_get_issuer_dn_by_oid : gnutls_x509_crt_get_dn_by_oid;
	int rc = get(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &size);
	if (rc >= 0)
		return ps_xstrndup(buf, size);
	if (rc != GNUTLS_E_SHORT_MEMORY_BUFFER)
		return NULL;
	char *s = ps_xcalloc(1, size + 1);
	if (get(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, s, &size) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static char *crt_cn(gnutls_x509_crt_t crt)
{
	return dn_cn(crt, false);
}

/* A short name for a certificate: its CN, else its subject DN. */
static char *short_name(gnutls_x509_crt_t crt)
{
	char *cn = crt_cn(crt);
	if (cn && *cn)
		return cn;
	free(cn);
	char *dn = crt_dn(crt, false);
	if (*dn)
		return dn;
	free(dn);
	return ps_xstrdup("(empty subject)");
}

/* The CN of the issuer named in `crt`, else the issuer DN. */
static char *issuer_short_name(gnutls_x509_crt_t crt)
{
	char *cn = dn_cn(crt, true);
	if (cn && *cn)
		return cn;
	free(cn);
	return crt_dn(crt, true);
}

/* Sentences start with a capital; labels start with "the" or "certificate". */
static char *capital(char *s)
{
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

static bool datum_eq(const gnutls_datum_t *a, const gnutls_datum_t *b)
{
	return a->size == b->size && (a->size == 0 || memcmp(a->data, b->data, a->size) == 0);
}

/* The issuer DN of `subj` equals the subject DN of `iss` (byte for byte,
 * or as RFC 4514 text without regard to case). */
static bool names_chain(gnutls_x509_crt_t subj, gnutls_x509_crt_t iss)
{
	gnutls_datum_t a = { NULL, 0 }, b = { NULL, 0 };
	bool eq = false;
	if (gnutls_x509_crt_get_raw_issuer_dn(subj, &a) >= 0 &&
	    gnutls_x509_crt_get_raw_dn(iss, &b) >= 0)
		eq = datum_eq(&a, &b);
	gnutls_free(a.data);
	gnutls_free(b.data);
	if (!eq) {
		char *x = crt_dn(subj, true), *y = crt_dn(iss, false);
		eq = ps_str_ieq(x, y);
		free(x);
		free(y);
	}
	return eq;
}

/* The first DER element in `len` bytes at `p`: its whole length (header
 * included), or 0 when it is not well formed. */
static size_t der_element(const unsigned char *p, size_t len, size_t *header)
{
	if (len < 2)
		return 0;
	size_t n = p[1], h = 2;
	if (n & 0x80) {
		unsigned k = n & 0x7f;
		if (k < 1 || k > 4 || len < 2 + (size_t)k)
			return 0;
		n = 0;
		for (unsigned b = 0; b < k; b++)
			n = n << 8 | p[2 + b];
		h = 2 + k;
	}
	if (n > len - h)
		return 0;
	*header = h;
	return h + n;
}

/* The key of `iss` verifies the signature on `subj`, and nothing else is
 * checked: not the names, the key identifiers, the name constraints (which
 * gnutls_x509_crt_verify applies to a one-certificate list as to a server
 * certificate, and reports in the same status), nor the strength of the
 * algorithm (judged on its own). */
/* Whether the key of `iss` verifies the signature on `subj` (DER of `subj`
 * given). */
static bool verify_signature(gnutls_x509_crt_t subj, const gnutls_datum_t *der,
			     gnutls_x509_crt_t iss)
{
	gnutls_datum_t sig = { NULL, 0 };
	gnutls_pubkey_t key = NULL;
	bool ok = false;
	size_t h1, h2, tbs_len;
	int sa = gnutls_x509_crt_get_signature_algorithm(subj);
	/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature } */
	if (sa <= 0 || !der_element(der->data, der->size, &h1) ||
	    !(tbs_len = der_element(der->data + h1, der->size - h1, &h2)))
		goto out;
	size_t sig_len = 0;
	if (gnutls_x509_crt_get_signature(subj, NULL, &sig_len) != GNUTLS_E_SHORT_MEMORY_BUFFER)
		goto out;
	sig.data = gnutls_malloc(sig_len ? sig_len : 1);
	if (!sig.data || gnutls_x509_crt_get_signature(subj, (char *)sig.data, &sig_len) < 0)
		goto out;
	sig.size = (unsigned)sig_len;
	if (gnutls_pubkey_init(&key) < 0 || gnutls_pubkey_import_x509(key, iss, 0) < 0)
		goto out;
	gnutls_datum_t tbs = { der->data + h1, (unsigned)tbs_len };
	ok = gnutls_pubkey_verify_data2(
		 key, (gnutls_sign_algorithm_t)sa,
		 GNUTLS_VERIFY_ALLOW_BROKEN | GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1, &tbs, &sig) >= 0;
out:
	gnutls_pubkey_deinit(key);
	gnutls_free(sig.data);
	return ok;
}

/* The answers of verify_signature, kept for the process: one analysis asks
 * it of the same pair several times (each candidate issuer, each client's
 * path, the links), and hops and devices meet the same chains; an RSA
 * verification is most of the cost of an analysis. The answer depends
 * only on the two certificates, kept here byte for byte. */
enum { SIG_MEMO_SLOTS = 32 };
struct sig_answer {
	gnutls_datum_t subj, iss; /* DER, owned (gnutls_malloc) */
	bool ok;
};
static struct {
	pthread_mutex_t lock;
	struct sig_answer e[SIG_MEMO_SLOTS];
	unsigned next;
} sig_memo = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool sig_answer_is(const struct sig_answer *a, const gnutls_datum_t *subj,
			  const gnutls_datum_t *iss)
{
	return a->subj.data && datum_eq(&a->subj, subj) && datum_eq(&a->iss, iss);
}

static bool signed_with(gnutls_x509_crt_t subj, gnutls_x509_crt_t iss)
{
	gnutls_datum_t sd = { NULL, 0 }, id = { NULL, 0 };
	if (gnutls_x509_crt_export2(subj, GNUTLS_X509_FMT_DER, &sd) < 0 ||
	    gnutls_x509_crt_export2(iss, GNUTLS_X509_FMT_DER, &id) < 0) {
		gnutls_free(sd.data);
		gnutls_free(id.data);
		return false;
	}
	bool known = false, ok = false;
	pthread_mutex_lock(&sig_memo.lock);
	for (unsigned i = 0; i < SIG_MEMO_SLOTS && !known; i++)
		if (sig_answer_is(&sig_memo.e[i], &sd, &id)) {
			known = true;
			ok = sig_memo.e[i].ok;
		}
	pthread_mutex_unlock(&sig_memo.lock);
	if (known) {
		gnutls_free(sd.data);
		gnutls_free(id.data);
		return ok;
	}
	ok = verify_signature(subj, &sd, iss);
	pthread_mutex_lock(&sig_memo.lock);
	struct sig_answer *a = &sig_memo.e[sig_memo.next];
	sig_memo.next = (sig_memo.next + 1) % SIG_MEMO_SLOTS;
	gnutls_free(a->subj.data);
	gnutls_free(a->iss.data);
	*a = (struct sig_answer){ .subj = sd, .iss = id, .ok = ok };
	pthread_mutex_unlock(&sig_memo.lock);
	return ok;
}

/* A certificate is self-signed when it names itself as its issuer and its
 * own key verifies its signature; self-issued (the names alone) is not
 * enough: a CA re-keying signs its new key with the old one. */
static bool is_self_signed(gnutls_x509_crt_t crt)
{
	return names_chain(crt, crt) && signed_with(crt, crt);
}

/* How the key identifiers of a subject and a candidate issuer compare. */
enum kid { KID_DIFFER, KID_ABSENT, KID_MATCH };

static enum kid kid_compare(gnutls_x509_crt_t subj, gnutls_x509_crt_t iss)
{
	unsigned char a[128], b[128];
	size_t na = sizeof a, nb = sizeof b;
	if (gnutls_x509_crt_get_authority_key_id(subj, a, &na, NULL) < 0 ||
	    gnutls_x509_crt_get_subject_key_id(iss, b, &nb, NULL) < 0)
		return KID_ABSENT;
	return na == nb && memcmp(a, b, na) == 0 ? KID_MATCH : KID_DIFFER;
}

/* How well `iss` fits as the issuer of `subj`: 0 when its subject is not
 * the issuer name of `subj`; else, higher is better, the key identifiers
 * first (equal, then absent, then different), then whether its key
 * verifies the signature. */
enum { FIT_NAME = 1, FIT_SIGNED = 2, FIT_KID_SHIFT = 2 };
#define FIT_BEST (FIT_NAME | FIT_SIGNED | (unsigned)KID_MATCH << FIT_KID_SHIFT)

static unsigned issuer_fit(gnutls_x509_crt_t subj, gnutls_x509_crt_t iss)
{
	if (!names_chain(subj, iss))
		return 0;
	return FIT_NAME | (signed_with(subj, iss) ? FIT_SIGNED : 0) |
	       (unsigned)kid_compare(subj, iss) << FIT_KID_SHIFT;
}

/* How a fit was made, for the link's reason. */
static const char *fit_text(unsigned fit)
{
	if (fit >> FIT_KID_SHIFT == KID_MATCH)
		return "matched by key identifier";
	if (fit & FIT_SIGNED)
		return "matched by name and signature";
	return "matched by name only";
}

static bool same_key(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	unsigned char ka[64], kb[64];
	size_t na = sizeof ka, nb = sizeof kb;
	if (gnutls_x509_crt_get_key_id(a, GNUTLS_KEYID_USE_SHA256, ka, &na) < 0 ||
	    gnutls_x509_crt_get_key_id(b, GNUTLS_KEYID_USE_SHA256, kb, &nb) < 0)
		return false;
	return na == nb && memcmp(ka, kb, na) == 0;
}

/* A copy of the trusted CA that `crt` itself is (same subject, same key),
 * or NULL. */
static gnutls_x509_crt_t find_anchor_itself(gnutls_x509_trust_list_t tl, const struct cert *c)
{
	gnutls_x509_crt_t a = NULL;
	if (!tl || !c->subject_raw.size)
		return NULL;
	if (gnutls_x509_trust_list_get_issuer_by_dn(tl, &c->subject_raw, &a, 0) < 0 || !a)
		return NULL;
	if (!same_key(c->crt, a)) {
		gnutls_x509_crt_deinit(a);
		return NULL;
	}
	return a;
}

/* Keep `cand` (owned) in `*best` when it fits `crt` better. */
static void keep_better(gnutls_x509_crt_t crt, gnutls_x509_crt_t cand, gnutls_x509_crt_t *best,
			unsigned *fit)
{
	unsigned f = cand ? issuer_fit(crt, cand) : 0;
	if (f > *fit) {
		if (*best)
			gnutls_x509_crt_deinit(*best);
		*best = cand;
		*fit = f;
	} else if (cand) {
		gnutls_x509_crt_deinit(cand);
	}
}

/* A copy of the trusted CA in `tl` that fits best as the issuer of `crt`
 * (see issuer_fit; its fit in `*fit` when not NULL), or NULL. The
 * candidates: the anchor with the issuer name and the key identifier that
 * `crt` names, the one GnuTLS picks (name, and key identifier when both
 * have one), and the first with the issuer name. */
static gnutls_x509_crt_t find_anchor_issuer(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt,
					    unsigned *fit)
{
	gnutls_x509_crt_t best = NULL, a;
	gnutls_datum_t dn = { NULL, 0 };
	unsigned f = 0;
	unsigned char id[128];
	size_t idn = sizeof id;
	if (tl && gnutls_x509_crt_get_raw_issuer_dn(crt, &dn) >= 0) {
		if (gnutls_x509_crt_get_authority_key_id(crt, id, &idn, NULL) >= 0) {
			gnutls_datum_t kid = { id, (unsigned)idn };
			a = NULL;
			if (gnutls_x509_trust_list_get_issuer_by_subject_key_id(tl, &dn, &kid, &a,
										0) >= 0)
				keep_better(crt, a, &best, &f);
		}
		/* Nothing fits better than the name, the key identifier and the
		 * signature: the other lookups could only find its equal. */
		a = NULL;
		if (f != FIT_BEST &&
		    gnutls_x509_trust_list_get_issuer(tl, crt, &a, GNUTLS_TL_GET_COPY) >= 0)
			keep_better(crt, a, &best, &f);
		a = NULL;
		if (f != FIT_BEST && gnutls_x509_trust_list_get_issuer_by_dn(tl, &dn, &a, 0) >= 0)
			keep_better(crt, a, &best, &f);
	}
	gnutls_free(dn.data);
	if (fit)
		*fit = f;
	return best;
}

/* The trust-list lookups of one analysis, remembered: the same ones come
 * back (the links, each client's path, the explanations), and each copies
 * certificates out of the list and weighs them. What was found belongs to
 * the memo; callers borrow it until the analysis ends. */
enum anchor_kind { ANCHOR_ITSELF, ANCHOR_ISSUER };

struct anchor_found {
	enum anchor_kind kind;
	gnutls_x509_trust_list_t tl;
	gnutls_x509_crt_t crt;   /* what was looked up (a certificate of the chain) */
	gnutls_x509_crt_t found; /* owned, or NULL */
	unsigned fit;
};

struct anchor_memo {
	struct anchor_found *e;
	size_t n, cap;
};

static void anchor_memo_free(struct anchor_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].found)
			gnutls_x509_crt_deinit(m->e[i].found);
	free(m->e);
	free(m);
}

static gnutls_x509_crt_t anchor_lookup(const struct ctx *x, enum anchor_kind kind,
				       gnutls_x509_trust_list_t tl, const struct cert *c,
				       gnutls_x509_crt_t crt, unsigned *fit)
{
	struct anchor_memo *m = x->anchors;
	unsigned f = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct anchor_found *e = &m->e[i];
		if (e->kind == kind && e->tl == tl && e->crt == crt) {
			if (fit)
				*fit = e->fit;
			return e->found;
		}
	}
	gnutls_x509_crt_t a =
	    kind == ANCHOR_ITSELF ? find_anchor_itself(tl, c) : find_anchor_issuer(tl, crt, &f);
	m->e = ps_xgrow(m->e, &m->cap, m->n + 1, sizeof *m->e);
	m->e[m->n++] = (struct anchor_found){ kind, tl, crt, a, f };
	if (fit)
		*fit = f;
	return a;
}

/* The trusted CA in `tl` that `c` itself is (same subject, same key), or
 * NULL; borrowed. */
static gnutls_x509_crt_t anchor_itself(const struct ctx *x, gnutls_x509_trust_list_t tl,
				       const struct cert *c)
{
	return anchor_lookup(x, ANCHOR_ITSELF, tl, c, c->crt, NULL);
}

/* The trusted CA in `tl` that fits best as the issuer of `crt` (see
 * find_anchor_issuer; its fit in `*fit` when not NULL), or NULL;
 * borrowed. */
static gnutls_x509_crt_t anchor_issuer_fit(const struct ctx *x, gnutls_x509_trust_list_t tl,
					   gnutls_x509_crt_t crt, unsigned *fit)
{
	return anchor_lookup(x, ANCHOR_ISSUER, tl, NULL, crt, fit);
}

static gnutls_x509_crt_t anchor_issuer(const struct ctx *x, gnutls_x509_trust_list_t tl,
				       gnutls_x509_crt_t crt)
{
	return anchor_issuer_fit(x, tl, crt, NULL);
}

static bool is_self_issued(const struct cert *c)
{
	return datum_eq(&c->subject_raw, &c->issuer_raw);
}

/* ---- certificate facts ---- */

static const char *key_type_name(int pk)
{
	switch (pk) {
	case GNUTLS_PK_RSA:
		return "RSA";
	case GNUTLS_PK_RSA_PSS:
		return "RSA-PSS";
	case GNUTLS_PK_DSA:
		return "DSA";
	case GNUTLS_PK_ECDSA:
		return "EC";
	case GNUTLS_PK_EDDSA_ED25519:
		return "Ed25519";
	case GNUTLS_PK_EDDSA_ED448:
		return "Ed448";
	default: {
		const char *n =
		    pk > 0 ? gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)pk) : NULL;
		return n ? n : "unknown";
	}
	}
}

static void strv_push(char ***v, size_t *n, char *s)
{
	*v = ps_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static void fill_key_usage(struct ps_cert_info *ci, gnutls_x509_crt_t crt)
{
	static const struct {
		unsigned bit;
		const char *name;
	} kus[] = {
		{ GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature" },
		{ GNUTLS_KEY_NON_REPUDIATION, "nonRepudiation" },
		{ GNUTLS_KEY_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ GNUTLS_KEY_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ GNUTLS_KEY_KEY_AGREEMENT, "keyAgreement" },
		{ GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign" },
		{ GNUTLS_KEY_CRL_SIGN, "cRLSign" },
		{ GNUTLS_KEY_ENCIPHER_ONLY, "encipherOnly" },
		{ GNUTLS_KEY_DECIPHER_ONLY, "decipherOnly" },
	};
	unsigned ku = 0, crit = 0;
	if (gnutls_x509_crt_get_key_usage(crt, &ku, &crit) < 0)
		return;
	ci->has_key_usage = true;
	for (size_t i = 0; i < sizeof kus / sizeof kus[0]; i++)
		if (ku & kus[i].bit)
			strv_push(&ci->key_usage, &ci->n_key_usage, ps_xstrdup(kus[i].name));
}

static const char *eku_name(const char *oid)
{
	static const struct {
		const char *oid;
		const char *name;
	} ekus[] = {
		{ GNUTLS_KP_TLS_WWW_SERVER, "serverAuth" },
		{ GNUTLS_KP_TLS_WWW_CLIENT, "clientAuth" },
		{ GNUTLS_KP_CODE_SIGNING, "codeSigning" },
		{ GNUTLS_KP_EMAIL_PROTECTION, "emailProtection" },
		{ GNUTLS_KP_TIME_STAMPING, "timeStamping" },
		{ GNUTLS_KP_OCSP_SIGNING, "OCSPSigning" },
		{ GNUTLS_KP_ANY, "anyExtendedKeyUsage" },
	};
	for (size_t i = 0; i < sizeof ekus / sizeof ekus[0]; i++)
		if (strcmp(oid, ekus[i].oid) == 0)
			return ekus[i].name;
	return oid;
}

static void fill_ext_key_usage(struct ps_cert_info *ci, gnutls_x509_crt_t crt)
{
	for (unsigned i = 0; i < 1024; i++) {
		char oid[256];
		size_t size = sizeof oid;
		unsigned crit = 0;
		int rc = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size, &crit);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0)
			continue;
		strv_push(&ci->ext_key_usage, &ci->n_ext_key_usage, ps_xstrdup(eku_name(oid)));
	}
}

static char *san_text(unsigned type, const gnutls_datum_t *d, const gnutls_datum_t *oid)
{
	char ip[INET6_ADDRSTRLEN];
	switch (type) {
	case GNUTLS_SAN_DNSNAME:
		return ps_xasprintf("DNS:%.*s", (int)d->size, (const char *)d->data);
	case GNUTLS_SAN_RFC822NAME:
		return ps_xasprintf("email:%.*s", (int)d->size, (const char *)d->data);
	case GNUTLS_SAN_URI:
		return ps_xasprintf("URI:%.*s", (int)d->size, (const char *)d->data);
	case GNUTLS_SAN_IPADDRESS:
		if (d->size == 4 && inet_ntop(AF_INET, d->data, ip, sizeof ip))
			return ps_xasprintf("IP:%s", ip);
		if (d->size == 16 && inet_ntop(AF_INET6, d->data, ip, sizeof ip))
			return ps_xasprintf("IP:%s", ip);
		return ps_xstrdup("IP:(malformed)");
	case GNUTLS_SAN_DN:
		return ps_xstrdup("DirName");
	case GNUTLS_SAN_OTHERNAME:
		return ps_xasprintf("othername:%.*s", oid ? (int)oid->size : 0,
				    oid && oid->data ? (const char *)oid->data : "");
	case GNUTLS_SAN_REGISTERED_ID:
		return ps_xasprintf("RID:%.*s", (int)d->size, (const char *)d->data);
	default:
		return ps_xasprintf("type%u", type);
	}
}

/* Through the extension API: one parse, linear in the number of names
 * (badssl's 10000-SAN certificate). */
static void fill_sans(struct ps_cert_info *ci, gnutls_x509_crt_t crt)
{
	gnutls_datum_t ext = { NULL, 0 };
	unsigned crit = 0;
	if (gnutls_x509_crt_get_extension_by_oid2(crt, "2.5.29.17", 0, &ext, &crit) < 0)
		return;
	gnutls_subject_alt_names_t sans;
	if (gnutls_subject_alt_names_init(&sans) < 0) {
		gnutls_free(ext.data);
		return;
	}
	if (gnutls_x509_ext_import_subject_alt_names(&ext, sans, 0) >= 0) {
		for (unsigned i = 0;; i++) {
			unsigned type = 0;
			gnutls_datum_t san = { NULL, 0 }, oid = { NULL, 0 };
			if (gnutls_subject_alt_names_get(sans, i, &type, &san, &oid) < 0)
				break;
			strv_push(&ci->sans, &ci->n_sans, san_text(type, &san, &oid));
		}
	}
	gnutls_subject_alt_names_deinit(sans);
	gnutls_free(ext.data);
}

static void fill_info(struct ps_cert_info *ci, const struct cert *c)
{
	gnutls_x509_crt_t crt = c->crt;
	unsigned char buf[64];
	char hex[2 * sizeof buf + 1];
	size_t size;

	ci->subject = crt_dn(crt, false);
	ci->issuer = crt_dn(crt, true);
	size = sizeof buf;
	if (gnutls_x509_crt_get_serial(crt, buf, &size) >= 0) {
		ps_hex(buf, size, hex);
		ci->serial = ps_xstrdup(hex);
	} else {
		ci->serial = ps_xstrdup("");
	}
	ci->not_before = gnutls_x509_crt_get_activation_time(crt);
	ci->not_after = gnutls_x509_crt_get_expiration_time(crt);
	unsigned bits = 0;
	int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	ci->key_type = ps_xstrdup(key_type_name(pk));
	ci->key_bits = bits;
	int sa = gnutls_x509_crt_get_signature_algorithm(crt);
	const char *sname = sa > 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)sa) : NULL;
	if (sname) {
		ci->sig_alg = ps_xstrdup(sname);
	} else {
		char oid[128];
		size = sizeof oid;
		ci->sig_alg = ps_xstrdup(
		    gnutls_x509_crt_get_signature_oid(crt, oid, &size) >= 0 ? oid : "unknown");
	}
	ci->sig_secure_for_certs =
	    sa > 0 && gnutls_sign_is_secure2((gnutls_sign_algorithm_t)sa,
					     GNUTLS_SIGN_FLAG_SECURE_FOR_CERTS) != 0;
	size = sizeof buf;
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, buf, &size) >= 0) {
		ps_hex(buf, size, hex);
		ci->sha256 = ps_xstrdup(hex);
	} else {
		ci->sha256 = ps_xstrdup("");
	}
	unsigned crit = 0, ca = 0;
	int pathlen = -1;
	if (gnutls_x509_crt_get_basic_constraints(crt, &crit, &ca, &pathlen) >= 0) {
		ci->is_ca = ca ? 1 : 0;
		ci->path_len = pathlen < 0 ? -1 : pathlen;
	} else {
		ci->is_ca = -1;
		ci->path_len = -1;
	}
	fill_key_usage(ci, crt);
	fill_ext_key_usage(ci, crt);
	fill_sans(ci, crt);
	ci->cn = crt_cn(crt);
	ci->self_signed = is_self_signed(crt);
}

/* Facts of a certificate that is not in certs[] (an anchor). */
static int crt_is_ca(gnutls_x509_crt_t crt, int *path_len)
{
	unsigned crit = 0, ca = 0;
	int pl = -1;
	if (gnutls_x509_crt_get_basic_constraints(crt, &crit, &ca, &pl) < 0) {
		*path_len = -1;
		return -1;
	}
	*path_len = pl < 0 ? -1 : pl;
	return ca ? 1 : 0;
}

/* -1 when there is no keyUsage extension. */
static long crt_key_usage(gnutls_x509_crt_t crt)
{
	unsigned ku = 0, crit = 0;
	if (gnutls_x509_crt_get_key_usage(crt, &ku, &crit) < 0)
		return -1;
	return (long)ku;
}

/* ---- checks shared by the links and the verdicts ---- */

/* The signature of `subj` by `iss`; `self` when they are one certificate. */
static int check_signature(gnutls_x509_crt_t subj, gnutls_x509_crt_t iss, const char *sname,
			   const char *iname, char **text)
{
	if (!names_chain(subj, iss)) {
		*text =
		    ps_xasprintf("not checked: '%s' names another issuer than '%s'", sname, iname);
		return -1;
	}
	bool ok = signed_with(subj, iss);
	int sa = gnutls_x509_crt_get_signature_algorithm(subj);
	const char *alg = sa > 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)sa) : NULL;
	if (ok) {
		*text = ps_xasprintf("the signature (%s) on '%s' verifies with the key of '%s'",
				     alg ? alg : "unknown algorithm", sname, iname);
		return 1;
	}
	*text = ps_xasprintf("the signature (%s) on '%s' does not verify with the key of '%s'",
			     alg ? alg : "unknown algorithm", sname, iname);
	return 0;
}

/* `iss` may act as a CA: basicConstraints cA, and keyCertSign when keyUsage
 * is present. A trusted CA without basicConstraints (an X.509 v1 root) is
 * accepted, as GnuTLS and OpenSSL accept it. */
static int check_issuer_ca(gnutls_x509_crt_t iss, bool anchor, const char *iname, char **text)
{
	int pl;
	int ca = crt_is_ca(iss, &pl);
	long ku = crt_key_usage(iss);
	if (ca == 0 || (ca < 0 && !anchor)) {
		*text = ps_xasprintf("'%s' is not a CA certificate (%s)", iname,
				     ca == 0 ? "basicConstraints CA:FALSE"
					     : "no basicConstraints extension");
		return 0;
	}
	if (ku >= 0 && !(ku & GNUTLS_KEY_KEY_CERT_SIGN)) {
		*text = ps_xasprintf("'%s' is a CA, but its keyUsage does not allow signing "
				     "certificates (no keyCertSign)",
				     iname);
		return 0;
	}
	*text = ps_xasprintf("'%s' is a CA (%s%s)", iname,
			     ca > 0 ? "basicConstraints CA:TRUE" : "trusted version 1 root",
			     ku >= 0 ? ", keyCertSign" : "");
	return 1;
}

/* The pathLenConstraint of `iss` allows `below` intermediate CAs under it. */
static int check_path_len(gnutls_x509_crt_t iss, size_t below, const char *iname, char **text)
{
	int pl;
	if (crt_is_ca(iss, &pl) <= 0 || pl < 0) {
		*text = ps_xasprintf("'%s' sets no path length limit", iname);
		return -1;
	}
	if (below <= (size_t)pl) {
		*text = ps_xasprintf("'%s' allows %d intermediate CA%s below it; %zu found", iname,
				     pl, pl == 1 ? "" : "s", below);
		return 1;
	}
	*text = ps_xasprintf("'%s' allows %d intermediate CA%s below it, but %zu follow%s", iname,
			     pl, pl == 1 ? "" : "s", below, below == 1 ? "s" : "");
	return 0;
}

/* Validity of `crt` at `at`: 1 valid, 0 expired or not yet valid. */
static int check_validity(gnutls_x509_crt_t crt, time_t at, const char *sname, char **text,
			  bool *expired)
{
	time_t nb = gnutls_x509_crt_get_activation_time(crt);
	time_t na = gnutls_x509_crt_get_expiration_time(crt);
	char b[40], a[40], t[40];
	fmt_time(nb, b, sizeof b);
	fmt_time(na, a, sizeof a);
	fmt_time(at, t, sizeof t);
	*expired = false;
	if (na != (time_t)-1 && at > na) {
		*expired = true;
		*text = ps_xasprintf("'%s' expired on %s (checked at %s)", sname, a, t);
		return 0;
	}
	if (nb != (time_t)-1 && at < nb) {
		*text = ps_xasprintf("'%s' is not valid before %s (checked at %s)", sname, b, t);
		return 0;
	}
	*text = ps_xasprintf("'%s' is valid from %s to %s (checked at %s)", sname, b, a, t);
	return 1;
}

/* ---- parsing and links ---- */

static int parse_chain(struct ctx *x, const gnutls_datum_t *der, size_t n, char **err)
{
	int rc = 0;
	if (n > MAX_CERTS)
		n = MAX_CERTS;
	for (size_t i = 0; i < n; i++) {
		struct cert *c = &x->c[x->n];
		if ((rc = gnutls_x509_crt_init(&c->crt)) < 0)
			break;
		rc = gnutls_x509_crt_import(c->crt, &der[i], GNUTLS_X509_FMT_DER);
		if (rc < 0) {
			gnutls_x509_crt_deinit(c->crt);
			c->crt = NULL;
			*err = ps_xasprintf("certificate %zu sent by the server could not be read "
					    "(%s)",
					    i + 1, gnutls_strerror(rc));
			break;
		}
		gnutls_x509_crt_get_raw_dn(c->crt, &c->subject_raw);
		gnutls_x509_crt_get_raw_issuer_dn(c->crt, &c->issuer_raw);
		char *name = short_name(c->crt);
		c->label = i == 0 ? ps_xasprintf("the server certificate '%s'", name)
				  : ps_xasprintf("certificate %zu '%s'", i + 1, name);
		free(name);
		x->n++;
	}
	return rc;
}

/* The issuer of certificate i among the others sent, or -1: of those
 * whose subject is i's issuer name, the one that fits best (issuer_fit:
 * key identifier, then signature; the first of equals), its fit in
 * `*fit`. A certificate is not a candidate for its own issuer: one that is
 * self-signed is its own issuer without asking, and one that is only
 * self-issued (a CA's new key signed with its old one) was issued by
 * another. */
static long find_chain_issuer(const struct ctx *x, size_t i, unsigned *fit)
{
	long best = -1;
	unsigned bf = 0;
	for (size_t j = 0; j < x->n; j++) {
		if (j == i || !datum_eq(&x->c[i].issuer_raw, &x->c[j].subject_raw))
			continue;
		unsigned f = issuer_fit(x->c[i].crt, x->c[j].crt);
		if (f > bf) {
			best = (long)j;
			bf = f;
		}
	}
	*fit = bf;
	return best;
}

/* Intermediate CAs below the issuer of certificate i (i itself included
 * unless it is the leaf) on the path that follows issuer_of from the leaf;
 * self-issued ones do not count (RFC 5280 6.1.4 (l)). */
static size_t below_count(const struct ctx *x, size_t i)
{
	size_t seen = 0, below = 0;
	long cur = 0;
	while (cur >= 0 && seen++ < x->n) {
		if (cur != 0 && !is_self_issued(&x->c[cur]))
			below++;
		if ((size_t)cur == i)
			return below;
		long next = x->issuer_of[cur];
		if (next == cur)
			break;
		cur = next;
	}
	/* Not on the leaf's path: count only i itself when it is a CA. */
	int pl;
	return i != 0 && crt_is_ca(x->c[i].crt, &pl) > 0 && !is_self_issued(&x->c[i]) ? 1 : 0;
}

/* The trusted CA (phone's or modern) that fits best as the issuer of
 * `crt` (borrowed, or NULL), its fit in `*fit`. */
static gnutls_x509_crt_t best_anchor(const struct ctx *x, gnutls_x509_crt_t crt, unsigned *fit)
{
	unsigned fm = 0;
	gnutls_x509_crt_t a = anchor_issuer_fit(x, x->tl_phone, crt, fit);
	gnutls_x509_crt_t m = anchor_issuer_fit(x, x->tl_modern, crt, &fm);
	if (fm > *fit) {
		*fit = fm;
		return m;
	}
	return a;
}

static void build_links(struct ctx *x)
{
	struct ps_chain_report *r = x->out;
	for (size_t i = 0; i < x->n; i++) {
		if (r->certs[i].self_signed) {
			x->issuer_of[i] = (long)i;
			x->fit_of[i] = 0;
		} else {
			x->issuer_of[i] = find_chain_issuer(x, i, &x->fit_of[i]);
		}
	}

	r->links = ps_xcalloc(x->n, sizeof *r->links);
	r->n_links = x->n;
	for (size_t i = 0; i < x->n; i++) {
		struct ps_chain_link *l = &r->links[i];
		const struct cert *c = &x->c[i];
		gnutls_x509_crt_t iss = NULL, anchor = NULL;
		char *text = NULL;
		bool expired;

		l->subject_index = i;
		l->signature.result = l->issuer_is_ca.result = l->path_len.result = -1;
		unsigned fit = x->fit_of[i];
		if (r->certs[i].self_signed) {
			anchor = anchor_itself(x, x->tl_phone, c);
			if (!anchor)
				anchor = anchor_itself(x, x->tl_modern, c);
		} else {
			/* A trusted CA that fits better than any sent certificate
			 * (a self-issued CA beside its namesake) is the issuer. */
			unsigned fa = 0;
			anchor = best_anchor(x, c->crt, &fa);
			if (anchor && fa <= fit && x->issuer_of[i] >= 0) {
				anchor = NULL;
			} else if (anchor) {
				fit = fa;
			}
		}
		if (anchor) {
			l->issuer_source = PS_ISSUER_ANCHOR;
			l->anchor_subject = crt_dn(anchor, false);
			iss = anchor;
		} else if (x->issuer_of[i] >= 0) {
			l->issuer_source = PS_ISSUER_CHAIN;
			l->issuer_index = (size_t)x->issuer_of[i];
			iss = x->c[l->issuer_index].crt;
		} else {
			l->issuer_source = PS_ISSUER_NONE;
		}

		char *sname = short_name(c->crt);
		l->validity.result = check_validity(c->crt, x->at, sname, &text, &expired);
		l->validity.text = text;

		if (!iss) {
			char *in = issuer_short_name(c->crt);
			gnutls_x509_crt_t same = anchor_itself(x, x->tl_phone, c);
			if (!same)
				same = anchor_itself(x, x->tl_modern, c);
			l->issuer_name.result = -1;
			l->issuer_name.text =
			    same
				? ps_xasprintf("the issuer '%s' was not sent and is not a trusted "
					       "CA, but '%s' itself is one (same name and key), so "
					       "the path ends here",
					       in, sname)
				: ps_xasprintf(
				      "the issuer '%s' was not sent and is not a trusted CA", in);
			free(in);
		} else {
			char *iname = short_name(iss);
			/* Self-signed: sent as such, or trusted as such. */
			bool self = r->certs[i].self_signed;
			l->issuer_name.result = names_chain(c->crt, iss) ? 1 : 0;
			l->issuer_name.text =
			    self ? ps_xasprintf("'%s' names itself as its issuer (self-signed%s)",
						sname, anchor ? "; it is also a trusted CA" : "")
			    : l->issuer_name.result
				? ps_xasprintf("the issuer named in '%s' is '%s' (%s)", sname,
					       iname, fit_text(fit))
				: ps_xasprintf("'%s' names a different issuer than '%s'", sname,
					       iname);
			l->signature.result =
			    check_signature(c->crt, iss, sname, iname, &l->signature.text);
			if (self) {
				l->issuer_is_ca.text =
				    ps_xstrdup("self-signed: no other certificate vouches for it");
				l->path_len.text = ps_xstrdup("self-signed: no issuer constraint");
			} else {
				l->issuer_is_ca.result =
				    check_issuer_ca(iss, l->issuer_source == PS_ISSUER_ANCHOR,
						    iname, &l->issuer_is_ca.text);
				l->path_len.result = check_path_len(iss, below_count(x, i), iname,
								    &l->path_len.text);
			}
			free(iname);
		}
		free(sname);
	}
}

/* Findings about the chain as sent, for both clients. */
static void chain_findings(struct ctx *x)
{
	struct ps_chain_report *r = x->out;
	for (size_t i = 0; i < x->n; i++) {
		const struct ps_chain_link *l = &r->links[i];
		if (l->issuer_source == PS_ISSUER_CHAIN && l->issuer_index != i &&
		    l->issuer_index != i + 1) {
			char *d = ps_xasprintf("%s is issued by %s, which should come right after "
					       "it (position %zu, not %zu)",
					       x->c[i].label, x->c[l->issuer_index].label, i + 2,
					       l->issuer_index + 1);
			/* Modern clients sort the chain; the phone's old TLS stack may not. */
			ps_chain_report_add_finding(r, PS_F_CHAIN_OUT_OF_ORDER, d, true, false);
			free(d);
		}
		if (i > 0 && r->certs[i].self_signed) {
			char *d = ps_xasprintf("%s is a self-signed root CA", x->c[i].label);
			ps_chain_report_add_finding(r, PS_F_CHAIN_ROOT_SENT, d, true, true);
			free(d);
		}
	}
}

/* ---- paths and verdicts ---- */

static void path_walk(const struct ctx *x, gnutls_x509_trust_list_t tl, struct path *pa)
{
	bool seen[MAX_CERTS] = { false };
	size_t cur = 0;
	memset(pa, 0, sizeof *pa);
	pa->anchor_sent = -1;
	for (;;) {
		seen[cur] = true;
		gnutls_x509_crt_t a = anchor_itself(x, tl, &x->c[cur]);
		if (a) {
			pa->end = END_ANCHOR;
			pa->anchor = a;
			pa->anchor_sent = (long)cur;
			return;
		}
		pa->idx[pa->n++] = cur;
		long next = x->issuer_of[cur];
		unsigned fa = 0;
		a = anchor_issuer_fit(x, tl, x->c[cur].crt, &fa);
		/* A trusted issuer ends the path unless a sent one fits better. */
		if (a && (next < 0 || (size_t)next == cur || fa >= x->fit_of[cur])) {
			pa->end = END_ANCHOR;
			pa->anchor = a;
			return;
		}
		if (next < 0 || (size_t)next == cur) {
			pa->end = END_NO_ISSUER;
			return;
		}
		if (seen[next]) {
			pa->end = END_LOOP;
			return;
		}
		cur = (size_t)next;
	}
}

static const char *client_name(enum who w)
{
	return w == WHO_PHONE ? "the phone" : "a modern client";
}

static const char *Client_name(enum who w)
{
	return w == WHO_PHONE ? "The phone" : "A modern client";
}

/* What the client trusts, for sentences. */
static char *trust_text(const struct ctx *x, enum who w)
{
	if (w == WHO_PHONE)
		return ps_xstrdup("the vendor CA given with --ca");
	bool extra = ps_trust_has_modern_given(x->trust);
	bool system = ps_trust_uses_system(x->trust);
	if (system && extra)
		return ps_xstrdup("the system's trusted CAs and the extra CAs given");
	if (system)
		return ps_xstrdup("the system's trusted CAs");
	if (extra)
		return ps_xstrdup("the CAs given for the modern check");
	return ps_xstrdup("no CA (none configured for the modern check)");
}

/* Record a problem for one client: a finding (flagged for that client) and,
 * when it makes the client reject, a reason sentence. */
static void problem(struct ctx *x, struct judge *j, enum ps_finding_id id, const char *detail,
		    const char *reason, bool rejects)
{
	ps_chain_report_add_finding(x->out, id, detail, j->who == WHO_PHONE, j->who == WHO_MODERN);
	j->raised[id] = true;
	if (rejects) {
		j->reject = true;
		if (reason)
			ps_chain_verdict_add_reason(j->v, reason);
	}
}

/* Why no path reached a trusted CA. */
static void explain_no_path(struct ctx *x, struct judge *j, const struct path *pa,
			    gnutls_x509_trust_list_t other)
{
	size_t last = pa->idx[pa->n - 1];
	const struct cert *c = &x->c[last];
	char *trust = trust_text(x, j->who);
	char *d = NULL, *reason = NULL;

	if (pa->end == END_LOOP) {
		d = ps_xasprintf("the certificates issue each other in a loop at %s", c->label);
		reason = ps_xasprintf("%s finds no path to a trusted CA: the certificates the "
				      "server sent issue each other in a loop.",
				      Client_name(j->who));
		problem(x, j, PS_F_CHAIN_INVALID, d, reason, true);
	} else if (x->out->certs[last].self_signed && last == 0) {
		d = ps_xasprintf("%s is self-signed (SHA-256 %s)", c->label,
				 x->out->certs[0].sha256);
		reason = ps_xasprintf("The server certificate is self-signed, and %s trusts only "
				      "%s.",
				      client_name(j->who), trust);
		problem(x, j, PS_F_CHAIN_SELF_SIGNED, d, reason, true);
	} else if (x->out->certs[last].self_signed) {
		d = ps_xasprintf("the chain ends at the root %s, which %s does not trust", c->label,
				 client_name(j->who));
		reason = ps_xasprintf("The chain ends at %s, a root CA that %s does not trust "
				      "(it trusts only %s).",
				      c->label, client_name(j->who), trust);
		problem(x, j, PS_F_CHAIN_UNTRUSTED_ROOT, d, reason, true);
	} else {
		char *in = issuer_short_name(c->crt);
		gnutls_x509_crt_t a = anchor_issuer(x, other, c->crt);
		if (a && is_self_signed(a)) {
			d = ps_xasprintf("%s is issued by the root CA '%s', which %s does not "
					 "trust",
					 c->label, in, client_name(j->who));
			reason = ps_xasprintf("%s was issued by the root CA '%s', but %s trusts "
					      "only %s.",
					      c->label, in, client_name(j->who), trust);
			capital(reason);
			problem(x, j, PS_F_CHAIN_UNTRUSTED_ROOT, d, reason, true);
		} else {
			d = ps_xasprintf("the issuer '%s' of %s was not sent and is not a trusted "
					 "CA",
					 in, c->label);
			reason = ps_xasprintf(
			    "%s cannot find '%s', which issued %s: the server did not send it, "
			    "and %s trusts only %s. If it is an intermediate CA, the server must "
			    "send it; if it is a root, %s does not trust it.",
			    Client_name(j->who), in, c->label, client_name(j->who), trust,
			    client_name(j->who));
			problem(x, j, PS_F_CHAIN_MISSING_INTERMEDIATE, d, reason, true);
		}
		free(in);
	}
	free(d);
	free(reason);
	free(trust);
}

/* The issuer of path node k: the next node, or the anchor after the last. */
static gnutls_x509_crt_t step_issuer(const struct ctx *x, const struct path *pa, size_t k,
				     bool *is_anchor)
{
	*is_anchor = false;
	if (k + 1 < pa->n)
		return x->c[pa->idx[k + 1]].crt;
	if (pa->end != END_ANCHOR)
		return NULL;
	*is_anchor = true;
	return pa->anchor;
}

/* Signature, CA and path-length checks along the path. */
static void judge_steps(struct ctx *x, struct judge *j, const struct path *pa)
{
	size_t below = 0;
	for (size_t k = 0; k < pa->n; k++) {
		const struct cert *c = &x->c[pa->idx[k]];
		if (k > 0 && !is_self_issued(c))
			below++;
		bool anchor;
		gnutls_x509_crt_t iss = step_issuer(x, pa, k, &anchor);
		if (!iss)
			continue;
		char *sname = short_name(c->crt), *iname = short_name(iss), *text = NULL;
		if (check_signature(c->crt, iss, sname, iname, &text) != 1) {
			char *reason =
			    ps_xasprintf("The signature on %s does not verify with the key "
					 "of '%s' that should have issued it.",
					 c->label, iname);
			problem(x, j, PS_F_CHAIN_INVALID, text, reason, true);
			free(reason);
		}
		free(text);
		if (check_issuer_ca(iss, anchor, iname, &text) != 1) {
			char *reason = ps_xasprintf("%s was issued by '%s', which may not issue "
						    "certificates: %s.",
						    c->label, iname, text);
			capital(reason);
			problem(x, j, PS_F_CHAIN_ISSUER_NOT_CA, text, reason, true);
			free(reason);
		}
		free(text);
		if (check_path_len(iss, below, iname, &text) == 0) {
			char *reason =
			    ps_xasprintf("The path is too long for '%s': %s.", iname, text);
			problem(x, j, PS_F_CHAIN_ISSUER_NOT_CA, text, reason, true);
			free(reason);
		}
		free(text);
		free(sname);
		free(iname);
	}
}

/* A trust anchor that is neither self-signed nor a CA (a server
 * certificate given as trusted, `--ca server.pem`) ends no path, for
 * either client. openssl verify -CAfile and certtool --verify reject it
 * ("unable to get local issuer certificate", "issuer is unknown"), and the
 * phone's verifier of OpenSSL's era ends a chain only at a self-signed
 * certificate of its store. GnuTLS's own check takes any certificate in the
 * trust list as trusted, so this is checked here. A CA given as trusted
 * (an intermediate, CA:TRUE) still ends the path, as GnuTLS lets it. */
static void judge_anchor(struct ctx *x, struct judge *j, const struct path *pa)
{
	int pl;
	if (pa->end != END_ANCHOR || crt_is_ca(pa->anchor, &pl) > 0 || is_self_signed(pa->anchor))
		return;
	char *an = short_name(pa->anchor), *in = issuer_short_name(pa->anchor);
	char *d = ps_xasprintf("the trusted certificate '%s' is not a CA (no basicConstraints "
			       "CA:TRUE) and not self-signed (its issuer is '%s')",
			       an, in);
	char *reason = ps_xasprintf("The path ends at '%s', given as trusted, but it is an "
				    "end-entity certificate issued by '%s' (not a CA, not "
				    "self-signed), which %s does not take as a trust anchor.",
				    an, in, client_name(j->who));
	problem(x, j, PS_F_CHAIN_UNTRUSTED_ROOT, d, reason, true);
	free(reason);
	free(d);
	free(in);
	free(an);
}

/* Validity at `at` of each sent certificate on the path, and (modern only,
 * as GnuTLS and OpenSSL do) of the trusted CA. The phone is not held to
 * its burned-in CA's dates: RFC 5280 treats a trust anchor as a name and a
 * key, and the vendor CAs in old firmware may well be past their date. */
static void judge_validity(struct ctx *x, struct judge *j, const struct path *pa)
{
	char t[40];
	fmt_time(x->at, t, sizeof t);
	for (size_t k = 0; k <= pa->n; k++) {
		gnutls_x509_crt_t crt;
		char *label;
		if (k < pa->n) {
			crt = x->c[pa->idx[k]].crt;
			label = ps_xstrdup(x->c[pa->idx[k]].label);
		} else {
			/* The phone still checks a server certificate it trusts as such. */
			if (pa->end != END_ANCHOR || (j->who == WHO_PHONE && pa->anchor_sent != 0))
				break;
			crt = pa->anchor;
			char *n = short_name(crt);
			label = ps_xasprintf("the trusted CA '%s'", n);
			free(n);
		}
		char *text = NULL, *reason = NULL;
		bool expired;
		if (check_validity(crt, x->at, label, &text, &expired) == 0) {
			char d[40];
			fmt_time(expired ? gnutls_x509_crt_get_expiration_time(crt)
					 : gnutls_x509_crt_get_activation_time(crt),
				 d, sizeof d);
			const char *clock =
			    j->who == WHO_PHONE ? "the phone's clock says" : "the time checked is";
			reason = expired
				     ? ps_xasprintf("%s expired on %s; %s %s.", label, d, clock, t)
				     : ps_xasprintf("%s is not valid before %s; %s %s.", label, d,
						    clock, t);
			capital(reason);
			char *detail =
			    expired ? ps_xasprintf("%s expired on %s (checked at %s)", label, d, t)
				    : ps_xasprintf("%s is not valid before %s (checked "
						   "at %s)",
						   label, d, t);
			problem(x, j, expired ? PS_F_CHAIN_EXPIRED : PS_F_CHAIN_NOT_YET_VALID,
				detail, reason, true);
			j->v->gnutls_status |=
			    GNUTLS_CERT_INVALID |
			    (expired ? GNUTLS_CERT_EXPIRED : GNUTLS_CERT_NOT_ACTIVATED);
			free(detail);
		}
		free(reason);
		free(text);
		free(label);
	}
}

/* Step k of a path: its certificate and a label for sentences; past the
 * sent certificates, the anchor ending the path (called `anchor_word`).
 * Returns false when there is no such step. */
static bool path_step(const struct ctx *x, const struct path *pa, size_t k, const char *anchor_word,
		      gnutls_x509_crt_t *crt, char **label)
{
	if (k < pa->n) {
		*crt = x->c[pa->idx[k]].crt;
		*label = ps_xstrdup(x->c[pa->idx[k]].label);
		return true;
	}
	if (pa->end != END_ANCHOR)
		return false;
	*crt = pa->anchor;
	char *n = short_name(*crt);
	*label = ps_xasprintf("%s '%s'", anchor_word, n);
	free(n);
	return true;
}

/* The phone understands RSA keys and RSA PKCS#1 v1.5 signatures only. */
static void judge_phone_algorithms(struct ctx *x, struct judge *j, const struct path *pa)
{
	for (size_t k = 0; k <= pa->n; k++) {
		gnutls_x509_crt_t crt;
		char *label;
		if (!path_step(x, pa, k, "the vendor CA", &crt, &label))
			break;
		unsigned bits = 0;
		int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
		int sa = gnutls_x509_crt_get_signature_algorithm(crt);
		int spk =
		    sa > 0 ? (int)gnutls_sign_get_pk_algorithm((gnutls_sign_algorithm_t)sa) : -1;
		char *d = NULL;
		if (pk != GNUTLS_PK_RSA)
			d = ps_xasprintf("%s has a %s key", label, key_type_name(pk));
		else if (k < pa->n && spk != GNUTLS_PK_RSA) {
			const char *sn =
			    sa > 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)sa) : NULL;
			d = ps_xasprintf("%s is signed with %s", label,
					 sn ? sn : "an unknown algorithm");
		}
		if (d) {
			char *reason = ps_xasprintf(
			    "The phone supports only RSA keys and RSA signatures, but %s.", d);
			problem(x, j, PS_F_CHAIN_UNSUPPORTED_KEY, d, reason, true);
			free(reason);
			free(d);
		}
		free(label);
	}
}

/* Key sizes and signature hashes a modern client refuses (MEDIUM profile). */
static void judge_modern_strength(struct ctx *x, struct judge *j, const struct path *pa)
{
	for (size_t k = 0; k <= pa->n; k++) {
		gnutls_x509_crt_t crt;
		char *label;
		if (!path_step(x, pa, k, "the trusted CA", &crt, &label))
			break;
		unsigned bits = 0;
		int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
		if (pk > 0 && gnutls_pk_bits_to_sec_param((gnutls_pk_algorithm_t)pk, bits) <
				  GNUTLS_SEC_PARAM_MEDIUM) {
			char *d =
			    ps_xasprintf("%s has a %u-bit %s key", label, bits, key_type_name(pk));
			char *reason =
			    ps_xasprintf("A modern client refuses %s: it has a %u-bit %s "
					 "key, and at least 2048 bits are required.",
					 label, bits, key_type_name(pk));
			problem(x, j, PS_F_CHAIN_WEAK_KEY, d, reason, true);
			free(d);
			free(reason);
		}
		/* The signature on a trusted CA is not used, so not judged. */
		int sa = gnutls_x509_crt_get_signature_algorithm(crt);
		if (k < pa->n &&
		    !(sa > 0 && gnutls_sign_is_secure2((gnutls_sign_algorithm_t)sa,
						       GNUTLS_SIGN_FLAG_SECURE_FOR_CERTS))) {
			const char *sn =
			    sa > 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)sa) : NULL;
			char *d = ps_xasprintf("%s is signed with %s", label,
					       sn ? sn : "an unknown algorithm");
			char *reason = ps_xasprintf("A modern client refuses %s: it is signed with "
						    "%s, which is no longer accepted for "
						    "certificates.",
						    label, sn ? sn : "an unknown algorithm");
			problem(x, j, PS_F_CHAIN_WEAK_SIGNATURE, d, reason, true);
			free(d);
			free(reason);
		}
		free(label);
	}
}

/* Extended key usage must allow serverAuth on every sent certificate of
 * the path, and the server certificate's keyUsage must allow a TLS key
 * exchange. */
static void judge_modern_purpose(struct ctx *x, struct judge *j, const struct path *pa)
{
	for (size_t k = 0; k < pa->n; k++) {
		const struct ps_cert_info *ci = &x->out->certs[pa->idx[k]];
		bool server = ci->n_ext_key_usage == 0;
		for (size_t e = 0; e < ci->n_ext_key_usage; e++)
			if (strcmp(ci->ext_key_usage[e], "serverAuth") == 0 ||
			    strcmp(ci->ext_key_usage[e], "anyExtendedKeyUsage") == 0)
				server = true;
		if (!server) {
			char *d = ps_xasprintf("the extendedKeyUsage of %s does not include "
					       "serverAuth",
					       x->c[pa->idx[k]].label);
			char *reason = ps_xasprintf("A modern client refuses the chain: %s.", d);
			problem(x, j, PS_F_CHAIN_KEY_USAGE, d, reason, true);
			free(d);
			free(reason);
		}
	}
	long ku = crt_key_usage(x->c[0].crt);
	if (ku >= 0 && !(ku & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT))) {
		const char *d = "the keyUsage of the server certificate allows neither "
				"digitalSignature nor keyEncipherment";
		char *reason =
		    ps_xasprintf("A modern client refuses the server certificate: %s.", d);
		problem(x, j, PS_F_CHAIN_KEY_USAGE, d, reason, true);
		free(reason);
	}
}

static bool addr_parse(const char *s, int *family, unsigned char out[16])
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

static bool addr_eq(const char *a, const char *b)
{
	unsigned char x[16] = { 0 }, y[16] = { 0 };
	int fx, fy;
	if (addr_parse(a, &fx, x) && addr_parse(b, &fy, y))
		return fx == fy && memcmp(x, y, fx == AF_INET ? 4 : 16) == 0;
	return strcmp(a, b) == 0;
}

/* The phone's name rule: the host equals the CN, case-insensitively, or
 * the CN is the host followed by "/anything" (LPG 1-13). */
static bool cn_matches(const char *cn, const char *host)
{
	size_t hl = strlen(host);
	if (hl && host[hl - 1] == '.')
		hl--;
	for (size_t i = 0; i < hl; i++) {
		char a = cn[i], b = host[i];
		if (!a)
			return false;
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return cn[hl] == '\0' || cn[hl] == '/';
}

static char *names_list(const struct ps_cert_info *ci, size_t max)
{
	struct ps_buf b = { 0 };
	size_t shown = 0;
	for (size_t i = 0; i < ci->n_sans && shown < max; i++) {
		if (strncmp(ci->sans[i], "DNS:", 4) != 0 && strncmp(ci->sans[i], "IP:", 3) != 0)
			continue;
		ps_buf_printf(&b, "%s%s", shown ? ", " : "", ci->sans[i]);
		shown++;
	}
	if (ci->n_sans > shown && shown == max)
		ps_buf_printf(&b, ", ... (%zu names)", ci->n_sans);
	return shown ? ps_buf_take(&b) : NULL;
}

/* Whether the name constraints of `ca` (none: all) permit the names of
 * `crt`: its DNS, email and IP subjectAltNames (its CN when it has none). */
static bool nc_permits(gnutls_x509_crt_t ca, gnutls_x509_crt_t crt)
{
	static const gnutls_x509_subject_alt_name_t types[] = {
		GNUTLS_SAN_DNSNAME,
		GNUTLS_SAN_RFC822NAME,
		GNUTLS_SAN_IPADDRESS,
	};
	gnutls_x509_name_constraints_t nc;
	bool ok = true;
	if (gnutls_x509_name_constraints_init(&nc) < 0)
		return true;
	if (gnutls_x509_crt_get_name_constraints(ca, nc, 0, NULL) >= 0)
		for (size_t t = 0; ok && t < sizeof types / sizeof types[0]; t++)
			ok = gnutls_x509_name_constraints_check_crt(nc, types[t], crt) != 0;
	gnutls_x509_name_constraints_deinit(nc);
	return ok;
}

/* Name constraints along the path (RFC 5280 4.2.1.10, 6.1.3 (b)): those
 * of every CA above a certificate, sent or trusted, hold for its names,
 * except for a self-issued intermediate (a CA's new key signed with its
 * old one). GnuTLS 3.7.9 applies them to the server certificate only, so
 * an intermediate named outside them is checked here, as OpenSSL and the
 * browsers check it. */
static void judge_name_constraints(struct ctx *x, struct judge *j, const struct path *pa)
{
	for (size_t k = 0; k < pa->n; k++) {
		const struct cert *c = &x->c[pa->idx[k]];
		if (k > 0 && is_self_issued(c))
			continue;
		for (size_t m = k + 1; m <= pa->n; m++) {
			gnutls_x509_crt_t ca = m < pa->n ? x->c[pa->idx[m]].crt : pa->anchor;
			if (!ca || nc_permits(ca, c->crt))
				continue;
			char *cname = short_name(ca);
			char *names = names_list(&x->out->certs[pa->idx[k]], 4);
			char *d = ps_xasprintf("the names of %s (%s) are outside the name "
					       "constraints of '%s'",
					       c->label, names ? names : "its CN", cname);
			char *reason = ps_xasprintf("The names of %s (%s) are outside the name "
						    "constraints of '%s', a CA above it on the "
						    "path.",
						    c->label, names ? names : "its CN", cname);
			problem(x, j, PS_F_CHAIN_ISSUER_NOT_CA, d, reason, true);
			free(reason);
			free(d);
			free(names);
			free(cname);
			break;
		}
	}
}

static void judge_phone_name(struct ctx *x, struct judge *j)
{
	const struct ps_chain_params *p = x->p;
	struct ps_chain_report *r = x->out;
	const struct ps_cert_info *leaf = &r->certs[0];
	if (!p->host) {
		ps_chain_check_set(&r->hostname_phone, -1, "no host name given; not checked");
		return;
	}
	char *sans = names_list(leaf, 5);
	if (!leaf->cn) {
		char *text = ps_xasprintf("the server certificate has no CN; the phone compares "
					  "'%s' with the CN only%s%s%s",
					  p->host, sans ? " (it ignores the subjectAltName " : "",
					  sans ? sans : "", sans ? ")" : "");
		ps_chain_check_set(&r->hostname_phone, 0, text);
		char *reason = ps_xasprintf("The phone rejects the server certificate: it has no "
					    "common name (CN), and the phone checks the name '%s' "
					    "against the CN only.",
					    p->host);
		problem(x, j, PS_F_CHAIN_CN_MISSING, "the server certificate has no CN", reason,
			true);
		free(reason);
		free(text);
	} else if (!cn_matches(leaf->cn, p->host)) {
		char *text = ps_xasprintf("the CN '%s' is not '%s'%s%s%s", leaf->cn, p->host,
					  sans ? " (the phone ignores the subjectAltName " : "",
					  sans ? sans : "", sans ? ")" : "");
		ps_chain_check_set(&r->hostname_phone, 0, text);
		char *reason = ps_xasprintf("The phone connects to '%s', but the server "
					    "certificate's CN is '%s'.",
					    p->host, leaf->cn);
		char *d = ps_xasprintf("CN '%s' does not match the host '%s'", leaf->cn, p->host);
		problem(x, j, PS_F_CHAIN_HOSTNAME_MISMATCH, d, reason, true);
		free(d);
		free(reason);
		free(text);
	} else {
		char *text =
		    ps_xasprintf("the CN '%s' matches '%s'%s", leaf->cn, p->host,
				 strchr(leaf->cn, '/') ? " (the phone ignores what follows "
							 "'/')"
						       : "");
		ps_chain_check_set(&r->hostname_phone, 1, text);
		free(text);
	}
	free(sans);

	if (p->connected_addr && p->host_addrs && p->n_host_addrs) {
		bool found = false;
		struct ps_buf b = { 0 };
		for (size_t i = 0; i < p->n_host_addrs; i++) {
			if (p->host_addrs[i] && addr_eq(p->host_addrs[i], p->connected_addr))
				found = true;
			ps_buf_printf(&b, "%s%s", i ? ", " : "",
				      p->host_addrs[i] ? p->host_addrs[i] : "?");
		}
		char *list = ps_buf_take(&b);
		if (!found) {
			char *text =
			    ps_xasprintf("the phone connected to %s, which is not among the "
					 "addresses of '%s' (%s)",
					 p->connected_addr, p->host, list);
			char *reason =
			    ps_xasprintf("The phone rejects the server: it connected to %s, "
					 "but '%s' resolves to %s, and the phone requires "
					 "the name to resolve to the address it connected "
					 "to.",
					 p->connected_addr, p->host, list);
			if (r->hostname_phone.result == 1)
				ps_chain_check_set(&r->hostname_phone, 0, text);
			problem(x, j, PS_F_CHAIN_HOSTNAME_MISMATCH, text, reason, true);
			free(text);
			free(reason);
		} else if (r->hostname_phone.result == 1) {
			char *text =
			    ps_xasprintf("%s; '%s' resolves to the connected address %s",
					 r->hostname_phone.text, p->host, p->connected_addr);
			ps_chain_check_set(&r->hostname_phone, 1, text);
			free(text);
		}
		free(list);
	}
}

static void judge_modern_name(struct ctx *x, struct judge *j)
{
	const struct ps_chain_params *p = x->p;
	struct ps_chain_report *r = x->out;
	const struct ps_cert_info *leaf = &r->certs[0];
	if (!p->host) {
		ps_chain_check_set(&r->hostname_modern, -1, "no host name given; not checked");
		return;
	}
	char *sans = names_list(leaf, 5);
	bool matches = gnutls_x509_crt_check_hostname2(x->c[0].crt, p->host, 0) != 0;
	/* GnuTLS falls back to the CN when there is no subjectAltName (RFC
	 * 6125 allows it); browsers and the CA/B Forum rules do not. */
	bool ok = matches && sans;
	char *text;
	if (ok)
		text = ps_xasprintf("'%s' matches the subjectAltName (%s)", p->host, sans);
	else if (matches)
		text = ps_xasprintf("'%s' matches only the CN; a modern client requires the name "
				    "in a subjectAltName, and the certificate has none",
				    p->host);
	else if (sans)
		text =
		    ps_xasprintf("'%s' is not among the certificate's names (%s)", p->host, sans);
	else
		text = ps_xasprintf("'%s' does not match: the certificate has no subjectAltName "
				    "and its CN is %s%s%s",
				    p->host, leaf->cn ? "'" : "", leaf->cn ? leaf->cn : "absent",
				    leaf->cn ? "'" : "");
	ps_chain_check_set(&r->hostname_modern, ok ? 1 : 0, text);
	if (!ok) {
		char *reason = ps_xasprintf("A modern client refuses the certificate: %s.", text);
		char *d = ps_xasprintf("the names of the server certificate do not include '%s'",
				       p->host);
		problem(x, j, PS_F_CHAIN_HOSTNAME_MISMATCH, d, reason, true);
		free(d);
		free(reason);
	}
	free(text);
	free(sans);
}

/* gnutls_certificate_verification_status_print, without its trailing space. */
static char *status_string(unsigned st)
{
	gnutls_datum_t out = { NULL, 0 };
	char *s;
	if (gnutls_certificate_verification_status_print(st, GNUTLS_CRT_X509, &out, 0) >= 0 &&
	    out.data) {
		size_t n = strlen((const char *)out.data);
		while (n && out.data[n - 1] == ' ')
			n--;
		s = ps_xstrndup((const char *)out.data, n);
	} else {
		s = ps_xasprintf("status 0x%x", st);
	}
	gnutls_free(out.data);
	return s;
}

/* Whether the findings already raised explain GnuTLS status bit `bit`. */
static bool explained(unsigned bit, const bool *raised)
{
	switch (bit) {
	case GNUTLS_CERT_SIGNER_NOT_FOUND:
		return raised[PS_F_CHAIN_UNTRUSTED_ROOT] ||
		       raised[PS_F_CHAIN_MISSING_INTERMEDIATE] || raised[PS_F_CHAIN_SELF_SIGNED] ||
		       raised[PS_F_CHAIN_INVALID];
	case GNUTLS_CERT_SIGNER_NOT_CA:
	case GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE:
		return raised[PS_F_CHAIN_ISSUER_NOT_CA];
	case GNUTLS_CERT_INSECURE_ALGORITHM:
		return raised[PS_F_CHAIN_WEAK_KEY] || raised[PS_F_CHAIN_WEAK_SIGNATURE] ||
		       raised[PS_F_CHAIN_UNSUPPORTED_KEY];
	case GNUTLS_CERT_UNEXPECTED_OWNER:
		return raised[PS_F_CHAIN_HOSTNAME_MISMATCH];
	case GNUTLS_CERT_PURPOSE_MISMATCH:
		return raised[PS_F_CHAIN_KEY_USAGE];
	case GNUTLS_CERT_SIGNATURE_FAILURE:
		/* GnuTLS 3.7.9 also says this of a path through a non-CA. */
		return raised[PS_F_CHAIN_INVALID] || raised[PS_F_CHAIN_ISSUER_NOT_CA];
	default:
		return false;
	}
}

/* GnuTLS's own verdict: its status goes into the record, and anything it
 * rejects that the checks above did not explain becomes chain.invalid. */
static void judge_gnutls(struct ctx *x, struct judge *j, unsigned flags, bool modern)
{
	gnutls_typed_vdata_st vdata[2];
	unsigned nv = 0, st = 0;
	if (modern && x->p->host) {
		vdata[nv].type = GNUTLS_DT_DNS_HOSTNAME;
		vdata[nv].data = (void *)x->p->host;
		vdata[nv].size = 0;
		nv++;
	}
	if (modern) {
		vdata[nv].type = GNUTLS_DT_KEY_PURPOSE_OID;
		vdata[nv].data = (void *)GNUTLS_KP_TLS_WWW_SERVER;
		vdata[nv].size = 0;
		nv++;
	}
	gnutls_x509_crt_t list[MAX_CERTS];
	for (size_t i = 0; i < x->n; i++)
		list[i] = x->c[i].crt;
	int rc = gnutls_x509_trust_list_verify_crt2(j->tl, list, (unsigned)x->n, nv ? vdata : NULL,
						    nv, flags, &st, NULL);
	if (rc < 0)
		st = GNUTLS_CERT_INVALID;
	j->v->gnutls_status = st;
	if (st == 0)
		return;

	unsigned left = 0;
	for (unsigned b = 0; b < 32; b++) {
		unsigned bit = 1u << b;
		if ((st & bit) && bit != GNUTLS_CERT_INVALID && !explained(bit, j->raised))
			left |= bit;
	}
	if (!left && j->reject)
		return;
	char *said = status_string(left ? left | GNUTLS_CERT_INVALID : st);
	char *d = ps_xasprintf("GnuTLS: %s", said);
	char *reason =
	    ps_xasprintf("%s rejects the chain; GnuTLS says: %s", Client_name(j->who), said);
	problem(x, j, PS_F_CHAIN_INVALID, d, reason, true);
	free(d);
	free(reason);
	free(said);
}

static void status_text(struct ps_chain_verdict *v)
{
	v->status_text = status_string(v->gnutls_status);
}

static void accept_reason(struct ctx *x, struct judge *j, const struct path *pa)
{
	char t[40];
	fmt_time(x->at, t, sizeof t);
	char *an = short_name(pa->anchor);
	char *s =
	    ps_xasprintf("%s accepts the chain: it leads to the trusted CA '%s', every "
			 "certificate on the path is valid at %s%s.",
			 Client_name(j->who), an, t, x->p->host ? ", and the name matches" : "");
	ps_chain_verdict_add_reason(j->v, s);
	free(s);
	free(an);
}

/* A finding so far that makes the phone reject the chain. */
static bool phone_rejects(const struct ps_chain_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].phone && ps_finding_severity(r->findings[i].id) == PS_SEV_ERROR)
			return true;
	return false;
}

static void judge_phone(struct ctx *x)
{
	struct judge j = { .who = WHO_PHONE, .v = &x->out->phone, .tl = x->tl_phone };
	struct path pa;
	path_walk(x, x->tl_phone, &pa);
	if (x->n_phone_anchors <= 0) {
		/* Nothing to check against: the phone's trust stays unknown, and no
		 * finding is raised for what may well be a vendor-signed chain. */
		char *reason =
		    x->phone_ca_error
			? ps_xasprintf("The vendor CA could not be read (%s), so whether "
				       "the phone trusts this chain is unknown.",
				       x->phone_ca_error)
			: ps_xstrdup("No vendor CA was given (--ca): the phone trusts "
				     "only the CA burned into it, so whether it trusts "
				     "this chain is unknown.");
		ps_chain_verdict_add_reason(j.v, reason);
		free(reason);
		j.reject = true;
	} else if (pa.end != END_ANCHOR) {
		explain_no_path(x, &j, &pa, x->tl_modern);
	}
	if (pa.end == END_ANCHOR)
		x->out->phone.anchor = crt_dn(pa.anchor, false);
	judge_anchor(x, &j, &pa);
	judge_steps(x, &j, &pa);
	judge_phone_algorithms(x, &j, &pa);
	if (pa.end == END_ANCHOR && pa.n > 1) {
		struct ps_buf b = { 0 };
		for (size_t k = 1; k < pa.n; k++)
			ps_buf_printf(&b, "%s%s", k > 1 ? ", " : "", x->c[pa.idx[k]].label);
		char *list = ps_buf_take(&b);
		char *an = short_name(pa.anchor);
		char *d = ps_xasprintf("the path to the vendor CA '%s' goes through %s", an, list);
		problem(x, &j, PS_F_CHAIN_INTERMEDIATE_PRESENT, d, NULL, false);
		free(d);
		free(an);
		free(list);
	}
	judge_phone_name(x, &j);
	if (x->n_phone_anchors > 0)
		judge_gnutls(x, &j, PHONE_FLAGS, false);
	else
		j.v->gnutls_status = GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;
	judge_validity(x, &j, &pa);
	j.v->accept = !j.reject;
	if (j.v->accept)
		accept_reason(x, &j, &pa);
	/* Without anchors the trust is not judged: unless something else
	 * rejects the chain for the phone, its verdict is unknown. */
	j.v->unknown = x->n_phone_anchors <= 0 && !phone_rejects(x->out);
	status_text(j.v);
}

static void judge_modern(struct ctx *x)
{
	struct judge j = { .who = WHO_MODERN, .v = &x->out->modern, .tl = x->tl_modern };
	struct path pa;
	path_walk(x, x->tl_modern, &pa);
	if (x->modern_ca_error) {
		char *reason = ps_xasprintf("Some CAs for the modern check could not be read: %s.",
					    x->modern_ca_error);
		ps_chain_verdict_add_reason(j.v, reason);
		free(reason);
	}
	if (pa.end != END_ANCHOR)
		explain_no_path(x, &j, &pa, x->tl_phone);
	else
		x->out->modern.anchor = crt_dn(pa.anchor, false);
	judge_anchor(x, &j, &pa);
	judge_steps(x, &j, &pa);
	judge_modern_strength(x, &j, &pa);
	judge_modern_purpose(x, &j, &pa);
	judge_modern_name(x, &j);
	judge_name_constraints(x, &j, &pa);
	judge_gnutls(x, &j, MODERN_FLAGS, true);
	judge_validity(x, &j, &pa);
	j.v->accept = !j.reject;
	if (j.v->accept)
		accept_reason(x, &j, &pa);
	status_text(j.v);
}

/* ---- trust lists ---- */

/* Whether the anchors given for the modern client (`tl`) end the leaf's
 * path, following the chain's own issuers. Then the system store is not
 * consulted, as a modern client looks into its store only for an issuer
 * that it has not got: loading the store is most of the cost of a chain. */
static bool given_ends_path(const struct ctx *x, gnutls_x509_trust_list_t tl)
{
	bool seen[MAX_CERTS] = { false };
	size_t cur = 0;
	for (;;) {
		seen[cur] = true;
		if (anchor_itself(x, tl, &x->c[cur]) || anchor_issuer(x, tl, x->c[cur].crt))
			return true;
		unsigned fit;
		long next = x->out->certs[cur].self_signed ? -1 : find_chain_issuer(x, cur, &fit);
		if (next < 0 || seen[next])
			return false;
		cur = (size_t)next;
	}
}

static void load_trust(struct ctx *x)
{
	const char *given_error = NULL, *system_error = NULL;
	x->tl_phone = ps_trust_phone(x->trust, &x->n_phone_anchors, &x->phone_ca_error);
	x->tl_modern = ps_trust_modern_given(x->trust, &given_error);
	if (ps_trust_uses_system(x->trust) && !given_ends_path(x, x->tl_modern))
		x->tl_modern = ps_trust_modern_system(x->trust, &system_error);
	struct ps_buf b = { 0 };
	if (system_error)
		ps_buf_printf(&b, "the system trust store (%s)", system_error);
	if (given_error)
		ps_buf_printf(&b, "%sthe extra CAs (%s)", system_error ? "; " : "", given_error);
	x->modern_ca_error = b.s ? ps_buf_take(&b) : NULL;
}

/* ---- entry points ---- */

static void nothing_parsed(struct ps_chain_report *r, const char *why)
{
	char *reason = ps_xasprintf("The chain cannot be checked: %s.", why);
	ps_chain_verdict_add_reason(&r->phone, reason);
	ps_chain_verdict_add_reason(&r->modern, reason);
	free(reason);
	r->phone.gnutls_status = r->modern.gnutls_status = GNUTLS_CERT_INVALID;
	status_text(&r->phone);
	status_text(&r->modern);
	ps_chain_report_add_finding(r, PS_F_CHAIN_INVALID, why, true, true);
	ps_chain_check_set(&r->hostname_phone, -1, "no certificate to check");
	ps_chain_check_set(&r->hostname_modern, -1, "no certificate to check");
}

/* The analysis itself, with `p->at` already set (never 0). */
static int analyse(const gnutls_datum_t *certs_der, size_t n, const struct ps_chain_params *p,
		   struct ps_chain_report *out)
{
	struct ctx *x = ps_xcalloc(1, sizeof *x);
	char *parse_err = NULL;

	ps_chain_report_clear(out);
	x->p = p;
	x->out = out;
	x->at = p->at;
	out->at = x->at;
	out->host = ps_xstrdup(x->p->host);

	if (n == 0 || !certs_der) {
		nothing_parsed(out, "the server sent no certificate");
		free(x);
		return GNUTLS_E_NO_CERTIFICATE_FOUND;
	}
	int prc = parse_chain(x, certs_der, n, &parse_err);
	if (x->n == 0) {
		nothing_parsed(out, parse_err ? parse_err : "no certificate could be read");
		free(parse_err);
		free(x);
		return prc < 0 ? prc : GNUTLS_E_NO_CERTIFICATE_FOUND;
	}

	x->anchors = ps_xcalloc(1, sizeof *x->anchors);
	out->certs = ps_xcalloc(x->n, sizeof *out->certs);
	out->n_certs = x->n;
	for (size_t i = 0; i < x->n; i++)
		fill_info(&out->certs[i], &x->c[i]);
	/* No trust given: the phone has no anchor and the modern client none. */
	struct ps_trust *nothing = x->p->trust ? NULL : ps_trust_new_mem(NULL, NULL, false);
	x->trust = x->p->trust ? x->p->trust : nothing;
	load_trust(x);
	build_links(x);
	chain_findings(x);
	judge_phone(x);
	judge_modern(x);
	if (parse_err) {
		/* The rest of the chain could not be read: a real client fails the
		 * handshake on it. */
		char *reason = ps_xasprintf("The chain is broken: %s.", parse_err);
		ps_chain_report_add_finding(out, PS_F_CHAIN_INVALID, parse_err, true, true);
		for (int k = 0; k < 2; k++) {
			struct ps_chain_verdict *v = k ? &out->modern : &out->phone;
			if (v->accept) {
				/* Drop the sentence that said why it was accepted. */
				for (size_t i = 0; i < v->n_reasons; i++)
					free(v->reasons[i]);
				v->n_reasons = 0;
			}
			v->accept = false;
			ps_chain_verdict_add_reason(v, reason);
		}
		free(reason);
	}
	if (n > MAX_CERTS) {
		char *d = ps_xasprintf("the server sent %zu certificates; only the first %d were "
				       "checked",
				       n, MAX_CERTS);
		ps_chain_report_add_finding(out, PS_F_CHAIN_INVALID, d, true, true);
		free(d);
	}

	for (size_t i = 0; i < x->n; i++) {
		gnutls_x509_crt_deinit(x->c[i].crt);
		gnutls_free(x->c[i].subject_raw.data);
		gnutls_free(x->c[i].issuer_raw.data);
		free(x->c[i].label);
	}
	anchor_memo_free(x->anchors); /* before the trust lists it points into */
	ps_trust_free(nothing);
	free(x->modern_ca_error);
	free(parse_err);
	free(x);
	return 0;
}

/* ---- the memo ---- */

/* Distinct analyses kept: a run meets one chain per server it fetches from. */
#define MEMO_SLOTS 8

struct memo_entry {
	struct ps_buf key; /* everything the report depends on, see memo_key */
	int rc;
	struct ps_chain_report report;
};

struct ps_chain_memo {
	pthread_mutex_t lock;
	struct memo_entry e[MEMO_SLOTS];
	size_t next; /* the slot to fill next (the oldest once all are used) */
};

struct ps_chain_memo *ps_chain_memo_new(void)
{
	struct ps_chain_memo *m = ps_xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void ps_chain_memo_free(struct ps_chain_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < MEMO_SLOTS; i++) {
		ps_buf_free(&m->e[i].key);
		ps_chain_report_clear(&m->e[i].report);
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* Appends `n` bytes to the key, after their length, so that no two
 * different inputs give the same key. */
static void key_bytes(struct ps_buf *k, const void *data, size_t n)
{
	ps_buf_add(k, (const char *)&n, sizeof n);
	ps_buf_add(k, data, n);
}

static void key_str(struct ps_buf *k, const char *s)
{
	static const size_t absent = SIZE_MAX;
	if (s)
		key_bytes(k, s, strlen(s));
	else
		ps_buf_add(k, (const char *)&absent, sizeof absent);
}

/* The inputs of an analysis as one byte string: the trust (the same
 * object, never changed once made), the time, the names and addresses, and
 * the certificates' DER in order. */
static void memo_key(struct ps_buf *k, const gnutls_datum_t *certs_der, size_t n,
		     const struct ps_chain_params *p)
{
	key_bytes(k, &p->trust, sizeof p->trust);
	key_bytes(k, &p->at, sizeof p->at);
	key_str(k, p->host);
	key_str(k, p->connected_addr);
	key_bytes(k, &p->n_host_addrs, sizeof p->n_host_addrs);
	for (size_t i = 0; i < p->n_host_addrs; i++)
		key_str(k, p->host_addrs ? p->host_addrs[i] : NULL);
	size_t nk = certs_der ? n : 0; /* none sent either way */
	key_bytes(k, &nk, sizeof nk);
	for (size_t i = 0; i < nk; i++)
		key_bytes(k, certs_der[i].data, certs_der[i].size);
}

/* Copies the report made for `key` into `out`; false when there is none. */
static bool memo_get(struct ps_chain_memo *m, const struct ps_buf *key, struct ps_chain_report *out,
		     int *rc)
{
	bool found = false;
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < MEMO_SLOTS && !found; i++) {
		const struct memo_entry *e = &m->e[i];
		if (e->key.len == key->len && memcmp(e->key.s, key->s, key->len) == 0) {
			ps_chain_report_clear(out);
			ps_chain_report_copy(out, &e->report);
			*rc = e->rc;
			found = true;
		}
	}
	pthread_mutex_unlock(&m->lock);
	return found;
}

/* Keeps a copy of `r` for `key` (taken), in place of the oldest. */
static void memo_put(struct ps_chain_memo *m, struct ps_buf *key, const struct ps_chain_report *r,
		     int rc)
{
	struct ps_chain_report copy;
	ps_chain_report_copy(&copy, r);
	pthread_mutex_lock(&m->lock);
	struct memo_entry *e = &m->e[m->next];
	m->next = (m->next + 1) % MEMO_SLOTS;
	struct ps_buf old_key = e->key;
	struct ps_chain_report old = e->report;
	e->key = *key;
	e->report = copy;
	e->rc = rc;
	pthread_mutex_unlock(&m->lock);
	*key = (struct ps_buf){ 0 };
	ps_buf_free(&old_key);
	ps_chain_report_clear(&old);
}

int ps_chain_analyse(const gnutls_datum_t *certs_der, size_t n, const struct ps_chain_params *p,
		     struct ps_chain_report *out)
{
	struct ps_chain_params q = { 0 };
	if (p)
		q = *p;
	if (!q.at)
		q.at = time(NULL);
	if (!q.memo)
		return analyse(certs_der, n, &q, out);
	struct ps_buf key = { 0 };
	memo_key(&key, certs_der, n, &q);
	int rc;
	if (!memo_get(q.memo, &key, out, &rc)) {
		rc = analyse(certs_der, n, &q, out);
		memo_put(q.memo, &key, out, rc);
	}
	ps_buf_free(&key);
	return rc;
}

/* A chain file, capped like every PEM file. */
int ps_chain_load_pem_file(const char *file, gnutls_datum_t **der, size_t *n, char **err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	*der = NULL;
	*n = 0;
	*err = NULL;
	if (!ps_read_file(file, PS_PEM_FILE_MAX, &data, &len, err))
		return GNUTLS_E_FILE_ERROR;
	int rc = ps_chain_load_pem(data, len, file, der, n, err);
	free(data);
	return rc;
}

int ps_chain_load_pem(const unsigned char *data, size_t len, const char *name, gnutls_datum_t **der,
		      size_t *n, char **err)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned size = 0;
	*der = NULL;
	*n = 0;
	*err = NULL;
	if (len > PS_PEM_FILE_MAX) {
		*err = ps_xasprintf("%s: larger than %zu bytes", name, PS_PEM_FILE_MAX);
		return GNUTLS_E_FILE_ERROR;
	}
	/* GnuTLS only reads the datum; its field is not const. */
	const gnutls_datum_t in = { (unsigned char *)(uintptr_t)data, (unsigned)len };
	int rc = gnutls_x509_crt_list_import2(&list, &size, &in, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0) {
		/* Not PEM: perhaps one DER certificate. */
		gnutls_x509_crt_t one;
		if (gnutls_x509_crt_init(&one) >= 0) {
			if (gnutls_x509_crt_import(one, &in, GNUTLS_X509_FMT_DER) >= 0) {
				list = gnutls_malloc(sizeof *list);
				if (list) {
					list[0] = one;
					size = 1;
					rc = 0;
				} else {
					gnutls_x509_crt_deinit(one);
				}
			} else {
				gnutls_x509_crt_deinit(one);
			}
		}
	}
	if (rc < 0) {
		*err = ps_xasprintf("%s: %s", name, ps_pem_problem(data, len, PS_PEM_CERT, rc));
		return rc;
	}
	gnutls_datum_t *out = ps_xcalloc(size, sizeof *out);
	size_t k = 0;
	for (unsigned i = 0; i < size; i++) {
		gnutls_datum_t d = { NULL, 0 };
		if (rc >= 0 &&
		    (rc = gnutls_x509_crt_export2(list[i], GNUTLS_X509_FMT_DER, &d)) >= 0) {
			out[k].data = ps_xmalloc(d.size);
			memcpy(out[k].data, d.data, d.size);
			out[k].size = d.size;
			k++;
		}
		gnutls_free(d.data);
		gnutls_x509_crt_deinit(list[i]);
	}
	gnutls_free(list);
	if (rc < 0) {
		*err = ps_xasprintf("%s: a certificate in it cannot be written out again", name);
		ps_chain_der_free(out, k);
		return rc;
	}
	*der = out;
	*n = k;
	return 0;
}

void ps_chain_der_free(gnutls_datum_t *der, size_t n)
{
	if (!der)
		return;
	for (size_t i = 0; i < n; i++)
		free(der[i].data);
	free(der);
}
