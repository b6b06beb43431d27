/* The lab's demo PKI (see pki.h): keys and certificates made with the
 * GnuTLS X.509 API, kept as PEM text, optionally loaded from and written
 * to a directory. */
#include "config.h"

#include "lab/pki.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/pem.h"
#include "core/util.h"
#include "phone/identity.h"

#define DAY ((time_t)24 * 60 * 60)
/* PEM files larger than this are not ours. */
#define MAX_PEM_FILE ((size_t)64 * 1024)

static const struct {
	const char *stem, *text;
} cert_names[] = {
#define PS_X(e, stem, text) { stem, text },
	PS_LAB_SERVER_CERTS(PS_X)
#undef PS_X
};

const char *ps_lab_server_cert_name(enum ps_lab_server_cert which)
{
	return which < PS_LAB_CERT_COUNT ? cert_names[which].stem : "?";
}

const char *ps_lab_server_cert_text(enum ps_lab_server_cert which)
{
	return which < PS_LAB_CERT_COUNT ? cert_names[which].text : "?";
}

/* A key or a certificate with its PEM text. */
struct key {
	gnutls_x509_privkey_t k;
	char *pem;
	bool minted; /* made in this run, so whatever it signs or certifies is too */
};
struct crt {
	gnutls_x509_crt_t c;
	char *pem;
	bool minted;
};

struct ps_lab_pki {
	char *dir; /* NULL in memory */
	char *vendor_path;
	struct key vendor_key, inter_key, public_key, server_key, weak_key;
	struct crt vendor, inter, public_ca;
	struct crt server[PS_LAB_CERT_COUNT];
	char *chain[PS_LAB_CERT_COUNT]; /* PEM as sent, leaf first */
};

/* ---- files ---------------------------------------------------------- */

static char *path_join(const char *dir, const char *name, const char *ext)
{
	size_t l = strlen(dir);
	return ps_xasprintf("%s%s%s%s", dir, l && dir[l - 1] == '/' ? "" : "/", name, ext);
}

/* Read a small file (a regular file of at most MAX_PEM_FILE bytes).
 * Returns 0 with its bytes (NUL-terminated, owned), 1 when it does not
 * exist, -1 with `*err`. */
static int read_small(const char *path, char **data, size_t *len, char **err)
{
	unsigned char *d = NULL;
	char *why = NULL;
	enum ps_read_status rs =
	    ps_read_file_ex(path, MAX_PEM_FILE, PS_READ_REGULAR, &d, len, &why);
	if (rs == PS_READ_OK) {
		*data = (char *)d;
		return 0;
	}
	if (rs == PS_READ_MISSING) {
		free(why);
		return 1;
	}
	*err = why;
	return -1;
}

/* Write a file whole: a temporary file in the same directory, flushed to
 * the disk and renamed over the name, so a reader never sees half a key
 * and an interrupted write leaves the old file. */
