/* Engine-internal: the firmware kinds of request of a live run. The check
 * (is the image at the upgrade URL, how big, what type: a HEAD, or a GET of
 * the first byte where HEAD is refused) and, with --download-firmware, the
 * download of the whole image as a hop of its own, written beside the file
 * and renamed over it only once it arrived whole. */
#ifndef PS_ENGINE_FIRMWARE_H
#define PS_ENGINE_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "model/profile.h"
#include "model/sink.h"

/* Check the image at `url` in the upgrade hop `hop` and fill the check
 * (and download) fields of `up`; returns false when the image is not
 * there. The phone fetches firmware over its own TLS too. */
bool ps_firmware_check(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		       const char *url, struct ps_upgrade_report *up);

#endif
