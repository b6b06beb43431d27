/* Unit tests of the lab server (src/lab): the built-in profiles read with
 * the project's own parsers and rule engine; then real labs on 127.0.0.1,
 * free ports picked by the kernel, spoken to by a GnuTLS client with the
 * phones' priority strings and device certificates minted by the lab's
 * PKI: the access rules, HEAD and ranges, plain HTTP, --dir, every fault's
 * observable behaviour, and the --pki directory. Nothing depends on how
 * fast the machine is: the only waits are generous timeouts. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>

#include "core/util.h"
#include "engine/upgrade.h"
#include "lab/lab.h"
#include "lab/pki.h"
#include "lab/profiles.h"
#include "lab/record.h"
#include "phone/catalogue.h"
#include "profile/decode.h"
#include "profile/dict.h"
#include "profile/lint.h"
#include "profile/params.h"
#include "profile/xml.h"
#include "rules/rule.h"
#include "rules/version.h"

#define MAC_A "000e08aabbcc"
#define MAC_B "000e08ddeeff"
#define MAC_C "0002fd112233"
#define LINKSYS_PRIO                                                                           \
	"NONE:+VERS-TLS1.0:+RSA:+AES-256-CBC:+AES-128-CBC:+ARCFOUR-128:+SHA1:+MD5:+COMP-NULL:" \
	"+SIGN-ALL:%NO_EXTENSIONS"
#define CISCO_PRIO                                                                           \
	"NONE:+VERS-TLS1.0:+DHE-RSA:+RSA:+AES-256-CBC:+AES-128-CBC:+ARCFOUR-128:+SHA1:+MD5:" \
	"+COMP-NULL:+SIGN-ALL:%NO_TICKETS"
#define WAIT_MS 10000u /* every network wait of the client */

/* The PKI and device certificates, made once for the whole group. */
struct st {
	struct ps_lab_pki *pki;
	struct ps_lab_pki *rogue; /* another vendor CA: its devices are not trusted */
	char *a_cert, *a_key;     /* SPA-942, MAC_A */
	char *b_cert, *b_key;     /* SPA-942, MAC_B */
	char *c_cert, *c_key;     /* SPA-504G, MAC_C */
	char *r_cert, *r_key;     /* MAC_A, from the rogue CA */
};

/* ---- a small client ------------------------------------------------- */

struct ask {
	bool tls;
	bool v6;               /* connect to ::1, not 127.0.0.1 */
	const char *prio;      /* NULL: LINKSYS_PRIO */
	const char *cert;      /* device certificate PEM, NULL for none */
	const char *key;       /* its key */
	const char *method;    /* NULL: GET */
	const char *path;      /* NULL: "/" */
	const char *headers;   /* extra header lines, each ending in \r\n */
	const char *body;      /* request body */
	unsigned hs_timeout;   /* handshake timeout in ms, 0: WAIT_MS */
	const char *trust_pem; /* CA to verify the server against */
	const char *ua;        /* User-Agent; NULL: an SPA942's, "": none */
};

struct resp {
	int hs;         /* 0 or the handshake's GnuTLS error */
	int alert;      /* the fatal alert received, -1 when none */
	bool requested; /* the server asked for a client certificate */
	char version[16], suite[96];
	unsigned n_certs; /* certificates the server sent */
	char subject_cn[128], issuer_cn[128];
	unsigned key_bits;
	time_t nb, na;
	unsigned verify; /* verify_peers3 status for PS_LAB_SERVER_NAME; ~0 when not run */
	int status;      /* HTTP status, 0 when none came */
	char *head;
	unsigned char *body;
	size_t body_len;
	long content_length; /* -1 when absent */
	int end;             /* how the stream ended: 0 close_notify/EOF, else a GnuTLS error */
};

static void resp_clear(struct resp *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof *r);
}

static int connect_to(unsigned port, bool v6)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	if (v6) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
					  .sin6_port = htons((uint16_t)port),
					  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	}
	return fd;
}

static int connect_port(unsigned port)
{
	return connect_to(port, false);
}

static void cert_facts(gnutls_session_t s, struct resp *r)
{
	unsigned n = 0;
	const gnutls_datum_t *p = gnutls_certificate_get_peers(s, &n);
	r->n_certs = n;
	if (!p || !n)
		return;
	gnutls_x509_crt_t c;
	gnutls_x509_crt_init(&c);
	if (gnutls_x509_crt_import(c, &p[0], GNUTLS_X509_FMT_DER) >= 0) {
		size_t l = sizeof r->subject_cn;
		gnutls_x509_crt_get_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, 0, r->subject_cn,
					      &l);
		l = sizeof r->issuer_cn;
		gnutls_x509_crt_get_issuer_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
						     r->issuer_cn, &l);
		gnutls_x509_crt_get_pk_algorithm(c, &r->key_bits);
		r->nb = gnutls_x509_crt_get_activation_time(c);
		r->na = gnutls_x509_crt_get_expiration_time(c);
	}
	gnutls_x509_crt_deinit(c);
}

/* Parse the status line and headers of what came back. */
static void parse_http(unsigned char *all, size_t len, struct resp *r)
{
	r->content_length = -1;
	char *end = NULL;
	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(all + i, "\r\n\r\n", 4) == 0) {
			end = (char *)all + i;
			break;
		}
	if (!end) {
		r->body = all;
		r->body_len = len;
		return;
	}
	r->head = ps_xstrndup((char *)all, (size_t)(end - (char *)all));
	size_t hl = (size_t)(end - (char *)all) + 4;
	r->body_len = len - hl;
	r->body = ps_xmalloc(r->body_len + 1);
	memcpy(r->body, all + hl, r->body_len);
	r->body[r->body_len] = '\0';
	free(all);
	sscanf(r->head, "HTTP/1.%*d %d", &r->status);
	const char *cl = strcasestr(r->head, "\r\nContent-Length:");
	if (cl)
		r->content_length = strtol(cl + 17, NULL, 10);
}

static const char *header(const struct resp *r, const char *name)
{
	static char v[256];
	char pat[64];
	snprintf(pat, sizeof pat, "\r\n%s:", name);
	const char *h = r->head ? strcasestr(r->head, pat) : NULL;
	if (!h)
		return NULL;
	h += strlen(pat);
	while (*h == ' ')
		h++;
	size_t n = strcspn(h, "\r");
	snprintf(v, sizeof v, "%.*s", (int)n, h);
	return v;
}

