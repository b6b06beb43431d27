/* How one ClientHello's offer differs from another's: what the lab says of
 * a client against a model's offer, and what a model file notes when
 * GnuTLS cannot send the offer it learned. Pure code. */
#ifndef PS_TLSWIRE_HELLODIFF_H
#define PS_TLSWIRE_HELLODIFF_H

#include <stdbool.h>

#include "core/util.h"
#include "tlswire/tlswire.h"

/* Compare `got` with `want` (the model's offer): the highest version,
 * the extensions (their set, then their order; GREASE values left out),
 * the suites (set, then order), the compression methods, and when the
 * extensions agree what they carry: groups, point formats, signature
 * algorithms, versions, ALPN. The renegotiation SCSV (0x00ff) counts only
 * with `scsv`. Appends the differences to `why` as a "; "-separated
 * phrase about `got` ("up to TLS1.2 (the model: TLS1.0)", "offers X",
 * "lacks Y", "the suites in another order", "3 extensions (the model:
 * none)", "sends session_ticket, the model does not") and returns how far
 * apart they are, 0 when the offers are the same. */
unsigned ps_hello_diff(const struct ps_client_hello *want, const struct ps_client_hello *got,
		       bool scsv, struct ps_buf *why);

#endif
