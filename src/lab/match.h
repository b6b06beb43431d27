/* What the lab learns of a client from its ClientHello: its JA3 and JA4
 * fingerprints, and how its offer compares with what each model offers
 * (ps_hello_diff): a catalogue row's is the ClientHello GnuTLS makes with
 * its priority string, a learned model's the one its model file holds.
 * GREASE values are left out of the comparison, and the renegotiation
 * SCSV (0x00ff) for the catalogue's rows: the catalogue does not say
 * whether a phone sends it. */
#ifndef PS_LAB_MATCH_H
#define PS_LAB_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "phone/catalogue.h"
#include "tlswire/tlswire.h"

/* The models compared: the catalogue's and the learned ones, up to this
 * many (ps_model_add refuses more). */
#define PS_OFFER_MODELS PS_MODEL_MAX

struct ps_offer_match {
	char ja3[33];                   /* MD5 hex */
	char ja4[40];                   /* "t10i040000_..._..." */
	bool same[PS_OFFER_MODELS];     /* by catalogue index: the offer is that model's exactly */
	unsigned dist[PS_OFFER_MODELS]; /* how far from each model's (ps_hello_diff) */
	size_t n_same;
	long closest;       /* catalogue index of the nearest model, -1 when none */
	char differs[1024]; /* how the offer differs from the closest one's, "" when same */
};

/* Compare a ClientHello with the catalogue. */
void ps_offer_match(const struct ps_client_hello *ch, struct ps_offer_match *out);

/* The sentence for the log, given the model the User-Agent names (NULL
 * when none) and the ClientHello (NULL: the differences from the
 * User-Agent's model are not said): "offer: matches spa942 exactly",
 * "offer: matches NAME exactly (learned from an SPA942)", "offer: that of
 * spa921, ..., not of the spa504g its User-Agent names (...)", "offer: not
 * the spa942's its User-Agent names (...); closest X (...)", "offer: no
 * model's; closest spa504g (...)". Caller frees. */
char *ps_offer_match_text(const struct ps_offer_match *m, const struct ps_model *ua_model,
			  const struct ps_client_hello *ch);

#endif