static int write_file(const char *path, const char *data, mode_t mode, char **err)
{
	char *tmp = ps_xasprintf("%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		*err = ps_xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t n = strlen(data), put = 0;
	int rc = 0;
	while (put < n) {
		ssize_t w = write(fd, data + put, n - put);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		put += (size_t)w;
	}
	/* open() applies the umask; the key's mode must be exactly 0600. On
	 * the disk before it replaces the name. */
	if (rc == 0 && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		*err = ps_xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* Create `dir` (0700) when missing; it must then be a directory. */
static int ensure_dir(const char *dir, char **err)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			*err = ps_xasprintf("%s: not a directory", dir);
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT || mkdir(dir, 0700) < 0) {
		*err = ps_xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- keys and certificates ------------------------------------------ */

static char *gnutls_error(const char *what, int rc)
{
	return ps_xasprintf("%s: %s", what, gnutls_strerror(rc));
}

static char *crt_pem(gnutls_x509_crt_t c)
{
	gnutls_datum_t d = { NULL, 0 };
	if (gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d) < 0)
		return NULL;
	char *s = ps_xstrndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

static char *key_pem(gnutls_x509_privkey_t k)
{
	gnutls_datum_t d = { NULL, 0 };
	if (gnutls_x509_privkey_export2(k, GNUTLS_X509_FMT_PEM, &d) < 0)
		return NULL;
	char *s = ps_xstrndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

static void key_clear(struct key *k)
{
	if (k->k)
		gnutls_x509_privkey_deinit(k->k);
	if (k->pem) {
		gnutls_memset(k->pem, 0, strlen(k->pem));
		free(k->pem);
	}
	memset(k, 0, sizeof *k);
}

static void crt_clear(struct crt *c)
{
	if (c->c)
		gnutls_x509_crt_deinit(c->c);
	free(c->pem);
	memset(c, 0, sizeof *c);
}

static int key_generate(struct key *k, unsigned bits, char **err)
{
	int rc = gnutls_x509_privkey_init(&k->k);
	if (rc >= 0)
		rc = gnutls_x509_privkey_generate(k->k, GNUTLS_PK_RSA, bits, 0);
	if (rc < 0) {
		*err = gnutls_error("generating an RSA key", rc);
		return -1;
	}
	k->pem = key_pem(k->k);
	k->minted = true;
	if (!k->pem) {
		*err = ps_xstrdup("exporting an RSA key failed");
		return -1;
	}
	return 0;
}

/* The key DIR/<stem>.key, or a new one of `bits` written there. A key
 * found there must be RSA of `bits` bits. */
static int key_get(const char *dir, const char *stem, unsigned bits, struct key *k, char **err)
{
	if (!dir)
		return key_generate(k, bits, err);
	char *path = path_join(dir, stem, ".key");
	char *data = NULL;
	size_t len = 0;
	int rc = read_small(path, &data, &len, err);
	if (rc == 1) {
		rc = key_generate(k, bits, err);
		if (rc == 0)
			rc = write_file(path, k->pem, 0600, err);
		free(path);
		return rc;
	}
	if (rc < 0) {
		free(path);
		return -1;
	}
	gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
	unsigned got = 0;
	rc = gnutls_x509_privkey_init(&k->k);
	if (rc >= 0)
		rc = gnutls_x509_privkey_import2(k->k, &d, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc < 0)
		*err = ps_xasprintf("%s: %s (remove it to have a new key made)", path,
				    ps_pem_problem(d.data, d.size, PS_PEM_KEY, rc));
	else if (gnutls_x509_privkey_get_pk_algorithm2(k->k, &got) != GNUTLS_PK_RSA ||
		 got != bits) {
		*err = ps_xasprintf("%s: not a %u-bit RSA key (remove it to have one made)", path,
				    bits);
		rc = -1;
	} else
		k->pem = data;
	if (rc < 0) {
		gnutls_memset(data, 0, len);
		free(data);
	}
	free(path);
	return rc < 0 ? -1 : 0;
}

/* What a certificate to mint says. */
struct spec {
	const char *c, *o, *ou, *cn, *l, *st; /* subject attributes, NULL to leave out */
	bool ca;
	time_t nb, na;
	const char *dns[3]; /* subjectAltName DNS names */
	bool loopback_ips;  /* subjectAltName IP 127.0.0.1 and ::1 */
	const char *eku;    /* key purpose OID, NULL for a CA */
};

static int set_attr(gnutls_x509_crt_t c, const char *oid, const char *v)
{
	if (!v)
		return 0;
	return gnutls_x509_crt_set_dn_by_oid(c, oid, 0, v, (unsigned)strlen(v));
}

/* Mint a certificate for `key` said by `s`, signed by `issuer` with
 * `ikey`, or self-signed when issuer is NULL. */
static int crt_mint(const struct spec *s, gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
		    gnutls_x509_privkey_t ikey, struct crt *out, char **err)
{
	gnutls_x509_crt_t c;
	int rc = gnutls_x509_crt_init(&c);
	if (rc < 0) {
		*err = gnutls_error("certificate", rc);
		return -1;
	}
	unsigned char serial[16], id[64];
	size_t idn = sizeof id;
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
	serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x10); /* positive, 16 bytes */
	if (rc >= 0)
		rc = gnutls_x509_crt_set_version(c, 3);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_serial(c, serial, sizeof serial);
	if (rc >= 0)
		rc = set_attr(c, GNUTLS_OID_X520_COUNTRY_NAME, s->c);
	if (rc >= 0)
		rc = set_attr(c, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, s->st);
	if (rc >= 0)
		rc = set_attr(c, GNUTLS_OID_X520_LOCALITY_NAME, s->l);
	if (rc >= 0)
		rc = set_attr(c, GNUTLS_OID_X520_ORGANIZATION_NAME, s->o);
	if (rc >= 0)
		rc = set_attr(c, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, s->ou);
	if (rc >= 0)
		rc = set_attr(c, GNUTLS_OID_X520_COMMON_NAME, s->cn);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_activation_time(c, s->nb);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_expiration_time(c, s->na);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key(c, key);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_basic_constraints(c, s->ca ? 1 : 0, -1);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key_usage(
		    c, s->ca ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
			     : GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT);
	if (rc >= 0 && s->eku)
		rc = gnutls_x509_crt_set_key_purpose_oid(c, s->eku, 0);
	for (size_t i = 0; rc >= 0 && i < sizeof s->dns / sizeof s->dns[0] && s->dns[i]; i++)
		rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, s->dns[i],
							  (unsigned)strlen(s->dns[i]),
							  GNUTLS_FSAN_APPEND);
	if (rc >= 0 && s->loopback_ips) {
		static const unsigned char v4[4] = { 127, 0, 0, 1 };
		static const unsigned char v6[16] = { [15] = 1 };
		rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_IPADDRESS, v4, sizeof v4,
							  GNUTLS_FSAN_APPEND);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_IPADDRESS, v6,
								  sizeof v6, GNUTLS_FSAN_APPEND);
	}
	if (rc >= 0)
		rc = gnutls_x509_privkey_get_key_id(key, 0, id, &idn);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_subject_key_id(c, id, idn);
	if (rc >= 0 && issuer) {
		idn = sizeof id;
		rc = gnutls_x509_crt_get_subject_key_id(issuer, id, &idn, NULL);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_authority_key_id(c, id, idn);
	}
	if (rc >= 0)
		rc = gnutls_x509_crt_sign2(c, issuer ? issuer : c, issuer ? ikey : key,
					   GNUTLS_DIG_SHA256, 0);
	if (rc < 0) {
		*err = ps_xasprintf("minting the certificate %s: %s", s->cn ? s->cn : "?",
				    gnutls_strerror(rc));
		gnutls_x509_crt_deinit(c);
		return -1;
	}
	out->c = c;
	out->pem = crt_pem(c);
	out->minted = true;
	if (!out->pem) {
		*err = ps_xstrdup("exporting a certificate failed");
		return -1;
	}
	return 0;
}

