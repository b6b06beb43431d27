/* The report as a flat list of test cases, shared by the TAP and JUnit
 * outputs: one per step of each hop, one per expectation, and a last one
 * for the run's verdict (a scan: one per model, see ps_cases_build); each finding is attached to the one case that it
 * was raised in. Borrows from the report, which must outlive the list. */
#ifndef PS_OUTPUT_CASES_H
#define PS_OUTPUT_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"
#include "model/report.h"

enum ps_case_kind {
	PS_CASE_STEP,    /* a step of a hop */
	PS_CASE_EXPECT,  /* an --expect */
	PS_CASE_VERDICT, /* the run as a whole */
	PS_CASE_MODEL,   /* scan: a model of the catalogue */
	PS_CASE_AUDIT,   /* scan: the audit */
};

enum ps_case_result {
	PS_CASE_PASS,
	PS_CASE_FAIL,
	PS_CASE_SKIP,
};

struct ps_case {
	enum ps_case_kind kind;
	enum ps_case_result result;
	size_t hop;                            /* STEP: index of the hop; MODEL: of the model */
	const struct ps_step *step;            /* STEP */
	const struct ps_expect_result *expect; /* EXPECT */
	const struct ps_finding **findings;    /* attached, in report order */
	size_t n_findings;
	const struct ps_finding *first_error; /* the first attached error finding, or NULL */
};

struct ps_cases {
	struct ps_case *v;
	size_t n;
	size_t failed, skipped;
	double total_ms; /* the end of the last step, from the start of the run */
};

/* Build the list. A scan's: a case per model (its pass's findings
 * attached; it fails when its exit status is not 0), one for the audit
 * when it was made (its findings), one per expectation. Any other report's:
 * a finding goes to the step it was raised in (its
 * `step`, recorded by the report sink), one without a step to the verdict
 * case. A step fails when its status is fail (or it never ended) or an
 * error finding is attached; the verdict case fails when the exit code is
 * not 0. */
void ps_cases_build(const struct ps_report *r, struct ps_cases *out);
void ps_cases_free(struct ps_cases *c);

/* A scan's model case in one line: "spa921: TLS1.0
 * TLS_RSA_WITH_AES_256_CBC_SHA, chain accept, client certificate sent,
 * HTTP 200" or "spa303: tls.no_shared_cipher (exit 4)". */
void ps_cases_model_line(struct ps_buf *b, const struct ps_report *r, size_t model);

/* Append `v` (not negative) with `places` decimals (at most 6) and a point
 * whatever the locale, e.g. 1.250 for 1.25 with 3. */
void ps_cases_decimal(struct ps_buf *b, double v, unsigned places);

#endif
