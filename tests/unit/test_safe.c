/* Unit tests of terminal-safe text (output/safe): controls, DEL, C1 and
 * bytes that are not UTF-8 become \xNN; text, tabs and newlines stay; a
 * character split across writes of the stream is kept whole. */
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

#include "core/util.h"
#include "output/safe.h"

static void check(const char *in, size_t n, const char *want)
{
	struct ps_buf b = { 0 };
	assert_int_equal(ps_safe_add(&b, in, n, 0), 0);
	char *got = ps_buf_take(&b);
	assert_string_equal(got, want);
	free(got);
}
#define CHECK(lit, want) check((lit), sizeof(lit) - 1, (want))

static void test_safe_add(void **state)
{
	(void)state;
	CHECK("plain text\twith a tab\n", "plain text\twith a tab\n");
	CHECK("caf\xc3\xa9 \xe2\x9c\x94 \xf0\x9f\x93\x9e",
	      "caf\xc3\xa9 \xe2\x9c\x94 \xf0\x9f\x93\x9e");
	CHECK("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");
	CHECK("a\x1b[2Jb\rc\x7f", "a\\x1b[2Jb\\x0dc\\x7f");
	CHECK("\xc2\x9b"
	      "31m",
	      "\\xc2\\x9b31m"); /* U+009B, CSI to some terminals */
	CHECK("\x9b"
	      "1m \xff \xc3",
	      "\\x9b1m \\xff \\xc3"); /* not UTF-8 */
	CHECK("nul\0here", "nul\\x00here");
	/* a character cut by the end of a write is kept back for the next */
	struct ps_buf b = { 0 };
	assert_int_equal(ps_safe_add(&b, "ok \xe2\x9c", 5, 1), 2);
	assert_string_equal(b.s, "ok ");
	ps_buf_free(&b);
}

/* Through the stream, written a byte at a time: the same as at once. */
static void test_safe_stream(void **state)
{
	(void)state;
	static const char in[] = "\xe2\x9c\x94 HTTP/1.1 200 OK\x1b]0;x\x07 caf\xc3\xa9\n";
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	FILE *f = ps_safe_stream(m);
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	for (size_t i = 0; i < sizeof in - 1; i++)
		fputc(in[i], f);
	fputs("\xe2\x9c", f); /* cut at the end: escaped when the stream closes */
	assert_int_equal(fclose(f), 0);
	fclose(m);
	assert_string_equal(text,
			    "\xe2\x9c\x94 HTTP/1.1 200 OK\\x1b]0;x\\x07 caf\xc3\xa9\n\\xe2\\x9c");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_add),
		cmocka_unit_test(test_safe_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
