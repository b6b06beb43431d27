/* ClientHellos from priority strings and back (see offer.h). */
#include "config.h"

#include "engine/offer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <gnutls/gnutls.h>

#include "core/util.h"
#include "tlswire/hellodiff.h"

struct sample {
	struct ps_buf out;
};

static ssize_t keep_push(gnutls_transport_ptr_t ptr, const void *data, size_t n)
{
	struct sample *s = ptr;
	if (s->out.len < 65536)
		ps_buf_add(&s->out, data, n);
	return (ssize_t)n;
}

static ssize_t none_pull(gnutls_transport_ptr_t ptr, void *data, size_t n)
{
	(void)ptr, (void)data, (void)n;
	errno = EAGAIN;
	return -1;
}

static int none_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	(void)ptr, (void)ms;
	return 0;
}

bool ps_offer_sample(const char *priority, const char *server_name, struct ps_client_hello *out,
		     char **err)
{
	memset(out, 0, sizeof *out);
	gnutls_session_t s = NULL;
	gnutls_certificate_credentials_t cred = NULL;
	struct sample sm = { { 0 } };
	const char *pos = NULL;
	bool ok = false;
	int rc = gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL | GNUTLS_NONBLOCK);
	if (rc >= 0)
		rc = gnutls_priority_set_direct(s, priority, &pos);
	if (rc < 0) {
		*err = ps_xasprintf("priority string '%s': %s%s%s", priority, gnutls_strerror(rc),
				    pos ? " at " : "", pos ? pos : "");
		goto done;
	}
	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred) < 0) {
		*err = ps_xstrdup("GnuTLS could not make a client session");
		goto done;
	}
	if (server_name)
		gnutls_server_name_set(s, GNUTLS_NAME_DNS, server_name, strlen(server_name));
	gnutls_transport_set_ptr(s, &sm);
	gnutls_transport_set_push_function(s, keep_push);
	gnutls_transport_set_pull_function(s, none_pull);
	gnutls_transport_set_pull_timeout_function(s, none_pull_timeout);
	rc = gnutls_handshake(s);
	/* the first record: a handshake record holding the ClientHello */
	const unsigned char *b = (const unsigned char *)sm.out.s;
	size_t rec = sm.out.len >= 5 ? (size_t)b[3] << 8 | b[4] : 0;
	if (sm.out.len < 9 || b[0] != 22 || b[5] != 1 || rec + 5 > sm.out.len) {
		*err = ps_xasprintf("GnuTLS sends no ClientHello with priority '%s'%s%s", priority,
				    rc < 0 && rc != GNUTLS_E_AGAIN ? ": " : "",
				    rc < 0 && rc != GNUTLS_E_AGAIN ? gnutls_strerror(rc) : "");
		goto done;
	}
	size_t hs = (size_t)b[6] << 16 | (size_t)b[7] << 8 | b[8];
	if (hs + 4 > rec || !ps_parse_client_hello(b + 9, hs, out)) {
		*err = ps_xstrdup("GnuTLS's ClientHello does not decode");
		goto done;
	}
	ok = true;
done:
	if (s)
		gnutls_deinit(s);
	if (cred)
		gnutls_certificate_free_credentials(cred);
	ps_buf_free(&sm.out);
	return ok;
}

/* IANA values of the groups and signature algorithms, and their names as
 * GnuTLS priority keywords ("+GROUP-X25519", "+SIGN-RSA-SHA256"). */
static const struct {
	unsigned id;
	const char *name;
} groups[] = {
	{ 23, "SECP256R1" },	{ 24, "SECP384R1" },   { 25, "SECP521R1" },
	{ 29, "X25519" },	{ 30, "X448" },	       { 0x100, "FFDHE2048" },
	{ 0x101, "FFDHE3072" }, { 0x102, "FFDHE4096" }, { 0x103, "FFDHE6144" },
	{ 0x104, "FFDHE8192" },
},
  sigs[] = {
	  { 0x0401, "RSA-SHA256" },
	  { 0x0501, "RSA-SHA384" },
	  { 0x0601, "RSA-SHA512" },
	  { 0x0201, "RSA-SHA1" },
	  { 0x0301, "RSA-SHA224" },
	  { 0x0101, "RSA-MD5" },
	  { 0x0403, "ECDSA-SHA256" },
	  { 0x0503, "ECDSA-SHA384" },
	  { 0x0603, "ECDSA-SHA512" },
	  { 0x0303, "ECDSA-SHA224" },
	  { 0x0203, "ECDSA-SHA1" },
	  { 0x0804, "RSA-PSS-RSAE-SHA256" },
	  { 0x0805, "RSA-PSS-RSAE-SHA384" },
	  { 0x0806, "RSA-PSS-RSAE-SHA512" },
	  { 0x0807, "EdDSA-Ed25519" },
	  { 0x0808, "EdDSA-Ed448" },
	  { 0x0809, "RSA-PSS-SHA256" },
	  { 0x080a, "RSA-PSS-SHA384" },
	  { 0x080b, "RSA-PSS-SHA512" },
	  { 0x0402, "DSA-SHA256" },
	  { 0x0202, "DSA-SHA1" },
	  { 0x0302, "DSA-SHA224" },
  };

/* Append "+PREFIX-NAME" once: a token already in the string is left. */
static void token(struct ps_buf *b, const char *prefix, const char *name)
{
	char t[64];
	snprintf(t, sizeof t, ":+%s%s:", prefix, name);
	size_t n = strlen(t);
	/* the string always ends in ':' while being built */
	if (b->s && (strstr(b->s, t) || strncmp(b->s, t + 1, n - 1) == 0))
		return;
	ps_buf_add(b, t + 1, n - 1);
}

