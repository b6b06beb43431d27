/* Output formats: pure functions of the report model, one const table. */
#ifndef PS_OUTPUT_OUTPUT_H
#define PS_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "model/report.h"
#include "output/devices.h"

struct ps_output_opts {
	bool color; /* text only: ANSI colours */
	/* text only: how much, -1 (-q: the verdict and the error findings),
	 * 0 (a line per hop, the steps that are not ok, the findings), 1 (-v:
	 * every step's detail, each distinct chain once), 2 (-vv: everything,
	 * each hop's chain). */
	int level;
	int width; /* text only: columns for a line, 0 for 80 */
};

struct ps_output_format {
	const char *name;    /* "text", "json", "jsonl", "tap", "junit" */
	const char *summary; /* for --help */
	/* Write the report; returns 0, or -1 on a write error (errno set). */
	int (*write)(FILE *out, const struct ps_report *r, const struct ps_output_opts *o);
	/* How it writes a device list (--devices); NULL when it does not (json). */
	const struct ps_device_format *devices;
};

/* NULL when the name is unknown. */
const struct ps_output_format *ps_output_find(const char *name);
/* Comma-separated list of the names, static. */
const char *ps_output_names(void);

int ps_output_text(FILE *out, const struct ps_report *r, const struct ps_output_opts *o);
int ps_output_json(FILE *out, const struct ps_report *r, const struct ps_output_opts *o);
int ps_output_jsonl(FILE *out, const struct ps_report *r, const struct ps_output_opts *o);
int ps_output_tap(FILE *out, const struct ps_report *r, const struct ps_output_opts *o);
int ps_output_junit(FILE *out, const struct ps_report *r, const struct ps_output_opts *o);
int ps_output_html(FILE *out, const struct ps_report *r, const struct ps_output_opts *o);

#endif
