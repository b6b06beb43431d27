/* Unit tests of the server chain check (engine/chain.c): a test PKI made
 * with the GnuTLS API at start-up drives each rule of the phone's and the
 * modern client's verdicts; real badssl chains from tests/data (and, when
 * PS_CORPUS_DIR is set, the team's whole corpus) check the modern verdict
 * against known results. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>

#include "core/util.h"
#include "engine/chain.h"
#include "engine/trust.h"
#include "model/chain.h"
#include "model/finding.h"

#define HOST "prov.example.net"
#define T2000 ((time_t)946684800)  /* 2000-01-01 */
#define T2020 ((time_t)1577836800) /* 2020-01-01 */
#define T2021 ((time_t)1609459200) /* 2021-01-01 */
#define T2090 ((time_t)3786912000) /* 2090-01-01 */
#define T2095 ((time_t)3944678400) /* 2095-01-01 */
#define T2100 ((time_t)4102444800) /* 2100-01-01 */

/* Keys and CAs made once for the whole group; certificates reuse keys. */
struct pki {
	gnutls_x509_privkey_t ca_key, inter_key, leaf_key, weak_key, ec_key;
	gnutls_x509_crt_t ca;    /* "Vendor Server CA", self-signed root */
	gnutls_x509_crt_t inter; /* "Vendor Intermediate CA", issued by ca */
	char *ca_pem;            /* ca as PEM text */
	struct ps_trust *trust;  /* both clients trust ca, no system store */
	unsigned serial;
};

/* What a test certificate says. */
struct spec {
	const char *dn;
	int ca;       /* 1 CA, 0 not a CA, -1 no basicConstraints */
	int path_len; /* -1 none */
	unsigned ku;  /* 0: no keyUsage */
	const char *eku;
	const char *san;               /* one DNS name, or NULL */
	time_t nb, na;                 /* 0: 2000-01-01 .. 2100-01-01 */
	gnutls_digest_algorithm_t dig; /* 0: SHA-256 */
};

static gnutls_x509_privkey_t gen_key(gnutls_pk_algorithm_t pk, unsigned bits)
{
	gnutls_x509_privkey_t k;
	assert_int_equal(gnutls_x509_privkey_init(&k), 0);
	assert_int_equal(gnutls_x509_privkey_generate(k, pk, bits, 0), 0);
	return k;
}

/* A certificate for `key` with `s`, signed by `issuer`/`ikey`, or
 * self-signed when issuer is NULL. */
static gnutls_x509_crt_t make(struct pki *k, const struct spec *s, gnutls_x509_privkey_t key,
			      gnutls_x509_crt_t issuer, gnutls_x509_privkey_t ikey)
{
	gnutls_x509_crt_t c;
	const char *err = NULL;
	unsigned char id[64];
	size_t idn;
	assert_int_equal(gnutls_x509_crt_init(&c), 0);
	assert_int_equal(gnutls_x509_crt_set_version(c, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_dn(c, s->dn, &err), 0);
	unsigned char serial[4] = { 0x10, 0, (unsigned char)(k->serial >> 8),
				    (unsigned char)k->serial };
	k->serial++;
	assert_int_equal(gnutls_x509_crt_set_serial(c, serial, sizeof serial), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(c, s->nb ? s->nb : T2000), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(c, s->na ? s->na : T2100), 0);
	assert_int_equal(gnutls_x509_crt_set_key(c, key), 0);
	if (s->ca >= 0)
		assert_int_equal(
		    gnutls_x509_crt_set_basic_constraints(c, (unsigned)s->ca, s->path_len), 0);
	if (s->ku)
		assert_int_equal(gnutls_x509_crt_set_key_usage(c, s->ku), 0);
	if (s->eku)
		assert_int_equal(gnutls_x509_crt_set_key_purpose_oid(c, s->eku, 0), 0);
	if (s->san)
		assert_int_equal(gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, s->san,
								      (unsigned)strlen(s->san),
								      GNUTLS_FSAN_SET),
				 0);
	idn = sizeof id;
	assert_int_equal(gnutls_x509_privkey_get_key_id(key, 0, id, &idn), 0);
	assert_int_equal(gnutls_x509_crt_set_subject_key_id(c, id, idn), 0);
	if (issuer) {
		idn = sizeof id;
		assert_int_equal(gnutls_x509_crt_get_subject_key_id(issuer, id, &idn, NULL), 0);
		assert_int_equal(gnutls_x509_crt_set_authority_key_id(c, id, idn), 0);
	}
	int rc = gnutls_x509_crt_sign2(c, issuer ? issuer : c, issuer ? ikey : key,
				       s->dig ? s->dig : GNUTLS_DIG_SHA256, 0);
	assert_int_equal(rc, 0);
	return c;
}

static char *to_pem(gnutls_x509_crt_t c)
{
	gnutls_datum_t d;
	assert_int_equal(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d), 0);
	char *s = ps_xstrndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

/* A server certificate for HOST: CN and SAN HOST, serverAuth. */
static struct spec leaf_spec(void)
{
	return (struct spec){
		.dn = "CN=" HOST ",O=Example Provider",
		.ca = 0,
		.path_len = -1,
		.ku = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT,
		.eku = GNUTLS_KP_TLS_WWW_SERVER,
		.san = HOST,
	};
}

static struct spec ca_spec(const char *dn, int path_len)
{
	return (struct spec){
		.dn = dn,
		.ca = 1,
		.path_len = path_len,
		.ku = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN,
	};
}

static int group_setup(void **state)
{
	struct pki *k = calloc(1, sizeof *k);
	if (!k)
		return -1;
	k->serial = 1;
	k->ca_key = gen_key(GNUTLS_PK_RSA, 2048);
	k->inter_key = gen_key(GNUTLS_PK_RSA, 2048);
	k->leaf_key = gen_key(GNUTLS_PK_RSA, 2048);
	k->weak_key = gen_key(GNUTLS_PK_RSA, 1024);
	k->ec_key = gen_key(GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1));
	struct spec s = ca_spec("CN=Vendor Server CA,O=Vendor", -1);
	k->ca = make(k, &s, k->ca_key, NULL, NULL);
	s = ca_spec("CN=Vendor Intermediate CA,O=Vendor", 0);
	k->inter = make(k, &s, k->inter_key, k->ca, k->ca_key);
	k->ca_pem = to_pem(k->ca);
	k->trust = ps_trust_new_mem(k->ca_pem, k->ca_pem, false);
	*state = k;
	return 0;
}

