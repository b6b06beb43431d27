/* Name resolution and TCP connect with timeouts, with errors classified
 * into findings. */
#ifndef PS_ENGINE_NET_H
#define PS_ENGINE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "model/finding.h"

/* --resolve HOST:PORT:ADDR[,ADDR...] as in curl. */
struct ps_pin {
	char *host;
	unsigned port;
	char **addrs;
	size_t n_addrs;
};

/* Parse "HOST:PORT:ADDR[,ADDR]" (IPv6 in brackets); PORT "*" pins every
 * port of HOST (port 0), after a pin of the port itself. Returns false
 * with a message in `err` (caller frees) when malformed. */
bool ps_pin_parse(const char *text, struct ps_pin *out, char **err);
void ps_pin_clear(struct ps_pin *p);

struct ps_sockaddr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[64]; /* numeric address */
	bool pinned;
};

/* Resolve host:port (pins first). On failure returns false, sets `*err`
 * (caller frees) and `*finding`. */
bool ps_resolve(const char *host, unsigned port, const struct ps_pin *pins, size_t n_pins,
		struct ps_sockaddr **out, size_t *n_out, char **err, enum ps_finding_id *finding);

/* True when the address is loopback: 127.0.0.0/8, ::1, or an IPv4-mapped
 * 127.x address. */
bool ps_sockaddr_is_loopback(const struct ps_sockaddr *a);
/* True when `host` is a numeric IPv4 or IPv6 address (brackets allowed). */
bool ps_is_ip_literal(const char *host);

/* The finding for a connect that failed with errno `e` (refused, timed
 * out, reset, else unreachable). */
enum ps_finding_id ps_net_finding(int e);

/* Connect a blocking TCP socket within `timeout_ms`. Returns the fd, or -1
 * with `*err` (caller frees) and `*finding` set. */
int ps_connect(const struct ps_sockaddr *a, unsigned timeout_ms, char **err,
	       enum ps_finding_id *finding);

#endif