static void fetch(unsigned port, const struct ask *q, struct resp *r)
{
	memset(r, 0, sizeof *r);
	r->verify = ~0u;
	r->content_length = -1;
	int fd = connect_to(port, q->v6);
	struct ps_buf req = { 0 };
	ps_buf_printf(&req,
		      "%s %s HTTP/1.1\r\nHost: " PS_LAB_SERVER_NAME
		      ":%u\r\n%s%s%sConnection: close\r\n%s",
		      q->method ? q->method : "GET", q->path ? q->path : "/", port,
		      q->ua && !*q->ua ? "" : "User-Agent: ",
		      q->ua ? q->ua : "Linksys/SPA-942-6.1.5(a) (88019FA42805)",
		      q->ua && !*q->ua ? "" : "\r\n", q->headers ? q->headers : "");
	if (q->body)
		ps_buf_printf(&req, "Content-Length: %zu\r\n\r\n%s", strlen(q->body), q->body);
	else
		ps_buf_puts(&req, "\r\n");
	struct ps_buf got = { 0 };
	if (!q->tls) {
		assert_int_equal(send(fd, req.s, req.len, MSG_NOSIGNAL), (ssize_t)req.len);
		for (;;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			assert_int_equal(poll(&p, 1, WAIT_MS), 1);
			char buf[4096];
			ssize_t n = recv(fd, buf, sizeof buf, 0);
			if (n <= 0)
				break;
			ps_buf_add(&got, buf, (size_t)n);
		}
		close(fd);
		ps_buf_free(&req);
		size_t n = got.len;
		parse_http((unsigned char *)ps_buf_take(&got), n, r);
		return;
	}
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	assert_int_equal(gnutls_certificate_allocate_credentials(&cred), 0);
	if (q->cert) {
		gnutls_datum_t c = { (unsigned char *)q->cert, (unsigned)strlen(q->cert) };
		gnutls_datum_t k = { (unsigned char *)q->key, (unsigned)strlen(q->key) };
		assert_int_equal(
		    gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM), 0);
	}
	if (q->trust_pem) {
		gnutls_datum_t t = { (unsigned char *)q->trust_pem,
				     (unsigned)strlen(q->trust_pem) };
		assert_int_equal(
		    gnutls_certificate_set_x509_trust_mem(cred, &t, GNUTLS_X509_FMT_PEM), 1);
	}
	/* Sent even when its issuer is not among the CAs the server names. */
	assert_int_equal(gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_FORCE_CLIENT_CERT), 0);
	assert_int_equal(gnutls_priority_set_direct(s, q->prio ? q->prio : LINKSYS_PRIO, NULL), 0);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, q->hs_timeout ? q->hs_timeout : WAIT_MS);
	gnutls_record_set_timeout(s, WAIT_MS);
	int rc;
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	r->hs = rc;
	r->alert = rc == GNUTLS_E_FATAL_ALERT_RECEIVED ? (int)gnutls_alert_get(s) : -1;
	if (rc == 0) {
		r->requested = gnutls_certificate_client_get_request_status(s) != 0;
		snprintf(r->version, sizeof r->version, "%s",
			 gnutls_protocol_get_name(gnutls_protocol_get_version(s)));
		const char *suite = gnutls_ciphersuite_get(s);
		snprintf(r->suite, sizeof r->suite, "%s", suite ? suite : "?");
		cert_facts(s, r);
		if (q->trust_pem)
			assert_int_equal(
			    gnutls_certificate_verify_peers3(s, PS_LAB_SERVER_NAME, &r->verify), 0);
		size_t off = 0;
		while (off < req.len) {
			ssize_t w = gnutls_record_send(s, req.s + off, req.len - off);
			if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
				continue;
			assert_true(w > 0);
			off += (size_t)w;
		}
		for (;;) {
			char buf[4096];
			ssize_t n = gnutls_record_recv(s, buf, sizeof buf);
			if (n > 0) {
				ps_buf_add(&got, buf, (size_t)n);
				continue;
			}
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				continue;
			r->end = (int)n;
			break;
		}
	}
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	close(fd);
	ps_buf_free(&req);
	size_t n = got.len;
	if (rc == 0)
		parse_http((unsigned char *)ps_buf_take(&got), n, r);
	else
		ps_buf_free(&got);
}

/* A fetch over HTTPS with device A's certificate and the Linksys priority. */
static void get_a(const struct st *t, unsigned port, const char *path, struct resp *r)
{
	struct ask q = { .tls = true, .cert = t->a_cert, .key = t->a_key, .path = path };
	fetch(port, &q, r);
}

/* ---- lab helpers ---------------------------------------------------- */

static struct ps_lab *start(const struct st *t, const char *fault, FILE *log)
{
	struct ps_lab_config cfg = { .pki = t->pki, .fault = fault, .log = log };
	struct ps_lab *lab = NULL;
	char *err = NULL;
	int rc = ps_lab_start(&cfg, &lab, &err);
	if (rc < 0)
		fail_msg("ps_lab_start(%s): %s", fault ? fault : "", err);
	return lab;
}

static char *read_log(FILE *f)
{
	fflush(f);
	rewind(f);
	struct ps_buf b = { 0 };
	char buf[1024];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		ps_buf_add(&b, buf, n);
	fclose(f);
	return ps_buf_take(&b);
}

static int group_setup(void **state)
{
	struct st *t = ps_xcalloc(1, sizeof *t);
	char *err = NULL;
	if (ps_lab_pki_open(NULL, &t->pki, &err) < 0 || ps_lab_pki_open(NULL, &t->rogue, &err) < 0)
		fail_msg("pki: %s", err);
	assert_int_equal(ps_lab_pki_mint_device(t->pki, MAC_A, "SPA-942", "88019FA42805",
						&t->a_cert, &t->a_key, &err),
			 0);
	assert_int_equal(ps_lab_pki_mint_device(t->pki, "00:0E:08:DD:EE:FF", "SPA-942",
						"88019FA42806", &t->b_cert, &t->b_key, &err),
			 0);
	assert_int_equal(ps_lab_pki_mint_device(t->pki, MAC_C, "SPA-504G", "CBT141400UK",
						&t->c_cert, &t->c_key, &err),
			 0);
	assert_int_equal(ps_lab_pki_mint_device(t->rogue, MAC_A, "SPA-942", "88019FA42805",
						&t->r_cert, &t->r_key, &err),
			 0);
	*state = t;
	return 0;
}

static int group_teardown(void **state)
{
	struct st *t = *state;
	ps_lab_pki_free(t->pki);
	ps_lab_pki_free(t->rogue);
	free(t->a_cert);
	free(t->a_key);
	free(t->b_cert);
	free(t->b_key);
	free(t->c_cert);
	free(t->c_key);
	free(t->r_cert);
	free(t->r_key);
	free(t);
	return 0;
}

/* ---- the built-in files, offline ------------------------------------ */

static const char *swver_is(void *ctx, const char *name)
{
	return strcmp(name, "SWVER") == 0 ? ctx : NULL;
}

/* The URL Upgrade_Rule `rule` fetches at firmware `fw`, NULL for none. */
static char *upgrade_url(const char *rule, const char *fw)
{
	struct ps_rule r;
	struct ps_rule_error e;
	struct ps_rule_eval ev;
	assert_int_equal(ps_rule_parse(rule, PS_RULE_UPGRADE, &r, &e), 0);
	struct ps_macro_env env = { .macro = swver_is, .ctx = (void *)fw };
	assert_int_equal(ps_rule_evaluate(&r, &env, &ev), 0);
	char *url = ev.fired >= 0 ? ps_xstrdup(ev.url_text) : NULL;
	ps_rule_eval_clear(&ev);
	ps_rule_clear(&r);
	return url;
}

/* The lab's file for model `m`, parsed; the profile checks find nothing
 * in it: the lab sets no parameter the phone would ignore or misread. */
static struct ps_params *parse_profile_for(const char *text, const struct ps_model *m)
{
	struct ps_params *p = ps_params_new();
	struct ps_parse_result res;
	int rc = ps_profile_parse_xml(text, strlen(text), "lab", p, &res);
	if (rc != 0)
		fail_msg("profile does not parse: %s\n%s", res.error.detail, text);
	assert_int_equal(res.warning.id, PS_F_COUNT);
	struct ps_lint l;
	ps_profile_lint(&res.ops, m, &l);
	if (l.n)
		fail_msg("the lab's file for the %s: %s", m->id, l.items[0].detail);
	ps_lint_clear(&l);
	ps_parse_result_clear(&res);
	return p;
}

