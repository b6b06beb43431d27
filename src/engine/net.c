/* Resolve and connect (see net.h). */
#include "config.h"

#include "engine/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/util.h"

void ps_pin_clear(struct ps_pin *p)
{
	free(p->host);
	for (size_t i = 0; i < p->n_addrs; i++)
		free(p->addrs[i]);
	free(p->addrs);
	memset(p, 0, sizeof *p);
}

bool ps_pin_parse(const char *text, struct ps_pin *out, char **err)
{
	memset(out, 0, sizeof *out);
	const char *c1 = strchr(text, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || c1 == text || c2 == c1 + 1 || !c2[1]) {
		*err = ps_xasprintf("--resolve '%s': expected HOST:PORT:ADDRESS", text);
		return false;
	}
	char *end;
	errno = 0;
	/* "*": every port of the host (a lab's HTTPS and HTTP ports) */
	bool any = c2 == c1 + 2 && c1[1] == '*';
	unsigned long port = any ? 0 : strtoul(c1 + 1, &end, 10);
	if (!any && (end != c2 || port == 0 || port > 65535 || errno)) {
		*err = ps_xasprintf("--resolve '%s': the port must be 1-65535, or * for every port",
				    text);
		return false;
	}
	out->host = ps_xstrndup(text, (size_t)(c1 - text));
	out->port = (unsigned)port;
	const char *p = c2 + 1;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *a = ps_xstrndup(p, n);
		if (n >= 2 && a[0] == '[' && a[n - 1] == ']') {
			memmove(a, a + 1, n - 2);
			a[n - 2] = '\0';
		}
		unsigned char buf[16];
		if (inet_pton(AF_INET, a, buf) != 1 && inet_pton(AF_INET6, a, buf) != 1) {
			*err =
			    ps_xasprintf("--resolve '%s': '%s' is not a numeric address", text, a);
			free(a);
			ps_pin_clear(out);
			return false;
		}
		out->addrs = ps_xrealloc(out->addrs, (out->n_addrs + 1) * sizeof *out->addrs);
		out->addrs[out->n_addrs++] = a;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!out->n_addrs) {
		*err = ps_xasprintf("--resolve '%s': no address given", text);
		ps_pin_clear(out);
		return false;
	}
	return true;
}

static void fill_text(struct ps_sockaddr *a)
{
	const void *src = a->ss.ss_family == AF_INET6
			      ? (const void *)&((struct sockaddr_in6 *)&a->ss)->sin6_addr
			      : (const void *)&((struct sockaddr_in *)&a->ss)->sin_addr;
	if (!inet_ntop(a->ss.ss_family, src, a->text, sizeof a->text))
		snprintf(a->text, sizeof a->text, "?");
}

static bool numeric(const char *addr, unsigned port, struct ps_sockaddr *out)
{
	memset(out, 0, sizeof *out);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		out->len = sizeof *v4;
	} else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		out->len = sizeof *v6;
	} else {
		return false;
	}
	fill_text(out);
	return true;
}

bool ps_resolve(const char *host, unsigned port, const struct ps_pin *pins, size_t n_pins,
		struct ps_sockaddr **out, size_t *n_out, char **err, enum ps_finding_id *finding)
{
	*out = NULL;
	*n_out = 0;
	/* a pin for this port first, then one for every port (*) */
	for (size_t j = 0; j < 2 * n_pins; j++) {
		size_t i = j % n_pins;
		if (pins[i].port != (j < n_pins ? port : 0) || !ps_str_ieq(pins[i].host, host))
			continue;
		*out = ps_xcalloc(pins[i].n_addrs, sizeof **out);
		for (size_t k = 0; k < pins[i].n_addrs; k++) {
			numeric(pins[i].addrs[k], port, &(*out)[k]);
			(*out)[k].pinned = true;
		}
		*n_out = pins[i].n_addrs;
		return true;
	}
	char h[256];
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']' && hl - 2 < sizeof h) {
		memcpy(h, host + 1, hl - 2);
		h[hl - 2] = '\0';
	} else {
		snprintf(h, sizeof h, "%s", host);
	}
	struct ps_sockaddr one;
	if (numeric(h, port, &one)) {
		*out = ps_xmalloc(sizeof one);
		**out = one;
		*n_out = 1;
		return true;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	struct addrinfo *res = NULL;
	char ports[8];
	snprintf(ports, sizeof ports, "%u", port);
	int rc = getaddrinfo(h, ports, &hints, &res);
	if (rc != 0 || !res) {
		/* A --resolve for this host but another port does not apply. */
		const struct ps_pin *near = NULL;
		for (size_t i = 0; i < n_pins && !near; i++)
			if (ps_str_ieq(pins[i].host, host))
				near = &pins[i];
		if (near)
			*err = ps_xasprintf("%s: %s (--resolve pins %s:%u, not port %u: a pin "
					    "applies to its port alone; %s:*:ADDR pins every port)",
					    h, rc ? gai_strerror(rc) : "no address", near->host,
					    near->port, port, near->host);
		else
			*err = ps_xasprintf("%s: %s", h, rc ? gai_strerror(rc) : "no address");
		*finding = PS_F_NET_DNS;
		return false;
	}
	size_t n = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		n++;
	*out = ps_xcalloc(n, sizeof **out);
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(struct sockaddr_storage))
			continue;
		struct ps_sockaddr *a = &(*out)[*n_out];
		memcpy(&a->ss, ai->ai_addr, ai->ai_addrlen);
		a->len = ai->ai_addrlen;
		fill_text(a);
		bool dup = false;
		for (size_t k = 0; k < *n_out; k++)
			dup |= strcmp((*out)[k].text, a->text) == 0;
		if (!dup)
			(*n_out)++;
	}
	freeaddrinfo(res);
	return true;
}

bool ps_is_ip_literal(const char *host)
{
	char h[64];
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n >= sizeof h)
		return false;
	memcpy(h, host, n);
	h[n] = '\0';
	unsigned char buf[16];
	return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

enum ps_finding_id ps_net_finding(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return PS_F_NET_REFUSED;
	case ETIMEDOUT:
		return PS_F_NET_TIMEOUT;
	case ECONNRESET:
		return PS_F_NET_RESET;
	default:
		return PS_F_NET_UNREACHABLE;
	}
}

int ps_connect(const struct ps_sockaddr *a, unsigned timeout_ms, char **err,
	       enum ps_finding_id *finding)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*err = ps_xasprintf("socket: %s", strerror(errno));
		*finding = PS_F_NET_UNREACHABLE;
		return -1;
	}
	int e = 0;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
		e = errno;
		if (e == EINPROGRESS) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int rc;
			do
				rc = poll(&p, 1, (int)timeout_ms);
			while (rc < 0 && errno == EINTR);
			if (rc == 0) {
				e = ETIMEDOUT;
			} else {
				socklen_t el = sizeof e;
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
					e = errno;
			}
		}
	}
	if (e) {
		*err = e == ETIMEDOUT
			   ? ps_xasprintf("no answer from %s within %u ms", a->text, timeout_ms)
			   : ps_xasprintf("%s: %s", a->text, strerror(e));
		*finding = ps_net_finding(e);
		close(fd);
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

bool ps_sockaddr_is_loopback(const struct ps_sockaddr *a)
{
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&a->ss;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&a->ss;
		const unsigned char *b = v6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr) && b[12] == 127;
	}
	return false;
}
