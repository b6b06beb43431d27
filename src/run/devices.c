/* --devices (see devices.h). */
#include "config.h"

#include "run/devices.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/pool.h"
#include "core/util.h"
#include "phone/catalogue.h"
#include "phone/identity.h"

enum col { COL_MAC, COL_SERIAL, COL_MODEL, COL_FIRMWARE, COL_CERT, COL_KEY, COL_URL, COL_COUNT };
static const char *const col_names[COL_COUNT] = { "mac",  "serial", "model", "firmware",
						  "cert", "key",    "url" };

/* Cap on the list file: a device list, not a data set. */
#define DEVICES_MAX_BYTES ((size_t)16 << 20)

/* The checks a row must pass before it runs. */
static void check_row(struct ps_device *d)
{
	char mac[13];
	const char *const cols[] = { d->mac,  d->serial, d->model, d->firmware,
				     d->cert, d->key,    d->url };
	for (size_t i = 0; i < COL_COUNT; i++) {
		const char *bad = ps_first_control(cols[i]);
		if (bad) { /* serial and firmware go into a header: none anywhere */
			d->error =
			    ps_xasprintf("line %u: column %s '%s': a control character "
					 "(0x%02x)",
					 d->line, col_names[i], cols[i], (unsigned char)*bad);
			return;
		}
	}
	if (!d->mac)
		d->error = ps_xasprintf("line %u: no MAC", d->line);
	else if (d->model && !ps_model_find(d->model))
		d->error =
		    ps_xasprintf("line %u: model '%s' is not in the catalogue", d->line, d->model);
	else if (!ps_mac_normalize(d->mac, mac))
		d->error = ps_xasprintf("line %u: MAC '%s': give 12 hex digits", d->line, d->mac);
	else if (d->key && !d->cert)
		d->error = ps_xasprintf("line %u: a key without a certificate", d->line);
}

bool ps_devices_load(const char *file, struct ps_device_list *out, char **err)
{
	memset(out, 0, sizeof *out);
	unsigned char *text = NULL;
	size_t len = 0;
	char *rerr = NULL;
	if (!ps_read_file(file, DEVICES_MAX_BYTES, &text, &len, &rerr)) {
		*err = ps_xasprintf("--devices %s", rerr);
		free(rerr);
		return false;
	}
	bool ok = ps_devices_parse((const char *)text, len, file, out, err);
	free(text);
	return ok;
}

bool ps_devices_parse(const char *text, size_t len, const char *file, struct ps_device_list *out,
		      char **err)
{
	memset(out, 0, sizeof *out);
	struct ps_csv csv;
	char *perr = NULL;
	int rc = ps_csv_parse(text, len, &csv, &perr);
	if (rc < 0) {
		*err = ps_xasprintf("--devices %s: %s", file, perr);
		free(perr);
		ps_csv_clear(&csv);
		return false;
	}
	if (csv.n_rows == 0) {
		*err = ps_xasprintf("--devices %s: empty (a header line such as "
				    "'mac,serial,model,firmware,cert,key' comes first)",
				    file);
		ps_csv_clear(&csv);
		return false;
	}
	int map[COL_COUNT];
	const struct ps_csv_row *h = &csv.rows[0];
	bool have_mac = false;
	if (h->n_fields > COL_COUNT) {
		*err = ps_xasprintf("--devices %s: line %u: the header has %zu columns; there are "
				    "%d (mac, serial, model, firmware, cert, key, url)",
				    file, h->line, h->n_fields, COL_COUNT);
		ps_csv_clear(&csv);
		return false;
	}
	for (size_t i = 0; i < h->n_fields; i++) {
		map[i] = -1;
		for (int c = 0; c < COL_COUNT; c++)
			if (ps_str_ieq(h->fields[i], col_names[c]))
				map[i] = c;
		if (map[i] < 0) {
			*err = ps_xasprintf("--devices %s: line %u: unknown column '%s' (use mac, "
					    "serial, model, firmware, cert, key, url)",
					    file, h->line, h->fields[i]);
			ps_csv_clear(&csv);
			return false;
		}
		for (size_t k = 0; k < i; k++)
			if (map[k] == map[i]) {
				*err = ps_xasprintf("--devices %s: line %u: column '%s' twice",
						    file, h->line, h->fields[i]);
				ps_csv_clear(&csv);
				return false;
			}
		have_mac |= map[i] == COL_MAC;
	}
	if (!have_mac) {
		*err = ps_xasprintf("--devices %s: line %u: the header names no 'mac' column", file,
				    h->line);
		ps_csv_clear(&csv);
		return false;
	}
	out->n = csv.n_rows - 1;
	out->v = out->n ? ps_xcalloc(out->n, sizeof *out->v) : NULL;
	for (size_t r = 1; r < csv.n_rows; r++) {
		const struct ps_csv_row *row = &csv.rows[r];
		struct ps_device *d = &out->v[r - 1];
		d->line = row->line;
		char **slots[COL_COUNT] = { &d->mac,  &d->serial, &d->model, &d->firmware,
					    &d->cert, &d->key,    &d->url };
		for (size_t i = 0; i < row->n_fields && i < h->n_fields; i++)
			if (row->fields[i][0])
				*slots[map[i]] = ps_xstrdup(row->fields[i]);
		if (row->n_fields != h->n_fields)
			d->error =
			    ps_xasprintf("line %u: %zu field%s where the header has %zu", d->line,
					 row->n_fields, row->n_fields == 1 ? "" : "s", h->n_fields);
		else
			check_row(d);
	}
	ps_csv_clear(&csv);
	return true;
}

void ps_devices_free(struct ps_device_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ps_device *d = &l->v[i];
		free(d->mac);
		free(d->serial);
		free(d->model);
		free(d->firmware);
		free(d->cert);
		free(d->key);
		free(d->url);
		free(d->error);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* The devices on the worker pool: a row with an error does not run. */
struct device_jobs {
	const struct ps_device_list *l;
	ps_device_fn fn;
	ps_device_done_fn done;
	void *ctx;
	int *code;     /* per device */
	char **record; /* per device */
};

static void device_job(void *ctx, size_t i)
{
	struct device_jobs *j = ctx;
	if (j->l->v[i].error)
		j->code[i] = 2;
	else
		j->code[i] = j->fn(j->ctx, i, &j->l->v[i], &j->record[i]);
}

static void device_job_done(void *ctx, size_t i)
{
	struct device_jobs *j = ctx;
	j->done(j->ctx, i, &j->l->v[i], j->code[i], j->record[i]);
	free(j->record[i]);
	j->record[i] = NULL;
}

void ps_devices_run(const struct ps_device_list *l, unsigned jobs, ps_device_fn fn,
		    ps_device_done_fn done, void *ctx)
{
	struct device_jobs j = { .l = l, .fn = fn, .done = done, .ctx = ctx };
	j.code = ps_xcalloc(l->n + 1, sizeof *j.code);
	j.record = ps_xcalloc(l->n + 1, sizeof *j.record);
	ps_pool_run(l->n, jobs, device_job, device_job_done, &j);
	free(j.code);
	free(j.record);
}
