/* "Did you mean": the closest names to a word that is none of them. Pure. */
#ifndef PS_CORE_SUGGEST_H
#define PS_CORE_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/* The restricted Damerau-Levenshtein distance of `a` and `b` (an insertion,
 * a deletion, a substitution or a swap of two neighbours costs 1), letter
 * case ignored when `fold_case`. Returns `cap` + 1 as soon as the distance
 * must exceed `cap`; words longer than 127 bytes count as `cap` + 1. */
unsigned ps_edit_distance(const char *a, const char *b, unsigned cap, bool fold_case);

/* The tolerance for a word of `len` bytes: 1 up to 4, 2 up to 12, else 3. */
unsigned ps_suggest_tolerance(size_t len);

/* Up to `max` of the `n` names closest to `word` within its tolerance,
 * best first: a name equal to it but for letter case first, then by
 * distance (case counted), then in the order given. Writes their indexes
 * to `out`; returns how many. */
size_t ps_suggest(const char *word, const char *const *names, size_t n, size_t *out, size_t max);

#endif