static int group_teardown(void **state)
{
	struct pki *k = *state;
	gnutls_x509_crt_deinit(k->ca);
	gnutls_x509_crt_deinit(k->inter);
	gnutls_x509_privkey_deinit(k->ca_key);
	gnutls_x509_privkey_deinit(k->inter_key);
	gnutls_x509_privkey_deinit(k->leaf_key);
	gnutls_x509_privkey_deinit(k->weak_key);
	gnutls_x509_privkey_deinit(k->ec_key);
	free(k->ca_pem);
	ps_trust_free(k->trust);
	free(k);
	return 0;
}

/* Both clients trust only the vendor CA; no system trust. */
static struct ps_chain_params params(const struct pki *k, const char *host, time_t at)
{
	return (struct ps_chain_params){
		.trust = k->trust,
		.host = host,
		.at = at,
	};
}

static int analyse(gnutls_x509_crt_t *chain, size_t n, const struct ps_chain_params *p,
		   struct ps_chain_report *r)
{
	gnutls_datum_t der[8];
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(gnutls_x509_crt_export2(chain[i], GNUTLS_X509_FMT_DER, &der[i]),
				 0);
	int rc = ps_chain_analyse(der, n, p, r);
	for (size_t i = 0; i < n; i++)
		gnutls_free(der[i].data);
	return rc;
}

/* A finding with `id` that concerns the phone (phone) or the modern client. */
static bool has_finding(const struct ps_chain_report *r, enum ps_finding_id id, bool phone)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].id == id &&
		    (phone ? r->findings[i].phone : r->findings[i].modern))
			return true;
	return false;
}

static bool has_reason(const struct ps_chain_verdict *v, const char *part)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (strstr(v->reasons[i], part))
			return true;
	return false;
}

static bool has_str(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Print the report when a test fails, to see why. */
static void dump(const struct ps_chain_report *r)
{
	for (int k = 0; k < 2; k++) {
		const struct ps_chain_verdict *v = k ? &r->modern : &r->phone;
		printf("# %s: %s (status 0x%x: %s)\n", k ? "modern" : "phone",
		       v->accept ? "accept" : "reject", v->gnutls_status,
		       v->status_text ? v->status_text : "");
		for (size_t i = 0; i < v->n_reasons; i++)
			printf("#   %s\n", v->reasons[i]);
	}
	for (size_t i = 0; i < r->n_findings; i++)
		printf("# finding %s%s%s: %s\n", ps_finding_name(r->findings[i].id),
		       r->findings[i].phone ? " phone" : "", r->findings[i].modern ? " modern" : "",
		       r->findings[i].detail ? r->findings[i].detail : "");
}

static void expect(const struct ps_chain_report *r, bool phone, bool modern)
{
	if (r->phone.accept != phone || r->modern.accept != modern)
		dump(r);
	assert_int_equal(r->phone.accept, phone);
	assert_int_equal(r->modern.accept, modern);
	assert_true(r->phone.n_reasons > 0);
	assert_true(r->modern.n_reasons > 0);
}

/* No finding of error severity may concern a client that accepts. */
static void consistent(const struct ps_chain_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		if (ps_finding_severity(r->findings[i].id) != PS_SEV_ERROR)
			continue;
		if (r->phone.accept)
			assert_false(r->findings[i].phone);
		if (r->modern.accept)
			assert_false(r->findings[i].modern);
	}
}

static void test_good_direct(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, true);
	consistent(&r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(r.host, HOST);
	assert_true(r.at > T2020);
	assert_int_equal(r.n_certs, 1);
	const struct ps_cert_info *ci = &r.certs[0];
	assert_string_equal(ci->subject, "CN=" HOST ",O=Example Provider");
	assert_string_equal(ci->issuer, "CN=Vendor Server CA,O=Vendor");
	assert_string_equal(ci->cn, HOST);
	assert_string_equal(ci->key_type, "RSA");
	assert_int_equal(ci->key_bits, 2048);
	assert_string_equal(ci->sig_alg, "RSA-SHA256");
	assert_true(ci->sig_secure_for_certs);
	assert_int_equal(strlen(ci->sha256), 64);
	assert_null(strchr(ci->sha256, ':'));
	assert_true(strlen(ci->serial) > 0);
	assert_int_equal(ci->not_before, T2000);
	assert_int_equal(ci->not_after, T2100);
	assert_int_equal(ci->is_ca, 0);
	assert_int_equal(ci->path_len, -1);
	assert_false(ci->self_signed);
	assert_true(has_str(ci->key_usage, ci->n_key_usage, "digitalSignature"));
	assert_true(has_str(ci->key_usage, ci->n_key_usage, "keyEncipherment"));
	assert_true(has_str(ci->ext_key_usage, ci->n_ext_key_usage, "serverAuth"));
	assert_true(has_str(ci->sans, ci->n_sans, "DNS:" HOST));

	assert_int_equal(r.n_links, 1);
	const struct ps_chain_link *l = &r.links[0];
	assert_int_equal(l->subject_index, 0);
	assert_int_equal(l->issuer_source, PS_ISSUER_ANCHOR);
	assert_string_equal(ps_issuer_source_name(l->issuer_source), "anchor");
	assert_string_equal(l->anchor_subject, "CN=Vendor Server CA,O=Vendor");
	assert_int_equal(l->issuer_name.result, 1);
	assert_int_equal(l->signature.result, 1);
	assert_int_equal(l->validity.result, 1);
	assert_int_equal(l->issuer_is_ca.result, 1);
	assert_int_equal(l->path_len.result, -1);
	assert_non_null(l->signature.text);

	assert_string_equal(r.phone.anchor, "CN=Vendor Server CA,O=Vendor");
	assert_string_equal(r.modern.anchor, "CN=Vendor Server CA,O=Vendor");
	assert_int_equal(r.phone.gnutls_status, 0);
	assert_int_equal(r.modern.gnutls_status, 0);
	assert_string_equal(r.phone.status_text, "The certificate is trusted.");
	assert_int_equal(r.hostname_phone.result, 1);
	assert_int_equal(r.hostname_modern.result, 1);

	/* A deep copy survives the original. */
	struct ps_chain_report c = { 0 };
	ps_chain_report_copy(&c, &r);
	ps_chain_report_clear(&r);
	assert_null(r.certs);
	assert_string_equal(c.certs[0].sans[0], "DNS:" HOST);
	assert_string_equal(c.links[0].anchor_subject, "CN=Vendor Server CA,O=Vendor");
	assert_string_equal(c.phone.reasons[0], c.phone.reasons[0]);
	assert_true(c.phone.accept);
	ps_chain_report_clear(&c);
	gnutls_x509_crt_deinit(leaf);
}

