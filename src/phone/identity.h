/* The identity of the phone being played: its model, MAC, serial number and
 * firmware, and the macros ($MA, $PSN, $SWVER...) they define. */
#ifndef PS_PHONE_IDENTITY_H
#define PS_PHONE_IDENTITY_H

#include <stdbool.h>

#include "phone/catalogue.h"

struct ps_identity {
	const struct ps_model *model; /* borrowed catalogue row */
	char mac[13];                 /* 12 lower-case hex digits */
	char *serial;                 /* owned */
	char *firmware;               /* owned */
	/* Macro values derived from the above (owned, rebuilt by ps_identity_update). */
	char mau[13];
	char mac_colons[18];
};

/* Fill `id` for `model` with its defaults (MAC from the vendor OUI, the
 * catalogue's serial and firmware). */
void ps_identity_init(struct ps_identity *id, const struct ps_model *model);
void ps_identity_clear(struct ps_identity *id);

/* Set the MAC from "000e08aabbcc", "00:0E:08:AA:BB:CC", "00-0e-08-aa-bb-cc"
 * or "000e.08aa.bbcc". Returns false (and leaves the MAC) when malformed. */
bool ps_identity_set_mac(struct ps_identity *id, const char *text);
/* The same forms into 12 lower-case hex digits; `out` is untouched and
 * false returned when `text` is no MAC (NULL included). */
bool ps_mac_normalize(const char *text, char out[13]);
void ps_identity_set_serial(struct ps_identity *id, const char *serial);
void ps_identity_set_firmware(struct ps_identity *id, const char *fw);

/* Value of an identity macro ("MA", "MAU", "MAC", "PN", "PSN", "SN",
 * "SWVER", "CCERT"...), borrowed; NULL when the name is not one. */
const char *ps_identity_macro(const struct ps_identity *id, const char *name);

/* The HTTP User-Agent the phone sends; the caller owns it. */
char *ps_identity_user_agent(const struct ps_identity *id);

#endif
