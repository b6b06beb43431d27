/* The CSV reader of device lists. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

/* The rows as "line:a|b|c" joined by "; ". */
static char *dump(const struct ps_csv *c)
{
	static char out[1024];
	out[0] = '\0';
	for (size_t i = 0; i < c->n_rows; i++) {
		char part[256];
		snprintf(part, sizeof part, "%s%u:", i ? "; " : "", c->rows[i].line);
		strcat(out, part);
		for (size_t k = 0; k < c->rows[i].n_fields; k++) {
			if (k)
				strcat(out, "|");
			strcat(out, c->rows[i].fields[k]);
		}
	}
	return out;
}

static void test_csv_cases(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "mac,serial\n000e08aabbcc,88012BA01234\n",
		  "1:mac|serial; 2:000e08aabbcc|88012BA01234" },
		{ "a,b\r\n1,2\r\n", "1:a|b; 2:1|2" }, /* CRLF */
		{ "\xef\xbb\xbf"
		  "a,b\n1,2",
		  "1:a|b; 2:1|2" },         /* BOM, no final newline */
		{ "a, b ,c\n", "1:a|b|c" }, /* trimmed */
		{ "a,\"x, y\",\"say \"\"hi\"\"\"\n", "1:a|x, y|say \"hi\"" }, /* quotes */
		{ "a,\"two\nlines\",c\nd\n", "1:a|two\nlines|c; 3:d" }, /* a break inside quotes */
		{ "a,,c\n,\n", "1:a||c; 2:|" },                         /* empty fields */
		{ "# devices\n\na,b\n  \n# more\n1,2\n", "3:a|b; 6:1|2" }, /* comments, blanks */
		{ "a,\" q \"\n", "1:a| q " },                              /* quoted keeps spaces */
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ps_csv c;
		char *err = NULL;
		int rc = ps_csv_parse(cases[i].text, strlen(cases[i].text), &c, &err);
		if (rc != 0)
			fail_msg("case %zu: %s", i, err);
		if (strcmp(dump(&c), cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, dump(&c), cases[i].want);
		ps_csv_clear(&c);
	}
}

static void test_csv_errors(void **state)
{
	(void)state;
	struct ps_csv c;
	char *err = NULL;
	const char *t = "a,b\n1,\"open\n2,3\n";
	assert_int_equal(ps_csv_parse(t, strlen(t), &c, &err), -1);
	assert_string_equal(err, "line 2: a quoted field is not closed");
	assert_int_equal(c.n_rows, 2); /* the header and what was read of the row */
	free(err);
	ps_csv_clear(&c);
	t = "a,b\n1,\"x\"y\n";
	assert_int_equal(ps_csv_parse(t, strlen(t), &c, &err), -1);
	assert_string_equal(err, "line 2: text after a closing quote");
	free(err);
	ps_csv_clear(&c);
	/* a NUL byte would cut a field short: the list is refused, with its line */
	static const char nul[] = "mac,serial\n000e08aabbcc,AB\0CD\n";
	assert_int_equal(ps_csv_parse(nul, sizeof nul - 1, &c, &err), -1);
	assert_string_equal(err, "line 2: a NUL byte; the list is not plain text (UTF-16? save it "
				 "as UTF-8)");
	assert_int_equal(c.n_rows, 0);
	free(err);
	ps_csv_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cases),
		cmocka_unit_test(test_csv_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
