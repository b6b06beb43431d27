/* The phone's TLS session (see tls.h).
 *
 * Wire order comes from a tap on the transport: every byte that crosses the
 * socket goes through a passive record reader (tlswire.c), which names
 * plaintext handshake messages, ChangeCipherSpec and alerts. During the
 * handshake the tap reads ahead of GnuTLS: a receive takes all the socket
 * holds (GnuTLS asks for one record header or body at a time), and before
 * each send whatever arrived meanwhile is read, so a server's alert that
 * came between two of the phone's records is listed between them, and
 * records GnuTLS never gets to (a ServerHelloDone after a refused
 * Certificate) are listed too. GnuTLS is then served from that queue.
 * Handshake hooks name what the reader cannot see: messages sent or
 * received under encryption (Finished, TLS 1.3 flights). Each message is
 * reported once: a hook that matches a message the reader already saw in
 * plaintext adds nothing. */
#include "config.h"

#include "engine/tls.h"

#include "model/scan.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/pem.h"
#include "core/util.h"
#include "engine/net.h"
#include "engine/offer.h"
#include "phone/catalogue.h"
#include "tlswire/tlsnames.h"
#include "tlswire/tlswire.h"

struct ps_tls_creds {
	gnutls_pcert_st *pcerts;
	unsigned n_pcerts;
	gnutls_privkey_t key;
	gnutls_datum_t issuer_dn; /* raw DER issuer of the leaf */
	char *subject, *issuer;
};

static char *crt_dn(gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
			: gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (rc < 0)
		return ps_xstrdup("(unreadable)");
	char *s = ps_xstrndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

/* Creds from PEM in memory; `cname` and `kname` name them in errors. */
static int retrieve_fn(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		       const gnutls_pk_algorithm_t *pk, int npk, gnutls_pcert_st **pcert,
		       unsigned *npcert, gnutls_privkey_t *key);

/* Whether the device key belongs to the first certificate: the IDs of
 * their public keys compared, with no private-key operation (GnuTLS's own
 * check, when a key is set on credentials, signs and verifies test data:
 * a quarter of the CPU of a one-hop pass). */
static bool key_matches(const struct ps_tls_creds *c)
{
	unsigned char a[64], b[64];
	size_t na = sizeof a, nb = sizeof b;
	gnutls_pubkey_t pub = NULL;
	bool ok =
	    gnutls_pubkey_init(&pub) >= 0 && gnutls_pubkey_import_privkey(pub, c->key, 0, 0) >= 0 &&
	    gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, a, &na) >= 0 &&
	    gnutls_pubkey_get_key_id(c->pcerts[0].pubkey, GNUTLS_KEYID_USE_SHA256, b, &nb) >= 0 &&
	    na == nb && memcmp(a, b, na) == 0;
	gnutls_pubkey_deinit(pub);
	return ok;
}

/* The certificate credentials of every session: none of their own, the
 * phone's certificate and key handed over by retrieve_fn from the
 * session's creds. One for the process (read-only once made, so sessions
 * on several threads share it): a storm's passes in flight do not each
 * carry GnuTLS's credentials and trust list. */
static gnutls_certificate_credentials_t shared_cred;
static int shared_cred_rc;
static pthread_once_t shared_cred_once = PTHREAD_ONCE_INIT;

static void shared_cred_make(void)
{
	shared_cred_rc = gnutls_certificate_allocate_credentials(&shared_cred);
	if (shared_cred_rc >= 0)
		gnutls_certificate_set_retrieve_function2(shared_cred, retrieve_fn);
}

static struct ps_tls_creds *creds_from(const gnutls_datum_t *cd, const gnutls_datum_t *kd,
				       const char *cname, const char *kname, char **err)
{
	pthread_once(&shared_cred_once, shared_cred_make);
	if (shared_cred_rc < 0) {
		*err = ps_xasprintf("GnuTLS: %s", gnutls_strerror(shared_cred_rc));
		return NULL;
	}
	struct ps_tls_creds *c = ps_xcalloc(1, sizeof *c);
	int rc;
	if (!cd)
		return c;
	unsigned n = 16;
	c->pcerts = ps_xcalloc(n, sizeof *c->pcerts);
	bool pem = ps_pem_has(cd->data, cd->size, "CERTIFICATE");
	rc = gnutls_pcert_list_import_x509_raw(c->pcerts, &n, cd,
					       pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
	if (rc < 0 || n == 0) {
		*err = ps_xasprintf("device certificate %s: %s", cname,
				    ps_pem_problem(cd->data, cd->size, PS_PEM_CERT, rc));
		ps_tls_creds_free(c);
		return NULL;
	}
	c->n_pcerts = n;
	gnutls_privkey_init(&c->key);
	/* PEM, or a DER key (openssl's -outform DER), as for the certificate. */
	bool key_pem = ps_pem_has(kd->data, kd->size, "PRIVATE KEY") ||
		       ps_pem_has(kd->data, kd->size, "CERTIFICATE") || !kd->size;
	rc = gnutls_privkey_import_x509_raw(
	    c->key, kd, key_pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, NULL, 0);
	if (rc < 0) {
		if (kd == cd || strcmp(kname, cname) == 0)
			*err = ps_xasprintf("device certificate %s holds no private key: give the "
					    "file of its key (for --devices, in a key column) "
					    "with --key",
					    cname);
		else
			*err = ps_xasprintf("device key %s: %s", kname,
					    ps_pem_problem(kd->data, kd->size, PS_PEM_KEY, rc));
		ps_tls_creds_free(c);
		return NULL;
	}
	if (!key_matches(c)) {
		*err = ps_xasprintf("device certificate %s and key %s: %s", cname, kname,
				    ps_pem_problem(kd->data, kd->size, PS_PEM_KEY,
						   GNUTLS_E_CERTIFICATE_KEY_MISMATCH));
		ps_tls_creds_free(c);
		return NULL;
	}
	gnutls_x509_crt_t crt;
	gnutls_x509_crt_init(&crt);
	if (gnutls_x509_crt_import(crt, &c->pcerts[0].cert, GNUTLS_X509_FMT_DER) >= 0) {
		c->subject = crt_dn(crt, false);
		c->issuer = crt_dn(crt, true);
		gnutls_x509_crt_get_raw_issuer_dn(crt, &c->issuer_dn);
	}
	gnutls_x509_crt_deinit(crt);
	return c;
}

struct ps_tls_creds *ps_tls_creds_new(const char *cert, const char *key, char **err)
{
	if (!cert)
		return creds_from(NULL, NULL, NULL, NULL, err);
	if (!key)
		key = cert;
	unsigned char *cdata = NULL, *kdata = NULL;
	size_t clen = 0, klen = 0;
	char *why = NULL;
	/* Capped: a certificate and a key, not /dev/zero. */
	if (!ps_read_file(cert, PS_PEM_FILE_MAX, &cdata, &clen, &why) ||
	    !ps_read_file(key, PS_PEM_FILE_MAX, &kdata, &klen, &why)) {
		*err = ps_xasprintf("device %s %s", cdata ? "key" : "certificate", why);
		free(why);
		free(cdata);
		return NULL;
	}
	gnutls_datum_t cd = { cdata, (unsigned)clen }, kd = { kdata, (unsigned)klen };
	struct ps_tls_creds *c = creds_from(&cd, &kd, cert, key, err);
	free(cdata);
	free(kdata);
	return c;
}

struct ps_tls_creds *ps_tls_creds_new_mem(const char *cert_pem, const char *key_pem, char **err)
{
	gnutls_datum_t cd = { (unsigned char *)cert_pem, (unsigned)strlen(cert_pem) };
	gnutls_datum_t kd = { (unsigned char *)key_pem, (unsigned)strlen(key_pem) };
	return creds_from(&cd, &kd, "(minted)", "(minted)", err);
}

bool ps_tls_creds_has_cert(const struct ps_tls_creds *c)
{
	return c && c->n_pcerts > 0;
}

void ps_tls_creds_free(struct ps_tls_creds *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n_pcerts; i++)
		gnutls_pcert_deinit(&c->pcerts[i]);
	free(c->pcerts);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	gnutls_free(c->issuer_dn.data);
	free(c->subject);
	free(c->issuer);
	free(c);
}

bool ps_tls_priority_check(const char *priority, char **err)
{
	gnutls_priority_t p;
	const char *pos = NULL;
	int rc = gnutls_priority_init(&p, priority, &pos);
	if (rc < 0) {
		*err = ps_xasprintf("priority string '%s': %s%s%s", priority, gnutls_strerror(rc),
				    pos ? " at " : "", pos ? pos : "");
		return false;
	}
	gnutls_priority_deinit(p);
	return true;
}

/* --- this host's policy ------------------------------------------------------- */

/* The system policy file GnuTLS read at start (GNUTLS_SYSTEM_PRIORITY_FILE
 * or the built-in path), or NULL when there is none. */
static const char *policy_file(void)
{
	const char *f = gnutls_get_system_config_file();
	return f && *f && access(f, F_OK) == 0 ? f : NULL;
}

/* The lines of the policy file that forbid or limit something, quoted
 * with their numbers ("'disabled-version = tls1.0' (line 2)"), at most 6;
 * empty when none is recognised. */