static void test_builtin_profiles(void **state)
{
	(void)state;
	struct ps_lab_site site = { .host = PS_LAB_SERVER_NAME, .port = 4443 };
	for (size_t i = 0; ps_model_at(i); i++) {
		const struct ps_model *m = ps_model_at(i);
		char *mp = ps_lab_model_path(m), *fp = ps_lab_firmware_path(m);
		struct ps_lab_path lp;
		ps_lab_path_classify(mp, &lp);
		assert_int_equal(lp.kind, PS_LAB_PATH_MODEL);
		assert_ptr_equal(lp.model, m);
		char *alt = ps_xasprintf("/%s.xml", m->product);
		ps_lab_path_classify(alt, &lp);
		assert_int_equal(lp.kind, PS_LAB_PATH_MODEL);
		ps_lab_path_classify(fp, &lp);
		assert_int_equal(lp.kind, PS_LAB_PATH_FIRMWARE);
		assert_ptr_equal(lp.model, m);

		/* The model file: Profile_Rule back to itself, _B to the device. */
		char *text = ps_lab_model_profile(m, &site);
		struct ps_params *p = parse_profile_for(text, m);
		char *want_rule =
		    ps_xasprintf("https://" PS_LAB_SERVER_NAME ":4443%s", m->factory_rule);
		assert_string_equal(ps_params_get(p, "Profile_Rule")->value, want_rule);
		free(want_rule);
		assert_string_equal(ps_params_get(p, "Profile_Rule_B")->value,
				    "https://" PS_LAB_SERVER_NAME ":4443/spa$MA.xml");
		assert_string_equal(ps_params_get(p, "Upgrade_Enable")->value, "Yes");
		ps_params_free(p);
		free(text);

		/* The device file: a phone at the catalogue firmware upgrades to
		 * the image the lab serves, and stops there. */
		text = ps_lab_device_profile(m, MAC_A, &site);
		p = parse_profile_for(text, m);
		assert_string_equal(ps_params_get(p, "Upgrade_Enable")->value, "Yes");
		/* a station name where the model has one (the phones) */
		unsigned idx;
		assert_int_equal(ps_params_get(p, "Station_Name") != NULL,
				 ps_dict_find("Station_Name", ps_dict_family(m), &idx) != NULL);
		if (strcmp(m->kind, "phone") == 0)
			assert_non_null(ps_params_get(p, "Station_Name"));
		assert_true(ps_params_get(p, "Password_1_")->secret);
		const char *rule = ps_params_get(p, "Upgrade_Rule")->value;
		char *url = upgrade_url(rule, m->firmware);
		char *want = ps_xasprintf("https://" PS_LAB_SERVER_NAME ":4443%s", fp);
		assert_non_null(url);
		assert_string_equal(url, want);
		char *v = ps_version_from_filename(fp);
		assert_int_equal(ps_version_cmp(v, ps_lab_target_firmware(m)), 0);
		assert_int_equal(ps_version_cmp(v, m->firmware), 1);
		char *again = upgrade_url(rule, ps_lab_target_firmware(m));
		assert_null(again);
		free(v);
		free(url);
		free(want);
		ps_params_free(p);
		free(text);

		size_t n = 0;
		const char *tv = ps_lab_target_firmware(m);
		unsigned char *img = ps_lab_firmware_image(m, tv, m, &n),
			      *img2 = ps_lab_firmware_image(m, tv, m, &n);
		assert_true(n >= 4096);
		assert_memory_equal(img, img2, n);
		/* The image declares its model and version; a mislabelled one
		 * declares the other family's. */
		char *dv = NULL, *names = NULL;
		char *dec = ps_upgrade_image_declares(img, n, &dv);
		assert_non_null(dec);
		assert_non_null(strstr(dec, m->product));
		assert_int_equal(ps_version_cmp(dv, tv), 0);
		assert_false(ps_upgrade_names_other_model(dec, strlen(dec), m->product, &names));
		free(names);
		free(dec);
		free(dv);
		const struct ps_model *o = ps_lab_other_family(m);
		assert_string_not_equal(o->family, m->family);
		unsigned char *bad = ps_lab_firmware_image(m, tv, o, &n);
		dec = ps_upgrade_image_declares(bad, n, &dv);
		assert_non_null(dec);
		assert_true(ps_upgrade_names_other_model(dec, strlen(dec), m->product, &names));
		free(names);
		free(dec);
		free(dv);
		free(bad);
		/* The older image is served under its own name. */
		char *op = ps_lab_image_path(m, ps_lab_older_firmware(m));
		struct ps_lab_path olp;
		ps_lab_path_classify(op, &olp);
		assert_int_equal(olp.kind, PS_LAB_PATH_FIRMWARE);
		assert_string_equal(olp.version, ps_lab_older_firmware(m));
		assert_int_equal(ps_version_cmp(olp.version, m->firmware), -1);
		free(op);
		free(img);
		free(img2);
		free(alt);
		free(mp);
		free(fp);
	}
	/* With a key, Profile_Rule_B hands it to the phone. */
	site.key = PS_LAB_PROFILE_KEY;
	char *text = ps_lab_model_profile(ps_model_default(), &site);
	struct ps_params *p = parse_profile_for(text, ps_model_default());
	struct ps_rule r;
	struct ps_rule_error e;
	assert_int_equal(
	    ps_rule_parse(ps_params_get(p, "Profile_Rule_B")->value, PS_RULE_PROFILE, &r, &e), 0);
	assert_string_equal(r.alts[0].opts.key, PS_LAB_PROFILE_KEY);
	ps_rule_clear(&r);
	ps_params_free(p);
	free(text);
}

static void test_paths(void **state)
{
	(void)state;
	struct ps_lab_path lp;
	char mac[13];
	ps_lab_path_classify("/spa000E08AABBCC.xml", &lp);
	assert_int_equal(lp.kind, PS_LAB_PATH_DEVICE);
	assert_string_equal(lp.mac, MAC_A);
	ps_lab_path_classify("/" MAC_A ".xml", &lp);
	assert_int_equal(lp.kind, PS_LAB_PATH_DEVICE);
	ps_lab_path_classify("/spa504g.cfg", &lp);
	assert_int_equal(lp.kind, PS_LAB_PATH_MODEL);
	assert_string_equal(lp.model->id, "spa504g");
	ps_lab_path_classify("/", &lp);
	assert_int_equal(lp.kind, PS_LAB_PATH_INDEX);
	const char *unknown[] = { "/spa000e08aabbc.xml",  "/x/spa000e08aabbcc.xml",
				  "/spa000e08aabbcc.cfg", "/spa999.cfg",
				  "/firmware/x.bin",      "" };
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		ps_lab_path_classify(unknown[i], &lp);
		assert_int_equal(lp.kind, PS_LAB_PATH_UNKNOWN);
	}
	assert_true(ps_lab_path_mac("/a/cfg-000E08AABBCC.xml.enc", mac));
	assert_string_equal(mac, MAC_A);
	assert_false(ps_lab_path_mac("/firmware/spa942-6-1-5b.bin", mac));
	assert_true(ps_lab_mac_normalize("000e.08aa.bbcc", mac));
	assert_string_equal(mac, MAC_A);
	assert_false(ps_lab_mac_normalize("000e08aabbc", mac));
	assert_false(ps_lab_mac_normalize("000e08aabbccd", mac));
	assert_false(ps_lab_mac_normalize("000e08aabbcg", mac));
	char *ou = ps_lab_device_product("SPA504G");
	assert_string_equal(ou, "SPA-504G");
	free(ou);
}

