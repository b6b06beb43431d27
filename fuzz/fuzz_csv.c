/* libFuzzer target for device lists: the CSV reader, then the checks
 * --devices makes on the same bytes (header, columns, every row), with a
 * few invariants a caller relies on. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "run/devices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ps_csv csv;
	char *err = NULL;
	int rc = ps_csv_parse(text, size, &csv, &err);
	/* Rows before a broken quote are kept; none at all with a NUL byte. */
	if ((rc < 0) != (err != NULL) || (memchr(text, '\0', size) && csv.n_rows))
		abort();
	unsigned line = 0;
	for (size_t i = 0; i < csv.n_rows; i++) {
		const struct ps_csv_row *r = &csv.rows[i];
		if (r->line <= line || (r->n_fields && !r->fields))
			abort();
		line = r->line;
		for (size_t k = 0; k < r->n_fields; k++)
			if (!r->fields[k])
				abort();
	}
	ps_csv_clear(&csv);
	free(err);

	struct ps_device_list l;
	err = NULL;
	if (ps_devices_parse(text, size, "fuzz.csv", &l, &err)) {
		if (err)
			abort();
		/* A row that may run has a MAC and no key without a certificate. */
		for (size_t i = 0; i < l.n; i++)
			if (!l.v[i].error && (!l.v[i].mac || (l.v[i].key && !l.v[i].cert)))
				abort();
	} else if (!err || l.n || l.v) {
		abort();
	}
	ps_devices_free(&l);
	free(err);
	return 0;
}