static void policy_lines(const char *file, struct ps_buf *b)
{
	static const char *const keys[] = { "disabled-",
					    "tls-disabled-",
					    "insecure-",
					    "secure-",
					    "enabled-version",
					    "override-mode",
					    "min-verification-profile" };
	unsigned char *data = NULL;
	size_t len = 0;
	char *why = NULL;
	if (!ps_read_file(file, 1 << 20, &data, &len, &why)) {
		free(why);
		return;
	}
	unsigned n = 0, line = 0;
	for (char *save = NULL, *l = strtok_r((char *)data, "\n", &save); l && n < 6;
	     l = strtok_r(NULL, "\n", &save)) {
		line++;
		l += strspn(l, " \t");
		size_t e = strlen(l);
		while (e && (l[e - 1] == ' ' || l[e - 1] == '\t' || l[e - 1] == '\r'))
			l[--e] = '\0';
		bool hit = false;
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			hit |= strncmp(l, keys[k], strlen(keys[k])) == 0;
		if (hit && e < 120)
			ps_buf_printf(b, "%s'%s' (line %u)", n++ ? ", " : "", l, line);
	}
	free(data);
}

/* "; the policy in FILE ('...' (line 2)) forbids it for every program on
 * this host. Fix: ..." or, without a policy file, what GnuTLS said. */
static void policy_fix(struct ps_buf *b, const char *what, const char *gnutls_said, bool with_fix)
{
	const char *file = policy_file();
	if (!file) {
		ps_buf_printf(b, "; this GnuTLS (%s) cannot offer %s%s%s",
			      gnutls_check_version(NULL), what, gnutls_said ? ": " : "",
			      gnutls_said ? gnutls_said : "");
		return;
	}
	struct ps_buf lines = { 0 };
	policy_lines(file, &lines);
	ps_buf_printf(b, "; this host's GnuTLS policy (%s%s%s%s) forbids %s for every program",
		      file, lines.s ? ": " : "", lines.s ? lines.s : "",
		      lines.s ? "" : ", no line of it named", what);
	if (with_fix)
		ps_buf_puts(
		    b, ". Fix: run provscope with GNUTLS_SYSTEM_PRIORITY_FILE=/dev/null in "
		       "its environment (only provscope then ignores the policy), or allow "
		       "TLS 1.0, RSA key exchange, SHA-1 and the phones' ciphers in that file");
	ps_buf_free(&lines);
}

char *ps_tls_local_policy(const char *who, const char *priority, const char *phone_suites,
			  bool with_fix, bool *fatal)
{
	*fatal = false;
	gnutls_priority_t p;
	const char *pos = NULL;
	int rc = gnutls_priority_init(&p, priority, &pos);
	struct ps_buf b = { 0 };
	if (rc < 0) {
		*fatal = true;
		ps_buf_printf(&b, "cannot make the offer %s makes (%s)", who, phone_suites);
		policy_fix(&b, "it", gnutls_strerror(rc), with_fix);
		return ps_buf_take(&b);
	}
	gnutls_priority_deinit(p);
	/* the suites of the ClientHello GnuTLS makes with it, under this
	 * host's policy (TLS 1.3 ones included, a learned model's) */
	struct ps_client_hello made;
	char *e = NULL;
	if (!ps_offer_sample(priority, NULL, &made, &e))
		memset(&made, 0, sizeof made);
	free(e);
	unsigned missing = 0, wanted = 0;
	struct ps_buf names = { 0 };
	size_t len;
	for (const char *at = NULL, *w; (w = ps_suite_words_next(phone_suites, &at, &len));) {
		wanted++;
		bool found = false;
		for (size_t i = 0; i < made.n_suites && !found; i++) {
			const char *name = ps_suite_name(made.suites[i]);
			found = name && strlen(name) == len && strncmp(name, w, len) == 0;
		}
		if (!found)
			ps_buf_printf(&names, "%s%.*s", missing++ ? ", " : "", (int)len, w);
	}
	ps_client_hello_free(&made);
	if (!missing) {
		ps_buf_free(&names);
		return NULL;
	}
	*fatal = missing == wanted;
	if (*fatal)
		ps_buf_printf(&b,
			      "cannot make the offer %s makes: none of its suites "
			      "(%s) can be offered",
			      who, names.s);
	else
		ps_buf_printf(&b,
			      "the offer is not %s's: this host cannot offer %u of its %u suites "
			      "(%s); a server that takes only those fails here although the phone "
			      "would get through, and the suite agreed may not be the phone's",
			      who, missing, wanted, names.s);
	policy_fix(&b, "them", NULL, with_fix);
	ps_buf_free(&names);
	return ps_buf_take(&b);
}

const char *ps_tls_library_version(void)
{
	return gnutls_check_version(NULL);
}

/* Whether `priority` initialises and offers at least one suite. */
static bool can_offer(const char *priority)
{
	struct ps_tls_suite_def *d = NULL;
	size_t n = ps_tls_priority_suites(priority, &d);
	free(d);
	return n > 0;
}

char *ps_tls_local_capabilities(void)
{
#define PS_TLS_BASE "NONE:+COMP-NULL:+SIGN-ALL:+VERS-TLS1.0:"
	static const struct {
		const char *what, *priority;
	} probes[] = {
		{ "TLS 1.0", PS_TLS_BASE "+KX-ALL:+CIPHER-ALL:+ARCFOUR-128:+MAC-ALL:+MD5" },
		{ "RSA key exchange", PS_TLS_BASE "+VERS-TLS1.2:+RSA:+CIPHER-ALL:+ARCFOUR-128:"
						  "+MAC-ALL:+MD5" },
		{ "AES-CBC with SHA-1", PS_TLS_BASE "+VERS-TLS1.2:+KX-ALL:+AES-256-CBC:"
						    "+AES-128-CBC:+SHA1" },
		{ "RC4", PS_TLS_BASE "+VERS-TLS1.2:+KX-ALL:+ARCFOUR-128:+SHA1:+MD5" },
		{ "DHE", PS_TLS_BASE "+VERS-TLS1.2:+DHE-RSA:+CIPHER-ALL:+MAC-ALL" },
	};
#undef PS_TLS_BASE
	struct ps_buf b = { 0 };
	const char *file = policy_file();
	const char *env = getenv("GNUTLS_SYSTEM_PRIORITY_FILE");
	ps_buf_printf(&b, "GnuTLS system policy: %s%s\n", file ? file : "none",
		      file && env && *env ? " (GNUTLS_SYSTEM_PRIORITY_FILE)" : "");
	ps_buf_puts(&b, "This host can offer what the phones need:\n");
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
		ps_buf_printf(&b, "  %-20s %s\n", probes[i].what,
			      can_offer(probes[i].priority) ? "yes" : "no");
	return ps_buf_take(&b);
}

size_t ps_tls_priority_suites(const char *priority, struct ps_tls_suite_def **out)
{
	*out = NULL;
	gnutls_priority_t p;
	if (gnutls_priority_init(&p, priority, NULL) < 0)
		return 0;
	size_t n = 0, cap = 0;
	unsigned sidx;
	for (unsigned i = 0;; i++) {
		int rc = gnutls_priority_get_cipher_suite_index(p, i, &sidx);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0)
			continue; /* not for this build or version */
		unsigned char id[2];
		gnutls_kx_algorithm_t kx;
		gnutls_cipher_algorithm_t cipher;
		gnutls_mac_algorithm_t mac;
		gnutls_protocol_t min;
		if (!gnutls_cipher_suite_info(sidx, id, &kx, &cipher, &mac, &min))
			continue;
		const char *kn = gnutls_kx_get_name(kx), *cn = gnutls_cipher_get_name(cipher),
			   *mn = gnutls_mac_get_name(mac);
		if (!kn || !cn || !mn)
			continue; /* TLS 1.3 suites name no key exchange */
		*out = ps_xgrow(*out, &cap, n + 1, sizeof **out);
		struct ps_tls_suite_def *d = &(*out)[n++];
		d->id = (unsigned)id[0] << 8 | id[1];
		snprintf(d->kx, sizeof d->kx, "%s", kn);
		snprintf(d->cipher, sizeof d->cipher, "%s", cn);
		snprintf(d->mac, sizeof d->mac, "%s", mn);
	}
	gnutls_priority_deinit(p);
	return n;
}

enum { MAX_PENDING = 32 };

struct run {
	gnutls_session_t s;
	int fd;
	const struct ps_tls_params *p;
	struct ps_tls_info *info;   /* NULL in probe mode */
	struct ps_client_auth *ca;  /* NULL in probe mode */
	struct ps_tls_probe *probe; /* probe mode only */
	struct ps_wire wire;
	bool tap; /* reading the wire (during the handshake) */
	/* Bytes read from the socket (and tapped) that GnuTLS has not pulled
	 * yet; then what ended the stream, kept until GnuTLS gets there. */
	unsigned char *inq;
	size_t inq_off, inq_len, inq_cap;
	bool in_eof;
	int in_err;
	double deadline;
	bool timed_out, peer_closed, not_tls;
	int sock_err;
	unsigned version; /* negotiated wire version, 0 before ServerHello */
	/* Matching hooks to wire messages, per direction and message type. */
	unsigned plain_unmatched[2][256];
	unsigned pending_out[MAX_PENDING];
	size_t pending_len[MAX_PENDING];
	char *pending_info[MAX_PENDING]; /* a renegotiation's, from the hook; owned */
	size_t n_pending_out;
	bool seen_server_hello, seen_shd, sent_cke;
	long enc_alert_in; /* index of the last encrypted alert received */
	int last_alert_level, last_alert_desc;
	int in_fatal_alert;        /* description of a plaintext fatal alert received, -1 if none */
	bool chain_rejected;       /* the phone rejected the server's chain */
	bool nonblock;             /* receives say EAGAIN rather than wait (the pump) */
	gnutls_datum_t *leaf;      /* ps_tls_sni_leaf: where the server's leaf goes */
	unsigned round;            /* 0 the first handshake, n the n-th renegotiation */
	gnutls_datum_t first_leaf; /* the server's certificate in the first handshake */
	struct ps_scan_hello *hello; /* ps_tls_hello: what the server's first flight says */
	bool hello_stop;             /* ...which is complete: the handshake ends here */
};

