/* How one ClientHello's offer differs from another's: what the lab says of
 * a client against a model's offer, and what a model file notes when
 * GnuTLS cannot send the offer it learned. Pure code. */
#ifndef PS_TLSWIRE_HELLODIFF_H
#define PS_TLSWIRE_HELLODIFF_H

#include <stdbool.h>

#include "core/util.h"
#include "tlswire/tlswire.h"

enum {
	PS_DIFF_SCSV = 1,     /* the renegotiation SCSV (0x00ff) counts */
	PS_DIFF_THOROUGH = 2, /* every difference: the order of what both hold even
				 when the sets differ, and what the extensions carry
				 even when they are not the same ones */
};

/* Compare `got` with `want`, the offer of `label` ("spa942", "the
 * phone"): the highest version, the extensions (their set, then their
 * order; GREASE values left out), the suites (set, then order), the
 * compression methods, and when the extensions agree what they carry:
 * groups, point formats, signature algorithms, versions, ALPN. `flags`
 * are PS_DIFF_*. Appends the differences to `why` as a "; "-separated
 * phrase about `got` ("up to TLS1.2 (spa942: TLS1.0)", "offers X", "lacks
 * Y", "the suites in another order", "3 extensions (spa942: none)",
 * "sends session_ticket") and returns how far apart they are, 0 when the
 * offers are the same. */
unsigned ps_hello_diff(const struct ps_client_hello *want, const struct ps_client_hello *got,
		       const char *label, unsigned flags, struct ps_buf *why);

#endif