static bool same_key(gnutls_x509_crt_t c, gnutls_x509_privkey_t k)
{
	unsigned char a[64], b[64];
	size_t an = sizeof a, bn = sizeof b;
	return gnutls_x509_crt_get_key_id(c, 0, a, &an) >= 0 &&
	       gnutls_x509_privkey_get_key_id(k, 0, b, &bn) >= 0 && an == bn &&
	       memcmp(a, b, an) == 0;
}

/* `c` carries a valid signature of `issuer` (times not considered). */
static bool signed_by(gnutls_x509_crt_t c, gnutls_x509_crt_t issuer)
{
	unsigned status = 0;
	unsigned flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
			 GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
			 GNUTLS_VERIFY_ALLOW_X509_V1_CA_CRT;
	return gnutls_x509_crt_check_issuer(c, issuer) &&
	       gnutls_x509_crt_verify(c, &issuer, 1, flags, &status) >= 0 && status == 0;
}

/* How a certificate's validity must relate to now for its role. */
enum timing {
	T_VALID,  /* valid now and for at least a day more */
	T_PAST,   /* already expired */
	T_FUTURE, /* starts more than a day from now */
	T_ANY_CA, /* a CA: valid now (an error otherwise) */
};

static bool timing_fits(gnutls_x509_crt_t c, enum timing t, time_t now)
{
	time_t nb = gnutls_x509_crt_get_activation_time(c);
	time_t na = gnutls_x509_crt_get_expiration_time(c);
	switch (t) {
	case T_VALID:
		return nb <= now && na > now + DAY;
	case T_PAST:
		return na < now;
	case T_FUTURE:
		return nb > now + DAY;
	case T_ANY_CA:
		return nb <= now && na > now;
	}
	return false;
}

