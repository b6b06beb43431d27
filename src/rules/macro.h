/* Macro expansion of rule strings and message templates (pure; no I/O).
 * Forms: $NAME, $(NAME), $(NAME:p), $(NAME:p:q) and $$. Unknown names are
 * left as written, as the phone does. One pass only, not recursive. */
#ifndef PS_RULES_MACRO_H
#define PS_RULES_MACRO_H

#include <stdbool.h>

/* Returns the value of macro `name` (borrowed), or NULL when unknown. */
typedef const char *(*ps_macro_lookup_fn)(void *ctx, const char *name);

/* Expand `in`; the caller owns the result. */
char *ps_macro_expand(const char *in, ps_macro_lookup_fn lookup, void *ctx);

#endif
