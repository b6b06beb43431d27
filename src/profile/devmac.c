/* MAC addresses named in a profile (see devmac.h). */
#include "config.h"

#include "profile/devmac.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "core/util.h"

static bool hex_at(const char *t, size_t len, size_t i)
{
	return i < len && isxdigit((unsigned char)t[i]);
}

static bool alnum_at(const char *t, size_t len, size_t i)
{
	return i < len && isalnum((unsigned char)t[i]);
}

/* Copies `n` hex digits from t[i..] into mac[*k..], lower-cased; false
 * unless all are hex. */
static bool take_hex(const char *t, size_t len, size_t i, size_t n, char *mac, size_t *k)
{
	for (size_t j = 0; j < n; j++) {
		if (!hex_at(t, len, i + j))
			return false;
		mac[(*k)++] = ps_ascii_lower(t[i + j]);
	}
	return true;
}

/* Separated (00:0e:08:aa:bb:cc, 00-0e-...) or dotted (000e.08aa.bbcc)
 * forms at i; returns the length matched, 0 when none. */
static size_t separated_at(const char *t, size_t len, size_t i, char *mac)
{
	if (i > 0 &&
	    (hex_at(t, len, i - 1) || t[i - 1] == ':' || t[i - 1] == '-' || t[i - 1] == '.'))
		return 0;
	size_t k = 0;
	if (hex_at(t, len, i) && hex_at(t, len, i + 1) && i + 2 < len &&
	    (t[i + 2] == ':' || t[i + 2] == '-')) {
		char sep = t[i + 2];
		for (size_t g = 0; g < 6; g++) {
			size_t p = i + 3 * g;
			if (g && (p - 1 >= len || t[p - 1] != sep))
				return 0;
			if (!take_hex(t, len, p, 2, mac, &k))
				return 0;
		}
		size_t end = i + 17;
		if (hex_at(t, len, end) || (end < len && t[end] == sep && hex_at(t, len, end + 1)))
			return 0;
		return 17;
	}
	k = 0;
	size_t p = i;
	for (int g = 0; g < 3; g++) {
		if (g && (p >= len || t[p++] != '.'))
			return 0;
		if (!take_hex(t, len, p, 4, mac, &k))
			return 0;
		p += 4;
	}
	if (hex_at(t, len, p) || (p < len && t[p] == '.' && hex_at(t, len, p + 1)))
		return 0;
	return p - i;
}

/* Twelve hex digits in a row at i (see devmac.h); returns 12 or 0. */
static size_t bare_at(const char *t, size_t len, size_t i, const char *oui, char *mac)
{
	size_t k = 0;
	if (!take_hex(t, len, i, 12, mac, &k) || hex_at(t, len, i + 12))
		return 0;
	if (oui && strncmp(mac, oui, 6) == 0)
		return 12;
	if ((i > 0 && alnum_at(t, len, i - 1)) || alnum_at(t, len, i + 12))
		return 0;
	int letters = 0, digits = 0;
	for (size_t j = 0; j < 12; j++)
		if (isdigit((unsigned char)mac[j]))
			digits++;
		else
			letters++;
	return letters >= 1 && digits >= 4 ? 12 : 0;
}

size_t ps_profile_find_macs(const char *text, size_t len, const char *oui, struct ps_mac_hit *hits,
			    size_t max)
{
	size_t n = 0;
	unsigned line = 1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			line++;
			continue;
		}
		if (!isxdigit((unsigned char)text[i]))
			continue;
		char mac[13] = { 0 };
		size_t m = separated_at(text, len, i, mac);
		if (!m) {
			memset(mac, 0, sizeof mac);
			m = bare_at(text, len, i, oui, mac);
		}
		if (!m)
			continue;
		if (n < max) {
			memcpy(hits[n].mac, mac, 13);
			hits[n].offset = i;
			hits[n].length = m;
			hits[n].line = line;
		}
		n++;
		i += m - 1;
	}
	return n;
}