/* The certificate DIR/<stem>.pem for `key`, issued by `issuer` (NULL:
 * self-signed), or a new one minted from `s` (and written). A file found
 * is reused when it matches its key and issuer and fits `timing`; when the
 * key or the issuer was minted in this run, or its time is out of its
 * role, it is minted again; a mismatch otherwise is an error. */
static int crt_get(const char *dir, const char *stem, const struct spec *s, enum timing timing,
		   const struct key *key, const struct crt *issuer, const struct key *ikey,
		   time_t now, struct crt *out, char **err)
{
	char *path = dir ? path_join(dir, stem, ".pem") : NULL;
	char *data = NULL;
	size_t len = 0;
	int rc = path ? read_small(path, &data, &len, err) : 1;
	if (rc < 0)
		goto done;
	if (rc == 0 && !key->minted && !(issuer && issuer->minted)) {
		gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
		gnutls_x509_crt_t c;
		gnutls_x509_crt_init(&c);
		int r = gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM);
		const char *bad = NULL;
		if (r < 0)
			bad = ps_pem_problem(d.data, d.size, PS_PEM_CERT, r);
		else if (!same_key(c, key->k))
			bad = "it does not belong to the key beside it";
		else if (!signed_by(c, issuer ? issuer->c : c))
			bad = issuer ? "it was not issued by the CA beside it" : "not self-signed";
		if (bad) {
			*err =
			    ps_xasprintf("%s: %s (remove it to have it minted again)", path, bad);
			gnutls_x509_crt_deinit(c);
			rc = -1;
			goto done;
		}
		if (timing_fits(c, timing, now)) {
			out->c = c;
			out->pem = data;
			data = NULL;
			goto done;
		}
		gnutls_x509_crt_deinit(c);
		if (timing == T_ANY_CA) {
			*err = ps_xasprintf("%s: the CA certificate is not valid now (remove the "
					    "directory's files to mint a new PKI)",
					    path);
			rc = -1;
			goto done;
		}
	}
	rc = crt_mint(s, key->k, issuer ? issuer->c : NULL, ikey ? ikey->k : NULL, out, err);
	if (rc == 0 && path)
		rc = write_file(path, out->pem, 0644, err);
done:
	free(data);
	free(path);
	return rc < 0 ? -1 : 0;
}

/* ---- opening -------------------------------------------------------- */

void ps_lab_pki_free(struct ps_lab_pki *pki)
{
	if (!pki)
		return;
	key_clear(&pki->vendor_key);
	key_clear(&pki->inter_key);
	key_clear(&pki->public_key);
	key_clear(&pki->server_key);
	key_clear(&pki->weak_key);
	crt_clear(&pki->vendor);
	crt_clear(&pki->inter);
	crt_clear(&pki->public_ca);
	for (size_t i = 0; i < PS_LAB_CERT_COUNT; i++) {
		crt_clear(&pki->server[i]);
		free(pki->chain[i]);
	}
	free(pki->dir);
	free(pki->vendor_path);
	free(pki);
}

