/* What a phone offers in its ClientHello, as GnuTLS makes it: the hello a
 * priority string gives (made in memory, sent nowhere), and for a
 * ClientHello learned from a real phone the priority string that comes
 * closest to it and what GnuTLS cannot send of it. */
#ifndef PS_ENGINE_OFFER_H
#define PS_ENGINE_OFFER_H

#include <stdbool.h>

#include "tlswire/tlswire.h"

/* The ClientHello GnuTLS sends with `priority` (and SNI `server_name`,
 * NULL for none): made by a client session whose transport keeps what it
 * is given and answers nothing. False with a sentence in `*err` (caller
 * frees) when the priority does not parse or offers nothing. `out` is
 * freed with ps_client_hello_free. */
bool ps_offer_sample(const char *priority, const char *server_name, struct ps_client_hello *out,
		     char **err);

/* The GnuTLS priority string closest to the offer of `ch`: its versions,
 * its key exchanges, ciphers and MACs in the order they first appear,
 * its groups and signature algorithms in order, and its extensions as
 * far as priority keywords reach them (%NO_EXTENSIONS, %NO_TICKETS,
 * %NO_ETM, %NO_SESSION_HASH, %NO_STATUS_REQUEST,
 * %DISABLE_SAFE_RENEGOTIATION). `*sni`: whether the phone sends
 * server_name. Caller frees. */
char *ps_offer_priority(const struct ps_client_hello *ch, bool *sni);

/* What GnuTLS cannot reproduce of `ch` with `priority`: the difference
 * between `ch` and the hello ps_offer_sample makes (ps_hello_diff, the
 * SCSV counted), as a phrase; NULL when they are the same. Caller frees. */
char *ps_offer_unplayable(const struct ps_client_hello *ch, const char *priority, bool sni);

#endif
