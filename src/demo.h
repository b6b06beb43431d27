/* The lab on the command line: `provscope lab` (the server alone, until
 * a signal) and `provscope --demo` (the lab in this process and a minted
 * device identity for a live run against it). Part of the program, not of
 * the library: it prints and waits for signals. */
#ifndef PS_DEMO_H
#define PS_DEMO_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/lab.h"
#include "phone/identity.h"

struct ps_lab_opts {
	const char *listen;    /* "ADDR[:PORT]", "[V6]:PORT", ":PORT"; NULL: 127.0.0.1:0 */
	const char *http_port; /* plain HTTP port; NULL: a free one */
	const char *dir, *pki, *fault;
	bool encrypt;
	const char *mint_device; /* MAC: write a device certificate into --pki and exit */
};

/* `provscope lab` (`--fault help` is answered while the options are
 * parsed): returns the exit status. */
int ps_lab_command(const struct ps_lab_opts *o, const struct ps_identity *id);

/* What --demo sets up for the live run. */
struct ps_demo {
	struct ps_lab *lab;
	char *target;             /* the rule the phone starts with */
	char *pin;                /* "prov.lab.test:PORT:127.0.0.1" for --resolve */
	char *ca_pem;             /* the vendor CA the phone trusts */
	char *cert_pem, *key_pem; /* the minted device certificate */
	FILE *null_log;           /* /dev/null when the lab's log is not shown */
};

/* Start the lab on a free loopback port with `fault` (NULL: none), the PKI
 * in `pki_dir` (NULL: in memory) and mint the identity's certificate. The
 * lab's request log goes to `log` (NULL: nowhere). Returns false with
 * `*err` (caller frees). */
bool ps_demo_start(struct ps_demo *d, const struct ps_identity *id, const char *fault,
		   const char *pki_dir, FILE *log, char **err);
void ps_demo_stop(struct ps_demo *d);

#endif