static double elapsed(const struct run *r)
{
	return ps_now_ms() - r->p->t0_ms;
}

static void add_msg(struct run *r, enum ps_dir dir, const char *type, size_t len, bool enc,
		    char *info_owned, int level, int desc)
{
	if (!r->info) {
		free(info_owned);
		return;
	}
	struct ps_tls_info *t = r->info;
	t->msgs = ps_xgrow(t->msgs, &t->cap_msgs, t->n_msgs + 1, sizeof *t->msgs);
	struct ps_tls_msg *m = &t->msgs[t->n_msgs++];
	m->dir = dir;
	m->type = ps_xstrdup(type);
	m->t_ms = elapsed(r);
	m->length = len;
	m->encrypted = enc;
	m->info = info_owned;
	m->round = r->round;
	m->alert_level = level;
	m->alert_desc = desc;
	if (r->p->sink) {
		struct ps_detail d = { .kind = PS_DETAIL_TLS_MSG, .msg = m };
		ps_sink_detail(r->p->sink, r->p->hop, &d);
	}
}

static char *alert_text(int level, int desc)
{
	const char *name = desc >= 0 ? ps_alert_name((unsigned)desc) : NULL;
	const char *lv = level == 2 ? "fatal" : level == 1 ? "warning" : "level ?";
	if (name)
		return ps_xasprintf("%s %s (%d)", lv, name, desc);
	return ps_xasprintf("%s alert %d", lv, desc);
}

static char *suite_text(unsigned id)
{
	const char *n = ps_suite_name(id);
	return n ? ps_xstrdup(n) : ps_xasprintf("0x%04X", id);
}

static char *version_text(unsigned v)
{
	const char *n = ps_version_name(v);
	return n ? ps_xstrdup(n) : ps_xasprintf("0x%04X", v);
}

static char *extension_text(unsigned id)
{
	const char *n = ps_extension_name(id);
	return n ? ps_xstrdup(n) : ps_xasprintf("0x%04X", id);
}

/* "no extensions", or "2 extensions: server_name, renegotiation_info". */
static char *extensions_text(const unsigned *ids, size_t n)
{
	if (!n)
		return ps_xstrdup("no extensions");
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%zu extension%s:", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		char *e = extension_text(ids[i]);
		ps_buf_printf(&b, "%s %s", i ? "," : "", e);
		free(e);
	}
	return ps_buf_take(&b);
}

static void pending_remove(struct run *r, unsigned type, bool *found)
{
	*found = false;
	for (size_t i = 0; i < r->n_pending_out; i++) {
		if (r->pending_out[i] != type)
			continue;
		memmove(&r->pending_out[i], &r->pending_out[i + 1],
			(r->n_pending_out - i - 1) * sizeof r->pending_out[0]);
		memmove(&r->pending_len[i], &r->pending_len[i + 1],
			(r->n_pending_out - i - 1) * sizeof r->pending_len[0]);
		free(r->pending_info[i]);
		memmove(&r->pending_info[i], &r->pending_info[i + 1],
			(r->n_pending_out - i - 1) * sizeof r->pending_info[0]);
		r->n_pending_out--;
		*found = true;
		return;
	}
}

static void pending_emit(struct run *r, bool all)
{
	size_t n = all ? r->n_pending_out : (r->n_pending_out ? 1 : 0);
	for (size_t i = 0; i < n; i++) {
		const char *name = ps_handshake_name(r->pending_out[i]);
		add_msg(r, PS_DIR_OUT, name ? name : "Handshake", r->pending_len[i], true,
			r->pending_info[i], 0, -1);
	}
	memmove(r->pending_out, r->pending_out + n,
		(r->n_pending_out - n) * sizeof r->pending_out[0]);
	memmove(r->pending_len, r->pending_len + n,
		(r->n_pending_out - n) * sizeof r->pending_len[0]);
	memmove(r->pending_info, r->pending_info + n,
		(r->n_pending_out - n) * sizeof r->pending_info[0]);
	r->n_pending_out -= n;
}

static char *describe_handshake(struct run *r, enum ps_dir dir, const struct ps_wire_event *ev)
{
	switch (ev->hs_type) {
	case 1: {
		struct ps_client_hello ch;
		if (!ps_parse_client_hello(ev->body, ev->len, &ch))
			return ps_xstrdup("malformed");
		char *v = version_text(ch.version);
		char *e = extensions_text(ch.extensions, ch.n_extensions);
		char *s = ps_xasprintf("%s, %zu cipher suite%s, %s", v, ch.n_suites,
				       ch.n_suites == 1 ? "" : "s", e);
		free(e);
		free(v);
		if (r->info && dir == PS_DIR_OUT && !r->info->n_offered) {
			r->info->offered = ps_xcalloc(ch.n_suites, sizeof *r->info->offered);
			for (size_t i = 0; i < ch.n_suites; i++) {
				r->info->offered[i].id = ch.suites[i];
				r->info->offered[i].name = suite_text(ch.suites[i]);
			}
			r->info->n_offered = ch.n_suites;
			bool sni = false;
			for (size_t i = 0; i < ch.n_extensions; i++)
				sni |= ch.extensions[i] == 0;
			free(r->info->sni);
			r->info->sni = sni ? ps_xstrdup(r->p->server_name) : NULL;
		}
		ps_client_hello_free(&ch);
		return s;
	}
	case 2: {
		struct ps_server_hello sh;
		if (!ps_parse_server_hello(ev->body, ev->len, &sh))
			return ps_xstrdup("malformed");
		r->seen_server_hello = true;
		r->version = sh.real_version;
		char *v = version_text(sh.real_version);
		char *su = suite_text(sh.suite);
		char *e = extensions_text(sh.extensions, sh.n_extensions);
		char *s = ps_xasprintf("%s, %s, %s", v, su, e);
		free(e);
		if (r->info) {
			struct ps_tls_info *t = r->info;
			free(t->version);
			free(t->cipher_suite);
			t->version = v;
			t->cipher_suite = su;
			t->suite_id = sh.suite;
			for (size_t i = 0; i < t->n_extensions; i++)
				free(t->extensions[i].name);
			free(t->extensions);
			t->extensions = ps_xcalloc(sh.n_extensions, sizeof *t->extensions);
			for (size_t i = 0; i < sh.n_extensions; i++) {
				t->extensions[i].id = sh.extensions[i];
				t->extensions[i].name = extension_text(sh.extensions[i]);
			}
			t->n_extensions = sh.n_extensions;
		} else {
			free(v);
			free(su);
		}
		ps_server_hello_free(&sh);
		return s;
	}
	case 11: {
		if (r->version >= 0x0304)
			return NULL;
		long n = ps_parse_certificate_count(ev->body, ev->len);
		if (n < 0)
			return ps_xstrdup("malformed");
		if (dir == PS_DIR_IN && r->info)
			r->info->server_certs = (size_t)n;
		if (dir == PS_DIR_OUT && r->ca)
			r->ca->sent = n > 0;
		if (n == 0)
			return ps_xstrdup("empty: no certificate");
		return ps_xasprintf("%ld certificate%s", n, n == 1 ? "" : "s");
	}
	case 13: {
		struct ps_cert_request cr;
		if (!ps_parse_cert_request(ev->body, ev->len, r->version >= 0x0303, &cr))
			return ps_xstrdup("malformed");
		struct ps_buf b = { 0 };
		ps_buf_puts(&b, "types");
		for (size_t i = 0; i < cr.n_types; i++) {
			const char *n = ps_cert_type_name(cr.types[i]);
			char *t = n ? ps_xstrdup(n) : ps_xasprintf("type_%u", cr.types[i]);
			ps_buf_printf(&b, "%s%s", i ? ", " : " ", t);
			if (r->ca) {
				r->ca->cert_types = ps_xrealloc(
				    r->ca->cert_types, (r->ca->n_cert_types + 1) * sizeof(char *));
				r->ca->cert_types[r->ca->n_cert_types++] = t;
			} else {
				free(t);
			}
		}
		ps_buf_printf(&b, "; %zu CA name%s", cr.n_cas, cr.n_cas == 1 ? "" : "s");
		ps_cert_request_free(&cr);
		return ps_buf_take(&b);
	}
	case 14:
		r->seen_shd = true;
		return NULL;
	case 16:
		r->sent_cke = true;
		return NULL;
	}
	return NULL;
}

/* A hello probe reads the server's first flight off the wire and stops the
 * handshake once it is complete (ServerHelloDone; the ServerHello of TLS
 * 1.3, whose rest is encrypted). */
