/* `provscope --demo`: the lab server in this process and a device identity
 * minted for a live run against it. */
#ifndef PS_RUN_DEMO_H
#define PS_RUN_DEMO_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/lab.h"
#include "phone/identity.h"

/* What --demo sets up for the live run; everything owned. */
struct ps_demo {
	struct ps_lab *lab;
	char *target;             /* the rule the phone starts with */
	char *pin;                /* "prov.lab.test:PORT:127.0.0.1" for --resolve */
	char *pin_http;           /* the same for the lab's HTTP port */
	char *ca_pem;             /* the vendor CA the phone trusts */
	char *cert_pem, *key_pem; /* the minted device certificate */
	FILE *null_log;           /* /dev/null when the lab's log is not shown */
};

/* Start the lab on a free loopback port with `fault` (NULL: none), the PKI
 * in `pki_dir` (NULL: in memory) and mint the identity's certificate. The
 * lab's request log goes to `log` (NULL: nowhere). Returns false with
 * `*err` (caller frees); `d` is then empty. */
bool ps_demo_start(struct ps_demo *d, const struct ps_identity *id, const char *fault,
		   const char *pki_dir, FILE *log, char **err);
/* Stop the lab and free everything; an empty (zeroed) demo is accepted. */
void ps_demo_stop(struct ps_demo *d);

#endif