/* Whether this GnuTLS knows a priority keyword ("%NO_STATUS_REQUEST"
 * came after 3.7). */
static bool keyword_ok(const char *kw)
{
	char *t = ps_xasprintf("NORMAL:%s", kw);
	gnutls_priority_t p;
	bool ok = gnutls_priority_init(&p, t, NULL) >= 0;
	if (ok)
		gnutls_priority_deinit(p);
	free(t);
	return ok;
}

static bool has_ext(const struct ps_client_hello *ch, unsigned id)
{
	for (size_t i = 0; i < ch->n_extensions; i++)
		if (ch->extensions[i] == id)
			return true;
	return false;
}

char *ps_offer_priority(const struct ps_client_hello *ch, bool *sni)
{
	struct ps_buf b = { 0 };
	ps_buf_puts(&b, "NONE:");
	/* versions: those of supported_versions, else every one from TLS 1.0
	 * up to the hello's (the lowest is not on the wire) */
	static const struct {
		unsigned v;
		const char *name;
	} vers[] = { { 0x0304, "VERS-TLS1.3" },
		     { 0x0303, "VERS-TLS1.2" },
		     { 0x0302, "VERS-TLS1.1" },
		     { 0x0301, "VERS-TLS1.0" } };
	bool any = false;
	for (size_t i = 0; i < ch->n_versions; i++)
		for (size_t k = 0; k < sizeof vers / sizeof vers[0]; k++)
			if (ch->versions[i] == vers[k].v)
				token(&b, "", vers[k].name), any = true;
	for (size_t k = 0; !any && k < sizeof vers / sizeof vers[0]; k++)
		if (vers[k].v <= ch->max_version)
			token(&b, "", vers[k].name);
	/* key exchanges, ciphers and MACs in the order they first appear:
	 * GnuTLS orders its suites by key exchange, then cipher, then MAC */
	struct ps_buf kx = { 0 }, ci = { 0 }, mac = { 0 };
	for (size_t i = 0; i < ch->n_suites; i++) {
		unsigned char id[2];
		gnutls_kx_algorithm_t k;
		gnutls_cipher_algorithm_t c;
		gnutls_mac_algorithm_t m;
		gnutls_protocol_t min;
		const char *name;
		for (size_t idx = 0; (name = gnutls_cipher_suite_info(idx, id, &k, &c, &m, &min));
		     idx++) {
			if (((unsigned)id[0] << 8 | id[1]) != ch->suites[i])
				continue;
			const char *kn = gnutls_kx_get_name(k), *cn = gnutls_cipher_get_name(c),
				   *mn = gnutls_mac_get_name(m);
			if (kn)
				token(&kx, "", kn);
			if (cn)
				token(&ci, "", cn);
			if (mn)
				token(&mac, "", mn);
			break;
		}
	}
	for (struct ps_buf *part[] = { &kx, &ci, &mac }, **p = part; p < part + 3; p++)
		if ((*p)->s)
			ps_buf_puts(&b, (*p)->s);
	bool ecdhe = kx.s && strstr(kx.s, "ECDHE");
	ps_buf_free(&kx), ps_buf_free(&ci), ps_buf_free(&mac);
	ps_buf_puts(&b, "+COMP-NULL:");
	size_t n_groups = 0;
	for (size_t i = 0; i < ch->n_groups; i++)
		for (size_t k = 0; k < sizeof groups / sizeof groups[0]; k++)
			if (ch->groups[i] == groups[k].id)
				token(&b, "GROUP-", groups[k].name), n_groups++;
	if (!n_groups && (ecdhe || ch->max_version >= 0x0304))
		ps_buf_puts(&b, "+GROUP-ALL:");
	size_t n_sigs = 0;
	for (size_t i = 0; i < ch->n_sig_algs; i++)
		for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
			if (ch->sig_algs[i] == sigs[k].id)
				token(&b, "SIGN-", sigs[k].name), n_sigs++;
	if (!n_sigs)
		ps_buf_puts(&b, "+SIGN-ALL:");
	b.s[--b.len] = '\0'; /* the last ':' */
	size_t n_ext = 0;
	for (size_t i = 0; i < ch->n_extensions; i++)
		n_ext += !ps_grease(ch->extensions[i]);
	*sni = has_ext(ch, 0);
	if (!n_ext) {
		ps_buf_puts(&b, ":%NO_EXTENSIONS");
	} else {
		/* the extensions GnuTLS sends unless told not to, and the
		 * keyword that tells it (when this GnuTLS has it) */
		static const struct {
			unsigned ext;
			const char *kw;
		} off[] = { { 35, "%NO_TICKETS" },
			    { 22, "%NO_ETM" },
			    { 23, "%NO_SESSION_HASH" },
			    { 5, "%NO_STATUS_REQUEST" },
			    { 0xff01, "%DISABLE_SAFE_RENEGOTIATION" } };
		for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
			if (!has_ext(ch, off[i].ext) && keyword_ok(off[i].kw))
				ps_buf_printf(&b, ":%s", off[i].kw);
	}
	return ps_buf_take(&b);
}

char *ps_offer_unplayable(const struct ps_client_hello *ch, const char *priority, bool sni)
{
	struct ps_client_hello made;
	char *err = NULL;
	if (!ps_offer_sample(priority, sni ? "provisioning.example" : NULL, &made, &err)) {
		char *s = ps_xasprintf("GnuTLS cannot make this offer at all (%s)", err);
		free(err);
		return s;
	}
	struct ps_buf why = { 0 };
	unsigned d = ps_hello_diff(ch, &made, "the phone", PS_DIFF_SCSV | PS_DIFF_THOROUGH, &why);
	ps_client_hello_free(&made);
	if (!d) {
		ps_buf_free(&why);
		return NULL;
	}
	return ps_buf_take(&why);
}
