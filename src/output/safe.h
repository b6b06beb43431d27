/* Text that is safe to print on a terminal: every control character but
 * newline and tab, DEL, the C1 controls (U+0080..U+009F, which some
 * terminals read as CSI and OSC) and each byte that is not valid UTF-8 are
 * written as a visible \xNN escape, so that a server's status line, headers
 * or profile values cannot retitle, clear or recolour the screen. For the
 * text formats; JSON keeps the exact bytes, escaped by jansson. */
#ifndef PS_OUTPUT_SAFE_H
#define PS_OUTPUT_SAFE_H

#include <stdio.h>

#include "core/util.h"

/* Append `n` bytes of `s` to `b`, made safe. Returns how many bytes at the
 * end were kept back because they may start a character that the next
 * call completes (0 to 3; only when `more`), which the caller passes
 * again. */
size_t ps_safe_add(struct ps_buf *b, const char *s, size_t n, int more);

/* A stream that writes to `out` everything made safe; fclose() it to
 * flush (`out` stays open). NULL when the stream cannot be made. */
FILE *ps_safe_stream(FILE *out);

#endif
