/* Unit tests of macro expansion: every form, unknown names kept as
 * written, malformed references left alone, and one pass only. */
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

#include "rules/macro.h"

struct macro_row {
	const char *name;
	const char *value;
};

static const struct macro_row rows[] = {
	{ "MA", "000e08aabbcc" }, { "MAU", "000E08AABBCC" },  { "PN", "SPA942" },
	{ "SWVER", "6.1.5(a)" },  { "LOOP", "$MA-$(MA)-$$" }, /* must come out as written */
	{ "EMPTY", "" },
};

struct lookup_ctx {
	unsigned calls;
};

static const char *lookup(void *ctx, const char *name)
{
	struct lookup_ctx *c = ctx;
	c->calls++;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (strcmp(rows[i].name, name) == 0)
			return rows[i].value;
	return NULL;
}

/* Expand `in` and compare with `want`. */
static void check(const char *in, const char *want)
{
	struct lookup_ctx c = { 0 };
	char *got = ps_macro_expand(in, lookup, &c);
	assert_non_null(got);
	if (strcmp(got, want) != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "expand '%s': got '%s', want '%s'", in, got, want);
		free(got);
		fail_msg("%s", msg);
	}
	free(got);
}

static void test_plain(void **state)
{
	(void)state;
	check("", "");
	check("spa942.cfg", "spa942.cfg");
	check("/prov/$MA", "/prov/000e08aabbcc");
}

static void test_bare_and_paren(void **state)
{
	(void)state;
	check("$MA", "000e08aabbcc");
	check("$(MA)", "000e08aabbcc");
	check("$MAU", "000E08AABBCC");
	check("$(MAU)", "000E08AABBCC");
	check("$PN-$SWVER", "SPA942-6.1.5(a)");
	check("$(PN)$(SWVER)", "SPA9426.1.5(a)");
	check("a$(EMPTY)b", "ab");
	check("a$EMPTY", "a");
}

static void test_substrings(void **state)
{
	(void)state;
	check("$(MA:6)", "aabbcc");
	check("$(MA:6:3)", "aab");
	check("$(MA:0:2)", "00");
	check("$(MA:0)", "000e08aabbcc");
	check("$(MA:11)", "c");
	check("$(MA:12)", "");
	check("$(MA:20)", "");
	check("$(MA:20:5)", "");
	check("$(MA:6:0)", "");
	check("$(MA:10:99)", "cc");
	check("x$(MA:6)y", "xaabbccy");
}

static void test_dollar(void **state)
{
	(void)state;
	check("$$", "$");
	check("$$MA", "$MA");
	check("$$$MA", "$000e08aabbcc");
	check("a$$b", "a$b");
	check("$", "$");
	check("abc$", "abc$");
	check("$$$", "$$");
}

static void test_unknown_kept(void **state)
{
	(void)state;
	check("$STRANGE", "$STRANGE");
	check("spa$STRANGE$MAU.cfg", "spa$STRANGE000E08AABBCC.cfg");
	check("$(STRANGE)", "$(STRANGE)");
	check("$(STRANGE:2)", "$(STRANGE:2)");
	check("$ma", "$ma");
	check("$-x", "$-x");
}

static void test_longest_known_prefix(void **state)
{
	(void)state;
	check("$MAU.cfg", "000E08AABBCC.cfg");
	check("$MAxyz", "000e08aabbccxyz");
	/* The run is MAUX; its longest known prefix is MAU. */
	check("$MAUX", "000E08AABBCCX");
	check("$MA9", "000e08aabbcc9");
}

static void test_malformed_paren(void **state)
{
	(void)state;
	check("$(", "$(");
	check("$(MA", "$(MA");
	check("a$(MA:6", "a$(MA:6");
	check("$(MA:)", "$(MA:)");
	check("$(MA:x)", "$(MA:x)");
	check("$(MA:6:)", "$(MA:6:)");
	check("$()", "$()");
	check("$(MA:99999999999)", "$(MA:99999999999)");
	/* A malformed reference does not hide a good one after it. */
	check("$(MA $MA", "$(MA 000e08aabbcc");
}

static void test_one_pass(void **state)
{
	(void)state;
	check("$LOOP", "$MA-$(MA)-$$");
	check("$(LOOP)", "$MA-$(MA)-$$");
	check("$(LOOP:0:3)", "$MA");
}

static void test_lookup_ctx_passed(void **state)
{
	(void)state;
	struct lookup_ctx c = { 0 };
	char *got = ps_macro_expand("$(PN)", lookup, &c);
	assert_string_equal(got, "SPA942");
	assert_true(c.calls >= 1);
	free(got);
}

/* The env variant: registers, secrets only with the flag, $GPP_x with an
 * underscore, phone macros without a value kept whole. */
static const char *env_param(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "GPP_A") == 0)
		return "ra";
	if (strcmp(name, "GPP_SA") == 0)
		return "secret";
	return NULL;
}

static const char *env_macro(void *ctx, const char *name)
{
	return lookup(ctx, name);
}

static void check_env(const char *in, unsigned flags, const char *want)
{
	struct lookup_ctx c = { 0 };
	struct ps_macro_env env = { .macro = env_macro, .param = env_param, .ctx = &c };
	char *got = ps_macro_expand_env(in, &env, flags);
	if (strcmp(got, want) != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "expand_env '%s': got '%s', want '%s'", in, got, want);
		free(got);
		fail_msg("%s", msg);
	}
	free(got);
}

static void test_env_variant(void **state)
{
	(void)state;
	check_env("$A-$B-$(A)", 0, "ra--ra");
	check_env("$GPP_A-$(GPP_A)", 0, "ra-ra");
	check_env("$PN_$MA_x", 0, "SPA942_000e08aabbcc_x");
	check_env("$SA $(SA) $SAB", 0, "$SA $(SA) $SAB");
	check_env("$SA $(SA:0:3) $SAB", PS_MACRO_ALLOW_SECRETS, "secret sec secretB");
	check_env("$PRVTMR $PRVTMRX $STRANGE $$", 0, "$PRVTMR $PRVTMRX $STRANGE $");
	check_env("$UID1$UID2.", 0, ".");
	char *got = ps_macro_expand_env("$MA", NULL, 0);
	assert_string_equal(got, "$MA");
	free(got);
	/* The plain expansion still stops bare names at '_'. */
	check("$MA_x", "000e08aabbcc_x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_bare_and_paren),
		cmocka_unit_test(test_substrings),
		cmocka_unit_test(test_dollar),
		cmocka_unit_test(test_unknown_kept),
		cmocka_unit_test(test_longest_known_prefix),
		cmocka_unit_test(test_malformed_paren),
		cmocka_unit_test(test_one_pass),
		cmocka_unit_test(test_lookup_ctx_passed),
		cmocka_unit_test(test_env_variant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
