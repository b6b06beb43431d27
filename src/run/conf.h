/* The parsed command line: what to run and how. Filled by the option table
 * (cli/options.c), read by the run layer; a plain record. */
#ifndef PS_RUN_CONF_H
#define PS_RUN_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "engine/net.h"
#include "model/expect.h"

/* What an invocation does. Each option of the table names the commands it
 * applies to (a mask of PS_CMD_BIT). */
enum ps_command {
	PS_CMD_LIVE,        /* provscope URL|RULE: one phone against a server */
	PS_CMD_DEMO,        /* provscope --demo: the same against the built-in lab */
	PS_CMD_DEVICES,     /* provscope --devices FILE: a pass per device of a list */
	PS_CMD_LAB,         /* provscope lab: the lab server alone */
	PS_CMD_CERT,        /* provscope cert FILE: a chain file, offline */
	PS_CMD_PROFILE,     /* provscope profile FILE...: profiles, offline */
	PS_CMD_RULE,        /* provscope rule RULE: one rule, offline */
	PS_CMD_SCAN,        /* provscope scan URL: every model against one server */
	PS_CMD_LIST_MODELS, /* provscope --list-models */
	PS_CMD_STORM,       /* provscope storm URL: many devices' passes, a load test */
	PS_CMD_MERGE,       /* provscope merge FILE...: storm shards' results into one */
	PS_CMD_LIST_PARAMS, /* provscope --list-params [WORD]: the parameter dictionary */
	PS_CMD_COUNT
};
#define PS_CMD_BIT(c) (1u << (c))

/* The lab server's options (provscope lab, and --fault/--pki for --demo). */
struct ps_lab_opts {
	const char *listen;    /* "ADDR[:PORT]", "[V6]:PORT", ":PORT"; NULL: 127.0.0.1:0 */
	const char *http_port; /* plain HTTP port; NULL: a free one */
	const char *dir, *pki, *fault;
	const char *record;      /* --record FILE: a JSON line per client connection */
	const char *learn_model; /* --learn-model NAME: write NAME.json from the first client */
	bool encrypt;
	bool log;                /* --log: log lines, even on a terminal (no live table) */
	const char *mint_device; /* MAC: write a device certificate into --pki and exit */
};

/* Strings are borrowed from argv unless said otherwise. */
struct ps_config {
	enum ps_command cmd;
	/* the phone */
	const char *model, *mac, *serial, *firmware, *priority;
	const char **model_files; /* --model-file, in the order given (owned array) */
	size_t n_model_files;
	const char *cert, *key; /* the device certificate and its key (files) */
	time_t at;              /* the phone's clock, 0 = now */
	/* trust and checks */
	const char *ca, *modern_ca;
	bool system_trust; /* the modern client trusts the system store too */
	bool probe;        /* a modern-client probe after a failed handshake */
	bool inspect_anyway, audit;
	bool strict;      /* --strict: the profile checks' findings are errors */
	const char *host; /* cert: the name to check */
	/* profiles and rules */
	const char *profile_key, *target_version, *kind;
	const char *tftp_server; /* DHCP option 66/150: where rules without a host fetch */
	bool show_secrets;
	/* network */
	unsigned timeout_ms;
	struct ps_pin *pins; /* --resolve, owned */
	size_t n_pins;
	size_t max_size; /* 0: the default */
	bool handshake_only;
	const char *download; /* --download-firmware FILE */
	const char *keylog;   /* --keylog FILE: TLS secrets for Wireshark (SSLKEYLOGFILE) */
	/* output */
	bool batch;
	const char *format, *output; /* output NULL: standard output (also "-") */
	int verbosity;               /* text: -1 (-q), 0, 1 (-v), 2 (-vv) */
	const char *color;           /* --color: "auto" (NULL), "always", "never" */
	struct ps_expect *expects;   /* --expect, in the order given, owned */
	size_t n_expects;
	/* --devices */
	const char *devices;
	unsigned jobs; /* 0: the default */
	/* scan */
	const char *models; /* --models: "spa942,spa504g"; NULL: the whole catalogue */
	bool demo;          /* scan --demo: the built-in lab is the server */
	/* --devices and storm: a deterministic slice, --shard I/N (1-based) */
	unsigned shard_i, shard_n; /* 0 0: the whole */
	/* storm */
	unsigned long count; /* --count: devices synthesised from a MAC range */
	const char *device_ca, *device_ca_key;
	double spread_s, rate, duration_s; /* 0: not given */
	unsigned long long seed;           /* of the --spread delays */
	bool seed_given;
	bool own_server; /* --i-own-this-server: addresses other than loopback */
	/* lab and demo */
	struct ps_lab_opts lab;
	/* the operands: the URL, rule or file (target), all of them (files) */
	const char *target;
	char **files;
	size_t n_files;
};

/* The defaults before any option. */
void ps_config_init(struct ps_config *c);
/* Free what the config owns (pins, expectations). */
void ps_config_clear(struct ps_config *c);
/* The --model row (the catalogue's default without --model); NULL with
 * `*err` (caller frees) when the catalogue has no such model. */
struct ps_model;
const struct ps_model *ps_config_model(const struct ps_config *c, char **err);

#endif