static void test_encrypt(void **state)
{
	(void)state;
	const char *xml = "<flat-profile><Upgrade_Enable>Yes</Upgrade_Enable></flat-profile>";
	for (int sha = 0; sha < 2; sha++) {
		size_t n = 0;
		unsigned char *enc = ps_lab_encrypt(xml, strlen(xml), "k3y", sha, &n);
		assert_non_null(enc);
		assert_memory_equal(enc, "Salted__", 8);
		assert_int_equal((n - 16) % 16, 0);
		struct ps_decode_opts o = { .key = "k3y" };
		struct ps_decoded d;
		assert_int_equal(ps_profile_decode(enc, n, &o, &d), 0);
		assert_true(d.encrypted);
		assert_string_equal(d.kdf, sha ? "sha256" : "md5");
		assert_string_equal((const char *)d.data, xml);
		ps_decoded_clear(&d);
		o.key = "other";
		assert_int_equal(ps_profile_decode(enc, n, &o, &d), -1);
		assert_int_equal(d.error.id, PS_F_PROFILE_DECRYPT_FAILED);
		ps_decoded_clear(&d);
		free(enc);
	}
}

static void test_fault_parse(void **state)
{
	(void)state;
	unsigned m = 1;
	char *err = NULL;
	assert_int_equal(ps_lab_fault_parse(NULL, &m, &err), 0);
	assert_int_equal(m, 0);
	assert_int_equal(ps_lab_fault_parse("none", &m, &err), 0);
	assert_int_equal(ps_lab_fault_parse("truncated, expired ,slow-handshake", &m, &err), 0);
	assert_int_equal(m, (1u << PS_LAB_FAULT_TRUNCATED) | (1u << PS_LAB_FAULT_EXPIRED) |
				(1u << PS_LAB_FAULT_SLOW_HANDSHAKE));
	assert_int_equal(ps_lab_fault_parse("bogus", &m, &err), -1);
	assert_non_null(strstr(err, "unknown fault 'bogus'"));
	assert_non_null(strstr(err, "wrong-profile-key"));
	assert_non_null(strstr(err, "modern-only"));
	free(err);
	assert_int_equal(ps_lab_fault_parse("expired,wrong-name", &m, &err), -1);
	assert_non_null(strstr(err, "cannot be combined"));
	free(err);
	/* The help starts a line per fault with its name, and fits 80
	 * columns. */
	char *help = ps_lab_fault_help();
	size_t names = 0;
	for (const char *p = help; *p; p += strcspn(p, "\n") + 1) {
		assert_true(strcspn(p, "\n") <= 80);
		names += *p != ' ';
	}
	assert_int_equal(names, PS_LAB_FAULT_COUNT);
	char *all = ps_xasprintf("\n%s", help);
	for (int i = 0; i < PS_LAB_FAULT_COUNT; i++) {
		char *line = ps_xasprintf("\n%s ", ps_lab_fault_name((enum ps_lab_fault)i));
		assert_non_null(strstr(all, line));
		free(line);
	}
	free(all);
	free(help);
	/* ps_lab_start refuses it too, naming the valid ones. */
	struct ps_lab_config cfg = { .fault = "expire" };
	struct ps_lab *lab = NULL;
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), -1);
	assert_null(lab);
	assert_non_null(strstr(err, "not-yet-valid"));
	free(err);
}

/* ---- the server ----------------------------------------------------- */

static void test_own_profile(void **state)
{
	struct st *t = *state;
	FILE *log = tmpfile();
	struct ps_lab *lab = start(t, NULL, log);
	unsigned port = ps_lab_https_port(lab);
	assert_true(port > 0);
	assert_true(ps_lab_http_port(lab) > 0);
	assert_true(port != ps_lab_http_port(lab));
	struct resp r;
	struct ask q = { .tls = true,
			 .cert = t->a_cert,
			 .key = t->a_key,
			 .path = "/spa" MAC_A ".xml",
			 .trust_pem = ps_lab_vendor_ca_pem(lab) };
	fetch(port, &q, &r);
	assert_int_equal(r.hs, 0);
	assert_true(r.requested);
	assert_string_equal(r.version, "TLS1.0");
	assert_int_equal(r.verify, 0); /* the vendor CA, the name prov.lab.test */
	assert_string_equal(r.subject_cn, PS_LAB_SERVER_NAME);
	assert_string_equal(r.issuer_cn, PS_LAB_VENDOR_CA_CN);
	assert_int_equal(r.n_certs, 1);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.end, 0); /* close_notify */
	assert_int_equal(r.content_length, (long)r.body_len);
	assert_string_equal(header(&r, "Content-Type"), "text/xml");
	char *want = ps_xasprintf("<Upgrade_Rule ua=\"na\">($SWVER ne 6.1.5(b))? "
				  "https://" PS_LAB_SERVER_NAME ":%u/firmware/spa942-6-1-5b.bin",
				  port);
	assert_non_null(strstr((char *)r.body, want));
	free(want);
	resp_clear(&r);
	ps_lab_stop(lab);
	char *text = read_log(log);
	assert_non_null(strstr(text, "TLS1.0 TLS_RSA_WITH_AES_256_CBC_SHA"));
	assert_non_null(
	    strstr(text, "cert \"CN=" MAC_A ",OU=SPA-942,L=88019FA42805,ST=" MAC_A "\" (trusted)"));
	assert_non_null(strstr(text, "GET /spa" MAC_A ".xml | 200"));
	free(text);
}

static void test_access_refused(void **state)
{
	struct st *t = *state;
	FILE *log = tmpfile();
	struct ps_lab *lab = start(t, NULL, log);
	unsigned port = ps_lab_https_port(lab);
	struct resp r;

	get_a(t, port, "/spa" MAC_B ".xml", &r);
	assert_int_equal(r.hs, 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr((char *)r.body, "device " MAC_A " may not read /spa" MAC_B ".xml"));
	resp_clear(&r);

	struct ask q = { .tls = true, .path = "/spa" MAC_A ".xml" };
	fetch(port, &q, &r);
	assert_int_equal(r.hs, 0);
	assert_true(r.requested);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr((char *)r.body, "no client certificate"));
	resp_clear(&r);

	/* The model file and the firmware need a device certificate too. */
	q.path = "/spa942.cfg";
	fetch(port, &q, &r);
	assert_int_equal(r.status, 403);
	resp_clear(&r);

	q.cert = t->r_cert;
	q.key = t->r_key;
	q.path = "/spa" MAC_A ".xml";
	fetch(port, &q, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr((char *)r.body, "not trusted"));
	resp_clear(&r);

	/* What the client sends is logged and echoed without control bytes. */
	get_a(t, port, "/x%0a2026-01-01T00:00:00Z%20lab:%20forged", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr((char *)r.body, "/x\\x0a2026"));
	resp_clear(&r);

	ps_lab_stop(lab);
	char *text = read_log(log);
	assert_null(strstr(text, "\n2026-01-01T00:00:00Z lab: forged"));
	assert_non_null(strstr(text, "GET /x\\x0a2026-01-01T00:00:00Z lab: forged | 404"));
	assert_non_null(strstr(text, "refused: device " MAC_A " may not read /spa" MAC_B ".xml"));
	/* the connection's first request: the ClientHello's JA4 and match */
	assert_non_null(strstr(text, "| no client certificate | JA4 t10i0"));
	assert_non_null(
	    strstr(text, " | offer: matches spa942 exactly | GET /spa" MAC_A ".xml | 403"));
	assert_non_null(strstr(text, "(NOT trusted)"));
	free(text);
}

