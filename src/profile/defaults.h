/* Factory defaults of the parameters provscope reasons about: the
 * provisioning and firmware-upgrade blocks, the account parameters of each
 * line and the web passwords, per model. */
#ifndef PS_PROFILE_DEFAULTS_H
#define PS_PROFILE_DEFAULTS_H

#include "phone/catalogue.h"
#include "profile/params.h"

/* Adds the factory defaults of model `m` (the default model when NULL) to
 * `t` with source "factory default", line 0 and access NULL. Meant for an
 * empty table; on a filled one it resets those parameters to the defaults. */
void ps_params_load_defaults(struct ps_params *t, const struct ps_model *m);

/* Number of lines (extensions) the model has, as used for the per-line
 * defaults: 1 (SPA921/922) to 8 (SPA508G). */
unsigned ps_model_lines(const struct ps_model *m);

#endif
