/* UTF-8: the one definition of valid (RFC 3629: shortest form only, no
 * surrogates, nothing above U+10FFFF) that every layer decodes with, and the
 * one encoder. Pure code. */
#ifndef PS_CORE_UTF8_H
#define PS_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define PS_UTF8_REPLACEMENT 0xFFFDu /* U+FFFD, what an invalid byte becomes */

/* Decode the character that starts `s`, of which `n` bytes are there.
 * Returns its length (1 to 4) and sets `*cp`, or 0 when the bytes do not
 * start a valid character (or `n` is 0); `*cp` is then left alone. The
 * bytes are read in order and the first wrong one stops the read, so for a
 * NUL-terminated string any `n` of 4 or more is safe. U+0000 is valid. */
size_t ps_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* For NUL-terminated text: the character at `s` (not at its end) with its
 * length, or U+FFFD with length 1 for a byte that starts no valid
 * character. */
size_t ps_utf8_next(const char *s, uint32_t *cp);

/* True when the `n` bytes at `s` (n > 0) are the start of a valid
 * character cut short by the end of the buffer (a sniffer's window). */
bool ps_utf8_truncated(const unsigned char *s, size_t n);

/* Encode `cp` (at most U+10FFFF, not a surrogate) into `out`; returns the
 * length, 1 to 4. */
size_t ps_utf8_encode(uint32_t cp, char out[4]);
/* Append the encoding of `cp` to `b`. */
void ps_utf8_put(struct ps_buf *b, uint32_t cp);

/* Append `s` as valid UTF-8: each byte that starts no valid character
 * becomes U+FFFD (JSON strings must be UTF-8). NULL appends nothing. */
void ps_utf8_sanitize(struct ps_buf *b, const char *s);

#endif
