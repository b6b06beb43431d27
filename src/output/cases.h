/* The report as a flat list of test cases, shared by the TAP and JUnit
 * outputs: one per step of each hop, one per expectation, and a last one
 * for the run's verdict; each finding is attached to the one case that it
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
};

enum ps_case_result {
	PS_CASE_PASS,
	PS_CASE_FAIL,
	PS_CASE_SKIP,
};

struct ps_case {
	enum ps_case_kind kind;
	enum ps_case_result result;
	size_t hop;                            /* STEP: index of the hop */
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

/* Build the list. A finding goes to the step it was raised in (its
 * `step`, recorded by the report sink), one without a step to the verdict
 * case. A step fails when its status is fail (or it never ended) or an
 * error finding is attached; the verdict case fails when the exit code is
 * not 0. */
void ps_cases_build(const struct ps_report *r, struct ps_cases *out);
void ps_cases_free(struct ps_cases *c);

/* Append `v` (not negative) with `places` decimals (at most 6) and a point
 * whatever the locale, e.g. 1.250 for 1.25 with 3. */
void ps_cases_decimal(struct ps_buf *b, double v, unsigned places);

#endif