static void test_model_and_firmware(void **state)
{
	struct st *t = *state;
	struct ps_lab *lab = start(t, NULL, tmpfile());
	unsigned port = ps_lab_https_port(lab);
	struct resp r;

	get_a(t, port, "/spa942.cfg", &r);
	assert_int_equal(r.status, 200);
	char *want = ps_xasprintf("https://" PS_LAB_SERVER_NAME ":%u/spa$MA.xml", port);
	assert_non_null(strstr((char *)r.body, want));
	free(want);
	resp_clear(&r);

	/* A Cisco phone, its own priority (DHE first), its own model file. */
	struct ask q = { .tls = true,
			 .prio = CISCO_PRIO,
			 .cert = t->c_cert,
			 .key = t->c_key,
			 .path = "/spa504G.cfg" };
	fetch(port, &q, &r);
	assert_int_equal(r.hs, 0);
	assert_string_equal(r.suite, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "Cisco SPA504G"));
	resp_clear(&r);
	/* Its per-device file upgrades it to a Cisco image: the model from the
	 * User-Agent, else from the certificate's OU. */
	q.path = "/spa" MAC_C ".xml";
	q.ua = "Cisco/SPA504G-7.5.5 (0002FDFF2103)(CBT141400UK)";
	fetch(port, &q, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "/firmware/spa504g-7-6-2.bin"));
	resp_clear(&r);
	q.ua = "";
	fetch(port, &q, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "/firmware/spa504g-7-6-2.bin"));
	resp_clear(&r);
	/* The User-Agent comes first: the same certificate as an SPA942. */
	q.ua = NULL;
	fetch(port, &q, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "/firmware/spa942-6-1-5b.bin"));
	resp_clear(&r);
	q.ua = "";

	struct ask h = { .tls = true,
			 .cert = t->a_cert,
			 .key = t->a_key,
			 .method = "HEAD",
			 .path = "/firmware/spa942-6-1-5b.bin" };
	fetch(port, &h, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.content_length, 6144);
	assert_int_equal(r.body_len, 0);
	assert_string_equal(header(&r, "Content-Type"), "application/octet-stream");
	assert_string_equal(header(&r, "Accept-Ranges"), "bytes");
	resp_clear(&r);

	h.method = "GET";
	h.headers = "Range: bytes=0-9\r\n";
	fetch(port, &h, &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body_len, 10);
	assert_memory_equal(r.body, "provscope ", 10);
	assert_string_equal(header(&r, "Content-Range"), "bytes 0-9/6144");
	resp_clear(&r);
	h.headers = "Range: bytes=-4\r\n";
	fetch(port, &h, &r);
	assert_int_equal(r.status, 206);
	assert_string_equal(header(&r, "Content-Range"), "bytes 6140-6143/6144");
	resp_clear(&r);
	h.headers = "Range: bytes=7000-\r\n";
	fetch(port, &h, &r);
	assert_int_equal(r.status, 416);
	resp_clear(&r);

	get_a(t, port, "/nope.xml", &r);
	assert_int_equal(r.status, 404);
	resp_clear(&r);

	h.headers = NULL;
	h.method = "DELETE";
	fetch(port, &h, &r);
	assert_int_equal(r.status, 405);
	resp_clear(&r);

	/* POST (--post rules) is served like GET; a body over the cap is not. */
	h.method = "POST";
	h.path = "/spa" MAC_A ".xml";
	h.body = "mac=" MAC_A;
	fetch(port, &h, &r);
	assert_int_equal(r.status, 200);
	resp_clear(&r);
	char *big = ps_xmalloc(70000);
	memset(big, 'x', 69999);
	big[69999] = '\0';
	h.body = big;
	fetch(port, &h, &r);
	assert_int_equal(r.status, 413);
	resp_clear(&r);
	free(big);

	/* The index needs no certificate. */
	struct ask idx = { .tls = true, .path = "/" };
	fetch(port, &idx, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "/spa942.cfg"));
	resp_clear(&r);
	ps_lab_stop(lab);
}

static void test_plain_http(void **state)
{
	struct st *t = *state;
	FILE *log = tmpfile();
	struct ps_lab *lab = start(t, NULL, log);
	struct resp r;
	struct ask q = { .path = "/spa" MAC_B ".xml" };
	fetch(ps_lab_http_port(lab), &q, &r);
	assert_int_equal(r.status, 200);
	/* The profile's URLs still lead to the HTTPS port. */
	char *want = ps_xasprintf(":%u/firmware/", ps_lab_https_port(lab));
	assert_non_null(strstr((char *)r.body, want));
	free(want);
	resp_clear(&r);
	ps_lab_stop(lab);
	char *text = read_log(log);
	assert_non_null(strstr(text, "plain HTTP: served without client authentication"));
	free(text);
}

static void test_fault_modern_only(void **state)
{
	struct st *t = *state;
	FILE *log = tmpfile();
	struct ps_lab *lab = start(t, "modern-only", log);
	struct resp r;
	get_a(t, ps_lab_https_port(lab), "/spa" MAC_A ".xml", &r);
	assert_int_equal(r.hs, GNUTLS_E_FATAL_ALERT_RECEIVED);
	assert_int_equal(r.alert, GNUTLS_A_PROTOCOL_VERSION);
	resp_clear(&r);
	struct ask q = { .tls = true,
			 .prio = CISCO_PRIO,
			 .cert = t->c_cert,
			 .key = t->c_key,
			 .path = "/spa" MAC_C ".xml" };
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.alert, GNUTLS_A_PROTOCOL_VERSION);
	resp_clear(&r);
	q.prio = "NORMAL";
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.hs, 0);
	assert_true(strcmp(r.version, "TLS1.2") == 0 || strcmp(r.version, "TLS1.3") == 0);
	assert_int_equal(r.status, 200);
	resp_clear(&r);
	ps_lab_stop(lab);
	char *text = read_log(log);
	assert_non_null(strstr(text, "connection closed before the TLS handshake completed"));
	assert_non_null(strstr(text,
			       "client offered TLS1.0, suites AES256-SHA AES128-SHA RC4-SHA "
			       "RC4-MD5 | JA4 t10i040000_0b751be0765d_000000000000 | offer: that "
			       "of spa921, spa922, spa941, spa942 and 2 more | sent alert "
			       "protocol_version"));
	free(text);
}

static void test_fault_rc4_only(void **state)
{
	struct st *t = *state;
	struct ps_lab *lab = start(t, "rc4-only", tmpfile());
	struct resp r;
	get_a(t, ps_lab_https_port(lab), "/spa" MAC_A ".xml", &r);
	assert_int_equal(r.hs, 0);
	assert_string_equal(r.suite, "TLS_RSA_WITH_RC4_128_SHA");
	assert_int_equal(r.status, 200);
	resp_clear(&r);
	struct ask q = { .tls = true, .prio = "NORMAL", .cert = t->a_cert, .key = t->a_key };
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.hs, GNUTLS_E_FATAL_ALERT_RECEIVED);
	assert_int_equal(r.alert, GNUTLS_A_HANDSHAKE_FAILURE);
	resp_clear(&r);
	ps_lab_stop(lab);
}

