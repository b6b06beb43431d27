/* Engine-internal: the steps that live runs (engine.c and its kinds of
 * request) and offline runs (offline.c) share: the phone's macros, the
 * profile decode and parse steps, the firmware-upgrade hop and the chain
 * step. */
#ifndef PS_ENGINE_STEPS_H
#define PS_ENGINE_STEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/chain.h"
#include "engine/engine.h"
#include "model/profile.h"
#include "model/sink.h"
#include "profile/params.h"
#include "rules/env.h"

/* The phone's own macros (identity, then the state of a power-up resync)
 * and its parameters, as callbacks of a struct ps_macro_env whose ctx is a
 * struct ps_phone_env. */
struct ps_phone_env {
	const struct ps_run_config *cfg;
	const struct ps_params *params;
};
const char *ps_steps_phone_macro(void *ctx, const char *name);
const char *ps_steps_phone_param(void *ctx, const char *name);
/* The macro environment over `pe` (borrowed for as long as it is used). */
struct ps_macro_env ps_steps_phone_env(struct ps_phone_env *pe);

/* The value of parameter `name` in `t` ("" when unset; borrowed). */
const char *ps_steps_param_value(const struct ps_params *t, const char *name);

/* Decode and parse one profile body `name` in hop `hop` into `t`, filling
 * its source record `src` (key: the rule's --key, else --profile-key; may
 * be NULL). Returns false when the phone would stop there. */
bool ps_steps_profile(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		      const char *name, const unsigned char *data, size_t len, struct ps_params *t,
		      struct ps_profile_source *src, const char *key);

/* The table as the report's profile record. */
void ps_steps_snapshot(const struct ps_params *t, struct ps_profile_report *rep);

/* The firmware-upgrade analysis as a hop of its own (its number in *hop):
 * the upgrade.rule and upgrade.decision steps, the analysis in `up`.
 * Returns true when the phone would fetch the image (a live run then
 * checks it in that hop). End with ps_steps_upgrade_end. */
bool ps_steps_upgrade_begin(const struct ps_run_config *cfg, const struct ps_sink *sink,
			    const struct ps_params *t, struct ps_upgrade_report *up, size_t *hop);
/* The upgrade record of hop `hop`; clears `up`. */
void ps_steps_upgrade_end(const struct ps_sink *sink, size_t hop, struct ps_upgrade_report *up);

/* What the chain analysis of a run needs from its configuration. */
void ps_steps_chain_params(const struct ps_run_config *cfg, struct ps_chain_params *p,
			   const char *host);
/* The chain analysis as the tls.chain step of hop `hop` (begun by the
 * caller): the detail record, the findings, the verdict. Returns false when
 * the phone rejects the chain. */
bool ps_steps_chain(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		    const struct ps_chain_report *rep);

#endif
