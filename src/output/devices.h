/* Records of a device list (--devices): one per device in text, TAP or
 * JUnit, and the summary. Pure functions of the reports (jsonl records are
 * the jsonl format's own). */
#ifndef PS_OUTPUT_DEVICES_H
#define PS_OUTPUT_DEVICES_H

#include <stddef.h>

#include "model/report.h"

/* One device's outcome: its report, or the reason it did not run. */
struct ps_device_outcome {
	size_t index;  /* 0-based, in list order */
	unsigned line; /* in the list file */
	const char *mac, *model;
	const struct ps_report *report; /* NULL when the row could not run */
	const char *error;              /* why not, when report is NULL */
	int exit_code;
};

/* The record of one device in `format` ("text", "tap", "junit" or
 * "jsonl"; jsonl only for a row that could not run). Caller frees. */
char *ps_device_record(const char *format, const struct ps_device_outcome *o);

struct ps_device_summary {
	size_t n; /* devices */
	size_t by_exit[256];
	int worst;      /* the highest exit status seen */
	double seconds; /* wall clock of the whole list */
};

/* What comes before the first record ("TAP version 13\n1..N\n", the XML
 * prolog), and after the last (the summary). Caller frees. */
char *ps_device_header(const char *format, size_t n);
char *ps_device_footer(const char *format, const struct ps_device_summary *s);
/* JUnit: the <testsuites> and <testsuite> opening tags with the counts,
 * written after the header once every device is done (the records are held
 * until then). Caller frees. */
char *ps_device_junit_open(const struct ps_device_summary *s);

#endif
