/* Firmware version numbers of SPA phones and ATAs: validity, ordering, and
 * the version a firmware file name carries. Pure; no I/O.
 *
 * Forms accepted: one or more non-negative integers separated by dots
 * (a plain integer is a version), then an optional suffix written as
 * "(text)" (6.1.5(a), 2.0.3(0412s), 7.6.1(ES_RC01); letters, digits, '_',
 * '-' and '.'), as letters only right after the last number (7.5.2b,
 * 1.3.5p), or after an underscore (1.3.5_004p, the SPA1x2 style; letters,
 * digits, '_' and '-'). No spaces. The suffix is the text without its parentheses
 * or leading underscore, so 6.1.5(a), 6.1.5a and 6.1.5_a are one version.
 *
 * Ordering (documented in provscope(1); the phone's own rule for suffixes
 * is not documented):
 *  1. compare the numeric components left to right, numerically; a missing
 *     component counts as 0 (2.0 = 2.0.0);
 *  2. if they are equal, a version without a suffix sorts before any
 *     version with one (7.5.2 < 7.5.2a);
 *  3. suffixes compare case-insensitively character by character, except
 *     that runs of digits inside them compare as numbers (RC9 < RC10,
 *     0412s < 1001s); a suffix of letters only therefore compares
 *     alphabetically (a < b < c), and a shorter suffix that is a prefix of
 *     a longer one sorts first. Digits sort before letters.
 */
#ifndef PS_RULES_VERSION_H
#define PS_RULES_VERSION_H

#include <stdbool.h>

/* True when `s` is a version of one of the forms above. */
bool ps_version_valid(const char *s);

/* -1, 0 or 1 as `a` sorts before, with or after `b` by the rule above.
 * When either is not a valid version the result is the sign of a byte-wise
 * comparison (so the order is still total). NULL counts as "". */
int ps_version_cmp(const char *a, const char *b);

/* The version a firmware file name carries, or NULL when none is seen:
 * "spa50x-30x-7-5-2b.bin" -> "7.5.2b", "spa942-6-1-5a.bin" -> "6.1.5a",
 * "SPA112-SPA122_1.3.5_004p.bin" -> "1.3.5_004p", "pap2t-5-1-6.bin" ->
 * "5.1.6". `path` may be a path or URL (directories, query and fragment
 * are ignored). Dashed names must end in three dash-separated numbers, the
 * last one optionally followed by letters. The caller owns the result. */
char *ps_version_from_filename(const char *path);

#endif
