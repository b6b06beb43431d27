/* The firmware-upgrade analysis: what the phone does with Upgrade_Enable,
 * Upgrade_Rule, Downgrade_Rev_Limit and the retry delay, for an identity
 * and a parameter table; and the conversion of an evaluated rule into the
 * report's rule record. Pure: no I/O. */
#ifndef PS_ENGINE_UPGRADE_H
#define PS_ENGINE_UPGRADE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/finding.h"
#include "model/profile.h"
#include "phone/identity.h"
#include "profile/params.h"
#include "rules/env.h"
#include "rules/rule.h"

/* Spell out a delay list such as "3600" or "1800+300,3600+600,7200" as the
 * phone uses it (the last element repeats; "+N" adds 0..N s at random;
 * 0 means failures count as successes). Caller frees. NULL for an
 * unreadable value. */
char *ps_retry_schedule(const char *value);

/* "Yes", "yes", "1", "true", "enable" -> true (the phone's Bool forms). */
bool ps_param_bool(const char *value);

/* Findings raised by an analysis, in order. */
struct ps_found {
	enum ps_finding_id id;
	char *detail;
};
struct ps_found_list {
	struct ps_found *v;
	size_t n;
};
void ps_found_add(struct ps_found_list *l, enum ps_finding_id id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ps_found_clear(struct ps_found_list *l);

/* Fill `rep` (cleared first) from a rule named `name` with text `text`:
 * `r` parsed (NULL when it did not parse, then `err` says why) and `ev` its
 * evaluation (NULL when not evaluated). */
void ps_rule_report_fill(struct ps_rule_report *rep, const char *name, const char *text,
			 const struct ps_rule *r, const struct ps_rule_error *err,
			 const struct ps_rule_eval *ev);

/* Whether `text` (`len` bytes: an image's file name, or a line the image
 * declares) names model designators ("spa942", "spa50x", "30x", "504g"
 * after "spa", a catalogue model such as "pap2t") and none stands for
 * `product` ("SPA504G"; "x" is any digit): those it names in `*names`
 * ("spa50x, 30x"; "" when none; caller frees). */
bool ps_upgrade_names_other_model(const char *text, size_t len, const char *product, char **names);

/* How many bytes of an image's start are read for what it declares. */
#define PS_IMAGE_HEAD 512

/* What an image declares in its first PS_IMAGE_HEAD bytes: the first run
 * of at least 8 printable characters that names a model ("provscope lab
 * fake firmware Linksys SPA942 6.1.5(b) ..."), cut at 160; NULL when none.
 * `*version` is the first version in it with a dot, else NULL. The caller
 * frees both. */
char *ps_upgrade_image_declares(const unsigned char *head, size_t n, char **version);

struct ps_upgrade_input {
	const struct ps_params *params; /* the phone's table after the profiles */
	const struct ps_identity *id;
	const struct ps_macro_env *env; /* identity, state and parameter macros */
	const char *target_version;     /* --target-version, NULL to read the file name */
};

/* Analyse the firmware upgrade into `out` (cleared first); findings go to
 * `found`. */
void ps_upgrade_analyse(const struct ps_upgrade_input *in, struct ps_upgrade_report *out,
			struct ps_found_list *found);

#endif
