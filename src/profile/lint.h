/* The profile checks: what a file sets, against the parameter dictionary
 * of the phone's family (dict.h). Every name the phone would ignore
 * (profile.unknown_parameter, with the closest names; profile.not_for_model,
 * another model's), every value that does not fit its type
 * (profile.bad_value) and every name set twice (profile.duplicate), each
 * with its line. Pure. */
#ifndef PS_PROFILE_LINT_H
#define PS_PROFILE_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/finding.h"
#include "phone/catalogue.h"
#include "profile/params.h"

/* At most this many findings of one id are raised per file; the rest are
 * counted in one more (every item still marks its parameter's row). */
#define PS_LINT_MAX_PER_ID 100

struct ps_lint_item {
	enum ps_finding_id id;
	unsigned line; /* 1-based line in the file */
	char *name;    /* the parameter as the file names it */
	char *suggest; /* the closest known names, ", "-joined; NULL when none */
	char *detail;  /* one sentence, without the line */
	/* an unknown name near a secret's (Pasword_1_): its value must be
	 * shown as a secret too */
	bool secret;
};

struct ps_lint {
	struct ps_lint_item *items; /* in file order */
	size_t n, cap;
	bool no_family; /* the model has no dictionary: only duplicates are checked */
};

/* Checks the sets of one file (`ops`, in file order, as the parsers keep
 * them in ps_parse_result.ops) for model `m` (the default model when
 * NULL). Values of secret parameters are never written into the items.
 * `out` is overwritten; clear it after. */
void ps_profile_lint(const struct ps_param_batch *ops, const struct ps_model *m,
		     struct ps_lint *out);
void ps_lint_clear(struct ps_lint *l);

#endif
