/* The download progress bar on stderr (--download-firmware). On a
 * terminal one line redrawn at most ten times a second; elsewhere (a log)
 * a line at each quarter and one at the end. */
#ifndef PS_OUTPUT_PROGRESS_H
#define PS_OUTPUT_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

struct ps_progress {
	FILE *out;
	const char *label;
	bool tty;
	double last_ms; /* last redraw */
	int last_step;  /* last quarter printed (not a terminal) */
	bool drawn;     /* a line is on the screen without its newline */
};

void ps_progress_init(struct ps_progress *p, FILE *out, const char *label);
/* A ps_progress_fn (engine.h): ctx is a struct ps_progress. */
void ps_progress_update(void *ctx, long long bytes, long long total, int end);
/* "1.5 MiB", "812 KiB", "37 bytes" into buf. */
void ps_progress_size(char *buf, size_t n, long long bytes);

#endif