/* The vendor CA is not a public CA: the phone accepts what a modern client
 * with only the system trust store rejects. */
static void test_modern_untrusted_root(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_trust *system = ps_trust_new_mem(k->ca_pem, NULL, true);
	p.trust = system;
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, false);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_UNTRUSTED_ROOT, false));
	assert_false(has_finding(&r, PS_F_CHAIN_UNTRUSTED_ROOT, true));
	assert_true(has_reason(&r.phone, "accepts"));
	assert_true(has_reason(&r.modern, "Vendor Server CA"));
	assert_true(has_reason(&r.modern, "system"));
	assert_null(r.modern.anchor);
	assert_true(r.modern.gnutls_status & GNUTLS_CERT_SIGNER_NOT_FOUND);
	assert_non_null(r.modern.status_text);
	ps_chain_report_clear(&r);
	ps_trust_free(system);
	gnutls_x509_crt_deinit(leaf);
}

static void test_expired(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.nb = T2020;
	s.na = T2021;
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, false);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_EXPIRED, true));
	assert_true(has_finding(&r, PS_F_CHAIN_EXPIRED, false));
	assert_true(has_reason(&r.phone, "expired on 2021-01-01"));
	assert_true(has_reason(&r.phone, "the phone's clock says"));
	assert_int_equal(r.links[0].validity.result, 0);
	assert_true(r.phone.gnutls_status & GNUTLS_CERT_EXPIRED);
	assert_true(r.modern.gnutls_status & GNUTLS_CERT_EXPIRED);

	/* At a time inside its validity, both accept it. */
	p.at = T2020 + 180 * 86400;
	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, true);
	assert_int_equal(r.at, T2020 + 180 * 86400);
	assert_int_equal(r.links[0].validity.result, 1);
	assert_false(has_finding(&r, PS_F_CHAIN_EXPIRED, true));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_not_yet_valid(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.nb = T2090;
	s.na = T2095;
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, false);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_NOT_YET_VALID, true));
	assert_true(has_finding(&r, PS_F_CHAIN_NOT_YET_VALID, false));
	assert_true(has_reason(&r.phone, "not valid before 2090-01-01"));
	assert_true(r.phone.gnutls_status & GNUTLS_CERT_NOT_ACTIVATED);
	assert_non_null(strstr(ps_finding_fix(PS_F_CHAIN_NOT_YET_VALID), "--at"));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_hostname_mismatch(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, "other.example.net", 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, false);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_HOSTNAME_MISMATCH, true));
	assert_true(has_finding(&r, PS_F_CHAIN_HOSTNAME_MISMATCH, false));
	assert_int_equal(r.hostname_phone.result, 0);
	assert_int_equal(r.hostname_modern.result, 0);
	assert_true(has_reason(&r.phone, "other.example.net"));
	assert_true(r.modern.gnutls_status & GNUTLS_CERT_UNEXPECTED_OWNER);

	/* A prefix of the CN is not a match, but the case does not matter. */
	p.host = "prov.example";
	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	assert_false(r.phone.accept);
	p.host = "PROV.Example.NET";
	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, true);

	/* Without a host name the name is not checked. */
	p.host = NULL;
	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, true);
	assert_int_equal(r.hostname_phone.result, -1);
	assert_int_equal(r.hostname_modern.result, -1);
	assert_null(r.host);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

/* LPG 1-13: the CN may carry "/anything" after the host name. */
static void test_cn_with_slash(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.dn = "CN=" HOST "/ops@example.net,O=Example Provider";
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, true);
	consistent(&r);
	assert_string_equal(r.certs[0].cn, HOST "/ops@example.net");
	assert_int_equal(r.hostname_phone.result, 1);
	assert_non_null(strstr(r.hostname_phone.text, "'/'"));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_cn_missing(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.dn = "O=Example Provider";
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, true);
	consistent(&r);
	assert_null(r.certs[0].cn);
	assert_true(has_finding(&r, PS_F_CHAIN_CN_MISSING, true));
	assert_false(has_finding(&r, PS_F_CHAIN_CN_MISSING, false));
	assert_int_equal(r.hostname_phone.result, 0);
	assert_int_equal(r.hostname_modern.result, 1);
	assert_true(has_reason(&r.phone, "common name"));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

/* The phone accepts a 1024-bit RSA server key (its firmware predates the
 * 2048-bit rule, and we know of no floor); the MEDIUM profile refuses it. */
static void test_weak_key(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->weak_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, false);
	consistent(&r);
	assert_int_equal(r.certs[0].key_bits, 1024);
	assert_true(has_finding(&r, PS_F_CHAIN_WEAK_KEY, false));
	assert_false(has_finding(&r, PS_F_CHAIN_WEAK_KEY, true));
	assert_int_equal(ps_finding_severity(PS_F_CHAIN_WEAK_KEY), PS_SEV_WARN);
	assert_true(has_reason(&r.modern, "1024-bit"));
	assert_true(r.modern.gnutls_status & GNUTLS_CERT_INSECURE_ALGORITHM);
	assert_int_equal(r.phone.gnutls_status, 0);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_weak_signature(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.dig = GNUTLS_DIG_SHA1;
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, false);
	consistent(&r);
	assert_string_equal(r.certs[0].sig_alg, "RSA-SHA1");
	assert_false(r.certs[0].sig_secure_for_certs);
	assert_int_equal(r.links[0].signature.result, 1);
	assert_true(has_finding(&r, PS_F_CHAIN_WEAK_SIGNATURE, false));
	assert_false(has_finding(&r, PS_F_CHAIN_WEAK_SIGNATURE, true));
	assert_true(has_reason(&r.modern, "RSA-SHA1"));
	assert_true(r.modern.gnutls_status & GNUTLS_CERT_INSECURE_ALGORITHM);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_issuer_not_ca(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.dn = "CN=server1.example.net";
	s.san = "server1.example.net";
	gnutls_x509_crt_t other = make(k, &s, k->inter_key, k->ca, k->ca_key);
	s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, other, k->inter_key);
	gnutls_x509_crt_t chain[2] = { leaf, other };
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(chain, 2, &p, &r), 0);
	expect(&r, false, false);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_ISSUER_NOT_CA, true));
	assert_true(has_finding(&r, PS_F_CHAIN_ISSUER_NOT_CA, false));
	assert_int_equal(r.links[0].issuer_source, PS_ISSUER_CHAIN);
	assert_int_equal(r.links[0].issuer_index, 1);
	assert_int_equal(r.links[0].signature.result, 1);
	assert_int_equal(r.links[0].issuer_is_ca.result, 0);
	assert_int_equal(r.links[1].issuer_source, PS_ISSUER_ANCHOR);
	assert_true(has_reason(&r.phone, "server1.example.net"));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
	gnutls_x509_crt_deinit(other);
}

