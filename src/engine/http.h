/* One HTTP request as the phone makes it. For https, libcurl connects and
 * speaks HTTP while our code runs the phone's TLS session on the same TCP
 * connection: in curl's pre-request callback the socket is handed to the
 * caller's hook (which runs the handshake) and replaced by one end of a
 * socketpair; a pump thread moves bytes between the socketpair and the TLS
 * session (design and traps: reference/curl-over-own-tls.md). */
#ifndef PS_ENGINE_HTTP_H
#define PS_ENGINE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine/tls.h"

/* Called once curl has connected, with a dup of the TCP socket (owned by
 * the callee from then on), the peer address and port. Returns the open
 * TLS session, or NULL to end the request (the phone gave up). */
typedef struct ps_tls_conn *(*ps_http_connected_fn)(void *ctx, int tcp_fd, const char *ip,
						    long port);

/* What a request asks for (a POST is a GET with a body, below). */
enum ps_http_method {
	PS_HTTP_GET,
	PS_HTTP_HEAD,       /* a firmware check */
	PS_HTTP_FIRST_BYTE, /* a GET of the first byte only (where HEAD is refused) */
};

struct ps_http_request {
	enum ps_http_method method;
	const char *url; /* the phone's URL, https:// or http:// */
	const char *user_agent;
	const char *resolve;               /* "HOST:PORT:ADDR[,ADDR]" for curl, NULL for DNS */
	unsigned timeout_ms;               /* connect, and each later wait */
	size_t max_body;                   /* body cap in bytes */
	ps_http_connected_fn on_connected; /* https: runs the TLS handshake */
	const char *post;                  /* body of a POST ([--post x]), NULL for GET */
	const char *user, *pwd;            /* HTTP credentials ([--uid --pwd]), NULL for none */
	FILE *out; /* write the body here instead of keeping it (a download) */
	/* Called as the body arrives (bytes so far, announced total or -1). */
	void (*progress)(void *ctx, long long done, long long total);
	void *progress_ctx;
	void *ctx;
};

struct ps_http_response {
	int curl_code;          /* CURLcode, 0 when the transfer completed */
	char *curl_error;       /* curl's text, NULL when none */
	int os_errno;           /* of a failed connect */
	bool connected;         /* the TCP connection was made */
	bool tls_refused;       /* on_connected returned NULL */
	long status;            /* HTTP status, 0 when none arrived */
	char **request_headers; /* as sent, one line each (request line first) */
	size_t n_request_headers;
	char **response_headers; /* as received, status line first */
	size_t n_response_headers;
	unsigned char *body; /* NUL-terminated, owned; NULL when written to rq->out */
	size_t body_len;     /* bytes received (also when written to rq->out) */
	bool write_failed;   /* writing to rq->out failed */
	int write_errno;
	bool body_capped;         /* more than max_body bytes: stopped */
	long long content_length; /* announced size (from Content-Range for a range), -1 */
	char *content_type;       /* NULL when none */
	double t_dns, t_connect, t_first_byte, t_total; /* ms since the request started */
	bool pumped;                                    /* https: the pump ran */
	/* The answer was cut: the connection ended without a close_notify
	 * where its end delimits the body (pump.truncated alone also counts
	 * a close after a complete Content-Length or last chunk). */
	bool truncated;
	struct ps_pump_result pump;
};

/* Make the request; fills `rs` (zeroed first). Returns the curl code. */
int ps_http_fetch(const struct ps_http_request *rq, struct ps_http_response *rs);
void ps_http_response_clear(struct ps_http_response *rs);

#endif
