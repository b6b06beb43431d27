/* The MAC addresses a profile names: in comments, station names, literal
 * file names in rules. A per-device profile that names another device's
 * MAC and never this one's was written for another phone
 * (profile.wrong_device). Pure: the caller passes the decoded text. */
#ifndef PS_PROFILE_DEVMAC_H
#define PS_PROFILE_DEVMAC_H

#include <stddef.h>

struct ps_mac_hit {
	char mac[13];  /* 12 lower-case hex digits */
	size_t offset; /* where the written form starts in the text */
	size_t length; /* of the written form, separators included */
	unsigned line; /* 1-based */
};

/* Finds MAC addresses in `text` (`len` bytes, not NUL-terminated), in text
 * order, at most `max` into `hits`; returns how many were found (which may
 * exceed `max`). Written forms recognised:
 *   - six pairs of hex digits separated by ':' or '-' (the same one each
 *     time): 00:0e:08:aa:bb:cc;
 *   - Cisco's dotted form, three groups of four: 000e.08aa.bbcc;
 *   - twelve hex digits in a row that begin with `oui` (6 lower-case hex
 *     digits, the phone's own vendor prefix; NULL for none), anywhere, so
 *     that file names such as spa000e08aabbcc.xml count;
 *   - twelve hex digits in a row standing alone (no letter or digit on
 *     either side) with at least one letter a-f and at least four digits
 *     (so that phone numbers and plain words do not count).
 * No hex digit may follow any form, and a separated form may not continue
 * with another separator and pair. */
size_t ps_profile_find_macs(const char *text, size_t len, const char *oui, struct ps_mac_hit *hits,
			    size_t max);

#endif
