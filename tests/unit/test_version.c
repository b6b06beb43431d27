/* Unit tests of firmware versions: which strings are versions, how they
 * order (numbers, missing components, suffixes), and the version read
 * from firmware file names. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/version.h"

struct valid_case {
	const char *s;
	bool valid;
};

static const struct valid_case valid_cases[] = {
	{ "6.1.5(a)", true },
	{ "5.1.7(a)", true },
	{ "2.0.3(0412s)", true },
	{ "2.0.6", true },
	{ "7.4.8a", true },
	{ "7.5.2b", true },
	{ "7.6.1(ES_RC01)", true },
	{ "1.3.5p", true },
	{ "1.3.5_004p", true },
	{ "1.0.31(b)", true },
	{ "2.0.3(G)", true },
	{ "600", true },
	{ "0", true },
	{ "7.5", true },
	{ "1.2.3.4", true },
	{ "007.05.2", true },
	{ "99999999999999999999.1", true },
	{ "", false },
	{ "a", false },
	{ "v7.5.2", false },
	{ "-1", false },
	{ ".1", false },
	{ "1.", false },
	{ "1..2", false },
	{ "7.5.2 b", false },
	{ "7.5.2()", false },
	{ "7.5.2(a", false },
	{ "7.5.2(a)x", false },
	{ "7.5.2(a b)", false },
	{ "7.5.2_", false },
	{ "7.5.2__x", false },
	{ "7.5.2#", false },
	{ "$SWVER", false },
	{ "000e08aabbcc", false },
};

static void test_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
		const struct valid_case *c = &valid_cases[i];
		if (ps_version_valid(c->s) != c->valid)
			fail_msg("ps_version_valid(\"%s\") should be %s", c->s,
				 c->valid ? "true" : "false");
	}
	assert_false(ps_version_valid(NULL));
}

struct cmp_case {
	const char *a;
	const char *b;
	int want; /* -1, 0, 1 */
};

static const struct cmp_case cmp_cases[] = {
	/* numbers */
	{ "7.4.9", "7.5.2b", -1 },
	{ "7.5.3", "7.5.2b", 1 },
	{ "7.4.10", "7.4.9", 1 },
	{ "2.0", "2.0.0", 0 },
	{ "2", "2.0.0", 0 },
	{ "2.0.0.1", "2.0", 1 },
	{ "007.05.2", "7.5.2", 0 },
	{ "600", "1800", -1 },
	{ "1800", "600", 1 },
	{ "0", "0", 0 },
	{ "99999999999999999999", "99999999999999999998", 1 },
	/* no suffix before any suffix */
	{ "7.5.2", "7.5.2a", -1 },
	{ "7.5.2a", "7.5.2", 1 },
	{ "6.1.5", "6.1.5(a)", -1 },
	{ "7.5.3", "7.5.2z", 1 },
	/* suffix forms are one version */
	{ "6.1.5(a)", "6.1.5a", 0 },
	{ "6.1.5(a)", "6.1.5_a", 0 },
	{ "1.3.5_004p", "1.3.5(004p)", 0 },
	{ "6.1.5(A)", "6.1.5a", 0 },
	/* letters alphabetically, case-insensitively */
	{ "7.5.2a", "7.5.2b", -1 },
	{ "7.5.2B", "7.5.2a", 1 },
	{ "7.4.8a", "7.4.8c", -1 },
	{ "5.1.7(a)", "5.1.7(b)", -1 },
	{ "7.5.2b", "7.5.2ba", -1 },
	/* digit runs numerically */
	{ "7.6.1(ES_RC9)", "7.6.1(ES_RC10)", -1 },
	{ "7.6.1(ES_RC01)", "7.6.1(ES_RC1)", 0 },
	{ "7.6.1(ES_RC01)", "7.6.1(ES_RC02)", -1 },
	{ "2.0.3(0412s)", "2.0.3(1001s)", -1 },
	{ "1.3.5_004p", "1.3.5_003p", 1 },
	{ "1.3.5_004p", "1.3.5_0010p", -1 },
	/* digits before letters */
	{ "2.0.3(0412s)", "2.0.3(G)", -1 },
	/* numbers first, then suffix */
	{ "2.0.3(0412s)", "2.0.6", -1 },
	{ "7.5.2z", "7.5.10", -1 },
	/* not versions: byte-wise */
	{ "abc", "abd", -1 },
	{ "abc", "abc", 0 },
	{ "7.5.2", "x", -1 },
	{ "", "", 0 },
};