static void hello_saw(struct run *r, const struct ps_wire_event *ev)
{
	struct ps_scan_hello *h = r->hello;
	switch (ev->hs_type) {
	case 2: {
		struct ps_server_hello sh;
		if (!ps_parse_server_hello(ev->body, ev->len, &sh))
			return;
		h->answered = true;
		free(h->version);
		free(h->cipher_suite);
		h->version = version_text(sh.real_version);
		h->suite_id = sh.suite;
		h->cipher_suite = suite_text(sh.suite);
		r->version = sh.real_version;
		r->hello_stop |= sh.real_version >= 0x0304;
		ps_server_hello_free(&sh);
		return;
	}
	case 11: {
		const unsigned char *der;
		size_t len;
		if (r->version >= 0x0304 || h->leaf_sha256 ||
		    !ps_parse_first_certificate(ev->body, ev->len, &der, &len))
			return;
		gnutls_x509_crt_t crt;
		gnutls_datum_t d = { (unsigned char *)(uintptr_t)der, (unsigned)len };
		if (gnutls_x509_crt_init(&crt) < 0)
			return;
		if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) >= 0) {
			gnutls_datum_t dn = { NULL, 0 };
			if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
				h->leaf_subject = ps_xstrndup((const char *)dn.data, dn.size);
				gnutls_free(dn.data);
			}
		}
		gnutls_x509_crt_deinit(crt);
		unsigned char fp[32];
		size_t fl = sizeof fp;
		if (gnutls_fingerprint(GNUTLS_DIG_SHA256, &d, fp, &fl) >= 0) {
			h->leaf_sha256 = ps_xmalloc(2 * fl + 1);
			ps_hex(fp, fl, h->leaf_sha256);
		}
		return;
	}
	case 12:
		if (h->cipher_suite && strstr(h->cipher_suite, "_DHE_"))
			h->dh_bits = ps_parse_dhe_bits(ev->body, ev->len);
		return;
	case 13: {
		struct ps_cert_request cr;
		if (!ps_parse_cert_request(ev->body, ev->len, r->version >= 0x0303, &cr))
			return;
		h->cert_requested = true;
		ps_strv_free(h->ca_names, h->n_ca_names);
		h->ca_names = ps_xcalloc(cr.n_cas + 1, sizeof *h->ca_names);
		h->n_ca_names = cr.n_cas;
		for (size_t i = 0; i < cr.n_cas; i++) {
			gnutls_datum_t raw = { (unsigned char *)(uintptr_t)cr.cas[i].der,
					       (unsigned)cr.cas[i].len };
			gnutls_datum_t str = { NULL, 0 };
			if (gnutls_x509_rdn_get2(&raw, &str, 0) >= 0) {
				h->ca_names[i] = ps_xstrndup((const char *)str.data, str.size);
				gnutls_free(str.data);
			} else {
				h->ca_names[i] = ps_xstrdup("(unreadable name)");
			}
		}
		ps_cert_request_free(&cr);
		return;
	}
	case 14:
		r->hello_stop = true;
		return;
	}
}

static void on_wire(void *ctx, enum ps_dir dir, const struct ps_wire_event *ev)
{
	struct run *r = ctx;
	if (r->hello && dir == PS_DIR_IN) {
		if (ev->kind == PS_WIRE_HANDSHAKE)
			hello_saw(r, ev);
		else if (ev->kind == PS_WIRE_ALERT && ev->len >= 2 && ev->body[0] == 2 &&
			 r->hello->alert < 0)
			r->hello->alert = ev->body[1];
	}
	switch (ev->kind) {
	case PS_WIRE_HANDSHAKE: {
		bool found = false;
		if (dir == PS_DIR_OUT)
			pending_remove(r, ev->hs_type, &found);
		if (!found)
			r->plain_unmatched[dir][ev->hs_type & 255]++;
		char *info = describe_handshake(r, dir, ev);
		const char *name = ps_handshake_name(ev->hs_type);
		char other[32];
		if (!name) {
			snprintf(other, sizeof other, "Handshake(%u)", ev->hs_type);
			name = other;
		}
		add_msg(r, dir, name, ev->len, false, info, 0, -1);
		/* The offer is known now: views that show the run as it goes
		 * get it before the ServerHello (the whole record comes at the
		 * hop's end). */
		if (dir == PS_DIR_OUT && ev->hs_type == 1 && r->round == 0 && r->info &&
		    r->p->sink) {
			struct ps_detail d = { .kind = PS_DETAIL_TLS, .tls = r->info };
			ps_sink_detail(r->p->sink, r->p->hop, &d);
		}
		break;
	}
	case PS_WIRE_ENC_HANDSHAKE:
		if (dir == PS_DIR_OUT)
			pending_emit(r, r->version >= 0x0304);
		break;
	case PS_WIRE_APPDATA:
		if (dir == PS_DIR_OUT && r->version >= 0x0304)
			pending_emit(r, true);
		break;
	case PS_WIRE_CCS:
		add_msg(r, dir, "ChangeCipherSpec", ev->len, false, NULL, 0, -1);
		break;
	case PS_WIRE_ALERT: {
		int level = ev->len >= 1 ? ev->body[0] : 0;
		int desc = ev->len >= 2 ? ev->body[1] : -1;
		if (r->info) {
			/* The first alert each way is the one that matters. */
			if (dir == PS_DIR_IN && r->info->alert_received < 0)
				r->info->alert_received = desc;
			else if (dir == PS_DIR_OUT && r->info->alert_sent < 0)
				r->info->alert_sent = desc;
		}
		r->last_alert_level = level;
		r->last_alert_desc = desc;
		/* The first fatal alert is the reason; a server may send more
		 * (gnutls-serv follows access_denied with bad_certificate). */
		if (dir == PS_DIR_IN && level == 2 && r->in_fatal_alert < 0)
			r->in_fatal_alert = desc;
		add_msg(r, dir, "Alert", ev->len, false, alert_text(level, desc), level, desc);
		break;
	}
	case PS_WIRE_ENC_ALERT:
		add_msg(r, dir, "Alert", ev->len, true, ps_xstrdup("encrypted"), 0, -1);
		if (dir == PS_DIR_IN && r->info)
			r->enc_alert_in = (long)r->info->n_msgs - 1;
		break;
	case PS_WIRE_NOT_TLS: {
		/* GnuTLS reads a 5-byte header first; peek at what follows so the
		 * quote is a whole line ("HTTP/1.1 400 Bad Request"). */
		unsigned char seen[128];
		size_t have = ev->len < 64 ? ev->len : 64;
		memcpy(seen, ev->body, have);
		if (dir == PS_DIR_IN) {
			ssize_t more =
			    recv(r->fd, seen + have, sizeof seen - have, MSG_PEEK | MSG_DONTWAIT);
			if (more > 0)
				have += (size_t)more;
		}
		char text[80];
		size_t k = 0;
		for (size_t i = 0; i < have && k + 1 < sizeof text; i++) {
			unsigned char c = seen[i];
			if (c == '\r' || c == '\n')
				break;
			text[k++] = (c >= 32 && c < 127) ? (char)c : '.';
		}
		text[k] = '\0';
		if (dir == PS_DIR_IN)
			r->not_tls = true;
		add_msg(r, dir, "NotTLS", ev->len, false, ps_xasprintf("\"%s\"", text), 0, -1);
		break;
	}
	}
}

static int hook_fn(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
		   const gnutls_datum_t *msg)
{
	struct run *r = gnutls_session_get_ptr(s);
	if (when != GNUTLS_HOOK_POST || htype > 255)
		return 0;
	enum ps_dir dir = incoming ? PS_DIR_IN : PS_DIR_OUT;
	if (r->plain_unmatched[dir][htype]) {
		r->plain_unmatched[dir][htype]--;
		return 0;
	}
	/* A renegotiation's messages are all encrypted: the hook describes
	 * them, as the wire does a first handshake's. */
	char *info = NULL;
	if (r->round > 0 && msg) {
		struct ps_wire_event ev = { .kind = PS_WIRE_HANDSHAKE,
					    .hs_type = htype,
					    .body = msg->data,
					    .len = msg->size };
		info = describe_handshake(r, dir, &ev);
	}
	if (dir == PS_DIR_OUT) {
		if (r->n_pending_out < MAX_PENDING) {
			r->pending_len[r->n_pending_out] = msg ? msg->size : 0;
			r->pending_info[r->n_pending_out] = info;
			r->pending_out[r->n_pending_out++] = htype;
		} else {
			free(info);
		}
		return 0;
	}
	const char *name = ps_handshake_name(htype);
	if (htype == 11 && r->info && r->version >= 0x0304 && msg) {
		/* the peers are not yet the session's */
		long c = ps_parse_certificate_count13(msg->data, msg->size);
		size_t n = c > 0 ? (size_t)c : 0;
		r->info->server_certs = n;
		info = ps_xasprintf("%zu certificate%s", n, n == 1 ? "" : "s");
	}
	add_msg(r, PS_DIR_IN, name ? name : "Handshake", msg ? msg->size : 0, true, info, 0, -1);
	return 0;
}

/* The probe only needs the server's choice, taken from its ServerHello. */
static int probe_hook_fn(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
			 const gnutls_datum_t *msg)
{
	struct run *r = gnutls_session_get_ptr(s);
	struct ps_server_hello sh;
	if (when != GNUTLS_HOOK_POST || !incoming || htype != GNUTLS_HANDSHAKE_SERVER_HELLO)
		return 0;
	if (!ps_parse_server_hello(msg->data, msg->size, &sh))
		return 0;
	free(r->probe->version);
	free(r->probe->cipher_suite);
	free(r->probe->kx);
	r->probe->version = version_text(sh.real_version);
	r->probe->cipher_suite = suite_text(sh.suite);
	const char *kx = gnutls_kx_get_name(gnutls_kx_get(s));
	r->probe->kx = ps_xstrdup(sh.real_version >= 0x0304 ? "ECDHE/DHE (TLS 1.3)" : kx);
	ps_server_hello_free(&sh);
	return 0;
}

