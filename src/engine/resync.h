/* Engine-internal: the resync's profile hops. One Profile_Rule as the phone
 * plays it: the rule expanded for the phone (rule.expand), its URL fetched
 * as a profile (a GET, or a POST with [--post], capped at --max-size), the
 * redirects followed, the answer judged and the profile decoded and parsed
 * into the phone's table. */
#ifndef PS_ENGINE_RESYNC_H
#define PS_ENGINE_RESYNC_H

#include "engine/engine.h"
#include "model/profile.h"
#include "model/sink.h"
#include "profile/params.h"

/* How a Profile_Rule ended, for the pass. */
enum ps_resync_result {
	PS_RESYNC_PARSED, /* its profile parsed (or --handshake-only stopped it) */
	PS_RESYNC_GO_ON,  /* nothing fetched, or a file not found that is no failure */
	PS_RESYNC_FAILED, /* the pass ends here */
};

/* Play the rule `text` (the target, or the value of the parameter `name`)
 * as hops of its own; `t0` is when the pass began. The profile goes into
 * `table`, its source record appended to `prof`. When a profile parsed,
 * *fetched is the URL it came from (caller frees), else NULL. */
enum ps_resync_result ps_resync_rule(const struct ps_run_config *cfg, const struct ps_sink *sink,
				     const char *name, const char *text, double t0,
				     struct ps_params *table, struct ps_profile_report *prof,
				     char **fetched);

#endif
