/* --expect KEY=VALUE: checks a script states about a run, parsed before the
 * run (an unknown key or a malformed value is a usage error) and evaluated
 * against the finished report model. Pure: no I/O. */
#ifndef PS_MODEL_EXPECT_H
#define PS_MODEL_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"

/* The kind of value a key compares. */
enum ps_expect_type {
	PS_EXPECT_STRING,  /* compared exactly */
	PS_EXPECT_INT,     /* a decimal integer, compared as a number */
	PS_EXPECT_BOOL,    /* true/false, yes/no, 1/0 */
	PS_EXPECT_VERDICT, /* "accept" or "reject" */
	PS_EXPECT_RUN,     /* "ok" or "fail" */
	PS_EXPECT_STATUS,  /* a step status: "ok", "warn", "fail", "skipped", ... */
	PS_EXPECT_FINDING, /* a finding id from the table */
};

/* The keys. X(enum, name, type, hop field: takes a hopN. prefix) */
#define PS_EXPECT_KEYS(X)                                                             \
	X(PS_EK_TLS_VERSION, "tls.version", PS_EXPECT_STRING, true)                   \
	X(PS_EK_TLS_CIPHER_SUITE, "tls.cipher_suite", PS_EXPECT_STRING, true)         \
	X(PS_EK_TLS_ESTABLISHED, "tls.established", PS_EXPECT_BOOL, true)             \
	X(PS_EK_CHAIN_PHONE, "chain.phone_verdict", PS_EXPECT_VERDICT, true)          \
	X(PS_EK_CHAIN_MODERN, "chain.modern_verdict", PS_EXPECT_VERDICT, true)        \
	X(PS_EK_CLIENT_AUTH_REQUESTED, "client_auth.requested", PS_EXPECT_BOOL, true) \
	X(PS_EK_CLIENT_AUTH_SENT, "client_auth.sent", PS_EXPECT_BOOL, true)           \
	X(PS_EK_HTTP_STATUS, "http.status", PS_EXPECT_INT, true)                      \
	X(PS_EK_STEP, "step.", PS_EXPECT_STATUS, true)                                \
	X(PS_EK_FINDING, "finding", PS_EXPECT_FINDING, true)                          \
	X(PS_EK_NO_FINDING, "!finding", PS_EXPECT_FINDING, true)                      \
	X(PS_EK_UPGRADE_WOULD, "upgrade.would_upgrade", PS_EXPECT_BOOL, false)        \
	X(PS_EK_UPGRADE_ENABLED, "upgrade.enabled", PS_EXPECT_BOOL, false)            \
	X(PS_EK_UPGRADE_TARGET, "upgrade.target_version", PS_EXPECT_STRING, false)    \
	X(PS_EK_UPGRADE_CHECK_STATUS, "upgrade.check.status", PS_EXPECT_INT, false)   \
	X(PS_EK_VERDICT, "verdict", PS_EXPECT_RUN, false)                             \
	X(PS_EK_EXIT_CODE, "exit_code", PS_EXPECT_INT, false)                         \
	X(PS_EK_PARAM, "param:", PS_EXPECT_STRING, false)                             \
	X(PS_EK_SCAN, "scan.", PS_EXPECT_STRING, false)

enum ps_expect_key {
#define PS_X(e, name, type, hop) e,
	PS_EXPECT_KEYS(PS_X)
#undef PS_X
	    PS_EK_COUNT
};

/* One parsed --expect. */
struct ps_expect {
	char *key;   /* the key as given, "hop2.http.status" */
	char *value; /* VALUE as given */
	enum ps_expect_key id;
	long hop;         /* from a hopN. prefix, as an index from 0; -1 without one */
	char *name;       /* param:NAME's NAME, step.ID's ID; NULL otherwise */
	long long number; /* the value of an integer key */
	bool boolean;     /* the value of a boolean key */
	int finding;      /* the finding id of finding and !finding */
};

/* Parse "KEY=VALUE" into `e`. On an unknown key, a hopN. prefix on a key
 * that is not a hop field, or a value the key cannot take, returns false
 * and sets `*err` (the caller frees it); `e` is then left empty. */
bool ps_expect_parse(const char *arg, struct ps_expect *e, char **err);
/* Free what `e` holds and zero it. */
void ps_expect_clear(struct ps_expect *e);

/* Evaluate `e` against a finished report into `res`, which the caller
 * clears with ps_expect_result_clear. verdict and exit_code compare the
 * run's own result, as ps_report_finish set it. */
void ps_expect_eval(const struct ps_expect *e, const struct ps_report *r,
		    struct ps_expect_result *res);
void ps_expect_result_clear(struct ps_expect_result *res);
/* "expected 200, got 404" ("expected no X, got X" for !finding; an empty
 * value as "", none as nothing). Caller frees. */
char *ps_expect_result_text(const struct ps_expect_result *res);

/* Evaluate every expectation into r->expectations (replacing any there)
 * and apply the exit rule: when one fails and the run itself is ok, the
 * exit code becomes PS_EXIT_EXPECT and the verdict "fail"; a run that
 * failed keeps its own category. The summary says how many failed.
 * Returns the number that failed. */
size_t ps_report_expect(struct ps_report *r, const struct ps_expect *v, size_t n);

/* The keys for messages: "tls.version, tls.cipher_suite, ..." (static). */
const char *ps_expect_key_list(void);

#endif