static bool datum_same(const gnutls_datum_t *a, const gnutls_datum_t *b)
{
	return a->size == b->size && a->data && b->data && memcmp(a->data, b->data, a->size) == 0;
}

/* `*d` = a copy of `s` (gnutls_malloc, for gnutls_free). */
static void copy_datum(gnutls_datum_t *d, const gnutls_datum_t *s)
{
	d->data = gnutls_malloc(s->size ? s->size : 1);
	if (!d->data)
		abort(); /* out of memory, as in ps_xmalloc */
	memcpy(d->data, s->data, s->size);
	d->size = s->size;
}

static int verify_fn(gnutls_session_t s)
{
	struct run *r = gnutls_session_get_ptr(s);
	unsigned n = 0;
	const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &n);
	if (r->leaf && n > 0 && !r->leaf->data)
		copy_datum(r->leaf, &certs[0]);
	if (!r->info)
		return 0; /* the probes do not judge the chain */
	if (r->round > 0 && n > 0 && datum_same(&certs[0], &r->first_leaf))
		return 0; /* a renegotiation: the chain the phone judged already */
	if (r->round == 0 && n > 0 && !r->first_leaf.data)
		copy_datum(&r->first_leaf, &certs[0]);
	r->info->server_certs = n;
	if (r->p->on_certs && !r->p->on_certs(r->p->on_certs_ctx, certs, n)) {
		r->chain_rejected = true;
		return -1;
	}
	return 0;
}

static int retrieve_fn(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		       const gnutls_pk_algorithm_t *pk, int npk, gnutls_pcert_st **pcert,
		       unsigned *npcert, gnutls_privkey_t *key)
{
	(void)pk;
	(void)npk;
	struct run *r = gnutls_session_get_ptr(s);
	const struct ps_tls_creds *c = r->p->creds;
	bool have = c && c->n_pcerts;
	if (r->ca) {
		r->ca->requested = true;
		/* A renegotiation asks again: its request is the one that counts. */
		ps_strv_free(r->ca->acceptable_cas, r->ca->n_acceptable_cas);
		r->ca->acceptable_cas = NULL;
		r->ca->n_acceptable_cas = 0;
		for (int i = 0; i < nreqs; i++) {
			gnutls_datum_t str = { NULL, 0 };
			char *dn;
			if (gnutls_x509_rdn_get2(&req_ca_rdn[i], &str, 0) >= 0) {
				dn = ps_xstrndup((const char *)str.data, str.size);
				gnutls_free(str.data);
			} else {
				dn = ps_xstrdup("(unreadable name)");
			}
			r->ca->acceptable_cas =
			    ps_xrealloc(r->ca->acceptable_cas, ((size_t)i + 1) * sizeof(char *));
			r->ca->acceptable_cas[i] = dn;
			r->ca->n_acceptable_cas = (size_t)i + 1;
		}
		if (have && nreqs > 0) {
			r->ca->issuer_accepted = 0;
			for (int i = 0; i < nreqs; i++)
				if (req_ca_rdn[i].size == c->issuer_dn.size &&
				    memcmp(req_ca_rdn[i].data, c->issuer_dn.data,
					   c->issuer_dn.size) == 0)
					r->ca->issuer_accepted = 1;
		}
		if (have) {
			free(r->ca->sent_subject);
			r->ca->sent_subject = ps_xstrdup(c->subject);
		}
	}
	/* Like the phone: the device certificate goes out whatever CAs the
	 * server named. */
	*pcert = have ? c->pcerts : NULL;
	*npcert = have ? c->n_pcerts : 0;
	*key = have ? c->key : NULL;
	return 0;
}

static int wait_fd(struct run *r, short events, int ms_cap)
{
	for (;;) {
		double left = r->deadline - ps_now_ms();
		if (left <= 0)
			return 0;
		int ms = (int)(left + 1);
		if (ms_cap >= 0 && ms_cap < ms)
			ms = ms_cap;
		struct pollfd pfd = { .fd = r->fd, .events = events };
		int rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0 && ms_cap >= 0 && ms == ms_cap)
			return 0;
		return rc;
	}
}

enum { INQ_MAX = 1 << 20 }; /* read-ahead stops here (a server flooding the handshake) */

/* Read what the socket holds now, without waiting, into the queue, through
 * the tap. Stops at EOF or an error, which wait in the queue for GnuTLS. */
static void read_ready(struct run *r)
{
	while (!r->in_eof && !r->in_err && r->inq_len - r->inq_off < INQ_MAX) {
		if (r->inq_off == r->inq_len)
			r->inq_off = r->inq_len = 0;
		/* room for a flight or two: a phone's handshake is a few KB, a
		 * body comes in as curl asks for it */
		if (r->inq_cap - r->inq_len < 4096)
			r->inq = ps_xgrow(r->inq, &r->inq_cap, r->inq_len + 4096, 1);
		ssize_t n = recv(r->fd, r->inq + r->inq_len, r->inq_cap - r->inq_len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			r->in_err = errno;
			return;
		}
		if (n == 0) {
			r->in_eof = true;
			return;
		}
		ps_wire_feed(&r->wire, PS_DIR_IN, r->inq + r->inq_len, (size_t)n);
		r->inq_len += (size_t)n;
	}
}

static bool inq_ready(const struct run *r)
{
	return r->inq_off < r->inq_len || r->in_eof || r->in_err;
}

/* A send or receive failed: GnuTLS hears why. */
static ssize_t io_failed(struct run *r)
{
	r->sock_err = errno;
	gnutls_transport_set_errno(r->s, errno);
	return -1;
}

static ssize_t timed_out(struct run *r)
{
	r->timed_out = true;
	gnutls_transport_set_errno(r->s, ETIMEDOUT);
	errno = ETIMEDOUT;
	return -1;
}

/* A receive for GnuTLS: from the queue, which the tap fills during the
 * handshake, else straight from the socket. */
static ssize_t receive(struct run *r, unsigned char *data, size_t len)
{
	if (r->hello_stop) { /* a hello probe has what it came for */
		gnutls_transport_set_errno(r->s, ECANCELED);
		errno = ECANCELED;
		return -1;
	}
	while (r->tap && !inq_ready(r)) {
		if (wait_fd(r, POLLIN, -1) == 0)
			return timed_out(r);
		read_ready(r);
	}
	if (r->inq_off < r->inq_len) {
		size_t k = r->inq_len - r->inq_off < len ? r->inq_len - r->inq_off : len;
		memcpy(data, r->inq + r->inq_off, k);
		r->inq_off += k;
		return (ssize_t)k;
	}
	if (r->in_eof) {
		r->peer_closed = true;
		return 0;
	}
	if (r->in_err) {
		r->sock_err = r->in_err;
		gnutls_transport_set_errno(r->s, r->in_err);
		errno = r->in_err;
		return -1;
	}
	for (;;) {
		if (!r->nonblock && wait_fd(r, POLLIN, -1) == 0)
			return timed_out(r);
		ssize_t n = recv(r->fd, data, len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!r->nonblock)
				continue;
			gnutls_transport_set_errno(r->s, EAGAIN);
			errno = EAGAIN;
			return -1;
		}
		if (n < 0)
			return io_failed(r);
		if (n == 0)
			r->peer_closed = true;
		return n;
	}
}

/* A send for GnuTLS, waiting within the run's timeout: what GnuTLS has
 * queued (a whole flight of the handshake: Certificate, ClientKeyExchange,
 * CertificateVerify, ChangeCipherSpec, Finished) leaves in one write, not
 * a write (and a TCP segment, and a wake-up of the server) per record; the
 * records are the same either way. During the
 * handshake, what arrived before it is read (and tapped) first, so the
 * trace has each record at its place in the conversation. */
static ssize_t vec_push_fn(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
	struct run *r = ptr;
	if (r->tap)
		read_ready(r);
	struct msghdr m = { .msg_iov = (struct iovec *)(uintptr_t)iov,
			    .msg_iovlen = (size_t)(iovcnt > 0 ? iovcnt : 0) };
	for (;;) {
		ssize_t n = sendmsg(r->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(r, POLLOUT, -1) == 0)
				return timed_out(r);
			continue;
		}
		if (n < 0)
			return io_failed(r);
		for (size_t i = 0, left = (size_t)n; r->tap && left > 0 && i < m.msg_iovlen; i++) {
			size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;
			ps_wire_feed(&r->wire, PS_DIR_OUT, iov[i].iov_base, k);
			left -= k;
		}
		return n;
	}
}

static ssize_t pull_fn(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
	return receive(ptr, data, len);
}

static int pull_timeout_fn(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct run *r = ptr;
	if (inq_ready(r))
		return 1;
	int cap = ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms;
	return wait_fd(r, POLLIN, cap);
}

