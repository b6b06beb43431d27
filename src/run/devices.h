/* --devices FILE: the same target for every device of a CSV list, --jobs at
 * a time. Reading and checking the list, the worker pool, and the driver
 * that runs each device through the run layer and writes its record. */
#ifndef PS_RUN_DEVICES_H
#define PS_RUN_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

/* One row of the list. Strings are owned; NULL when the column is absent
 * or empty. `error` is set for a row that cannot run (it does not stop the
 * others). */
struct ps_device {
	unsigned line; /* in the file */
	char *mac, *serial, *model, *firmware, *cert, *key, *url;
	char *error;
};

struct ps_device_list {
	struct ps_device *v;
	size_t n;
};

/* Read FILE: a header naming the columns (mac, serial, model, firmware,
 * cert, key, url; in any order, case-insensitive; mac is required), then
 * one device per row. Bad rows are kept with `error` ("line N: ...").
 * Returns false with `*err` when the file cannot be used at all (missing,
 * no header, unknown column, a broken quote). */
bool ps_devices_load(const char *file, struct ps_device_list *out, char **err);
/* The same checks on `len` bytes of list text (borrowed); `file` names it
 * in the messages. ps_devices_load reads the file (capped) and calls this. */
bool ps_devices_parse(const char *text, size_t len, const char *file, struct ps_device_list *out,
		      char **err);
void ps_devices_free(struct ps_device_list *l);

/* The run of one device, on a worker thread: returns its exit status and
 * its record for the output (caller frees). */
typedef int (*ps_device_fn)(void *ctx, size_t index, const struct ps_device *d, char **record);
/* Called in list order, on the calling thread, as soon as the records
 * before it are done (for streaming output). */
typedef void (*ps_device_done_fn)(void *ctx, size_t index, const struct ps_device *d, int code,
				  const char *record);

/* Run `fn` for every device without an error, `jobs` at a time (1..64);
 * `done` sees every device in order (rows with an error too, with
 * code 2 and a NULL record). */
void ps_devices_run(const struct ps_device_list *l, unsigned jobs, ps_device_fn fn,
		    ps_device_done_fn done, void *ctx);

#endif
