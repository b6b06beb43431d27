/* A storm's device CA (run/devca.h): certificates minted per device,
 * chained to the CA, each with its own subject and serial number. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/x509.h>

#include "core/util.h"
#include "lab/pki.h"
#include "run/devca.h"

static char dir[] = "/tmp/provscope-devca-XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	struct ps_lab_pki *pki = NULL;
	char *err = NULL;
	if (ps_lab_pki_open(dir, &pki, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	ps_lab_pki_free(pki);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = ps_xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *path(const char *name)
{
	return ps_xasprintf("%s/%s", dir, name);
}

static void test_mint(void **state)
{
	(void)state;
	char *c = path("vendor-ca.pem"), *k = path("vendor-ca.key"), *err = NULL;
	struct ps_devca *d = NULL;
	int rc = ps_devca_open(c, k, &d, &err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	gnutls_x509_crt_t ca;
	gnutls_datum_t cd;
	assert_true(gnutls_load_file(c, &cd) >= 0);
	gnutls_x509_crt_init(&ca);
	assert_true(gnutls_x509_crt_import(ca, &cd, GNUTLS_X509_FMT_PEM) >= 0);
	gnutls_free(cd.data);
	const char *macs[] = { "000e08000001", "00:0E:08:00:00:02", "000e08000003" };
	unsigned char serials[3][32];
	size_t serial_len[3];
	for (int i = 0; i < 3; i++) {
		char *cert = NULL, *key = NULL;
		assert_int_equal(
		    ps_devca_mint(d, macs[i], "SPA-942", "88019FA42805", &cert, &key, &err), 0);
		assert_non_null(strstr(key, "PRIVATE KEY"));
		gnutls_x509_crt_t x;
		gnutls_x509_crt_init(&x);
		gnutls_datum_t xd = { (unsigned char *)cert, (unsigned)strlen(cert) };
		assert_true(gnutls_x509_crt_import(x, &xd, GNUTLS_X509_FMT_PEM) >= 0);
		unsigned status = 1;
		assert_true(gnutls_x509_crt_list_verify(&x, 1, &ca, 1, NULL, 0, 0, &status) >= 0);
		assert_int_equal(status, 0);
		char cn[64];
		size_t n = sizeof cn;
		assert_true(gnutls_x509_crt_get_dn_by_oid(x, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn,
							  &n) >= 0);
		char want[13];
		assert_true(ps_lab_mac_normalize(macs[i], want));
		assert_string_equal(cn, want);
		serial_len[i] = sizeof serials[i];
		assert_true(gnutls_x509_crt_get_serial(x, serials[i], &serial_len[i]) >= 0);
		gnutls_x509_crt_deinit(x);
		free(cert);
		free(key);
	}
	assert_false(serial_len[0] == serial_len[1] &&
		     memcmp(serials[0], serials[1], serial_len[0]) == 0);
	/* a MAC that is none */
	char *cert = NULL, *key = NULL;
	assert_int_equal(ps_devca_mint(d, "zz", "SPA-942", "S", &cert, &key, &err), -1);
	assert_non_null(strstr(err, "not a MAC address"));
	free(err);
	gnutls_x509_crt_deinit(ca);
	ps_devca_free(d);
	free(c);
	free(k);
}

/* Threads minting side by side (each on a copy of the CA's objects): every
 * certificate verifies under the CA and names its own MAC. */
struct minter {
	struct ps_devca *d;
	int base;
	char *cert[20];
};

static void *mint_many(void *arg)
{
	struct minter *m = arg;
	for (int i = 0; i < 20; i++) {
		char mac[13], *key = NULL, *err = NULL;
		snprintf(mac, sizeof mac, "000e0801%04x", m->base + i);
		if (ps_devca_mint(m->d, mac, "SPA-942", "88019FA42805", &m->cert[i], &key, &err))
			m->cert[i] = NULL;
		free(key);
		free(err);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	char *c = path("vendor-ca.pem"), *k = path("vendor-ca.key"), *err = NULL;
	struct ps_devca *d = NULL;
	assert_int_equal(ps_devca_open(c, k, &d, &err), 0);
	gnutls_x509_crt_t ca;
	gnutls_datum_t cd;
	assert_true(gnutls_load_file(c, &cd) >= 0);
	gnutls_x509_crt_init(&ca);
	assert_true(gnutls_x509_crt_import(ca, &cd, GNUTLS_X509_FMT_PEM) >= 0);
	gnutls_free(cd.data);
	struct minter m[6];
	pthread_t t[6];
	for (int i = 0; i < 6; i++) {
		m[i] = (struct minter){ .d = d, .base = i * 20 };
		assert_int_equal(pthread_create(&t[i], NULL, mint_many, &m[i]), 0);
	}
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 20; j++) {
			assert_non_null(m[i].cert[j]);
			gnutls_x509_crt_t x;
			gnutls_x509_crt_init(&x);
			gnutls_datum_t xd = { (unsigned char *)m[i].cert[j],
					      (unsigned)strlen(m[i].cert[j]) };
			assert_true(gnutls_x509_crt_import(x, &xd, GNUTLS_X509_FMT_PEM) >= 0);
			unsigned status = 1;
			assert_true(
			    gnutls_x509_crt_list_verify(&x, 1, &ca, 1, NULL, 0, 0, &status) >= 0);
			assert_int_equal(status, 0);
			char cn[64], want[13];
			size_t n = sizeof cn;
			assert_true(gnutls_x509_crt_get_dn_by_oid(x, GNUTLS_OID_X520_COMMON_NAME, 0,
								  0, cn, &n) >= 0);
			snprintf(want, sizeof want, "000e0801%04x", i * 20 + j);
			assert_string_equal(cn, want);
			gnutls_x509_crt_deinit(x);
			free(m[i].cert[j]);
		}
	gnutls_x509_crt_deinit(ca);
	ps_devca_free(d);
	free(c);
	free(k);
}

static void test_refused(void **state)
{
	(void)state;
	char *ca = path("vendor-ca.pem"), *cak = path("vendor-ca.key"), *srv = path("server.pem"),
	     *srvk = path("server.key"), *none = path("nothing.pem"), *err = NULL;
	struct ps_devca *d = NULL;
	assert_int_equal(ps_devca_open(srv, srvk, &d, &err), -1);
	assert_non_null(strstr(err, "not a CA certificate"));
	assert_null(d);
	free(err);
	assert_int_equal(ps_devca_open(ca, srvk, &d, &err), -1);
	assert_non_null(strstr(err, "is not the key of --device-ca"));
	free(err);
	assert_int_equal(ps_devca_open(none, cak, &d, &err), -1);
	assert_non_null(strstr(err, "cannot be read"));
	free(err);
	assert_int_equal(ps_devca_open(cak, cak, &d, &err), -1);
	assert_non_null(strstr(err, "--device-ca "));
	free(err);
	free(ca), free(cak), free(srv), free(srvk), free(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mint),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