static int session_open(struct run *r, const char *priority, char **err)
{
	int rc = gnutls_init(&r->s, GNUTLS_CLIENT | GNUTLS_FORCE_CLIENT_CERT | GNUTLS_NO_SIGNAL);
	if (rc < 0) {
		*err = ps_xstrdup(gnutls_strerror(rc));
		return rc;
	}
	const char *pos = NULL;
	rc = gnutls_priority_set_direct(r->s, priority, &pos);
	if (rc < 0) {
		*err = ps_xasprintf("priority string: %s%s%s", gnutls_strerror(rc),
				    pos ? " at " : "", pos ? pos : "");
		return rc;
	}
	const struct ps_tls_creds *c = r->p->creds;
	(void)c; /* its certificate goes out through retrieve_fn */
	pthread_once(&shared_cred_once, shared_cred_make);
	gnutls_certificate_credentials_t cred = shared_cred_rc >= 0 ? shared_cred : NULL;
	rc = gnutls_credentials_set(r->s, GNUTLS_CRD_CERTIFICATE, cred);
	if (rc < 0) {
		*err = ps_xstrdup(gnutls_strerror(rc));
		return rc;
	}
	if (r->p->server_name && !r->p->no_sni && !ps_is_ip_literal(r->p->server_name))
		gnutls_server_name_set(r->s, GNUTLS_NAME_DNS, r->p->server_name,
				       strlen(r->p->server_name));
	gnutls_session_set_ptr(r->s, r);
	gnutls_session_set_verify_function(r->s, verify_fn);
	gnutls_transport_set_ptr(r->s, r);
	gnutls_transport_set_vec_push_function(r->s, vec_push_fn);
	gnutls_transport_set_pull_function(r->s, pull_fn);
	gnutls_transport_set_pull_timeout_function(r->s, pull_timeout_fn);
	return 0;
}

/* Release what a run holds: the session, the tap and the read-ahead. */
static void run_end(struct run *r)
{
	if (r->s)
		gnutls_deinit(r->s);
	r->s = NULL;
	ps_wire_free(&r->wire);
	free(r->inq);
	r->inq = NULL;
	gnutls_free(r->first_leaf.data);
	r->first_leaf.data = NULL;
	for (size_t i = 0; i < r->n_pending_out; i++)
		free(r->pending_info[i]);
	r->n_pending_out = 0;
}

static int run_handshake(struct run *r)
{
	int rc;
	r->tap = true;
	do {
		rc = gnutls_handshake(r->s);
	} while (rc < 0 && !gnutls_error_is_fatal(rc) && ps_now_ms() < r->deadline);
	r->tap = false;
	if (rc < 0 && !gnutls_error_is_fatal(rc))
		r->timed_out = true;
	return rc;
}

static bool client_auth_alert(int d)
{
	switch (d) {
	case 40:
	case 41:
	case 42:
	case 43:
	case 44:
	case 45:
	case 46:
	case 48:
	case 49:
	case 50:
	case 51:
	case 116:
		return true;
	}
	return false;
}

static const char *last_out_message(const struct ps_tls_info *t)
{
	for (size_t i = t->n_msgs; i > 0; i--)
		if (t->msgs[i - 1].dir == PS_DIR_OUT)
			return t->msgs[i - 1].type;
	return "ClientHello";
}

/* The server's last message before it gave up: its alerts are already on
 * the list by the time of the diagnosis, and are named on their own. */
static const char *last_in_message(const struct ps_tls_info *t)
{
	for (size_t i = t->n_msgs; i > 0; i--)
		if (t->msgs[i - 1].dir == PS_DIR_IN && strcmp(t->msgs[i - 1].type, "Alert") != 0)
			return t->msgs[i - 1].type;
	return NULL;
}

/* A fatal alert in answer to the ClientHello. What it says of the phone's
 * offer is only a reading until the modern-client probe has run (see
 * ps_tls_explain): the detail holds what was seen. */
static void hello_alert(const struct ps_tls_info *t, int d, const char *alert,
			struct ps_tls_outcome *o)
{
	o->hello_alert = d;
	if (d == 70 || d == 80)
		o->finding = PS_F_TLS_PROTOCOL_VERSION;
	else if (d == 40 || d == 71)
		o->finding = PS_F_TLS_NO_SHARED_CIPHER;
	else
		o->finding = PS_F_TLS_HANDSHAKE_FAILED;
	o->detail = ps_xasprintf("the server answered the ClientHello (%s only) with the "
				 "fatal alert %s",
				 t->offered ? "TLS1.0" : "?", alert);
}

/* The last encrypted alert received was the fatal alert `d`: the trace
 * says which. */
static void name_encrypted_alert(struct run *r, int d)
{
	struct ps_tls_info *t = r->info;
	if (t && r->enc_alert_in >= 0 && (size_t)r->enc_alert_in < t->n_msgs) {
		struct ps_tls_msg *m = &t->msgs[r->enc_alert_in];
		m->alert_level = 2;
		m->alert_desc = d;
		free(m->info);
		m->info = alert_text(2, d);
	}
}

/* The handshake ended with a fatal alert, received (`rc`) or seen in an
 * encrypted record. */
static void alert_failure(struct run *r, int rc, const char *where, bool client_stage,
			  struct ps_tls_outcome *o)
{
	struct ps_tls_info *t = r->info;
	struct ps_client_auth *ca = r->ca;
	int d =
	    rc == GNUTLS_E_FATAL_ALERT_RECEIVED ? (int)gnutls_alert_get(r->s) : r->in_fatal_alert;
	t->alert_received = d;
	name_encrypted_alert(r, d);
	const char *an = ps_alert_name((unsigned)d);
	char alert[64];
	snprintf(alert, sizeof alert, "%s (%d)", an ? an : "alert", d);
	if (client_stage && client_auth_alert(d)) {
		o->client_auth_failure = true;
		o->finding = ca->sent ? PS_F_CLIENT_AUTH_REJECTED : PS_F_CLIENT_AUTH_REQUIRED;
		o->detail = ca->sent
				? ps_xasprintf("the server sent the fatal alert %s after "
					       "the phone's certificate (%s)",
					       alert, ca->sent_subject ? ca->sent_subject : "?")
				: ps_xasprintf("the server sent the fatal alert %s after "
					       "an empty Certificate message",
					       alert);
		return;
	}
	if (!r->seen_server_hello) {
		hello_alert(t, d, alert, o);
		return;
	}
	o->finding = PS_F_TLS_HANDSHAKE_FAILED;
	o->detail = ps_xasprintf("the server sent the fatal alert %s %s", alert, where);
}

static void diagnose(struct run *r, int rc, struct ps_tls_outcome *o)
{
	struct ps_tls_info *t = r->info;
	struct ps_client_auth *ca = r->ca;
	const char *after_in = last_in_message(t);
	char where[96];
	if (after_in)
		snprintf(where, sizeof where, "after the server's %s", after_in);
	else
		snprintf(where, sizeof where, "after the phone's %s", last_out_message(t));
	bool client_stage = ca->requested && r->seen_shd && r->sent_cke;

	o->probe_useful = !r->seen_server_hello;
	if (r->chain_rejected) {
		o->chain_rejected = true;
		o->probe_useful = false;
		o->detail =
		    ps_xstrdup("the phone rejected the server's certificate chain and ended "
			       "the handshake");
		return;
	}
	if (r->timed_out || rc == GNUTLS_E_TIMEDOUT) {
		o->finding = PS_F_NET_TIMEOUT;
		o->detail = ps_xasprintf("the TLS handshake got no answer within %u ms, %s",
					 r->p->timeout_ms, where);
		return;
	}
	if (r->not_tls) {
		const char *said = "";
		for (size_t i = 0; i < t->n_msgs; i++)
			if (strcmp(t->msgs[i].type, "NotTLS") == 0)
				said = t->msgs[i].info;
		o->finding = PS_F_TLS_NOT_TLS;
		o->detail = ps_xasprintf("the server answered the ClientHello with %s", said);
		o->probe_useful = false;
		return;
	}
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || r->in_fatal_alert >= 0) {
		alert_failure(r, rc, where, client_stage, o);
		return;
	}
	bool closed = r->peer_closed || rc == GNUTLS_E_PREMATURE_TERMINATION ||
		      rc == GNUTLS_E_UNEXPECTED_PACKET_LENGTH;
	if (r->sock_err == ECONNRESET || r->sock_err == EPIPE) {
		o->finding = PS_F_NET_RESET;
		o->detail = ps_xasprintf("the server reset the connection during the TLS "
					 "handshake, %s",
					 where);
		return;
	}
	if (closed) {
		o->finding = PS_F_TLS_CLOSED;
		if (client_stage) {
			o->client_auth_failure = true;
			o->detail =
			    ps_xasprintf("the server closed the connection right after the "
					 "phone's %s; a server that checks client "
					 "certificates strictly does this",
					 ca->sent ? "certificate" : "empty Certificate message");
		} else {
			o->detail = ps_xasprintf("the server closed the connection %s", where);
		}
		return;
	}
	if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET) {
		o->finding = PS_F_TLS_PROTOCOL_VERSION;
		o->detail = ps_xasprintf("the server chose %s, which the phone did not offer",
					 t->version ? t->version : "a protocol version");
		return;
	}
	if (rc == GNUTLS_E_UNKNOWN_CIPHER_SUITE || rc == GNUTLS_E_NO_CIPHER_SUITES) {
		o->finding = PS_F_TLS_NO_SHARED_CIPHER;
		o->detail = ps_xasprintf("the server chose %s, which the phone did not offer",
					 t->cipher_suite ? t->cipher_suite : "a cipher suite");
		return;
	}
	o->finding = PS_F_TLS_HANDSHAKE_FAILED;
	o->detail = ps_xasprintf("%s %s", gnutls_strerror(rc), where);
}

/* What a fatal alert to the ClientHello says of the phone's offer once a
 * modern client got through (NULL: the alert says it itself). */
static const char *offer_reading(const struct ps_tls_outcome *o)
{
	switch (o->hello_alert) {
	case 80:
		return "OpenSSL 3 servers (nginx, Apache, lighttpd) send internal_error when "
		       "their security level forbids TLS 1.0 or the phone's suites";
	case 40:
	case 71:
		return "none of the suites the phone offers is acceptable to the server";
	}
	return NULL;
}

