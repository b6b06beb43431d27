/* The trust object: files read into both clients' lists, usage errors for
 * files that give no CA, and the system store loaded once for every thread
 * that asks at the same time. */
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
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/util.h"
#include "engine/trust.h"

static char *data_path(const char *name)
{
	const char *dir = getenv("PS_TEST_DATA");
	return ps_xasprintf("%s/x509/%s", dir && *dir ? dir : "tests/data", name);
}

/* The root of the badssl chains, and the chain's own root certificate. */
#define ROOT "badssl/roots/DigiCert_Global_Root_CA.pem"

static gnutls_x509_crt_t load_crt(const char *name)
{
	char *file = data_path(name);
	gnutls_datum_t d = { NULL, 0 };
	assert_int_equal(gnutls_load_file(file, &d), 0);
	gnutls_x509_crt_t c;
	assert_int_equal(gnutls_x509_crt_init(&c), 0);
	assert_int_equal(gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM), 0);
	gnutls_free(d.data);
	free(file);
	return c;
}

/* Whether `tl` holds `c` as a trusted CA. */
static bool holds(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t c)
{
	unsigned st = 1;
	assert_true(gnutls_x509_trust_list_verify_crt(tl, &c, 1, 0, &st, NULL) >= 0);
	return st == 0;
}

/* A trust from files that must load. */
static struct ps_trust *from_files(const char *ca, const char *modern_ca, bool system)
{
	char *err = NULL;
	struct ps_trust *t = ps_trust_new_files(ca, modern_ca, system, &err);
	assert_null(err);
	assert_non_null(t);
	return t;
}

static void test_files(void **state)
{
	(void)state;
	char *ca = data_path(ROOT);
	struct ps_trust *t = from_files(ca, NULL, false);
	int n = 0;
	const char *why = "unset";
	gnutls_x509_crt_t root = load_crt(ROOT);
	assert_true(holds(ps_trust_phone(t, &n, &why), root));
	assert_int_equal(n, 1);
	assert_null(why);
	assert_true(ps_trust_has_phone(t));
	/* The modern client trusts --ca too. */
	assert_true(holds(ps_trust_modern_given(t, &why), root));
	assert_true(ps_trust_has_modern_given(t));
	assert_false(ps_trust_uses_system(t));
	ps_trust_free(t);

	/* --modern-ca only: the phone trusts nothing. */
	t = from_files(NULL, ca, false);
	assert_false(holds(ps_trust_phone(t, &n, &why), root));
	assert_int_equal(n, 0);
	assert_false(ps_trust_has_phone(t));
	assert_true(holds(ps_trust_modern_given(t, &why), root));
	ps_trust_free(t);
	gnutls_x509_crt_deinit(root);
	free(ca);
}

static void test_file_errors(void **state)
{
	(void)state;
	char *err = NULL;
	assert_null(ps_trust_new_files("/nonexistent/ca.pem", NULL, true, &err));
	assert_non_null(strstr(err, "--ca /nonexistent/ca.pem: "));
	free(err);
	err = NULL;
	char tmpl[] = "/tmp/ps-trust-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "no PEM here\n", 12), 12);
	close(fd);
	assert_null(ps_trust_new_files(NULL, tmpl, true, &err));
	char *want = ps_xasprintf("--modern-ca %s: ", tmpl);
	assert_non_null(strstr(err, want));
	free(want);
	free(err);
	unlink(tmpl);
}

/* PEM text that holds no certificate is no error here: the verdicts say
 * why the phone's trust is unknown. */
static void test_mem(void **state)
{
	(void)state;
	struct ps_trust *t = ps_trust_new_mem("junk", NULL, false);
	int n = 1;
	const char *why = NULL;
	ps_trust_phone(t, &n, &why);
	assert_int_equal(n, 0);
	assert_non_null(why);
	assert_true(ps_trust_has_phone(t));
	assert_false(ps_trust_has_modern_given(t));
	ps_trust_free(t);
	ps_trust_free(NULL);
}

struct asker {
	const struct ps_trust *t;
	gnutls_x509_trust_list_t got;
	const char *error;
};

static void *ask(void *ctx)
{
	struct asker *a = ctx;
	a->got = ps_trust_modern_system(a->t, &a->error);
	return NULL;
}

/* Eight threads ask for the system store at once: one load, one list,
 * which holds the given anchors and the system's. */
static void test_system_once(void **state)
{
	(void)state;
	char *ca = data_path(ROOT);
	struct ps_trust *t = from_files(NULL, ca, true);
	assert_true(ps_trust_uses_system(t));
	struct asker a[8];
	pthread_t th[8];
	for (int i = 0; i < 8; i++) {
		a[i] = (struct asker){ .t = t };
		assert_int_equal(pthread_create(&th[i], NULL, ask, &a[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 1; i < 8; i++) {
		assert_ptr_equal(a[i].got, a[0].got);
		assert_ptr_equal(a[i].error, a[0].error);
	}
	gnutls_x509_crt_t root = load_crt(ROOT);
	assert_true(holds(a[0].got, root));
	/* The given list stays without the system store. */
	const char *why;
	assert_ptr_not_equal(ps_trust_modern_given(t, &why), a[0].got);
	/* More than the one CA given, unless this machine has no store. */
	gnutls_x509_trust_list_iter_t it = NULL;
	gnutls_x509_crt_t c;
	unsigned count = 0;
	while (gnutls_x509_trust_list_iter_get_ca(a[0].got, &it, &c) == 0) {
		count++;
		gnutls_x509_crt_deinit(c);
	}
	gnutls_x509_trust_list_iter_deinit(it);
	if (a[0].error)
		printf("# no system store here: %s\n", a[0].error);
	else
		assert_true(count > 1);
	gnutls_x509_crt_deinit(root);
	ps_trust_free(t);
	free(ca);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_system_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