int ps_lab_pki_open(const char *dir, struct ps_lab_pki **out, char **err)
{
	*out = NULL;
	if (dir && !*dir) {
		*err = ps_xstrdup("the PKI directory name is empty");
		return -1;
	}
	if (dir && ensure_dir(dir, err) < 0)
		return -1;
	struct ps_lab_pki *p = ps_xcalloc(1, sizeof *p);
	p->dir = ps_xstrdup(dir);
	time_t now = time(NULL);
	const char *d = p->dir;
	const struct spec vendor = { .c = "US",
				     .o = "provscope demo vendor",
				     .ou = "Provisioning server and device root",
				     .cn = PS_LAB_VENDOR_CA_CN,
				     .ca = true,
				     .nb = now - DAY,
				     .na = now + 20 * 365 * DAY };
	const struct spec inter = { .c = "US",
				    .o = "provscope demo vendor",
				    .ou = "Provisioning servers",
				    .cn = PS_LAB_INTERMEDIATE_CN,
				    .ca = true,
				    .nb = now - DAY,
				    .na = now + 10 * 365 * DAY };
	const struct spec public_ca = { .c = "US",
					.o = "provscope demo public PKI",
					.cn = PS_LAB_PUBLIC_CA_CN,
					.ca = true,
					.nb = now - DAY,
					.na = now + 20 * 365 * DAY };
	struct spec srv = { .o = "provscope lab",
			    .cn = PS_LAB_SERVER_NAME,
			    .nb = now - DAY,
			    .na = now + 730 * DAY,
			    .dns = { PS_LAB_SERVER_NAME, "localhost" },
			    .loopback_ips = true,
			    .eku = GNUTLS_KP_TLS_WWW_SERVER };
	struct spec wrong = srv;
	wrong.cn = PS_LAB_WRONG_NAME;
	wrong.dns[0] = PS_LAB_WRONG_NAME;
	wrong.dns[1] = NULL;
	wrong.loopback_ips = false;
	struct spec expired = srv, future = srv;
	expired.nb = now - 400 * DAY;
	expired.na = now - 30 * DAY;
	future.nb = now + 30 * DAY;
	future.na = now + 760 * DAY;

	if (key_get(d, "vendor-ca", 2048, &p->vendor_key, err) < 0 ||
	    crt_get(d, "vendor-ca", &vendor, T_ANY_CA, &p->vendor_key, NULL, NULL, now, &p->vendor,
		    err) < 0 ||
	    key_get(d, "vendor-intermediate", 2048, &p->inter_key, err) < 0 ||
	    crt_get(d, "vendor-intermediate", &inter, T_ANY_CA, &p->inter_key, &p->vendor,
		    &p->vendor_key, now, &p->inter, err) < 0 ||
	    key_get(d, "public-ca", 2048, &p->public_key, err) < 0 ||
	    crt_get(d, "public-ca", &public_ca, T_ANY_CA, &p->public_key, NULL, NULL, now,
		    &p->public_ca, err) < 0 ||
	    key_get(d, "server", 2048, &p->server_key, err) < 0 ||
	    key_get(d, "server-weak-key", 1024, &p->weak_key, err) < 0)
		goto fail;
	for (int i = 0; i < PS_LAB_CERT_COUNT; i++) {
		const struct spec *s = &srv;
		enum timing t = T_VALID;
		const struct key *k = &p->server_key, *ik = &p->vendor_key;
		const struct crt *issuer = &p->vendor;
		switch ((enum ps_lab_server_cert)i) {
		case PS_LAB_CERT_NORMAL:
		case PS_LAB_CERT_COUNT:
			break;
		case PS_LAB_CERT_EXPIRED:
			s = &expired;
			t = T_PAST;
			break;
		case PS_LAB_CERT_NOT_YET_VALID:
			s = &future;
			t = T_FUTURE;
			break;
		case PS_LAB_CERT_WRONG_NAME:
			s = &wrong;
			break;
		case PS_LAB_CERT_WEAK_KEY:
			k = &p->weak_key;
			break;
		case PS_LAB_CERT_UNTRUSTED_CA:
			issuer = &p->public_ca;
			ik = &p->public_key;
			break;
		case PS_LAB_CERT_MISSING_INTERMEDIATE:
			issuer = &p->inter;
			ik = &p->inter_key;
			break;
		}
		if (crt_get(d, cert_names[i].stem, s, t, k, issuer, ik, now, &p->server[i], err) <
		    0)
			goto fail;
		p->chain[i] = i == PS_LAB_CERT_UNTRUSTED_CA
				  ? ps_xasprintf("%s%s", p->server[i].pem, p->public_ca.pem)
				  : ps_xstrdup(p->server[i].pem);
	}
	if (d)
		p->vendor_path = path_join(d, "vendor-ca", ".pem");
	*out = p;
	return 0;
fail:
	if (d) {
		char *e = ps_xasprintf("PKI directory %s: %s", d, *err);
		free(*err);
		*err = e;
	}
	ps_lab_pki_free(p);
	return -1;
}

