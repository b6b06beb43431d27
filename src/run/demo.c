/* The set-up of `provscope --demo` (see demo.h). */
#include "config.h"

#include "run/demo.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "lab/pki.h"
#include "lab/profiles.h"

bool ps_demo_start(struct ps_demo *d, const struct ps_identity *id, const char *fault,
		   const char *pki_dir, FILE *log, char **err)
{
	memset(d, 0, sizeof *d);
	if (!log) {
		d->null_log = fopen("/dev/null", "w");
		log = d->null_log;
	}
	/* HTTP too: the models that cannot upgrade over HTTPS (the ATAs)
	 * are sent their image over it. */
	struct ps_lab_config lc = { .listen = "127.0.0.1",
				    .host = PS_LAB_SERVER_NAME,
				    .pki_dir = pki_dir,
				    .fault = fault,
				    .encrypt = true,
				    .log = log ? log : stderr };
	if (ps_lab_start(&lc, &d->lab, err) < 0) {
		ps_demo_stop(d);
		return false;
	}
	char *product = ps_lab_device_product(id->model->product);
	int rc = ps_lab_mint_device(d->lab, id->mac, product, id->serial, &d->cert_pem, &d->key_pem,
				    err);
	free(product);
	if (rc < 0) {
		ps_demo_stop(d);
		return false;
	}
	unsigned port = ps_lab_https_port(d->lab);
	d->ca_pem = ps_xstrdup(ps_lab_vendor_ca_pem(d->lab));
	d->target =
	    ps_xasprintf("https://%s:%u%s", PS_LAB_SERVER_NAME, port,
			 id->model->factory_rule ? id->model->factory_rule : "/spa$PSN.cfg");
	d->pin = ps_xasprintf("%s:%u:127.0.0.1", PS_LAB_SERVER_NAME, port);
	d->pin_http = ps_xasprintf("%s:%u:127.0.0.1", PS_LAB_SERVER_NAME, ps_lab_http_port(d->lab));
	return true;
}

void ps_demo_stop(struct ps_demo *d)
{
	ps_lab_stop(d->lab);
	free(d->target);
	free(d->pin);
	free(d->pin_http);
	free(d->ca_pem);
	free(d->cert_pem);
	free(d->key_pem);
	if (d->null_log)
		fclose(d->null_log);
	memset(d, 0, sizeof *d);
}