char *ps_tls_explain(const struct ps_tls_outcome *o, const struct ps_tls_probe *probe,
		     const char *model, enum ps_finding_id *finding)
{
	const char *seen = o->detail ? o->detail : "the handshake failed";
	*finding = o->finding;
	if (!o->probe_useful || o->finding == PS_F_NET_TIMEOUT)
		return ps_xstrdup(seen);
	if (probe && !(probe->version && probe->cipher_suite)) {
		/* The modern offer fails before the server chose anything too:
		 * nothing in the phone's offer is to blame. */
		*finding = PS_F_TLS_SERVER_ERROR;
		return ps_xasprintf("%s; a modern client's handshake (GnuTLS priority %s) "
				    "fails too, before the server chose a version or suite: %s",
				    seen, probe->priority ? probe->priority : "?",
				    probe->error ? probe->error : "no answer");
	}
	const char *reading = offer_reading(o);
	if (probe && o->hello_alert == 80 && strcmp(probe->version, "TLS1.0") == 0) {
		/* The server speaks the phone's version: its suites are refused. */
		*finding = PS_F_TLS_NO_SHARED_CIPHER;
		reading = "the server takes TLS 1.0 from a modern client, so it is the phone's "
			  "suites it refuses, not its version";
	}
	if (probe)
		return ps_xasprintf("%s%s%s; the server would accept %s %s (%s) from a modern "
				    "client; an %s cannot offer it",
				    seen, reading ? ": " : "", reading ? reading : "",
				    probe->version, probe->cipher_suite,
				    probe->kx ? probe->kx : "?", model);
	if (o->hello_alert == 80) {
		/* Two readings, and no modern client's handshake to choose. */
		*finding = PS_F_TLS_HANDSHAKE_FAILED;
		return ps_xasprintf("%s: OpenSSL 3 servers send this when their security level "
				    "forbids TLS 1.0, and to every client when they fail on their "
				    "own (a certificate chain they cannot build); no modern client "
				    "was tried, which would tell the two apart",
				    seen);
	}
	return reading ? ps_xasprintf("%s: %s", seen, reading) : ps_xstrdup(seen);
}

struct ps_tls_conn {
	struct run r;
};

struct ps_tls_conn *ps_tls_open(int fd, const struct ps_tls_params *p, struct ps_tls_info *info,
				struct ps_client_auth *ca, struct ps_tls_outcome *out)
{
	struct ps_tls_conn *conn = ps_xcalloc(1, sizeof *conn);
	struct run *rp = &conn->r;
	memset(out, 0, sizeof *out);
	out->finding = PS_F_COUNT;
	out->hello_alert = -1;
	ps_tls_info_clear(info);
	ps_client_auth_clear(ca);
	rp->fd = fd;
	rp->p = p;
	rp->info = info;
	rp->ca = ca;
	rp->enc_alert_in = -1;
	rp->in_fatal_alert = -1;
	rp->deadline = ps_now_ms() + p->timeout_ms;
	ps_wire_init(&rp->wire, on_wire, rp);
	info->attempted = true;
	info->priority = ps_xstrdup(p->priority);
	if (p->creds && p->creds->n_pcerts) {
		ca->have_cert = true;
		ca->cert_subject = ps_xstrdup(p->creds->subject);
		ca->cert_issuer = ps_xstrdup(p->creds->issuer);
	}
	double start = ps_now_ms();
	char *err = NULL;
	int rc = session_open(rp, p->priority, &err);
	if (rc < 0) {
		out->finding = PS_F_TLS_HANDSHAKE_FAILED;
		out->detail = err;
		info->error_code = rc;
		info->error = ps_xstrdup(gnutls_strerror(rc));
		run_end(rp);
		free(conn);
		return NULL;
	}
	gnutls_handshake_set_hook_function(rp->s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_BOTH, hook_fn);
	rc = run_handshake(rp);
	info->duration_ms = ps_now_ms() - start;
	if (rc >= 0) {
		info->established = true;
		free(info->version);
		info->version =
		    ps_xstrdup(gnutls_protocol_get_name(gnutls_protocol_get_version(rp->s)));
		const char *iana = gnutls_ciphersuite_get(rp->s);
		if (iana) {
			free(info->cipher_suite);
			info->cipher_suite = ps_xstrdup(iana);
		}
		info->kx = ps_xstrdup(gnutls_kx_get_name(gnutls_kx_get(rp->s)));
		info->cipher = ps_xstrdup(gnutls_cipher_get_name(gnutls_cipher_get(rp->s)));
		info->mac = ps_xstrdup(gnutls_mac_get_name(gnutls_mac_get(rp->s)));
		char *desc = gnutls_session_get_desc(rp->s);
		info->description = ps_xstrdup(desc);
		gnutls_free(desc);
		ca->requested = gnutls_certificate_client_get_request_status(rp->s) != 0;
		/* TLS 1.3 encrypts the client's Certificate: the session says
		 * whether one went (a learned model's offer may be TLS 1.3) */
		if (gnutls_protocol_get_version(rp->s) == GNUTLS_TLS1_3)
			ca->sent = gnutls_certificate_get_ours(rp->s) != NULL;
		out->ok = true;
		/* From here on the session carries data. The caller's records stay
		 * in use: the pump runs on the caller's thread before they end, and
		 * a renegotiation adds to them. */
		rp->tap = false;
		return conn;
	}
	{
		info->error_code = rc;
		info->error = ps_xstrdup(gnutls_strerror(rc));
		/* What the server sent before it gave up is part of the trace,
		 * whether GnuTLS got to it or not (an alert, then close). */
		rp->tap = true;
		read_ready(rp);
		rp->tap = false;
		diagnose(rp, rc, out);
		if (rc != GNUTLS_E_FATAL_ALERT_RECEIVED && !rp->timed_out && !rp->peer_closed &&
		    !rp->sock_err && !rp->not_tls) {
			/* Like the phone, tell the server why we give up. */
			rp->tap = true;
			gnutls_alert_send_appropriate(rp->s, rc);
			rp->tap = false;
		}
	}
	run_end(rp);
	free(conn);
	return NULL;
}

void ps_tls_close(struct ps_tls_conn *c)
{
	if (!c)
		return;
	c->r.deadline = ps_now_ms() + 1000;
	gnutls_bye(c->r.s, GNUTLS_SHUT_WR);
	run_end(&c->r);
	free(c);
}

void ps_tls_handshake(int fd, const struct ps_tls_params *p, struct ps_tls_info *info,
		      struct ps_client_auth *ca, struct ps_tls_outcome *out)
{
	ps_tls_close(ps_tls_open(fd, p, info, ca, out));
}

enum { PUMP_BUF = 16384 };

void ps_tls_pump_start(struct ps_tls_pump *p, struct ps_tls_conn *c, int plain_fd, unsigned idle_ms)
{
	memset(p, 0, sizeof *p);
	p->conn = c;
	p->plain = plain_fd;
	p->idle_ms = idle_ms;
	p->idle_until = ps_now_ms() + idle_ms;
	p->down = ps_xmalloc(PUMP_BUF);
}

/* The server's side has ended (`n` from gnutls_record_recv, 0 or an
 * error): the client sees EOF. */
static void pump_server_end(struct ps_tls_pump *p, ssize_t n)
{
	struct run *r = &p->conn->r;
	if (n == 0) {
		p->res.server_closed = true;
	} else if (n == GNUTLS_E_PREMATURE_TERMINATION || n == GNUTLS_E_UNEXPECTED_PACKET_LENGTH) {
		p->res.truncated = true;
	} else {
		p->res.error = ps_xstrdup(gnutls_strerror((int)n));
		p->res.gnutls_code = (int)n;
		if (r->timed_out)
			p->res.timed_out = true;
	}
	shutdown(p->plain, SHUT_WR);
	p->done = true;
}

/* The server asked for a new handshake (HelloRequest), as a server does
 * that asks for the client certificate only for some paths: the phone
 * answers as its TLS stack would (`p->legacy_renegotiation`), and the
 * renegotiation goes into the trace and the client-certificate record.
 * False when the connection cannot go on. */
static bool renegotiate(struct ps_tls_pump *p)
{
	struct run *r = &p->conn->r;
	struct ps_client_auth *ca = r->ca;
	r->round++;
	add_msg(r, PS_DIR_IN, "HelloRequest", 0, true,
		ps_xstrdup("the server asks for a new handshake"), 0, -1);
	bool secure = gnutls_safe_renegotiation_status(r->s) != 0;
	if (ca) {
		ca->renegotiations++;
		free(ca->renegotiation);
		ca->renegotiation = ps_xstrdup(secure ? "secure" : "legacy");
	}
	r->tap = true;
	r->deadline = ps_now_ms() + p->idle_ms;
	int rc;
	if (!secure && !r->p->legacy_renegotiation) {
		/* Like a stack that refuses to renegotiate without RFC 5746. */
		rc = GNUTLS_E_SAFE_RENEGOTIATION_FAILED;
		gnutls_alert_send(r->s, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
	} else {
		/* GnuTLS renegotiates without RFC 5746 only when told to. And it
		 * waits for a NewSessionTicket after a renegotiation in which an
		 * OpenSSL server sends none (it would end with "unexpected
		 * packet"): no ticket is asked for in a renegotiation. */
		char *prio = ps_xasprintf("%s:%%NO_TICKETS%s", r->p->priority,
					  secure ? "" : ":%UNSAFE_RENEGOTIATION");
		gnutls_priority_set_direct(r->s, prio, NULL);
		free(prio);
		rc = run_handshake(r);
	}
	if (rc >= 0) {
		r->tap = false;
		if (ca)
			ca->renegotiated = true;
		return true;
	}
	/* What the server said about it is part of the trace. */
	read_ready(r);
	r->tap = false;
	if (ca) {
		free(ca->renegotiation_error);
		if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || r->in_fatal_alert >= 0) {
			int d = r->in_fatal_alert >= 0 ? r->in_fatal_alert
						       : (int)gnutls_alert_get(r->s);
			const char *an = ps_alert_name((unsigned)d);
			name_encrypted_alert(r, d);
			ca->renegotiation_error = ps_xasprintf(
			    "the server ended the renegotiation with the fatal alert %s (%d)",
			    an ? an : "?", d);
		} else if (r->timed_out) {
			ca->renegotiation_error = ps_xasprintf(
			    "the renegotiation got no answer within %u ms", p->idle_ms);
		} else if (rc == GNUTLS_E_SAFE_RENEGOTIATION_FAILED) {
			ca->renegotiation_error =
			    ps_xstrdup("the phone refuses to renegotiate without RFC 5746");
		} else {
			ca->renegotiation_error =
			    ps_xasprintf("the renegotiation failed: %s", gnutls_strerror(rc));
		}
	}
	p->res.renegotiation_failed = true;
	pump_server_end(p, rc);
	return false;
}

