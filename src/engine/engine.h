/* The engine: plays the phone's run against a target and reports every
 * step through a sink. Knows nothing of curses or output formats. */
#ifndef PS_ENGINE_ENGINE_H
#define PS_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/net.h"
#include "engine/tls.h"
#include "model/sink.h"
#include "phone/identity.h"

struct ps_run_config {
	const struct ps_identity *identity;
	const char *target;               /* the URL */
	const char *priority;             /* the TLS priority string in effect */
	const struct ps_tls_creds *creds; /* device certificate, may hold none */
	unsigned timeout_ms;              /* per network wait */
	const struct ps_pin *pins;        /* --resolve */
	size_t n_pins;
	bool probe; /* make the modern-client probe after a failure */
};

/* Check that the engine can run `url`. Returns false with `*err` (caller
 * frees) for a malformed URL or a scheme this version cannot fetch. */
bool ps_engine_check_target(const char *url, char **err);

/* Run the target. Findings and steps go to `sink`. */
void ps_engine_run(const struct ps_run_config *cfg, const struct ps_sink *sink);

#endif