static void test_cmp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cmp_cases / sizeof cmp_cases[0]; i++) {
		const struct cmp_case *c = &cmp_cases[i];
		int got = ps_version_cmp(c->a, c->b);
		if (got != c->want)
			fail_msg("ps_version_cmp(\"%s\", \"%s\") = %d, want %d", c->a, c->b, got,
				 c->want);
		int back = ps_version_cmp(c->b, c->a);
		if (back != -c->want)
			fail_msg("ps_version_cmp(\"%s\", \"%s\") = %d, want %d (antisymmetry)",
				 c->b, c->a, back, -c->want);
	}
	assert_int_equal(ps_version_cmp(NULL, ""), 0);
	assert_int_equal(ps_version_cmp(NULL, "1.0"), -1);
}

/* Sorting a shuffled list gives the documented order. */
static int qcmp(const void *a, const void *b)
{
	return ps_version_cmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_sort(void **state)
{
	(void)state;
	const char *list[] = { "7.5.5",  "7.5.2b", "7.4.9",  "7.5.2",         "7.5.2(ES_RC1)",
			       "7.5.2a", "7.4.10", "7.5.2c", "7.5.2(ES_RC10)" };
	const char *want[] = { "7.4.9",  "7.4.10",        "7.5.2",          "7.5.2a", "7.5.2b",
			       "7.5.2c", "7.5.2(ES_RC1)", "7.5.2(ES_RC10)", "7.5.5" };
	qsort(list, sizeof list / sizeof list[0], sizeof list[0], qcmp);
	for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
		assert_string_equal(list[i], want[i]);
}

struct file_case {
	const char *path;
	const char *want; /* NULL: no version */
};

static const struct file_case file_cases[] = {
	{ "spa50x-30x-7-5-2b.bin", "7.5.2b" },
	{ "spa942-6-1-5a.bin", "6.1.5a" },
	{ "SPA112-SPA122_1.3.5_004p.bin", "1.3.5_004p" },
	{ "pap2t-5-1-6.bin", "5.1.6" },
	{ "spa525g-7-4-9c.bin", "7.4.9c" },
	{ "spa50x-30x-7-5-5.bin", "7.5.5" },
	{ "http://p/firmware/spa50x-30x-7-5-2b.bin", "7.5.2b" },
	{ "/srv/tftp/fw/spa942-6-1-5a.bin?x=1", "6.1.5a" },
	{ "C:\\fw\\spa942-6-1-5a.bin", "6.1.5a" },
	{ "spa-942-6-1-5a.bin", "6.1.5a" },
	{ "spa942-6.1.5a.bin", "6.1.5a" },
	{ "fw-v7.5.2.bin", "7.5.2" },
	{ "spa942_6.1.5(a).bin", "6.1.5(a)" },
	{ "spa2102-5.1.10.bin", "5.1.10" },
	{ "spa942.bin", NULL },
	{ "spa$PSN.cfg", NULL },
	{ "firmware.bin", NULL },
	{ "spa50x-30x-7-5.bin", NULL },
	{ "spa50x-30x-7-x-2b.bin", NULL },
	{ "", NULL },
	{ "/", NULL },
};

static void test_from_filename(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof file_cases / sizeof file_cases[0]; i++) {
		const struct file_case *c = &file_cases[i];
		char *got = ps_version_from_filename(c->path);
		bool ok = c->want ? got && strcmp(got, c->want) == 0 : got == NULL;
		if (!ok) {
			char msg[256];
			snprintf(msg, sizeof msg, "from_filename(\"%s\") = %s, want %s", c->path,
				 got ? got : "NULL", c->want ? c->want : "NULL");
			free(got);
			fail_msg("%s", msg);
		}
		free(got);
	}
	assert_null(ps_version_from_filename(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_from_filename),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