/* The certificate faults: what the server presents. */
static void test_fault_certificates(void **state)
{
	struct st *t = *state;
	time_t now = time(NULL);
	static const struct {
		const char *fault;
		const char *subject, *issuer;
		unsigned n_certs, bits;
		int when; /* -1 expired, 1 not yet valid, 0 valid */
	} cases[] = {
		{ "untrusted-ca", PS_LAB_SERVER_NAME, PS_LAB_PUBLIC_CA_CN, 2, 2048, 0 },
		{ "expired", PS_LAB_SERVER_NAME, PS_LAB_VENDOR_CA_CN, 1, 2048, -1 },
		{ "not-yet-valid", PS_LAB_SERVER_NAME, PS_LAB_VENDOR_CA_CN, 1, 2048, 1 },
		{ "missing-intermediate", PS_LAB_SERVER_NAME, PS_LAB_INTERMEDIATE_CN, 1, 2048, 0 },
		{ "wrong-name", PS_LAB_WRONG_NAME, PS_LAB_VENDOR_CA_CN, 1, 2048, 0 },
		{ "weak-key", PS_LAB_SERVER_NAME, PS_LAB_VENDOR_CA_CN, 1, 1024, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ps_lab *lab = start(t, cases[i].fault, tmpfile());
		struct resp r;
		struct ask q = { .tls = true,
				 .cert = t->a_cert,
				 .key = t->a_key,
				 .path = "/spa" MAC_A ".xml",
				 .trust_pem = ps_lab_vendor_ca_pem(lab) };
		fetch(ps_lab_https_port(lab), &q, &r);
		assert_int_equal(r.hs, 0);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.subject_cn, cases[i].subject);
		assert_string_equal(r.issuer_cn, cases[i].issuer);
		assert_int_equal(r.n_certs, cases[i].n_certs);
		assert_int_equal(r.key_bits, cases[i].bits);
		if (cases[i].when < 0)
			assert_true(r.na < now);
		else if (cases[i].when > 0)
			assert_true(r.nb > now);
		else
			assert_true(r.nb <= now && r.na > now);
		/* Against the vendor CA, each is rejected by a GnuTLS client
		 * (the weak key only under a verification profile, not here). */
		if (strcmp(cases[i].fault, "weak-key") != 0)
			assert_int_not_equal(r.verify, 0);
		else
			assert_int_equal(r.verify, 0);
		resp_clear(&r);
		ps_lab_stop(lab);
	}
}

static void test_fault_no_client_auth(void **state)
{
	struct st *t = *state;
	FILE *log = tmpfile();
	struct ps_lab *lab = start(t, "no-client-auth", log);
	struct resp r;
	struct ask q = { .tls = true, .path = "/spa" MAC_B ".xml" };
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.hs, 0);
	assert_false(r.requested);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "<flat-profile>"));
	resp_clear(&r);
	ps_lab_stop(lab);
	char *text = read_log(log);
	assert_non_null(strstr(text, "fault no-client-auth"));
	free(text);
}

static void test_fault_cross_device(void **state)
{
	struct st *t = *state;
	struct ps_lab *lab = start(t, "cross-device", tmpfile());
	struct resp r;
	get_a(t, ps_lab_https_port(lab), "/spa" MAC_B ".xml", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "per-device file of " MAC_B));
	resp_clear(&r);
	struct ask q = { .tls = true, .path = "/spa" MAC_B ".xml" };
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.status, 403);
	resp_clear(&r);
	q.cert = t->r_cert;
	q.key = t->r_key;
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.status, 403);
	resp_clear(&r);
	ps_lab_stop(lab);
}

static void test_fault_not_found(void **state)
{
	struct st *t = *state;
	struct ps_lab *lab = start(t, "not-found", tmpfile());
	struct resp r;
	get_a(t, ps_lab_https_port(lab), "/spa" MAC_A ".xml", &r);
	assert_int_equal(r.status, 404);
	resp_clear(&r);
	get_a(t, ps_lab_https_port(lab), "/spa942.cfg", &r);
	assert_int_equal(r.status, 200);
	resp_clear(&r);
	ps_lab_stop(lab);
}

static void test_fault_truncated(void **state)
{
	struct st *t = *state;
	struct ps_lab *lab = start(t, "truncated", tmpfile());
	for (int plain = 0; plain < 2; plain++) {
		struct resp r;
		struct ask q = { .tls = !plain,
				 .cert = t->a_cert,
				 .key = t->a_key,
				 .path = "/spa" MAC_A ".xml" };
		fetch(plain ? ps_lab_http_port(lab) : ps_lab_https_port(lab), &q, &r);
		assert_int_equal(r.status, 200);
		assert_true(r.content_length > 100);
		assert_true(r.body_len > 0);
		assert_true((long)r.body_len < r.content_length);
		/* TCP closed without close_notify. */
		if (!plain)
			assert_int_equal(r.end, GNUTLS_E_PREMATURE_TERMINATION);
		resp_clear(&r);
	}
	/* HEAD is whole: headers only. */
	struct resp r;
	struct ask q = { .tls = true,
			 .cert = t->a_cert,
			 .key = t->a_key,
			 .method = "HEAD",
			 .path = "/firmware/spa942-6-1-5b.bin" };
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.content_length, 6144);
	resp_clear(&r);
	ps_lab_stop(lab);
}

static void test_fault_profile_keys(void **state)
{
	struct st *t = *state;
	for (int wrong = 0; wrong < 2; wrong++) {
		struct ps_lab_config cfg = { .pki = t->pki,
					     .fault = wrong ? "wrong-profile-key" : NULL,
					     .encrypt = !wrong,
					     .log = tmpfile() };
		struct ps_lab *lab = NULL;
		char *err = NULL;
		assert_int_equal(ps_lab_start(&cfg, &lab, &err), 0);
		struct resp r;
		get_a(t, ps_lab_https_port(lab), "/spa942.cfg", &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr((char *)r.body, "[--key " PS_LAB_PROFILE_KEY "] https://"));
		resp_clear(&r);
		get_a(t, ps_lab_https_port(lab), "/spa" MAC_A ".xml", &r);
		assert_int_equal(r.status, 200);
		assert_memory_equal(r.body, "Salted__", 8);
		struct ps_decode_opts o = { .key = PS_LAB_PROFILE_KEY };
		struct ps_decoded d;
		if (wrong) {
			assert_int_equal(ps_profile_decode(r.body, r.body_len, &o, &d), -1);
			assert_int_equal(d.error.id, PS_F_PROFILE_DECRYPT_FAILED);
			ps_decoded_clear(&d);
			o.key = PS_LAB_WRONG_PROFILE_KEY;
			assert_int_equal(ps_profile_decode(r.body, r.body_len, &o, &d), 0);
			assert_string_equal(d.kdf, "sha256");
		} else {
			assert_int_equal(ps_profile_decode(r.body, r.body_len, &o, &d), 0);
			assert_string_equal(d.kdf, "md5");
		}
		assert_non_null(strstr((char *)d.data, "<Upgrade_Rule"));
		ps_decoded_clear(&d);
		resp_clear(&r);
		ps_lab_stop(lab);
		fclose(cfg.log);
	}
}

static void test_fault_slow_handshake(void **state)
{
	struct st *t = *state;
	/* The server holds for 2 minutes; a client that waits 1 s gives up. */
	struct ps_lab_config cfg = {
		.pki = t->pki, .fault = "slow-handshake", .slow_seconds = 120, .log = tmpfile()
	};
	struct ps_lab *lab = NULL;
	char *err = NULL;
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), 0);
	struct resp r;
	struct ask q = { .tls = true,
			 .cert = t->a_cert,
			 .key = t->a_key,
			 .path = "/spa" MAC_A ".xml",
			 .hs_timeout = 1000 };
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.hs, GNUTLS_E_TIMEDOUT);
	resp_clear(&r);
	/* A held handshake does not keep ps_lab_stop waiting for it: a
	 * connection still held when the lab stops is let go at once. */
	int fd = connect_port(ps_lab_https_port(lab));
	gnutls_session_t s;
	gnutls_init(&s, GNUTLS_CLIENT);
	gnutls_priority_set_direct(s, LINKSYS_PRIO, NULL);
	gnutls_certificate_credentials_t cred;
	gnutls_certificate_allocate_credentials(&cred);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, 500);
	assert_int_equal(gnutls_handshake(s), GNUTLS_E_TIMEDOUT); /* ClientHello sent */
	double t0 = ps_now_ms();
	ps_lab_stop(lab);
	assert_true(ps_now_ms() - t0 < 60000.0); /* far below the 120 s hold */
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	close(fd);
	char *text = read_log(cfg.log);
	assert_non_null(strstr(text, "held by slow-handshake"));
	free(text);

	/* A patient client gets through after the hold, even when the hold is
	 * longer than the server's idle timeout. */
	cfg.slow_seconds = 2;
	cfg.timeout_s = 1;
	cfg.log = tmpfile();
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), 0);
	q.hs_timeout = 0;
	fetch(ps_lab_https_port(lab), &q, &r);
	assert_int_equal(r.hs, 0);
	assert_int_equal(r.status, 200);
	resp_clear(&r);
	ps_lab_stop(lab);
	fclose(cfg.log);
}

