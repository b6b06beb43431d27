/* libFuzzer target for --expect: each line of the input is parsed as one
 * KEY=VALUE; what parses is evaluated against the unit tests' fixed report
 * (tests/helpers/sample_report.h) and its message made, then the exit rule
 * applies them all. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/expect.h"
#include "model/report.h"

#include "../tests/helpers/sample_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* At most this many lines: the exit rule is linear, a longer input only
 * slows the fuzzer. */
#define MAX_EXPECTS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = ps_xstrndup((const char *)data, size);
	struct ps_report *r = ps_sample_report();
	struct ps_expect v[MAX_EXPECTS];
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && n < MAX_EXPECTS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct ps_expect *e = &v[n];
		char *err = NULL;
		if (!ps_expect_parse(line, e, &err)) {
			if (!err || e->key)
				abort();
			free(err);
			continue;
		}
		if (err || !e->key || !e->value)
			abort();
		struct ps_expect_result res;
		ps_expect_eval(e, r, &res);
		/* A secret's value never shows. */
		if (e->id == PS_EK_PARAM && strcmp(e->name, "Password_1_") == 0 &&
		    ((res.got && strstr(res.got, "s3cret")) || strstr(res.expected, "s3cret")))
			abort();
		free(ps_expect_result_text(&res));
		ps_expect_result_clear(&res);
		n++;
	}
	size_t failed = ps_report_expect(r, v, n);
	if (failed > n || r->n_expectations != n)
		abort();
	for (size_t i = 0; i < n; i++)
		ps_expect_clear(&v[i]);
	ps_report_free(r);
	free(text);
	return 0;
}
