/* A small finished report for the tests of what reads the model (--expect)
 * and for fuzz/fuzz_expect: hop 0 with TLS, the chain and HTTP 200; hop 1
 * with HTTP 404 and no TLS (http://); the upgrade; a parameter table with a
 * secret and a rule with a --key. */
#ifndef PS_TESTS_SAMPLE_REPORT_H
#define PS_TESTS_SAMPLE_REPORT_H

#include "model/report.h"

/* A new report, finished (the caller frees it with ps_report_free). */
struct ps_report *ps_sample_report(void);

#endif