static void test_missing_intermediate(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->inter, k->inter_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, false);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_MISSING_INTERMEDIATE, true));
	assert_true(has_finding(&r, PS_F_CHAIN_MISSING_INTERMEDIATE, false));
	assert_false(has_finding(&r, PS_F_CHAIN_UNTRUSTED_ROOT, true));
	assert_int_equal(r.links[0].issuer_source, PS_ISSUER_NONE);
	assert_int_equal(r.links[0].signature.result, -1);
	assert_true(has_reason(&r.phone, "Vendor Intermediate CA"));
	assert_true(r.modern.gnutls_status & GNUTLS_CERT_SIGNER_NOT_FOUND);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

/* Sent as leaf, root, intermediate: out of order, the root sent, and an
 * intermediate on the phone's path; all three clients' verdicts stand. */
static void test_out_of_order(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->inter, k->inter_key);
	gnutls_x509_crt_t chain[3] = { leaf, k->ca, k->inter };
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(chain, 3, &p, &r), 0);
	expect(&r, true, true);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_OUT_OF_ORDER, true));
	assert_true(has_finding(&r, PS_F_CHAIN_ROOT_SENT, true));
	assert_true(has_finding(&r, PS_F_CHAIN_INTERMEDIATE_PRESENT, true));
	assert_int_equal(r.links[0].issuer_source, PS_ISSUER_CHAIN);
	assert_int_equal(r.links[0].issuer_index, 2);
	assert_int_equal(r.links[2].issuer_index, 1);
	assert_int_equal(r.links[1].issuer_source, PS_ISSUER_ANCHOR);
	assert_true(r.certs[1].self_signed);
	assert_int_equal(r.links[2].path_len.result, -1);
	assert_int_equal(r.links[0].path_len.result, 1);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_root_sent(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	gnutls_x509_crt_t chain[2] = { leaf, k->ca };
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(chain, 2, &p, &r), 0);
	expect(&r, true, true);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_ROOT_SENT, true));
	assert_int_equal(ps_finding_severity(PS_F_CHAIN_ROOT_SENT), PS_SEV_INFO);
	assert_false(has_finding(&r, PS_F_CHAIN_OUT_OF_ORDER, true));
	assert_false(has_finding(&r, PS_F_CHAIN_INTERMEDIATE_PRESENT, true));
	assert_int_equal(r.links[0].issuer_source, PS_ISSUER_CHAIN);
	assert_int_equal(r.links[0].issuer_index, 1);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_self_signed(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, NULL, NULL);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, false);
	consistent(&r);
	assert_true(r.certs[0].self_signed);
	assert_true(has_finding(&r, PS_F_CHAIN_SELF_SIGNED, true));
	assert_true(has_finding(&r, PS_F_CHAIN_SELF_SIGNED, false));
	assert_false(has_finding(&r, PS_F_CHAIN_ROOT_SENT, true));
	assert_int_equal(r.links[0].issuer_source, PS_ISSUER_CHAIN);
	assert_int_equal(r.links[0].issuer_index, 0);
	assert_int_equal(r.links[0].signature.result, 1);
	assert_true(has_reason(&r.phone, "self-signed"));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_intermediate_present(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->inter, k->inter_key);
	gnutls_x509_crt_t chain[2] = { leaf, k->inter };
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(chain, 2, &p, &r), 0);
	expect(&r, true, true);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_INTERMEDIATE_PRESENT, true));
	assert_false(has_finding(&r, PS_F_CHAIN_INTERMEDIATE_PRESENT, false));
	assert_int_equal(ps_finding_severity(PS_F_CHAIN_INTERMEDIATE_PRESENT), PS_SEV_WARN);
	assert_false(has_finding(&r, PS_F_CHAIN_OUT_OF_ORDER, true));
	assert_int_equal(r.links[1].issuer_is_ca.result, 1);
	assert_int_equal(r.links[0].path_len.result, 1);
	assert_int_equal(r.certs[1].path_len, 0);
	assert_int_equal(r.certs[1].is_ca, 1);
	assert_true(has_str(r.certs[1].key_usage, r.certs[1].n_key_usage, "keyCertSign"));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

/* pathLenConstraint 0 on the root, yet an intermediate below it. */
static void test_path_len(void **state)
{
	struct pki *k = *state;
	struct spec s = ca_spec("CN=Vendor Root PL0,O=Vendor", 0);
	gnutls_x509_crt_t root = make(k, &s, k->ca_key, NULL, NULL);
	s = ca_spec("CN=Vendor Sub CA,O=Vendor", -1);
	gnutls_x509_crt_t sub = make(k, &s, k->inter_key, root, k->ca_key);
	s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, sub, k->inter_key);
	char *pem = to_pem(root);
	struct ps_trust *trust = ps_trust_new_mem(pem, pem, false);
	struct ps_chain_params p = params(k, HOST, 0);
	p.trust = trust;
	gnutls_x509_crt_t chain[2] = { leaf, sub };
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(chain, 2, &p, &r), 0);
	expect(&r, false, false);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_ISSUER_NOT_CA, true));
	assert_true(has_finding(&r, PS_F_CHAIN_ISSUER_NOT_CA, false));
	assert_int_equal(r.links[1].path_len.result, 0);
	ps_chain_report_clear(&r);
	ps_trust_free(trust);
	free(pem);
	gnutls_x509_crt_deinit(leaf);
	gnutls_x509_crt_deinit(sub);
	gnutls_x509_crt_deinit(root);
}

/* Key rollover: "Vendor Rollover CA" re-keyed signs its new key with its old
 * one, so the new CA certificate is self-issued (subject = issuer) but not
 * self-signed. The old-key CA, issued by the vendor root, permits only names
 * under example.net; the new-key CA is named outside them, which RFC 5280
 * allows for a self-issued CA (4.2.1.10). The server sends the old-key CA
 * before the new one, so the server certificate's issuer name has two
 * candidates and the key identifier picks the right one; the self-issued CA
 * is not its own issuer, and its signature verifies with the old key. */
