/* Engine-internal: --audit, the audit's kind of request. For each
 * per-device file a pass fetched (one whose URL holds the phone's MAC): is
 * it served to a client without a certificate, and is a neighbouring
 * device's file served to this one? Each request is a hop of its own whose
 * refusals are expected, so nothing that goes wrong inside it is a finding;
 * the audit step says what came back. */
#ifndef PS_ENGINE_AUDIT_H
#define PS_ENGINE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "model/sink.h"

/* Whether `url` is a per-device file of this phone (it holds its MAC). */
bool ps_audit_concerns(const struct ps_run_config *cfg, const char *url);

/* Audit the `n` URLs, each as hops of their own. */
void ps_audit_run(const struct ps_run_config *cfg, const struct ps_sink *sink, char *const *urls,
		  size_t n);

#endif
