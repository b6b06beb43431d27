/* The phone's parameter table: name -> value, user access, and where the
 * value came from, in insertion order with a hash index by name. Also the
 * records the profile parsers fill (issues, parse results) and the batch of
 * pending sets they apply once a file has parsed. Pure: no I/O. */
#ifndef PS_PROFILE_PARAMS_H
#define PS_PROFILE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/finding.h"

/* One parameter. Every string is owned by the table. */
struct ps_param {
	char *name;    /* case-sensitive XML element name: "Profile_Rule_B" */
	char *value;   /* never NULL ("" when a file only named it, as <X/>) */
	char *access;  /* "na", "ro", "rw", or NULL when nothing ever set it */
	char *source;  /* "factory default", or the source that last named it */
	unsigned line; /* line in that source, 0 for factory defaults */
	bool secret;   /* ps_param_is_secret(name), fixed at creation */
	/* What the profile checks found in the setting (profile/lint.h): a
	 * finding id (static), NULL when nothing; cleared when it is set
	 * again. */
	const char *problem;
	char *problem_detail;
};

/* Opaque table. */
struct ps_params;

struct ps_params *ps_params_new(void);
/* Frees the table and every parameter; accepts NULL. */
void ps_params_free(struct ps_params *t);
/* The parameter named `name` (exact, case-sensitive), NULL when absent.
 * Borrowed: valid until the table is freed (pointers stay valid when the
 * table grows). */
const struct ps_param *ps_params_get(const struct ps_params *t, const char *name);
/* Set or create `name`. `value` NULL leaves the value as it is (XML <X/>;
 * a new parameter then gets ""); `access` NULL leaves the access as it is.
 * `source` and `line` always record where the name was last seen; `source`
 * NULL means "factory default". New names are appended at the end. */
void ps_params_set(struct ps_params *t, const char *name, const char *value, const char *access,
		   const char *source, unsigned line);
size_t ps_params_count(const struct ps_params *t);
/* Makes parameter `name`'s value a secret from now on (a mistyped secret's
 * name, found by the profile checks); nothing when there is none. */
void ps_params_make_secret(struct ps_params *t, const char *name);
/* Records what the profile checks found in parameter `name`'s setting
 * (`problem` a static finding id, `detail` copied), unless something is
 * recorded already; nothing when there is no such parameter. */
void ps_params_mark(struct ps_params *t, const char *name, const char *problem, const char *detail);
/* The i-th parameter in insertion order, NULL past the end. Borrowed. */
const struct ps_param *ps_params_at(const struct ps_params *t, size_t i);

/* Whether a parameter holds a secret that outputs must redact. The rule is
 * listed in params.c next to the code. */
bool ps_param_is_secret(const char *name);
/* What to show for a value: the value itself, or "********" (always 8
 * stars) when the parameter is secret, not empty and `show_secrets` is
 * false. Borrowed (from `p` or static); "" when p is NULL. */
const char *ps_param_display(const struct ps_param *p, bool show_secrets);

/* "na", "ro" or "rw" -> the same static string; anything else -> NULL. */
const char *ps_param_access_norm(const char *ua);

/* A problem found in a profile: a PS_F_PROFILE_* id with a plain-language
 * detail. `id` is PS_F_COUNT when there is none. */
struct ps_profile_issue {
	enum ps_finding_id id;
	/* owned, NULL when id is PS_F_COUNT; does not repeat `line` and
	 * `column`: show them from the fields ("line 3, column 7: ...") */
	char *detail;
	unsigned line;   /* 1-based line in the profile, 0 when not tied to one */
	unsigned column; /* 1-based column, 0 when unknown */
};

/* Sets `id` and a printf-formatted detail (replacing any earlier one). */
void ps_profile_issue_set(struct ps_profile_issue *is, enum ps_finding_id id, unsigned line,
			  unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void ps_profile_issue_clear(struct ps_profile_issue *is);

/* Pending sets, in file order, applied to a table in one go once the whole
 * file parsed (so a broken file changes nothing). Zero-initialise. */
struct ps_param_op {
	char *name;
	char *value;  /* NULL: leave the value */
	char *access; /* NULL: leave the access */
	unsigned line;
	/* XML: a leaf inside a container under <flat-profile> (the SPA122's
	 * router-configuration groups), not a flat-profile parameter name */
	bool nested;
};
struct ps_param_batch {
	struct ps_param_op *ops;
	size_t n, cap;
};
/* What parsing one profile (XML or SPC text) gave. The parsers initialise it
 * themselves; call ps_parse_result_clear() when done. */
struct ps_parse_result {
	struct ps_profile_issue error;   /* an ERROR-severity finding, or id PS_F_COUNT */
	struct ps_profile_issue warning; /* PS_F_PROFILE_PLACEHOLDER, or id PS_F_COUNT */
	bool applied;                    /* the table was changed (see each parser) */
	size_t n_set;                    /* distinct parameters the file named */
	size_t n_containers;             /* XML elements holding elements: not parameters */
	char **notes;                    /* plain sentences worth showing (owned) */
	size_t n_notes;
	/* What the file set, in file order, each with its line: filled when
	 * the table was changed (applied), for the profile checks (lint.h). */
	struct ps_param_batch ops;
};

void ps_parse_result_init(struct ps_parse_result *r);
void ps_parse_result_clear(struct ps_parse_result *r);
void ps_parse_result_note(struct ps_parse_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void ps_param_batch_add(struct ps_param_batch *b, const char *name, const char *value,
			const char *access, unsigned line);
/* Applies every op in order (so the last occurrence wins) with `source`;
 * returns the number of distinct names. */
size_t ps_param_batch_apply(const struct ps_param_batch *b, struct ps_params *t,
			    const char *source);
/* Distinct names in the batch. */
size_t ps_param_batch_distinct(const struct ps_param_batch *b);
void ps_param_batch_clear(struct ps_param_batch *b);

/* Whether a value still holds a server-side template placeholder: {$x},
 * ${X} or {{ x }} (SPA macros such as $MA or $(MA) are not placeholders). */
bool ps_value_has_placeholder(const char *value);
/* If some final values of the batch hold placeholders, sets `w` to a
 * PS_F_PROFILE_PLACEHOLDER warning naming the first few parameters.
 * Returns the number of such parameters. */
size_t ps_param_batch_check_placeholders(const struct ps_param_batch *b,
					 struct ps_profile_issue *w);
/* Whether `n_placeholders` of `n_params` values mean that the whole file is
 * an unrendered template rather than a profile with a few unfilled values:
 * at least 3 of them, and at least a third of the parameters. */
bool ps_placeholders_mean_template(size_t n_placeholders, size_t n_params);

#endif