static void test_self_issued_rollover(void **state)
{
	struct pki *k = *state;
	gnutls_x509_privkey_t old_key = gen_key(GNUTLS_PK_RSA, 2048);
	struct spec s = ca_spec("CN=Vendor Rollover CA,O=Vendor", -1);
	gnutls_x509_crt_t old_ca = make(k, &s, old_key, k->ca, k->ca_key);
	gnutls_x509_name_constraints_t nc;
	gnutls_datum_t permitted = { (unsigned char *)"example.net", 11 };
	assert_int_equal(gnutls_x509_name_constraints_init(&nc), 0);
	assert_int_equal(
	    gnutls_x509_name_constraints_add_permitted(nc, GNUTLS_SAN_DNSNAME, &permitted), 0);
	assert_int_equal(gnutls_x509_crt_set_name_constraints(old_ca, nc, 1), 0);
	assert_int_equal(gnutls_x509_crt_sign2(old_ca, k->ca, k->ca_key, GNUTLS_DIG_SHA256, 0), 0);
	gnutls_x509_name_constraints_deinit(nc);
	s.san = "rollover.example.org";
	gnutls_x509_crt_t new_ca = make(k, &s, k->inter_key, old_ca, old_key);
	s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, new_ca, k->inter_key);
	struct ps_chain_params p = params(k, HOST, 0);
	gnutls_x509_crt_t chain[3] = { leaf, old_ca, new_ca };
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(chain, 3, &p, &r), 0);
	expect(&r, true, true);
	consistent(&r);
	assert_false(has_finding(&r, PS_F_CHAIN_INVALID, false));
	assert_false(r.certs[2].self_signed);
	/* The server certificate: issued by the new-key CA, not its namesake. */
	assert_int_equal(r.links[0].issuer_source, PS_ISSUER_CHAIN);
	assert_int_equal(r.links[0].issuer_index, 2);
	assert_non_null(strstr(r.links[0].issuer_name.text, "matched by key identifier"));
	assert_int_equal(r.links[0].signature.result, 1);
	/* The self-issued CA: issued by the old-key CA, whose key verifies it. */
	assert_int_equal(r.links[2].issuer_source, PS_ISSUER_CHAIN);
	assert_int_equal(r.links[2].issuer_index, 1);
	assert_non_null(strstr(r.links[2].issuer_name.text, "matched by key identifier"));
	if (r.links[2].signature.result != 1)
		printf("# %s\n", r.links[2].signature.text);
	assert_int_equal(r.links[2].signature.result, 1);
	assert_int_equal(r.links[1].issuer_source, PS_ISSUER_ANCHOR);
	assert_string_equal(r.modern.anchor, "CN=Vendor Server CA,O=Vendor");
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
	gnutls_x509_crt_deinit(new_ca);
	gnutls_x509_crt_deinit(old_ca);
	gnutls_x509_privkey_deinit(old_key);
}

/* The phone requires the name to resolve to the address it connected to. */
static void test_connected_address(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	static const char *const addrs[] = { "192.0.2.10", "2001:db8::1" };
	struct ps_chain_params p = params(k, HOST, 0);
	p.host_addrs = addrs;
	p.n_host_addrs = 2;
	p.connected_addr = "198.51.100.7";
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, true);
	consistent(&r);
	assert_true(has_finding(&r, PS_F_CHAIN_HOSTNAME_MISMATCH, true));
	assert_false(has_finding(&r, PS_F_CHAIN_HOSTNAME_MISMATCH, false));
	assert_int_equal(r.hostname_phone.result, 0);
	assert_true(has_reason(&r.phone, "198.51.100.7"));

	p.connected_addr = "2001:db8:0:0::1"; /* another spelling of the second */
	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, true);
	assert_int_equal(r.hostname_phone.result, 1);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

/* The same report with or without the memo: verdicts, reasons, findings,
 * name checks and the certificates' fingerprints. */
static void same_report(const struct ps_chain_report *a, const struct ps_chain_report *b)
{
	assert_int_equal(a->at, b->at);
	assert_int_equal(a->n_certs, b->n_certs);
	for (size_t i = 0; i < a->n_certs; i++)
		assert_string_equal(a->certs[i].sha256, b->certs[i].sha256);
	for (int k = 0; k < 2; k++) {
		const struct ps_chain_verdict *va = k ? &a->modern : &a->phone;
		const struct ps_chain_verdict *vb = k ? &b->modern : &b->phone;
		assert_int_equal(va->accept, vb->accept);
		assert_int_equal(va->gnutls_status, vb->gnutls_status);
		assert_int_equal(va->n_reasons, vb->n_reasons);
		for (size_t i = 0; i < va->n_reasons; i++)
			assert_string_equal(va->reasons[i], vb->reasons[i]);
	}
	assert_int_equal(a->hostname_phone.result, b->hostname_phone.result);
	assert_string_equal(a->hostname_phone.text, b->hostname_phone.text);
	assert_int_equal(a->n_findings, b->n_findings);
	for (size_t i = 0; i < a->n_findings; i++) {
		assert_int_equal(a->findings[i].id, b->findings[i].id);
		assert_string_equal(a->findings[i].detail, b->findings[i].detail);
	}
}

/* The memo gives what a fresh analysis gives, and tells apart everything
 * the report depends on: the chain, the time, the name, the addresses. */
static void test_memo(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.nb = T2020;
	s.na = T2021;
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	gnutls_x509_crt_t path[2] = { leaf, k->inter };
	static const char *const addrs[] = { "192.0.2.10" };
	struct ps_chain_memo *m = ps_chain_memo_new();
	struct ps_chain_report fresh = { 0 }, memo = { 0 };
	struct {
		time_t at;
		const char *host, *connected;
		size_t n;
	} cases[] = {
		{ T2020 + 86400, HOST, "192.0.2.10", 1 },
		{ T2020 + 86400, HOST, "192.0.2.10", 1 }, /* again: from the memo */
		{ T2020 + 86400, HOST, "198.51.100.7", 1 },
		{ T2020 + 86400, "other.example.net", "192.0.2.10", 1 },
		{ T2021 + 86400, HOST, "192.0.2.10", 1 },
		{ T2020 + 86400, HOST, "192.0.2.10", 2 },
		{ T2020 + 86400, NULL, NULL, 1 },
		{ T2020 + 86400, HOST, "192.0.2.10", 1 }, /* the first, still kept */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ps_chain_params p = params(k, cases[i].host, cases[i].at);
		p.connected_addr = cases[i].connected;
		p.host_addrs = cases[i].connected ? addrs : NULL;
		p.n_host_addrs = cases[i].connected ? 1 : 0;
		int rc = analyse(path, cases[i].n, &p, &fresh);
		p.memo = m;
		assert_int_equal(analyse(path, cases[i].n, &p, &memo), rc);
		same_report(&fresh, &memo);
	}
	/* Now (at 0) is the second it was read at, memo or not. */
	struct ps_chain_params p = params(k, HOST, 0);
	p.memo = m;
	assert_int_equal(analyse(&leaf, 1, &p, &memo), 0);
	assert_true(memo.at > T2021);
	assert_true(has_finding(&memo, PS_F_CHAIN_EXPIRED, true));
	ps_chain_report_clear(&fresh);
	ps_chain_report_clear(&memo);
	ps_chain_memo_free(m);
	ps_chain_memo_free(NULL);
	gnutls_x509_crt_deinit(leaf);
}

