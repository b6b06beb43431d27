/* Records of a device list (--devices): what each output format writes
 * before the first device, for each device and after the last. Every
 * format's entry in the output table (output.h) carries its own
 * ps_device_format, so a device list and a single run are written by the
 * same format code; this file holds what they share and the calls by
 * format name. Pure functions of the reports. */
#ifndef PS_OUTPUT_DEVICES_H
#define PS_OUTPUT_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"
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

struct ps_device_summary {
	size_t n; /* devices */
	size_t by_exit[256];
	int worst;      /* the highest exit status seen */
	double seconds; /* wall clock of the whole list */
};

/* How one format writes a device list. Each function returns text the
 * caller frees. */
struct ps_device_format {
	char *(*header)(size_t n); /* before the first record; NULL when nothing */
	char *(*record)(const struct ps_device_outcome *o); /* one device */
	/* After the header once every device is done, before the held
	 * records (JUnit: the opening tags with the counts); NULL when none. */
	char *(*open)(const struct ps_device_summary *s);
	char *(*footer)(const struct ps_device_summary *s); /* after the last record */
	bool hold_records;      /* records are written after `open`, not as they come */
	bool footer_diagnostic; /* the footer is for stderr (stdout stays records only) */
};

/* The formats' own (text.c, tap.c, junit.c, json.c). */
extern const struct ps_device_format ps_devices_text, ps_devices_tap, ps_devices_junit,
    ps_devices_jsonl;

/* The device format of an output format by name, NULL when it writes no
 * device list (json: one document) or the name is unknown. */
const struct ps_device_format *ps_device_format_find(const char *format);

/* One record by format name (through the output table); "" for a format
 * without a device list. Caller frees. */
char *ps_device_record(const char *format, const struct ps_device_outcome *o);

/* Shared by the formats. */
/* The first error finding of a report (NULL for none or no report). */
const struct ps_finding *ps_device_first_error(const struct ps_report *r);
/* The one-line outcome: the report's summary or verdict, else why the row did not run. */
const char *ps_device_verdict(const struct ps_device_outcome *o);
/* "line N MAC MODEL". */
void ps_device_label(struct ps_buf *b, const struct ps_device_outcome *o);
/* "N category (code)" for each exit status seen, joined by ", ". */
void ps_device_counts(struct ps_buf *b, const struct ps_device_summary *s);
/* The summary as one line after `prefix` (a comment or a program name):
 * "N devices in S s: COUNTS; worst exit W\n". Caller frees. */
char *ps_device_summary_line(const char *prefix, const struct ps_device_summary *s);

#endif
