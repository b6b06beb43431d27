/* What the phone and the modern client trust, loaded once (see trust.h). */
#include "config.h"

#include "engine/trust.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "core/pem.h"
#include "core/util.h"

/* The system store, loaded on first need: the only part of a trust that
 * changes after it is made, so it lives behind its own lock. */
struct system_store {
	pthread_mutex_t lock;
	bool loaded;
	gnutls_x509_trust_list_t full; /* the given anchors, then the system's */
	char *error;                   /* why the system store gave nothing, or NULL */
};

struct ps_trust {
	gnutls_x509_trust_list_t phone; /* --ca */
	bool has_phone;                 /* anchors were given for the phone */
	int n_phone;
	char *phone_error;
	gnutls_x509_trust_list_t given; /* the modern client's, without the system store */
	int n_given;
	char *given_error;
	/* The given anchors as PEM, one bundle each, to copy into the full
	 * list without reading a file again. */
	gnutls_datum_t *given_pem;
	size_t n_given_pem;
	bool system;
	struct system_store *sys; /* only with `system` */
};

static gnutls_x509_trust_list_t new_list(void)
{
	gnutls_x509_trust_list_t tl;
	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		abort(); /* out of memory, as in ps_xmalloc */
	return tl;
}

/* Add a PEM bundle to `tl`; the number of CAs added, or a GnuTLS code. */
static int add_pem(gnutls_x509_trust_list_t tl, const gnutls_datum_t *pem)
{
	return gnutls_x509_trust_list_add_trust_mem(tl, pem, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
}

/* Why a bundle that added `rc` CAs is unusable, or NULL. */
static char *pem_error(int rc)
{
	if (rc < 0)
		return ps_xstrdup(gnutls_strerror(rc));
	return rc == 0 ? ps_xstrdup("no certificate found in the PEM data") : NULL;
}

static struct ps_trust *trust_alloc(bool system)
{
	struct ps_trust *t = ps_xcalloc(1, sizeof *t);
	t->phone = new_list();
	t->given = new_list();
	t->system = system;
	if (system) {
		t->sys = ps_xcalloc(1, sizeof *t->sys);
		pthread_mutex_init(&t->sys->lock, NULL);
	}
	return t;
}

/* Keep `pem` (taken) for the full list and add it to the given anchors;
 * the number of CAs it held, or a GnuTLS code. */
/* Keep `pem` (taken) for the full list only. */
static void keep_pem(struct ps_trust *t, gnutls_datum_t pem)
{
	t->given_pem = ps_xrealloc(t->given_pem, (t->n_given_pem + 1) * sizeof *t->given_pem);
	t->given_pem[t->n_given_pem++] = pem;
}

static int give_modern(struct ps_trust *t, gnutls_datum_t pem)
{
	keep_pem(t, pem);
	int rc = add_pem(t->given, &pem);
	if (rc > 0)
		t->n_given += rc;
	return rc;
}

static gnutls_datum_t pem_copy(const char *text)
{
	size_t n = strlen(text);
	gnutls_datum_t d = { ps_xmalloc(n + 1), (unsigned)n };
	memcpy(d.data, text, n + 1);
	return d;
}

struct ps_trust *ps_trust_new_mem(const char *phone_pem, const char *modern_pem, bool system)
{
	struct ps_trust *t = trust_alloc(system);
	if (phone_pem && *phone_pem) {
		t->has_phone = true;
		gnutls_datum_t d = { (unsigned char *)(uintptr_t)phone_pem,
				     (unsigned)strlen(phone_pem) };
		int rc = add_pem(t->phone, &d);
		t->n_phone = rc > 0 ? rc : 0;
		t->phone_error = pem_error(rc);
	}
	if (modern_pem && *modern_pem)
		t->given_error = pem_error(give_modern(t, pem_copy(modern_pem)));
	return t;
}

/* Read `file` (option `opt`) whole; false with `*err` when it cannot be
 * read. */
static bool load(const char *opt, const char *file, gnutls_datum_t *out, char **err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *why = NULL;
	/* Capped: a CA bundle, not /dev/zero. */
	if (!ps_read_file(file, PS_PEM_FILE_MAX, &data, &len, &why)) {
		*err = ps_xasprintf("%s %s", opt, why);
		free(why);
		return false;
	}
	out->data = data;
	out->size = (unsigned)len;
	return true;
}

static bool no_cert(const char *opt, const char *file, const gnutls_datum_t *d, int rc, char **err)
{
	if (rc > 0)
		return false;
	*err =
	    ps_xasprintf("%s %s: %s", opt, file, ps_pem_problem(d->data, d->size, PS_PEM_CERT, rc));
	return true;
}

/* Add a CA file's content: PEM, or one DER certificate. */
static int add_file(gnutls_x509_trust_list_t tl, const gnutls_datum_t *d)
{
	if (ps_pem_has(d->data, d->size, "CERTIFICATE") || !d->size)
		return add_pem(tl, d);
	int rc = gnutls_x509_trust_list_add_trust_mem(tl, d, NULL, GNUTLS_X509_FMT_DER, 0, 0);
	return rc <= 0 ? add_pem(tl, d) : rc;
}

/* A CA file's content (taken) as PEM, for the lists that take PEM: a DER
 * certificate is converted. */
static gnutls_datum_t as_pem(gnutls_datum_t d)
{
	if (ps_pem_has(d.data, d.size, "CERTIFICATE"))
		return d;
	gnutls_datum_t out = { NULL, 0 };
	if (gnutls_pem_base64_encode2("CERTIFICATE", &d, &out) < 0)
		return d;
	gnutls_datum_t copy = { ps_xmalloc(out.size + 1), out.size };
	memcpy(copy.data, out.data, out.size);
	copy.data[out.size] = '\0';
	gnutls_free(out.data);
	free(d.data);
	return copy;
}

struct ps_trust *ps_trust_new_files(const char *ca_file, const char *modern_ca_file, bool system,
				    char **err)
{
	struct ps_trust *t = trust_alloc(system);
	gnutls_datum_t d;
	if (ca_file) {
		if (!load("--ca", ca_file, &d, err))
			goto fail;
		t->has_phone = true;
		int rc = add_file(t->phone, &d);
		if (no_cert("--ca", ca_file, &d, rc, err)) {
			free(d.data);
			goto fail;
		}
		give_modern(t, as_pem(d));
		t->n_phone = rc;
	}
	if (modern_ca_file) {
		if (!load("--modern-ca", modern_ca_file, &d, err))
			goto fail;
		int rc = add_file(t->given, &d);
		if (no_cert("--modern-ca", modern_ca_file, &d, rc, err)) {
			free(d.data);
			goto fail;
		}
		t->n_given += rc;
		keep_pem(t, as_pem(d));
	}
	return t;
fail:
	ps_trust_free(t);
	return NULL;
}

void ps_trust_free(struct ps_trust *t)
{
	if (!t)
		return;
	gnutls_x509_trust_list_deinit(t->phone, 1);
	gnutls_x509_trust_list_deinit(t->given, 1);
	if (t->sys) {
		if (t->sys->full)
			gnutls_x509_trust_list_deinit(t->sys->full, 1);
		pthread_mutex_destroy(&t->sys->lock);
		free(t->sys->error);
		free(t->sys);
	}
	for (size_t i = 0; i < t->n_given_pem; i++)
		free(t->given_pem[i].data);
	free(t->given_pem);
	free(t->phone_error);
	free(t->given_error);
	free(t);
}

gnutls_x509_trust_list_t ps_trust_phone(const struct ps_trust *t, int *n, const char **error)
{
	*n = t->n_phone;
	*error = t->phone_error;
	return t->phone;
}

gnutls_x509_trust_list_t ps_trust_modern_given(const struct ps_trust *t, const char **error)
{
	*error = t->given_error;
	return t->given;
}

bool ps_trust_has_phone(const struct ps_trust *t)
{
	return t->has_phone;
}

bool ps_trust_uses_system(const struct ps_trust *t)
{
	return t->system;
}

bool ps_trust_has_modern_given(const struct ps_trust *t)
{
	return t->n_given_pem > 0;
}

gnutls_x509_trust_list_t ps_trust_modern_system(const struct ps_trust *t, const char **error)
{
	struct system_store *s = t->sys;
	pthread_mutex_lock(&s->lock);
	if (!s->loaded) {
		s->full = new_list();
		for (size_t i = 0; i < t->n_given_pem; i++)
			add_pem(s->full, &t->given_pem[i]);
		/* GnuTLS knows where the system keeps its store. */
		int rc = gnutls_x509_trust_list_add_system_trust(s->full, 0, 0);
		if (rc <= 0)
			s->error =
			    ps_xstrdup(rc < 0 ? gnutls_strerror(rc) : "no certificates found");
		s->loaded = true;
	}
	pthread_mutex_unlock(&s->lock);
	*error = s->error;
	return s->full;
}
