/* The values macros expand to while the phone evaluates a rule or writes a
 * log line: identity and state macros through one callback, parameters
 * (GPP_A..GPP_P, GPP_SA..GPP_SD, User_ID_1_...) through another, and the
 * parts of the current URL. Plain record; everything in it is borrowed.
 * Expansion with an environment is ps_macro_expand_env() (rules/macro.h,
 * implemented in macro.c). */
#ifndef PS_RULES_ENV_H
#define PS_RULES_ENV_H

/* Value of an identity or state macro ("MA", "SWVER", "PRVST", "CCERT"...),
 * borrowed; NULL when not known. */
typedef const char *(*ps_env_macro_fn)(void *ctx, const char *name);

/* Value of parameter `name` ("GPP_A", "GPP_SA", "User_ID_1_"), borrowed;
 * NULL when not set (the register then expands to ""). */
typedef const char *(*ps_env_param_fn)(void *ctx, const char *name);

struct ps_macro_env {
	ps_env_macro_fn macro; /* may be NULL: no identity/state macros */
	ps_env_param_fn param; /* may be NULL: every register is empty */
	void *ctx;             /* passed to both callbacks */
	/* The current URL for $SCHEME ($METH), $SERV, $SERVIP, $PORT and $PATH;
	 * each NULL when not known (the macro callback is asked instead). */
	const char *scheme;
	const char *serv;
	const char *servip;
	const char *port;
	const char *path;
	/* The TFTP server DHCP gave the phone (option 66/150), "host" or
	 * "host:port" ("[v6]:port"); a URL without a host fetches from it.
	 * NULL when not known. */
	const char *dhcp_server;
};

#endif