/* What the server sent, to the client, as far as its socket takes it
 * now; then more from the server once all of it went. Whether anything
 * moved; `p->done` when the server's side ended. */
static bool pump_down(struct ps_tls_pump *p)
{
	struct run *r = &p->conn->r;
	bool moved = false;
	while (p->down_off < p->down_len) {
		ssize_t k = send(p->plain, p->down + p->down_off, p->down_len - p->down_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return moved;
		if (k <= 0) {
			p->res.error = ps_xstrdup("the HTTP side closed early");
			p->done = true;
			return moved;
		}
		p->down_off += (size_t)k;
		moved = true;
	}
	p->down_off = p->down_len = 0;
	/* Records GnuTLS holds, or bytes the handshake read ahead, come first;
	 * the socket is not waited on. */
	r->nonblock = true;
	ssize_t n = gnutls_record_recv(r->s, p->down, PUMP_BUF);
	r->nonblock = false;
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return moved;
	if (n == GNUTLS_E_REHANDSHAKE) {
		renegotiate(p);
		return true;
	}
	if (n <= 0) {
		pump_server_end(p, n);
		return true;
	}
	p->res.bytes_in += (size_t)n;
	p->down_len = (size_t)n;
	return true;
}

/* What the client wrote, to the server (a request is small: the send
 * waits, within the idle time). Whether anything moved; `p->done` when
 * the client has finished with the connection. */
static bool pump_up(struct ps_tls_pump *p)
{
	struct run *r = &p->conn->r;
	unsigned char buf[PUMP_BUF];
	ssize_t n;
	do
		n = recv(p->plain, buf, sizeof buf, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return false;
	if (n <= 0) {
		p->done = true; /* the client is done with the connection */
		return true;
	}
	r->deadline = ps_now_ms() + p->idle_ms;
	size_t off = 0;
	while (off < (size_t)n) {
		ssize_t w = gnutls_record_send(r->s, buf + off, (size_t)n - off);
		if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
			continue;
		if (w < 0) {
			p->res.error = ps_xstrdup(gnutls_strerror((int)w));
			p->res.gnutls_code = (int)w;
			shutdown(p->plain, SHUT_WR);
			p->done = true;
			return true;
		}
		off += (size_t)w;
	}
	p->res.bytes_out += (size_t)n;
	return true;
}

bool ps_tls_pump_step(struct ps_tls_pump *p, short *tls_events, short *plain_events)
{
	bool moved = false;
	while (!p->done) {
		bool m = pump_down(p);
		if (!p->done)
			m = pump_up(p) || m;
		if (!m)
			break;
		moved = true;
	}
	double now = ps_now_ms();
	if (moved)
		p->idle_until = now + p->idle_ms;
	else if (!p->done && now >= p->idle_until) {
		p->res.timed_out = true;
		p->done = true;
	}
	bool holding = p->down_off < p->down_len;
	*tls_events = p->done || holding ? 0 : POLLIN;
	*plain_events = p->done ? 0 : (short)(POLLIN | (holding ? POLLOUT : 0));
	return !p->done;
}

int ps_tls_pump_fd(const struct ps_tls_pump *p)
{
	return p->conn->r.fd;
}

int ps_tls_pump_wait_ms(const struct ps_tls_pump *p)
{
	double left = p->idle_until - ps_now_ms();
	return left <= 0 ? 0 : (int)left + 1;
}

void ps_tls_pump_end(struct ps_tls_pump *p, struct ps_pump_result *res)
{
	*res = p->res;
	free(p->down);
	memset(p, 0, sizeof *p);
}

void ps_tls_pump_finish(struct ps_tls_pump *p, struct ps_pump_result *res)
{
	short te, pe;
	while (ps_tls_pump_step(p, &te, &pe)) {
		struct pollfd pfd[2] = { { .fd = ps_tls_pump_fd(p), .events = te },
					 { .fd = p->plain, .events = pe } };
		if (poll(pfd, 2, ps_tls_pump_wait_ms(p)) < 0 && errno != EINTR)
			break;
	}
	ps_tls_pump_end(p, res);
}

void ps_tls_pump(struct ps_tls_conn *c, int plain_fd, unsigned idle_ms, struct ps_pump_result *res)
{
	struct ps_tls_pump p;
	ps_tls_pump_start(&p, c, plain_fd, idle_ms);
	ps_tls_pump_finish(&p, res);
}

/* A second handshake of the phone's, with the modern priority, on `fd`:
 * the run set up for it (a probe judges no chain, records nothing). */
static void probe_run(struct run *r, int fd, const struct ps_tls_params *p,
		      struct ps_tls_probe *probe)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->p = p;
	r->probe = probe;
	r->enc_alert_in = -1;
	r->in_fatal_alert = -1;
	r->deadline = ps_now_ms() + p->timeout_ms;
	ps_wire_init(&r->wire, on_wire, r);
}

/* Why a probe's handshake (`rc` < 0) failed, in a few words; caller frees. */
static char *probe_failure(struct run *r, int rc)
{
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		int d = (int)gnutls_alert_get(r->s);
		const char *an = ps_alert_name((unsigned)d);
		return ps_xasprintf("fatal alert %s (%d)", an ? an : "?", d);
	}
	if (r->timed_out)
		return ps_xasprintf("no answer within %u ms", r->p->timeout_ms);
	return ps_xstrdup(gnutls_strerror(rc));
}

int ps_tls_sni_leaf(int fd, const struct ps_tls_params *p, gnutls_datum_t *leaf, char **err)
{
	struct run r;
	struct ps_tls_probe unused = { 0 };
	probe_run(&r, fd, p, &unused);
	memset(leaf, 0, sizeof *leaf);
	*err = NULL;
	r.leaf = leaf;
	int rc = session_open(&r, PS_TLS_PROBE_PRIORITY, err);
	if (rc >= 0) {
		rc = run_handshake(&r);
		if (rc >= 0)
			gnutls_bye(r.s, GNUTLS_SHUT_WR);
		else if (!leaf->data)
			*err = probe_failure(&r, rc);
	}
	run_end(&r);
	if (leaf->data) {
		free(*err);
		*err = NULL;
		return 0;
	}
	return rc < 0 ? rc : GNUTLS_E_NO_CERTIFICATE_FOUND;
}

void ps_tls_hello(int fd, const struct ps_tls_params *p, struct ps_scan_hello *out)
{
	struct run r;
	struct ps_tls_probe unused = { 0 };
	probe_run(&r, fd, p, &unused);
	r.hello = out;
	char *err = NULL;
	int rc = session_open(&r, p->priority, &err);
	if (rc >= 0)
		rc = run_handshake(&r);
	out->silent = !out->answered && out->alert < 0 && (r.timed_out || r.not_tls);
	if (!out->answered)
		out->error = err         ? err
			     : r.not_tls ? ps_xstrdup("the server does not answer in TLS")
			     : rc < 0    ? probe_failure(&r, rc)
					 : ps_xstrdup("no ServerHello");
	else
		free(err);
	run_end(&r);
}

void ps_tls_probe(int fd, const struct ps_tls_params *p, struct ps_tls_probe *probe)
{
	struct run r;
	free(probe->priority);
	free(probe->version);
	free(probe->cipher_suite);
	free(probe->kx);
	free(probe->error);
	memset(probe, 0, sizeof *probe);
	probe->done = true;
	probe->priority = ps_xstrdup(PS_TLS_PROBE_PRIORITY);
	probe_run(&r, fd, p, probe);
	char *err = NULL;
	int rc = session_open(&r, PS_TLS_PROBE_PRIORITY, &err);
	if (rc >= 0) {
		gnutls_handshake_set_hook_function(r.s, GNUTLS_HANDSHAKE_SERVER_HELLO,
						   GNUTLS_HOOK_POST, probe_hook_fn);
		rc = run_handshake(&r);
		if (rc >= 0) {
			probe->established = true;
			const char *iana = gnutls_ciphersuite_get(r.s);
			if (iana) {
				free(probe->cipher_suite);
				probe->cipher_suite = ps_xstrdup(iana);
			}
			gnutls_bye(r.s, GNUTLS_SHUT_WR);
		} else {
			probe->error = probe_failure(&r, rc);
		}
	} else {
		probe->error = err;
		err = NULL;
	}
	free(err);
	run_end(&r);
}
