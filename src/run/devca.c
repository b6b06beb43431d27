/* A storm's device CA (see devca.h). */
#include "config.h"

#include "run/devca.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/pem.h"
#include "core/util.h"
#include "lab/pki.h"

/* GnuTLS objects are not for two threads at once: each minting thread
 * signs with a copy of its own, up to this many side by side. */
#define DEVCA_SLOTS 16

struct slot {
	gnutls_x509_crt_t ca;
	gnutls_x509_privkey_t ca_key, key;
	bool busy;
};

struct ps_devca {
	gnutls_x509_crt_t ca;
	gnutls_x509_privkey_t ca_key, key;
	char *key_pem;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct slot slots[DEVCA_SLOTS];
	unsigned n_slots;
};

static void slot_clear(struct slot *s)
{
	if (s->ca)
		gnutls_x509_crt_deinit(s->ca);
	if (s->ca_key)
		gnutls_x509_privkey_deinit(s->ca_key);
	if (s->key)
		gnutls_x509_privkey_deinit(s->key);
	memset(s, 0, sizeof *s);
}

/* A copy of the CA, its key and the devices' key (under the lock). */
static bool slot_make(const struct ps_devca *d, struct slot *s)
{
	gnutls_datum_t der = { NULL, 0 };
	bool ok = gnutls_x509_crt_init(&s->ca) == 0 &&
		  gnutls_x509_crt_export2(d->ca, GNUTLS_X509_FMT_DER, &der) == 0 &&
		  gnutls_x509_crt_import(s->ca, &der, GNUTLS_X509_FMT_DER) == 0 &&
		  gnutls_x509_privkey_init(&s->ca_key) == 0 &&
		  gnutls_x509_privkey_cpy(s->ca_key, d->ca_key) == 0 &&
		  gnutls_x509_privkey_init(&s->key) == 0 &&
		  gnutls_x509_privkey_cpy(s->key, d->key) == 0;
	gnutls_free(der.data);
	if (!ok)
		slot_clear(s);
	return ok;
}

static int read_file(const char *path, gnutls_datum_t *d, char **err)
{
	int rc = gnutls_load_file(path, d);
	if (rc < 0)
		*err = ps_xasprintf("%s: %s", path,
				    rc == GNUTLS_E_FILE_ERROR ? "cannot be read"
							      : gnutls_strerror(rc));
	return rc < 0 ? -1 : 0;
}

void ps_devca_free(struct ps_devca *d)
{
	if (!d)
		return;
	if (d->ca)
		gnutls_x509_crt_deinit(d->ca);
	if (d->ca_key)
		gnutls_x509_privkey_deinit(d->ca_key);
	if (d->key)
		gnutls_x509_privkey_deinit(d->key);
	if (d->key_pem) {
		gnutls_memset(d->key_pem, 0, strlen(d->key_pem));
		free(d->key_pem);
	}
	for (unsigned i = 0; i < d->n_slots; i++)
		slot_clear(&d->slots[i]);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->freed);
	free(d);
}