/* ---- --dir ---------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_dir(void **state)
{
	struct st *t = *state;
	char tmpl[] = "/tmp/provscope-lab-XXXXXX";
	char *root = mkdtemp(tmpl);
	assert_non_null(root);
	char *served = ps_xasprintf("%s/www", root), *p;
	assert_int_equal(mkdir(served, 0700), 0);
	p = ps_xasprintf("%s/spa%s.xml", served, MAC_A);
	write_text(p, "<flat-profile><Station_Name>a</Station_Name></flat-profile>\n");
	free(p);
	p = ps_xasprintf("%s/spa%s.xml", served, MAC_B);
	write_text(p, "<flat-profile><Station_Name>b</Station_Name></flat-profile>\n");
	free(p);
	p = ps_xasprintf("%s/secret.txt", root);
	write_text(p, "outside\n");
	free(p);
	p = ps_xasprintf("%s/leak.txt", served);
	assert_int_equal(symlink("../secret.txt", p), 0);
	free(p);
	p = ps_xasprintf("%s/sub", served);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = ps_xasprintf("%s/pipe", served); /* a FIFO: refused without waiting for a writer */
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	p = ps_xasprintf("%s/sub/big.bin", served);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	for (int i = 0; i < 3000; i++)
		fputc(i & 0xff, f);
	fclose(f);
	free(p);

	struct ps_lab_config cfg = {
		.pki = t->pki, .dir = served, .max_file = 2048, .log = tmpfile()
	};
	struct ps_lab *lab = NULL;
	char *err = NULL;
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), 0);
	unsigned port = ps_lab_https_port(lab);
	struct resp r;
	get_a(t, port, "/spa" MAC_A ".xml", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((char *)r.body, "<Station_Name>a<"));
	resp_clear(&r);
	get_a(t, port, "/spa" MAC_B ".xml", &r);
	assert_int_equal(r.status, 403);
	resp_clear(&r);
	static const struct {
		const char *path;
		int status;
	} cases[] = {
		{ "/leak.txt", 403 },
		{ "/../secret.txt", 403 },
		{ "/sub/../leak.txt", 403 },
		{ "//etc/passwd", 403 },
		{ "/sub", 404 },
		{ "/pipe", 404 },
		{ "/sub/big.bin", 413 },
		{ "/missing.xml", 404 },
		{ "/", 404 },
		{ "/sub/./big.bin", 403 },
		{ "/%2e%2e/secret.txt", 403 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		get_a(t, port, cases[i].path, &r);
		if (r.status != cases[i].status)
			fail_msg("%s: HTTP %d, not %d", cases[i].path, r.status, cases[i].status);
		resp_clear(&r);
	}
	ps_lab_stop(lab);
	fclose(cfg.log);

	cfg.dir = "/nonexistent/provscope";
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), -1);
	assert_non_null(strstr(err, "/nonexistent/provscope"));
	free(err);

	char *cmd = ps_xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(served);
}

/* ---- listening ------------------------------------------------------ */

static void test_ports(void **state)
{
	struct st *t = *state;
	/* A port in use is a clear error, not a crash. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	unsigned busy = ntohs(a.sin_port);
	struct ps_lab_config cfg = { .pki = t->pki, .https_port = busy, .log = tmpfile() };
	struct ps_lab *lab = NULL;
	char *err = NULL;
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), -1);
	char *want = ps_xasprintf("cannot listen on 127.0.0.1:%u", busy);
	assert_non_null(strstr(err, want));
	free(want);
	free(err);
	cfg.https_port = 0;
	cfg.http_port = busy;
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), -1);
	free(err);
	close(fd);
	cfg.listen = "not-an-address";
	cfg.http_port = 0;
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), -1);
	assert_non_null(strstr(err, "not an IP address"));
	free(err);

	/* Two labs at once, one without HTTP. */
	cfg.listen = NULL;
	cfg.no_http = true;
	struct ps_lab *one = NULL, *two = NULL;
	assert_int_equal(ps_lab_start(&cfg, &one, &err), 0);
	assert_int_equal(ps_lab_http_port(one), 0);
	cfg.no_http = false;
	assert_int_equal(ps_lab_start(&cfg, &two, &err), 0);
	struct resp r;
	get_a(t, ps_lab_https_port(one), "/spa942.cfg", &r);
	assert_int_equal(r.status, 200);
	resp_clear(&r);
	get_a(t, ps_lab_https_port(two), "/spa942.cfg", &r);
	assert_int_equal(r.status, 200);
	resp_clear(&r);
	char *url = ps_lab_url(two, true, NULL, "/spa942.cfg");
	want = ps_xasprintf("https://" PS_LAB_SERVER_NAME ":%u/spa942.cfg", ps_lab_https_port(two));
	assert_string_equal(url, want);
	free(url);
	free(want);
	ps_lab_stop(one);
	ps_lab_stop(two);

	/* IPv6 loopback, where the host has it. */
	cfg.listen = "::1";
	if (ps_lab_start(&cfg, &one, &err) == 0) {
		struct ask q = { .tls = true,
				 .v6 = true,
				 .cert = t->a_cert,
				 .key = t->a_key,
				 .path = "/spa" MAC_A ".xml" };
		fetch(ps_lab_https_port(one), &q, &r);
		assert_int_equal(r.status, 200);
		resp_clear(&r);
		q.tls = false;
		fetch(ps_lab_http_port(one), &q, &r);
		assert_int_equal(r.status, 200);
		resp_clear(&r);
		ps_lab_stop(one);
	} else {
		print_message("# no IPv6 loopback here: %s\n", err);
		free(err);
	}
	fclose(cfg.log);
}

/* ---- the PKI directory ---------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct ps_buf b = { 0 };
	char buf[1024];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		ps_buf_add(&b, buf, n);
	fclose(f);
	return ps_buf_take(&b);
}

/* A ClientHello's SNI and ALPN are the client's bytes: in --record those
 * that are not UTF-8 become U+FFFD, and the keys stay (json_string refused
 * them, and "alpn" went missing from the record, against the schema). */
static void test_record_not_utf8(void **state)
{
	(void)state;
	unsigned suites[] = { 0x002f };
	char sni[] = "prov\xff.lab.test", alpn[] = "\xab\x01\xcd";
	struct ps_client_hello ch = { .version = 0x0303,
				      .max_version = 0x0303,
				      .suites = suites,
				      .n_suites = 1,
				      .sni = sni,
				      .alpn = alpn };
	struct ps_lab_session s = {
		.time = "2026-01-01T00:00:00Z", .peer = "127.0.0.1:1", .https = true, .ch = &ch
	};
	char *text = ps_lab_session_json(&s);
	json_t *o = json_loads(text, 0, NULL);
	assert_non_null(o);
	json_t *h = json_object_get(o, "client_hello");
	assert_string_equal(json_string_value(json_object_get(h, "alpn")),
			    "\xef\xbf\xbd\x01\xef\xbf\xbd");
	assert_string_equal(json_string_value(json_object_get(h, "server_name")),
			    "prov\xef\xbf\xbd.lab.test");
	json_decref(o);
	free(text);
}

