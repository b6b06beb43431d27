/* The command line as one table: each option's name, argument, help text,
 * the commands it applies to and how it is stored. The parser, --help and
 * the man-page test all read the same table. */
#ifndef PS_CLI_OPTIONS_H
#define PS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "run/conf.h"

/* The sections of --help, in their order. */
enum ps_opt_group {
	PS_OG_IDENTITY,
	PS_OG_CHECKS,
	PS_OG_PROFILES,
	PS_OG_NETWORK,
	PS_OG_OUTPUT,
	PS_OG_STORM,
	PS_OG_LAB,
	PS_OG_OTHER,
	PS_OG_COUNT
};

/* How an option is stored into the config. */
enum ps_opt_kind {
	PS_OPT_STRING, /* the argument, at `off` (a const char *) */
	PS_OPT_SET,    /* true at `off` (a bool) */
	PS_OPT_CLEAR,  /* false at `off` (a bool) */
	PS_OPT_PARSE,  /* `parse` checks and stores the argument */
	PS_OPT_ACTION, /* answered at once: --help, --version */
};

struct ps_option {
	const char *name; /* the long name, without "--" */
	char short_name;  /* 'h', 'V', or 0 */
	const char *arg;  /* the argument's name in --help; NULL for a flag */
	enum ps_opt_group group;
	unsigned cmds;    /* PS_CMD_BIT mask of the commands it applies to */
	const char *help; /* --help text, lines separated by '\n' */
	enum ps_opt_kind kind;
	size_t off; /* STRING, SET, CLEAR: offset in struct ps_config */
	/* PARSE: store `arg` into `c`; false with `*err` (caller frees). */
	bool (*parse)(struct ps_config *c, const char *arg, char **err);
};

/* The table, `*n` rows. */
const struct ps_option *ps_options(size_t *n);

/* What the options parser decided. */
enum ps_parse_outcome {
	PS_PARSE_RUN,     /* run `c->cmd` */
	PS_PARSE_DONE,    /* answered already (--help, --fault help): exit 0 */
	PS_PARSE_VERSION, /* --version: main prints it (the libraries in use): exit 0 */
	PS_PARSE_USAGE,   /* a usage error, the message on stderr: exit 2 */
};

/* Parse argv (argv[1] may name a subcommand: lab, cert, profile, rule)
 * into `c` (initialised here; ps_config_clear frees it whatever the
 * outcome). An option that does not apply to the command is refused with
 * the commands it is for. Help and answers go to `out`, errors to `err`. */
enum ps_parse_outcome ps_options_parse(int argc, char **argv, struct ps_config *c, FILE *out,
				       FILE *err);

/* The --help text for `cmd`: its usage and the options that apply to it;
 * for PS_CMD_LIVE with `all`, every command and every option. */
void ps_options_help(FILE *f, enum ps_command cmd, bool all);

/* How --help and the refusals name a command ("'provscope cert'",
 * "--demo", "live runs"...). */
const char *ps_command_name(enum ps_command cmd);

#endif