const char *ps_lab_pki_dir(const struct ps_lab_pki *pki)
{
	return pki->dir;
}

const char *ps_lab_pki_vendor_ca_pem(const struct ps_lab_pki *pki)
{
	return pki->vendor.pem;
}

const char *ps_lab_pki_vendor_ca_path(const struct ps_lab_pki *pki)
{
	return pki->vendor_path;
}

const char *ps_lab_pki_public_ca_pem(const struct ps_lab_pki *pki)
{
	return pki->public_ca.pem;
}

const char *ps_lab_pki_intermediate_pem(const struct ps_lab_pki *pki)
{
	return pki->inter.pem;
}

const char *ps_lab_pki_server_chain_pem(const struct ps_lab_pki *pki, enum ps_lab_server_cert which)
{
	return which < PS_LAB_CERT_COUNT ? pki->chain[which] : NULL;
}

const char *ps_lab_pki_server_key_pem(const struct ps_lab_pki *pki, enum ps_lab_server_cert which)
{
	if (which >= PS_LAB_CERT_COUNT)
		return NULL;
	return which == PS_LAB_CERT_WEAK_KEY ? pki->weak_key.pem : pki->server_key.pem;
}

/* ---- devices -------------------------------------------------------- */

bool ps_lab_mac_normalize(const char *text, char out[13])
{
	return ps_mac_normalize(text, out);
}

char *ps_lab_device_product(const char *product)
{
	if (!product)
		return ps_xstrdup("SPA-942");
	if (ps_strn_ieq(product, "SPA", 3) && product[3] && product[3] != '-')
		return ps_xasprintf("%.3s-%s", product, product + 3);
	return ps_xstrdup(product);
}