int ps_devca_open(const char *cert_file, const char *key_file, struct ps_devca **out, char **err)
{
	struct ps_devca *d = ps_xcalloc(1, sizeof *d);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->freed, NULL);
	gnutls_datum_t c = { NULL, 0 }, k = { NULL, 0 };
	int rc = -1;
	if (read_file(cert_file, &c, err) < 0 || read_file(key_file, &k, err) < 0)
		goto done;
	gnutls_x509_crt_init(&d->ca);
	gnutls_x509_privkey_init(&d->ca_key);
	int g = gnutls_x509_crt_import(d->ca, &c, GNUTLS_X509_FMT_PEM);
	if (g < 0)
		g = gnutls_x509_crt_import(d->ca, &c, GNUTLS_X509_FMT_DER);
	if (g < 0) {
		*err = ps_xasprintf("--device-ca %s: %s", cert_file,
				    ps_pem_problem(c.data, c.size, PS_PEM_CERT, g));
		goto done;
	}
	g = gnutls_x509_privkey_import2(d->ca_key, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (g < 0)
		g = gnutls_x509_privkey_import2(d->ca_key, &k, GNUTLS_X509_FMT_DER, NULL, 0);
	if (g < 0) {
		*err = ps_xasprintf("--device-ca-key %s: %s", key_file,
				    ps_pem_problem(k.data, k.size, PS_PEM_KEY, g));
		goto done;
	}
	unsigned ca = 0;
	if (gnutls_x509_crt_get_basic_constraints(d->ca, NULL, &ca, NULL) < 0 || !ca) {
		*err = ps_xasprintf("--device-ca %s: not a CA certificate (no basic constraints "
				    "CA:TRUE): give the CA that signs the devices' certificates",
				    cert_file);
		goto done;
	}
	unsigned char a[64], b[64];
	size_t an = sizeof a, bn = sizeof b;
	if (gnutls_x509_crt_get_key_id(d->ca, 0, a, &an) < 0 ||
	    gnutls_x509_privkey_get_key_id(d->ca_key, 0, b, &bn) < 0 || an != bn ||
	    memcmp(a, b, an) != 0) {
		*err = ps_xasprintf("--device-ca-key %s is not the key of --device-ca %s", key_file,
				    cert_file);
		goto done;
	}
	gnutls_datum_t pem = { NULL, 0 };
	if (gnutls_x509_privkey_init(&d->key) < 0 ||
	    gnutls_x509_privkey_generate(d->key, GNUTLS_PK_RSA, 2048, 0) < 0 ||
	    gnutls_x509_privkey_export2(d->key, GNUTLS_X509_FMT_PEM, &pem) < 0) {
		*err = ps_xstrdup("the devices' key could not be made");
		goto done;
	}
	d->key_pem = ps_xstrndup((const char *)pem.data, pem.size);
	gnutls_memset(pem.data, 0, pem.size);
	gnutls_free(pem.data);
	rc = 0;
done:
	gnutls_free(c.data);
	if (k.data)
		gnutls_memset(k.data, 0, k.size);
	gnutls_free(k.data);
	if (rc < 0) {
		ps_devca_free(d);
		d = NULL;
	}
	*out = d;
	return rc;
}

int ps_devca_mint(struct ps_devca *d, const char *mac, const char *product, const char *serial,
		  char **cert_pem, char **key_pem, char **err)
{
	/* A free copy, a new one while there are fewer than DEVCA_SLOTS, else
	 * wait for one; the original when no copy can be made. */
	pthread_mutex_lock(&d->lock);
	struct slot *s = NULL;
	for (;;) {
		for (unsigned i = 0; i < d->n_slots && !s; i++)
			if (!d->slots[i].busy)
				s = &d->slots[i];
		if (!s && d->n_slots < DEVCA_SLOTS && slot_make(d, &d->slots[d->n_slots]))
			s = &d->slots[d->n_slots++];
		if (s || d->n_slots)
			break;
		/* no copy at all: sign with the original, under the lock */
		int rc = ps_pki_mint_device_with(d->ca, d->ca_key, d->key, mac, product, serial,
						 cert_pem, err);
		pthread_mutex_unlock(&d->lock);
		if (rc == 0)
			*key_pem = ps_xstrdup(d->key_pem);
		return rc;
	}
	while (!s) {
		pthread_cond_wait(&d->freed, &d->lock);
		for (unsigned i = 0; i < d->n_slots && !s; i++)
			if (!d->slots[i].busy)
				s = &d->slots[i];
	}
	s->busy = true;
	pthread_mutex_unlock(&d->lock);
	int rc =
	    ps_pki_mint_device_with(s->ca, s->ca_key, s->key, mac, product, serial, cert_pem, err);
	pthread_mutex_lock(&d->lock);
	s->busy = false;
	pthread_cond_signal(&d->freed);
	pthread_mutex_unlock(&d->lock);
	if (rc == 0)
		*key_pem = ps_xstrdup(d->key_pem);
	return rc;
}