/* Signature checks are remembered for the process (engine/chain.c): an
 * impostor CA with the vendor CA's name and another key must not inherit
 * the vendor CA's answers, nor the other way round, whichever comes first. */
static void test_signature_answers(void **state)
{
	struct pki *k = *state;
	struct spec cs = ca_spec("CN=Vendor Server CA,O=Vendor", -1);
	gnutls_x509_crt_t impostor = make(k, &cs, k->inter_key, NULL, NULL);
	char *pem = to_pem(impostor);
	struct ps_trust *other = ps_trust_new_mem(pem, pem, false);
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	gnutls_x509_crt_t fake = make(k, &s, k->leaf_key, impostor, k->inter_key);
	struct {
		gnutls_x509_crt_t crt;
		const struct ps_trust *trust;
		bool accept;
	} cases[] = {
		{ leaf, k->trust, true }, { leaf, other, false },    { leaf, k->trust, true },
		{ fake, other, true },    { fake, k->trust, false }, { fake, other, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ps_chain_params p = params(k, HOST, 0);
		p.trust = cases[i].trust;
		struct ps_chain_report r = { 0 };
		assert_int_equal(analyse(&cases[i].crt, 1, &p, &r), 0);
		expect(&r, cases[i].accept, cases[i].accept);
		if (r.links[0].issuer_source == PS_ISSUER_ANCHOR)
			assert_int_equal(r.links[0].signature.result, cases[i].accept ? 1 : 0);
		else
			assert_false(cases[i].accept);
		ps_chain_report_clear(&r);
	}
	ps_trust_free(other);
	free(pem);
	gnutls_x509_crt_deinit(fake);
	gnutls_x509_crt_deinit(leaf);
	gnutls_x509_crt_deinit(impostor);
}

static void test_ec_key_phone(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.ku = GNUTLS_KEY_DIGITAL_SIGNATURE;
	gnutls_x509_crt_t leaf = make(k, &s, k->ec_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, true);
	consistent(&r);
	assert_string_equal(r.certs[0].key_type, "EC");
	assert_int_equal(r.certs[0].key_bits, 256);
	assert_true(has_finding(&r, PS_F_CHAIN_UNSUPPORTED_KEY, true));
	assert_false(has_finding(&r, PS_F_CHAIN_UNSUPPORTED_KEY, false));
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static void test_key_purpose(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	s.eku = GNUTLS_KP_TLS_WWW_CLIENT;
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, true, false);
	consistent(&r);
	assert_true(has_str(r.certs[0].ext_key_usage, r.certs[0].n_ext_key_usage, "clientAuth"));
	assert_true(has_finding(&r, PS_F_CHAIN_KEY_USAGE, false));
	assert_true(r.modern.gnutls_status & GNUTLS_CERT_PURPOSE_MISMATCH);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

/* Without --ca the phone's trust is unknown: not accepted, but no error. */
static void test_no_phone_anchors(void **state)
{
	struct pki *k = *state;
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	struct ps_trust *modern_only = ps_trust_new_mem(NULL, k->ca_pem, false);
	struct ps_chain_params p = params(k, HOST, 0);
	p.trust = modern_only;
	struct ps_chain_report r = { 0 };

	assert_int_equal(analyse(&leaf, 1, &p, &r), 0);
	expect(&r, false, true);
	assert_true(has_reason(&r.phone, "--ca"));
	for (size_t i = 0; i < r.n_findings; i++)
		assert_false(r.findings[i].phone &&
			     ps_finding_severity(r.findings[i].id) == PS_SEV_ERROR);
	assert_int_equal(r.hostname_phone.result, 1);
	ps_chain_report_clear(&r);
	ps_trust_free(modern_only);
	gnutls_x509_crt_deinit(leaf);
}

static void test_unreadable(void **state)
{
	struct pki *k = *state;
	struct ps_chain_params p = params(k, HOST, 0);
	struct ps_chain_report r = { 0 };
	unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	gnutls_datum_t d = { junk, sizeof junk };

	assert_true(ps_chain_analyse(&d, 1, &p, &r) < 0);
	assert_int_equal(r.n_certs, 0);
	assert_false(r.phone.accept);
	assert_false(r.modern.accept);
	assert_true(r.phone.n_reasons > 0);
	assert_true(has_finding(&r, PS_F_CHAIN_INVALID, true));

	assert_true(ps_chain_analyse(NULL, 0, &p, &r) < 0);
	assert_true(has_reason(&r.phone, "no certificate"));

	/* A good leaf followed by junk: the leaf is analysed, the chain fails. */
	struct spec s = leaf_spec();
	gnutls_x509_crt_t leaf = make(k, &s, k->leaf_key, k->ca, k->ca_key);
	gnutls_datum_t two[2];
	assert_int_equal(gnutls_x509_crt_export2(leaf, GNUTLS_X509_FMT_DER, &two[0]), 0);
	two[1] = d;
	assert_int_equal(ps_chain_analyse(two, 2, &p, &r), 0);
	assert_int_equal(r.n_certs, 1);
	expect(&r, false, false);
	assert_true(has_reason(&r.phone, "certificate 2"));
	gnutls_free(two[0].data);
	ps_chain_report_clear(&r);
	gnutls_x509_crt_deinit(leaf);
}

static char *data_path(const char *name)
{
	const char *dir = getenv("PS_TEST_DATA");
	return ps_xasprintf("%s/x509/%s", dir && *dir ? dir : "tests/data", name);
}

static char *slurp(const char *file)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return NULL;
	struct ps_buf b = { 0 };
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ps_buf_add(&b, chunk, n);
	fclose(f);
	return ps_buf_take(&b);
}

/* "2021-04-19T18:00:00Z" or "...+00:00" -> time_t (UTC). */
static time_t parse_time(const char *s)
{
	struct tm tm = { 0 };
	if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void test_load_pem_file(void **state)
{
	struct pki *k = *state;
	gnutls_datum_t *der = NULL;
	size_t n = 0;
	char *err = NULL;
	char *file = data_path("badssl/wildcard-expired.pem");

	assert_int_equal(ps_chain_load_pem_file(file, &der, &n, &err), 0);
	assert_null(err);
	assert_int_equal(n, 3);
	assert_int_equal(der[0].data[0], 0x30);
	ps_chain_der_free(der, n);
	free(file);

	assert_int_equal(ps_chain_load_pem_file("/nonexistent/chain.pem", &der, &n, &err),
			 GNUTLS_E_FILE_ERROR);
	assert_non_null(err);
	assert_null(der);
	free(err);

	/* One DER certificate is read too. */
	char tmpl[] = "/tmp/test_chain_XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	gnutls_datum_t d;
	assert_int_equal(gnutls_x509_crt_export2(k->ca, GNUTLS_X509_FMT_DER, &d), 0);
	assert_int_equal(write(fd, d.data, d.size), (ssize_t)d.size);
	close(fd);
	assert_int_equal(ps_chain_load_pem_file(tmpl, &der, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(der[0].size, d.size);
	ps_chain_der_free(der, n);
	gnutls_free(d.data);

	/* Text that is no certificate fails with a message. */
	FILE *f = fopen(tmpl, "w");
	assert_non_null(f);
	fputs("not a certificate\n", f);
	fclose(f);
	assert_true(ps_chain_load_pem_file(tmpl, &der, &n, &err) < 0);
	assert_non_null(err);
	free(err);
	unlink(tmpl);
}

/* The loader from memory, which the file loader uses: PEM and DER, and
 * the name given in the message for bytes that hold no certificate. */
static void test_load_pem_mem(void **state)
{
	struct pki *k = *state;
	gnutls_datum_t *der = NULL;
	size_t n = 0;
	char *err = NULL;
	char *file = data_path("badssl/wildcard-expired.pem");
	unsigned char *text = NULL;
	size_t len = 0;
	assert_true(ps_read_file(file, 1 << 20, &text, &len, &err));
	assert_int_equal(ps_chain_load_pem(text, len, "mem", &der, &n, &err), 0);
	assert_null(err);
	assert_int_equal(n, 3);
	ps_chain_der_free(der, n);
	free(text);
	free(file);

	gnutls_datum_t d;
	assert_int_equal(gnutls_x509_crt_export2(k->ca, GNUTLS_X509_FMT_DER, &d), 0);
	assert_int_equal(ps_chain_load_pem(d.data, d.size, "mem", &der, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(der[0].data, d.data, d.size);
	ps_chain_der_free(der, n);
	/* A truncated DER certificate is no certificate. */
	assert_true(ps_chain_load_pem(d.data, d.size / 2, "half.der", &der, &n, &err) < 0);
	assert_null(der);
	assert_int_equal(n, 0);
	assert_non_null(err);
	assert_string_equal(err, "half.der: it is neither PEM (no '-----BEGIN CERTIFICATE-----' "
				 "line) nor a DER certificate");
	free(err);
	gnutls_free(d.data);
}

/* Real chains from badssl.com, copied into tests/data/x509 (cases.tsv). */
static void test_badssl_data(void **state)
{
	(void)state;
	char *file = data_path("cases.tsv");
	char *tsv = slurp(file);
	assert_non_null(tsv);
	free(file);
	int cases = 0;
	char *save = NULL;
	for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], root[128], host[128], at[64], expected[16], finding[64];
		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%127s %127s %127s %63s %15s %63s", name, root, host,
					at, expected, finding),
				 6);
		gnutls_datum_t *der = NULL;
		size_t n = 0;
		char *err = NULL;
		char *chain_file = data_path(name), *root_file = data_path(root);
		assert_int_equal(ps_chain_load_pem_file(chain_file, &der, &n, &err), 0);
		char *anchors = slurp(root_file);
		assert_non_null(anchors);
		struct ps_trust *trust = ps_trust_new_mem(NULL, anchors, false);
		struct ps_chain_params p = {
			.trust = trust,
			.host = host,
			.at = parse_time(at),
		};
		struct ps_chain_report r = { 0 };
		assert_int_equal(ps_chain_analyse(der, n, &p, &r), 0);
		bool want = strcmp(expected, "accept") == 0;
		printf("# %s at %s: modern %s (expected %s)\n", name, at,
		       r.modern.accept ? "accept" : "reject", expected);
		if (r.modern.accept != want)
			dump(&r);
		assert_int_equal(r.modern.accept, want);
		if (strcmp(finding, "-") != 0)
			assert_true(has_finding(&r, ps_finding_lookup(finding), false));
		consistent(&r);
		cases++;
		ps_chain_report_clear(&r);
		ps_trust_free(trust);
		ps_chain_der_free(der, n);
		free(anchors);
		free(chain_file);
		free(root_file);
	}
	assert_true(cases >= 4);
	free(tsv);
}

/* The team's corpus, when PS_CORPUS_DIR points at it (it is not in the
 * repository, so CI passes this with a note). */
static int corpus_badssl(const char *dir, int *mismatch)
{
	char *file = ps_xasprintf("%s/badssl-prod-chains/badssl-reference-verdicts.tsv", dir);
	char *tsv = slurp(file);
	free(file);
	if (!tsv)
		return 0;
	char *roots = NULL;
	{
		static const char *const names[] = { "COMODO_RSA_Certification_Authority.pem",
						     "DigiCert_Global_Root_CA.pem",
						     "DigiCert_High_Assurance_EV_Root_CA.pem" };
		struct ps_buf b = { 0 };
		for (size_t i = 0; i < 3; i++) {
			char *f = ps_xasprintf("%s/badssl-prod-chains/roots/%s", dir, names[i]);
			char *pem = slurp(f);
			if (pem)
				ps_buf_puts(&b, pem);
			free(pem);
			free(f);
		}
		roots = ps_buf_take(&b);
	}
	int cases = 0;
	char *save = NULL;
	bool header = true;
	for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *col[10] = { 0 };
		size_t nc = 0;
		for (char *c = line; nc < 10; nc++) {
			col[nc] = c;
			char *tab = strchr(c, '\t');
			if (!tab) {
				nc++;
				break;
			}
			*tab = '\0';
			c = tab + 1;
		}
		if (header || nc < 9) {
			header = false;
			continue;
		}
		const char *sem = col[7];
		bool want;
		if (strcmp(sem, "SUCCESS") == 0 || strcmp(sem, "SUCCESS/FAILURE") == 0)
			want = true; /* revocation is not checked */
		else if (strcmp(sem, "FAILURE") == 0 || strcmp(sem, "POLICY") == 0)
			want = false;
		else
			continue; /* SUCCESS*: depends on a distrusted root's removal */
		/* A FAILURE that openssl passes at mid-validity fails only later. */
		time_t at = strcmp(sem, "FAILURE") == 0 && strcmp(col[8], "OK") == 0
				? time(NULL)
				: parse_time(col[2]);
		char *chain_file = ps_xasprintf("%s/badssl-prod-chains/%s", dir, col[0]);
		gnutls_datum_t *der = NULL;
		size_t n = 0;
		char *err = NULL;
		if (ps_chain_load_pem_file(chain_file, &der, &n, &err) < 0) {
			printf("# %s: %s\n", col[0], err);
			free(err);
			free(chain_file);
			(*mismatch)++;
			continue;
		}
		struct ps_trust *trust = ps_trust_new_mem(NULL, roots, false);
		struct ps_chain_params p = {
			.trust = trust,
			.host = col[1],
			.at = at,
		};
		struct ps_chain_report r = { 0 };
		ps_chain_analyse(der, n, &p, &r);
		printf("# badssl %-48s modern %s, expected %s%s\n", col[0],
		       r.modern.accept ? "accept" : "reject", want ? "accept" : "reject",
		       r.modern.accept == want ? "" : "  MISMATCH");
		if (r.modern.accept != want) {
			(*mismatch)++;
			dump(&r);
		} else if (!want) {
			for (size_t i = 0; i < r.n_findings; i++)
				if (r.findings[i].modern)
					printf("#   %s: %s\n", ps_finding_name(r.findings[i].id),
					       r.findings[i].detail);
		}
		cases++;
		ps_chain_report_clear(&r);
		ps_trust_free(trust);
		ps_chain_der_free(der, n);
		free(chain_file);
	}
	free(roots);
	free(tsv);
	return cases;
}

/* PEM text -> DER, appended to `der`. */
static void pem_to_der(const char *pem, gnutls_datum_t *der, size_t *n)
{
	gnutls_datum_t in = { (unsigned char *)(uintptr_t)pem, (unsigned)strlen(pem) };
	gnutls_datum_t out;
	assert_int_equal(gnutls_pem_base64_decode2("CERTIFICATE", &in, &out), 0);
	der[*n].data = ps_xmalloc(out.size);
	memcpy(der[*n].data, out.data, out.size);
	der[*n].size = out.size;
	(*n)++;
	gnutls_free(out.data);
}

static int corpus_limbo(const char *dir, int *mismatch)
{
	char *file = ps_xasprintf("%s/limbo/limbo-ddc40b4-rsa-only-subset.json", dir);
	json_error_t jerr;
	json_t *root = json_load_file(file, 0, &jerr);
	free(file);
	if (!root)
		return 0;
	int cases = 0;
	size_t i;
	json_t *tc;
	json_array_foreach(json_object_get(root, "testcases"), i, tc)
	{
		const char *id = json_string_value(json_object_get(tc, "id"));
		json_t *features = json_object_get(tc, "features");
		json_t *depth = json_object_get(tc, "max_chain_depth");
		if ((features && !json_is_null(features)) || (depth && !json_is_null(depth))) {
			printf("# limbo %s: skipped (features or depth limit not implemented)\n",
			       id);
			continue;
		}
		gnutls_datum_t der[16];
		size_t n = 0;
		pem_to_der(json_string_value(json_object_get(tc, "peer_certificate")), der, &n);
		size_t k;
		json_t *pem;
		json_array_foreach(json_object_get(tc, "untrusted_intermediates"), k, pem)
		{
			if (n < 16)
				pem_to_der(json_string_value(pem), der, &n);
		}
		struct ps_buf anchors = { 0 };
		json_array_foreach(json_object_get(tc, "trusted_certs"), k, pem)
		{
			ps_buf_puts(&anchors, json_string_value(pem));
			ps_buf_puts(&anchors, "\n");
		}
		char *anchor_pem = ps_buf_take(&anchors);
		json_t *name = json_object_get(tc, "expected_peer_name");
		const char *vt = json_string_value(json_object_get(tc, "validation_time"));
		struct ps_trust *trust = ps_trust_new_mem(NULL, anchor_pem, false);
		struct ps_chain_params p = {
			.trust = trust,
			.host = json_is_object(name)
				    ? json_string_value(json_object_get(name, "value"))
				    : NULL,
			.at = vt ? parse_time(vt) : 0,
		};
		struct ps_chain_report r = { 0 };
		ps_chain_analyse(der, n, &p, &r);
		bool want = strcmp(json_string_value(json_object_get(tc, "expected_result")),
				   "SUCCESS") == 0;
		printf("# limbo %-52s modern %s, expected %s%s\n", id,
		       r.modern.accept ? "accept" : "reject", want ? "accept" : "reject",
		       r.modern.accept == want ? "" : "  MISMATCH");
		if (r.modern.accept != want) {
			(*mismatch)++;
			dump(&r);
		} else if (!want) {
			for (size_t f = 0; f < r.n_findings; f++)
				if (r.findings[f].modern)
					printf("#   %s: %s\n", ps_finding_name(r.findings[f].id),
					       r.findings[f].detail);
		}
		cases++;
		ps_chain_report_clear(&r);
		ps_trust_free(trust);
		for (size_t d = 0; d < n; d++)
			free(der[d].data);
		free(anchor_pem);
	}
	json_decref(root);
	return cases;
}

static void test_corpus(void **state)
{
	(void)state;
	const char *dir = getenv("PS_CORPUS_DIR");
	if (!dir || !*dir) {
		printf("# PS_CORPUS_DIR is not set: the corpus checks pass without running "
		       "(set it to .../shared/corpus/x509 to run them)\n");
		return;
	}
	int mismatch = 0;
	int cases = corpus_badssl(dir, &mismatch);
	cases += corpus_limbo(dir, &mismatch);
	printf("# corpus: %d cases, %d mismatches\n", cases, mismatch);
	assert_true(cases > 0);
	assert_int_equal(mismatch, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_direct),
		cmocka_unit_test(test_modern_untrusted_root),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_hostname_mismatch),
		cmocka_unit_test(test_cn_with_slash),
		cmocka_unit_test(test_cn_missing),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_weak_signature),
		cmocka_unit_test(test_issuer_not_ca),
		cmocka_unit_test(test_missing_intermediate),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_root_sent),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_intermediate_present),
		cmocka_unit_test(test_path_len),
		cmocka_unit_test(test_self_issued_rollover),
		cmocka_unit_test(test_connected_address),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_signature_answers),
		cmocka_unit_test(test_ec_key_phone),
		cmocka_unit_test(test_key_purpose),
		cmocka_unit_test(test_no_phone_anchors),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_load_pem_file),
		cmocka_unit_test(test_load_pem_mem),
		cmocka_unit_test(test_badssl_data),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
