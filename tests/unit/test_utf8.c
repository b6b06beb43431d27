/* The one UTF-8 decoder (core/utf8.h): RFC 3629 validity, truncation, the
 * encoder and the sanitiser. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* Decode `s` (its strlen, or `n` when given): the length and code point. */
static size_t dec(const char *s, size_t n, uint32_t *cp)
{
	*cp = 0xDEAD;
	return ps_utf8_decode((const unsigned char *)s, n ? n : strlen(s), cp);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} ok[] = {
		{ "A", 1, 0x41 },
		{ "\x7f", 1, 0x7F },
		{ "\xc2\x80", 2, 0x80 },
		{ "\xc3\xa9", 2, 0xE9 },
		{ "\xdf\xbf", 2, 0x7FF },
		{ "\xe0\xa0\x80", 3, 0x800 },
		{ "\xe2\x82\xac", 3, 0x20AC },
		{ "\xed\x9f\xbf", 3, 0xD7FF }, /* just below the surrogates */
		{ "\xee\x80\x80", 3, 0xE000 }, /* just above them */
		{ "\xef\xbf\xbd", 3, 0xFFFD },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10FFFF },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		uint32_t cp;
		assert_int_equal(dec(ok[i].s, 0, &cp), ok[i].len);
		assert_int_equal(cp, ok[i].cp);
		char out[4];
		assert_int_equal(ps_utf8_encode(cp, out), ok[i].len);
		assert_memory_equal(out, ok[i].s, ok[i].len);
	}
	uint32_t cp;
	assert_int_equal(dec("", 1, &cp), 1); /* U+0000 with its length given */
	assert_int_equal(cp, 0);
	assert_int_equal(ps_utf8_decode((const unsigned char *)"A", 0, &cp), 0);
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\xc0\x80",         /* overlong U+0000 */
		"\xc1\xbf",         /* overlong U+007F */
		"\xe0\x80\x80",     /* overlong, three bytes */
		"\xe0\x9f\xbf",     /* overlong U+07FF */
		"\xf0\x80\x80\x80", /* overlong, four bytes */
		"\xf0\x8f\xbf\xbf", /* overlong U+FFFF */
		"\xed\xa0\x80",     /* U+D800, a surrogate */
		"\xed\xbf\xbf",     /* U+DFFF */
		"\xf4\x90\x80\x80", /* U+110000 */
		"\xf5\x80\x80\x80", /* lead byte past U+10FFFF */
		"\xff",
		"\x80", /* a lone continuation byte */
		"\xbf",
		"\xc3\x28",     /* second byte not a continuation */
		"\xe2\x82\x28", /* third byte not a continuation */
		"\xe2\x82",     /* truncated (cut by the NUL) */
		"\xf0\x9f\x98", /* truncated four-byte */
		"\xc3",         /* truncated two-byte */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint32_t cp;
		size_t n = dec(bad[i], 0, &cp);
		if (n != 0)
			fail_msg("case %zu decoded to U+%04X", i, (unsigned)cp);
		assert_int_equal(cp, 0xDEAD); /* left alone */
	}
	/* A NUL-terminated string read with n = 4: the NUL stops the read. */
	uint32_t cp;
	assert_int_equal(ps_utf8_decode((const unsigned char *)"\xe2\x82", 4, &cp), 0);
}

static void test_utf8_truncated(void **state)
{
	(void)state;
	const unsigned char *euro = (const unsigned char *)"\xe2\x82\xac";
	assert_true(ps_utf8_truncated(euro, 1));
	assert_true(ps_utf8_truncated(euro, 2));
	assert_false(ps_utf8_truncated(euro, 3)); /* whole: not cut */
	assert_true(ps_utf8_truncated((const unsigned char *)"\xf0\x9f\x98", 3));
	/* The start of something that could never be valid is not "cut". */
	assert_false(ps_utf8_truncated((const unsigned char *)"\xed\xa0", 2)); /* surrogate */
	assert_false(ps_utf8_truncated((const unsigned char *)"\xe0\x80", 2)); /* overlong */
	assert_false(ps_utf8_truncated((const unsigned char *)"\xf4\x90", 2)); /* > U+10FFFF */
	assert_false(ps_utf8_truncated((const unsigned char *)"\xc0", 1));
	assert_false(ps_utf8_truncated((const unsigned char *)"A", 1));
	assert_false(ps_utf8_truncated((const unsigned char *)"\xc3\x28", 2));
}

static void test_utf8_next_and_sanitize(void **state)
{
	(void)state;
	uint32_t cp;
	assert_int_equal(ps_utf8_next("\xc3\xa9x", &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(ps_utf8_next("\xed\xa0\x80", &cp), 1);
	assert_int_equal(cp, PS_UTF8_REPLACEMENT);
	struct ps_buf b = { 0 };
	ps_utf8_sanitize(&b, "a\xc0\x80"
			     "b\xe2\x82\xac\xf4\x90\x80\x80\xe2\x82");
	/* each byte that starts nothing valid becomes U+FFFD */
	assert_string_equal(b.s, "a\xef\xbf\xbd\xef\xbf\xbd"
				 "b\xe2\x82\xac"
				 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				 "\xef\xbf\xbd\xef\xbf\xbd");
	ps_buf_free(&b);
	ps_utf8_sanitize(&b, NULL);
	assert_null(b.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_truncated),
		cmocka_unit_test(test_utf8_next_and_sanitize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