static void test_pki_dir(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/provscope-pki-XXXXXX";
	char *root = mkdtemp(tmpl);
	assert_non_null(root);
	char *dir = ps_xasprintf("%s/pki", root);
	struct ps_lab_pki *p1 = NULL, *p2 = NULL;
	char *err = NULL;
	if (ps_lab_pki_open(dir, &p1, &err) < 0)
		fail_msg("%s", err);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	static const char *const keys[] = { "vendor-ca.key", "vendor-intermediate.key",
					    "public-ca.key", "server.key", "server-weak-key.key" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char *k = ps_xasprintf("%s/%s", dir, keys[i]);
		assert_int_equal(stat(k, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		free(k);
	}
	for (int i = 0; i < PS_LAB_CERT_COUNT; i++) {
		char *c = ps_xasprintf("%s/%s.pem", dir,
				       ps_lab_server_cert_name((enum ps_lab_server_cert)i));
		assert_int_equal(stat(c, &st), 0);
		free(c);
	}
	char *ca_file = slurp(ps_lab_pki_vendor_ca_path(p1));
	assert_string_equal(ca_file, ps_lab_pki_vendor_ca_pem(p1));
	char *cert = NULL, *key = NULL;
	assert_int_equal(
	    ps_lab_pki_device_files(p1, NULL, MAC_A, "SPA-942", "88019FA42805", &cert, &key, &err),
	    0);
	char *dev1 = slurp(cert);
	free(cert);
	free(key);

	/* Reloaded: the same vendor CA, server certificate and device files. */
	if (ps_lab_pki_open(dir, &p2, &err) < 0)
		fail_msg("%s", err);
	assert_string_equal(ps_lab_pki_vendor_ca_pem(p1), ps_lab_pki_vendor_ca_pem(p2));
	assert_string_equal(ps_lab_pki_server_chain_pem(p1, PS_LAB_CERT_NORMAL),
			    ps_lab_pki_server_chain_pem(p2, PS_LAB_CERT_NORMAL));
	assert_int_equal(
	    ps_lab_pki_device_files(p2, NULL, MAC_A, "SPA-942", "88019FA42805", &cert, &key, &err),
	    0);
	char *dev2 = slurp(cert);
	assert_string_equal(dev1, dev2);
	free(dev2);
	free(cert);
	free(key);
	/* Another serial: the device certificate is minted again. */
	assert_int_equal(
	    ps_lab_pki_device_files(p2, NULL, MAC_A, "SPA-942", "OTHER", &cert, &key, &err), 0);
	dev2 = slurp(cert);
	assert_string_not_equal(dev1, dev2);
	free(dev2);
	free(cert);
	free(key);
	ps_lab_pki_free(p2);

	/* A lab started on the directory presents that PKI. */
	struct ps_lab_config cfg = { .pki_dir = dir, .log = tmpfile() };
	struct ps_lab *lab = NULL;
	assert_int_equal(ps_lab_start(&cfg, &lab, &err), 0);
	assert_string_equal(ps_lab_vendor_ca_pem(lab), ca_file);
	ps_lab_stop(lab);
	fclose(cfg.log);

	/* A missing server certificate is minted again with the same CA. */
	char *srv = ps_xasprintf("%s/server.pem", dir);
	assert_int_equal(unlink(srv), 0);
	assert_int_equal(ps_lab_pki_open(dir, &p2, &err), 0);
	assert_string_equal(ps_lab_pki_vendor_ca_pem(p2), ca_file);
	assert_int_equal(stat(srv, &st), 0);
	ps_lab_pki_free(p2);
	/* A damaged file is an error that names it. */
	write_text(srv, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
	assert_int_equal(ps_lab_pki_open(dir, &p2, &err), -1);
	assert_null(p2);
	assert_non_null(strstr(err, "server.pem"));
	free(err);
	free(srv);

	/* Not a directory; a directory that cannot be made. */
	char *file = ps_xasprintf("%s/file", root);
	write_text(file, "x");
	assert_int_equal(ps_lab_pki_open(file, &p2, &err), -1);
	assert_non_null(strstr(err, "not a directory"));
	free(err);
	char *deep = ps_xasprintf("%s/no/such/dir", root);
	assert_int_equal(ps_lab_pki_open(deep, &p2, &err), -1);
	assert_non_null(strstr(err, deep));
	free(err);
	free(deep);
	free(file);
	/* In memory, device files need a directory. */
	struct ps_lab_pki *mem = NULL;
	assert_int_equal(ps_lab_pki_open(NULL, &mem, &err), 0);
	assert_null(ps_lab_pki_vendor_ca_path(mem));
	assert_int_equal(
	    ps_lab_pki_device_files(mem, NULL, MAC_A, "SPA-942", "1", &cert, &key, &err), -1);
	free(err);
	assert_int_equal(ps_lab_pki_mint_device(mem, "nonsense", "SPA-942", "1", &cert, &key, &err),
			 -1);
	assert_non_null(strstr(err, "not a MAC"));
	free(err);
	ps_lab_pki_free(mem);

	ps_lab_pki_free(p1);
	free(ca_file);
	free(dev1);
	char *cmd = ps_xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* The device certificate says what an SPA's does. */
static void test_device_cert(void **state)
{
	struct st *t = *state;
	gnutls_x509_crt_t c;
	gnutls_datum_t d = { (unsigned char *)t->b_cert, (unsigned)strlen(t->b_cert) };
	gnutls_x509_crt_init(&c);
	assert_int_equal(gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM), 0);
	gnutls_datum_t dn;
	assert_int_equal(gnutls_x509_crt_get_dn3(c, &dn, 0), 0);
	assert_string_equal((char *)dn.data, "CN=" MAC_B ",OU=SPA-942,L=88019FA42806,ST=" MAC_B);
	gnutls_free(dn.data);
	char oid[128];
	size_t n = sizeof oid;
	assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(c, 0, oid, &n, NULL), 0);
	assert_string_equal(oid, GNUTLS_KP_TLS_WWW_CLIENT);
	unsigned bits = 0;
	assert_int_equal(gnutls_x509_crt_get_pk_algorithm(c, &bits), GNUTLS_PK_RSA);
	assert_int_equal(bits, 2048);
	assert_int_equal(gnutls_x509_crt_get_signature_algorithm(c), GNUTLS_SIGN_RSA_SHA256);
	gnutls_x509_crt_deinit(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_profiles),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_encrypt),
		cmocka_unit_test(test_fault_parse),
		cmocka_unit_test(test_device_cert),
		cmocka_unit_test(test_own_profile),
		cmocka_unit_test(test_access_refused),
		cmocka_unit_test(test_model_and_firmware),
		cmocka_unit_test(test_plain_http),
		cmocka_unit_test(test_fault_modern_only),
		cmocka_unit_test(test_fault_rc4_only),
		cmocka_unit_test(test_fault_certificates),
		cmocka_unit_test(test_fault_no_client_auth),
		cmocka_unit_test(test_fault_cross_device),
		cmocka_unit_test(test_fault_not_found),
		cmocka_unit_test(test_fault_truncated),
		cmocka_unit_test(test_fault_profile_keys),
		cmocka_unit_test(test_fault_slow_handshake),
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_pki_dir),
		cmocka_unit_test(test_record_not_utf8),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