static bool printable_field(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static int device_args(const char *mac, const char *product, const char *serial, char m[13],
		       char **err)
{
	if (!ps_lab_mac_normalize(mac, m)) {
		*err = ps_xasprintf("'%s' is not a MAC address (12 hex digits)", mac ? mac : "");
		return -1;
	}
	if (!printable_field(product) || !printable_field(serial)) {
		*err = ps_xstrdup("the product and the serial number must be 1 to 64 printable "
				  "ASCII characters");
		return -1;
	}
	return 0;
}

/* What a device certificate says: as an SPA carries one, valid from
 * yesterday for 10 years. */
static struct spec device_spec(const char m[13], const char *product, const char *serial)
{
	time_t now = time(NULL);
	return (struct spec){ .cn = m,
			      .ou = product,
			      .l = serial,
			      .st = m,
			      .nb = now - DAY,
			      .na = now + 10 * 365 * DAY,
			      .eku = GNUTLS_KP_TLS_WWW_CLIENT };
}

static int device_mint(struct ps_lab_pki *pki, const char m[13], const char *product,
		       const char *serial, struct crt *c, struct key *k, char **err)
{
	const struct spec s = device_spec(m, product, serial);
	if (key_generate(k, 2048, err) < 0)
		return -1;
	return crt_mint(&s, k->k, pki->vendor.c, pki->vendor_key.k, c, err);
}

int ps_lab_pki_mint_device(struct ps_lab_pki *pki, const char *mac, const char *product,
			   const char *serial, char **cert_pem, char **key_pem, char **err)
{
	char m[13];
	struct crt c = { 0 };
	struct key k = { 0 };
	if (device_args(mac, product, serial, m, err) < 0)
		return -1;
	if (device_mint(pki, m, product, serial, &c, &k, err) < 0) {
		crt_clear(&c);
		key_clear(&k);
		return -1;
	}
	*cert_pem = c.pem;
	*key_pem = k.pem;
	c.pem = NULL;
	k.pem = NULL;
	crt_clear(&c);
	key_clear(&k);
	return 0;
}

int ps_pki_mint_device_with(gnutls_x509_crt_t ca, gnutls_x509_privkey_t ca_key,
			    gnutls_x509_privkey_t key, const char *mac, const char *product,
			    const char *serial, char **cert_pem, char **err)
{
	char m[13];
	if (device_args(mac, product, serial, m, err) < 0)
		return -1;
	const struct spec s = device_spec(m, product, serial);
	struct crt c = { 0 };
	if (crt_mint(&s, key, ca, ca_key, &c, err) < 0) {
		crt_clear(&c);
		return -1;
	}
	*cert_pem = c.pem;
	c.pem = NULL;
	crt_clear(&c);
	return 0;
}

static bool attr_is(gnutls_x509_crt_t c, const char *oid, const char *want)
{
	char buf[128];
	size_t n = sizeof buf;
	return gnutls_x509_crt_get_dn_by_oid(c, oid, 0, 0, buf, &n) >= 0 && strcmp(buf, want) == 0;
}

/* A device certificate and key already in files still fit when they say
 * the same thing, chain to this vendor CA and are valid now. */
static bool device_fits(struct ps_lab_pki *pki, const char *cpath, const char *kpath,
			const char m[13], const char *product, const char *serial)
{
	char *cd = NULL, *kd = NULL, *e = NULL;
	size_t cl = 0, kl = 0;
	bool ok = false;
	gnutls_x509_crt_t c = NULL;
	gnutls_x509_privkey_t k = NULL;
	if (read_small(cpath, &cd, &cl, &e) != 0 || read_small(kpath, &kd, &kl, &e) != 0)
		goto done;
	gnutls_datum_t dc = { (unsigned char *)cd, (unsigned)cl };
	gnutls_datum_t dk = { (unsigned char *)kd, (unsigned)kl };
	gnutls_x509_crt_init(&c);
	gnutls_x509_privkey_init(&k);
	if (gnutls_x509_crt_import(c, &dc, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_x509_privkey_import2(k, &dk, GNUTLS_X509_FMT_PEM, NULL, 0) < 0)
		goto done;
	ok = same_key(c, k) && signed_by(c, pki->vendor.c) && timing_fits(c, T_VALID, time(NULL)) &&
	     attr_is(c, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, m) &&
	     attr_is(c, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, product) &&
	     attr_is(c, GNUTLS_OID_X520_LOCALITY_NAME, serial);
done:
	if (c)
		gnutls_x509_crt_deinit(c);
	if (k)
		gnutls_x509_privkey_deinit(k);
	if (kd) {
		gnutls_memset(kd, 0, kl);
		free(kd);
	}
	free(cd);
	free(e);
	return ok;
}

int ps_lab_pki_device_files(struct ps_lab_pki *pki, const char *dir, const char *mac,
			    const char *product, const char *serial, char **cert_path,
			    char **key_path, char **err)
{
	char m[13];
	if (!dir)
		dir = pki->dir;
	if (!dir) {
		*err = ps_xstrdup("no directory for the device certificate files");
		return -1;
	}
	if (device_args(mac, product, serial, m, err) < 0 || ensure_dir(dir, err) < 0)
		return -1;
	char *stem = ps_xasprintf("device-%s", m);
	char *cp = path_join(dir, stem, ".pem"), *kp = path_join(dir, stem, ".key");
	free(stem);
	if (!device_fits(pki, cp, kp, m, product, serial)) {
		struct crt c = { 0 };
		struct key k = { 0 };
		int rc = device_mint(pki, m, product, serial, &c, &k, err);
		if (rc == 0)
			rc = write_file(kp, k.pem, 0600, err);
		if (rc == 0)
			rc = write_file(cp, c.pem, 0644, err);
		crt_clear(&c);
		key_clear(&k);
		if (rc < 0) {
			free(cp);
			free(kp);
			return -1;
		}
	}
	*cert_path = cp;
	*key_path = kp;
	return 0;
}
