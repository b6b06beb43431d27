/* Macro expansion of rule strings and message templates (pure; no I/O).
 * Forms: $NAME, $(NAME), $(NAME:p), $(NAME:p:q) and $$. Unknown names are
 * left as written, as the phone does. One pass only, not recursive. */
#ifndef PS_RULES_MACRO_H
#define PS_RULES_MACRO_H

#include <stdbool.h>

#include "rules/env.h"

/* Returns the value of macro `name` (borrowed), or NULL when unknown. */
typedef const char *(*ps_macro_lookup_fn)(void *ctx, const char *name);

/* Expand `in`; the caller owns the result. */
char *ps_macro_expand(const char *in, ps_macro_lookup_fn lookup, void *ctx);

/* Flags of ps_macro_expand_env. */
enum {
	/* Expand the secret registers $SA..$SD (the phone does so only in the
	 * argument of --key); without it they stay as written. */
	PS_MACRO_ALLOW_SECRETS = 1u << 0,
};

/* Expand `in` the way the phone does with the values of `env`:
 *  - $A..$P (and $(GPP_A)..$(GPP_P)) are the registers GPP_A..GPP_P;
 *  - $SA..$SD (and $(GPP_SA)..) are GPP_SA..GPP_SD with
 *    PS_MACRO_ALLOW_SECRETS, else they stay as written;
 *  - $UID1, $UID2 are User_ID_1_, User_ID_2_ (registers and user ids
 *    expand to "" when the parameter callback has no value);
 *  - $SCHEME (and the deprecated $METH), $SERV, $SERVIP, $PORT, $PATH come
 *    from the env's current URL when set;
 *  - any other name is asked of env->macro;
 *  - a name the phone knows (§3.5 of the reference: $PRVTMR, $EXTIP...)
 *    that the env cannot give stays as written, rather than being read
 *    as a shorter macro ($P) followed by text.
 * Unknown names stay as written. The caller owns the result. */
char *ps_macro_expand_env(const char *in, const struct ps_macro_env *env, unsigned flags);

#endif
