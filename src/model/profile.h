/* Profile, rule and firmware-upgrade records of the report model: plain
 * records owning deep copies. Values are stored as they are; outputs
 * redact secrets unless the report allows showing them. */
#ifndef PS_MODEL_PROFILE_H
#define PS_MODEL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

/* One parameter as it ends up in the phone's table. */
struct ps_param_row {
	char *name;
	char *value;
	char *access;  /* "na", "ro", "rw", or NULL when no file set it */
	char *source;  /* "factory default" or the file / URL that set it */
	unsigned line; /* in that source, 0 for defaults */
	bool secret;   /* redacted unless --show-secrets */
	/* What the profile checks found in this setting: a finding id
	 * ("profile.bad_value", static) and its detail, NULL when nothing. */
	const char *problem;
	char *problem_detail;
};

/* The few words a view shows for a row's problem ("unknown name", "bad
 * value", "not for this model", "set more than once"); "" when none. Static. */
const char *ps_param_problem_label(const char *problem);
/* Whether finding `id` (an enum ps_finding_id) is one of the profile
 * checks' (profile/lint.h). */
bool ps_finding_is_lint(int id);

/* Whether the row is the model's factory default (no file set it). */
bool ps_param_row_is_default(const struct ps_param_row *r);
/* How many rows of `p` keep their factory default. */
struct ps_profile_report;
size_t ps_profile_defaults(const struct ps_profile_report *p);

/* One profile file (or fetched body) and how it was decoded. */
struct ps_profile_source {
	char *name;      /* file name or URL */
	char *format;    /* "xml", "spc-text", "spc-binary", "unknown" */
	bool encrypted;  /* openssl Salted__ */
	char *kdf;       /* "md5" or "sha256" when decrypted, else NULL */
	bool compressed; /* gzip */
	size_t n_set;    /* parameters it set */
	bool ok;         /* decoded and parsed */
};

/* One problem the profile checks found in a file (profile/lint.h). */
struct ps_profile_check {
	const char *finding; /* "profile.bad_value"... (static) */
	unsigned line;       /* in the file, from 1 */
	char *parameter;     /* the name as the file has it */
	char **suggestions;  /* the closest known names, best first (unknown names) */
	size_t n_suggestions;
	char *detail; /* one sentence, as the finding's (without the file and line) */
};

struct ps_profile_report {
	struct ps_profile_source *sources;
	size_t n_sources;
	struct ps_param_row *params; /* the final table, in table order */
	size_t n_params;
	/* a hop's record: what the profile checks found in its file, in file
	 * order, every one (the findings stop at PS_LINT_MAX_PER_ID a kind) */
	struct ps_profile_check *checks;
	size_t n_checks;
};

/* One alternative of a rule as evaluated. */
struct ps_rule_alt_report {
	char *text;    /* as written */
	int result;    /* 1 fired, 0 its condition is false, -1 not reached */
	char *explain; /* how the condition evaluated, may be NULL */
};

struct ps_rule_report {
	bool present;   /* a rule was looked at */
	char *name;     /* "Upgrade_Rule", "Profile_Rule_B" or "rule" */
	char *text;     /* as written */
	char *error;    /* parse error, NULL when it parsed */
	long error_col; /* 1-based column of the parse error */
	struct ps_rule_alt_report *alts;
	size_t n_alts;
	long fired; /* index of the alternative used, -1 none */
	char *url;  /* expanded URL with defaults applied, NULL when none */
	char *key;  /* --key (secret), --post, --alias, --uid, --pwd (secret) */
	char *post, *alias, *uid, *pwd;
	bool delta;
	char **assign_names, **assign_values; /* assignments of the fired alternative */
	size_t n_assigns;
	char **notes; /* warnings about the rule, plain sentences */
	size_t n_notes;
};

struct ps_upgrade_report {
	bool evaluated;
	bool enabled; /* Upgrade_Enable */
	struct ps_rule_report rule;
	char *current_version; /* $SWVER */
	char *target_version;  /* from --target-version or the file name, NULL if unknown */
	char *downgrade_limit; /* Downgrade_Rev_Limit, NULL when empty */
	char *retry_delay;     /* Upgrade_Error_Retry_Delay as set */
	char *retry_schedule;  /* spelled out */
	char *log_request, *log_success, *log_failure; /* expanded as the phone logs them */
	char *license_keys;
	bool would_upgrade;
	char *reason;                /* one sentence */
	bool check_done;             /* the firmware URL was checked over the network */
	long check_status;           /* HTTP status, 0 when none */
	long long check_size;        /* bytes, -1 when unknown */
	char *check_type;            /* Content-Type, NULL when none */
	char *check_error;           /* why the check failed, NULL when it did not */
	bool download_asked;         /* --download-firmware FILE */
	char *download_file;         /* FILE */
	long long download_size;     /* bytes written, -1 when nothing was */
	char *download_sha256;       /* of the image written, hex */
	char *download_error;        /* why nothing was written, NULL when it was */
	char *download_declares;     /* the line the image declares itself by, NULL */
	char *download_version;      /* the version in that line, NULL */
	struct ps_param_row *params; /* the upgrade parameters and where each came from */
	size_t n_params;
};

/* The one redaction of free text (rules, URLs, targets, expectation values,
 * device-list fields) shown without --show-secrets: the arguments of a
 * rule's --key and --pwd options, in any case ("--KEY", "--Pwd"), and the
 * password of every scheme://user:password@ in it, replaced by "********".
 * A bare macro argument ($SA) stays: its register is redacted where it is
 * shown. Caller frees. */
char *ps_redact_secrets(const char *text);

/* What an output prints for a value: itself, or "********" when it is
 * secret and not shown ("" stays ""). Borrowed or static. */
const char *ps_secret_display(const char *value, bool secret, bool show);

void ps_param_row_clear(struct ps_param_row *p);
void ps_profile_report_clear(struct ps_profile_report *p);
void ps_profile_report_copy(struct ps_profile_report *dst, const struct ps_profile_report *src);
void ps_rule_report_clear(struct ps_rule_report *r);
void ps_rule_report_copy(struct ps_rule_report *dst, const struct ps_rule_report *src);
void ps_upgrade_report_clear(struct ps_upgrade_report *u);
void ps_upgrade_report_copy(struct ps_upgrade_report *dst, const struct ps_upgrade_report *src);

#endif
