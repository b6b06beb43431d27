/* HTTP over the phone's own TLS session (see http.h). */
#include "config.h"

#include "engine/http.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/util.h"

/* One TCP connection curl made and we carry TLS on. A request may need a
 * few (an authentication round that reconnects). */
struct slot {
	struct ps_tls_conn *conn;
	int tcp;   /* our dup of the TCP socket */
	int plain; /* our end of the socketpair */
	struct ps_tls_pump pump;
	bool pumping; /* the pump is started and not yet ended */
	unsigned timeout_ms;
	struct ps_pump_result res;
};

enum { MAX_SLOTS = 4 };

struct fetch {
	const struct ps_http_request *rq;
	struct ps_http_response *rs;
	bool https;
	bool tftp;
	/* TFTP, where curl's own times and error buffer say little: */
	double t0;          /* ps_now_ms() when the request started */
	double t_answer;    /* the server's first answer, 0 before it */
	double t_data;      /* the first data byte, 0 before it */
	double t_end;       /* the end of the transfer */
	char *tftp_message; /* the text of the server's ERROR packet */
	curl_socket_t fd;   /* the socket curl opened last */
	/* The stall watchdog: no byte either way for the timeout ends it. */
	curl_off_t moved; /* bytes up and down at the last progress call */
	double t_moved;   /* ps_now_ms() when they last changed, 0 before */
	bool stalled;     /* the watchdog stopped the transfer */
	bool fresh;       /* fd is a new connection, not yet taken over */
	struct slot slots[MAX_SLOTS];
	size_t n_slots;
};

/* Header lines kept per answer: a server may send any number (curl stops
 * at 300 KiB of them); the report keeps the first ones. */
#define MAX_HEADER_LINES 1000

static void add_line(char ***v, size_t *n, const char *s, size_t len)
{
	while (len && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (!len || *n >= MAX_HEADER_LINES)
		return;
	/* room for powers of two: the array grows in O(log n) steps */
	if ((*n & (*n - 1)) == 0)
		*v = ps_xrealloc(*v, (*n ? 2 * *n : 1) * sizeof **v);
	(*v)[(*n)++] = ps_xstrndup(s, len);
}

static size_t on_header(char *b, size_t size, size_t n, void *ctx)
{
	struct fetch *f = ctx;
	size_t len = size * n;
	/* A new status line (after 1xx) starts the list again. */
	if (len > 5 && memcmp(b, "HTTP/", 5) == 0) {
		for (size_t i = 0; i < f->rs->n_response_headers; i++)
			free(f->rs->response_headers[i]);
		f->rs->n_response_headers = 0;
	}
	add_line(&f->rs->response_headers, &f->rs->n_response_headers, b, len);
	return len;
}

static size_t on_body(char *b, size_t size, size_t n, void *ctx)
{
	struct fetch *f = ctx;
	size_t len = size * n;
	if (f->tftp && len && !f->t_data) {
		f->t_data = ps_now_ms() - f->t0;
		/* The first data block is an answer too, whether or not curl
		 * said "Connected for receive" before handing it over. */
		if (!f->t_answer)
			f->t_answer = f->t_data;
	}
	if (f->rs->body_len + len > f->rq->max_body) {
		f->rs->body_capped = true;
		return 0;
	}
	if (f->rq->out) {
		if (fwrite(b, 1, len, f->rq->out) != len) {
			f->rs->write_failed = true;
			f->rs->write_errno = errno;
			return 0;
		}
		f->rs->body_len += len;
		return len;
	}
	f->rs->body = ps_xrealloc(f->rs->body, f->rs->body_len + len + 1);
	memcpy(f->rs->body + f->rs->body_len, b, len);
	f->rs->body_len += len;
	f->rs->body[f->rs->body_len] = '\0';
	return len;
}

/* curl's own low-speed check averages over seconds, so a few bytes then
 * silence would last longer than the timeout: nothing moved for the
 * timeout, in either direction, stops the transfer. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)ultotal;
	struct fetch *f = ctx;
	double now = ps_now_ms();
	if (!f->t_moved || dlnow + ulnow != f->moved) {
		f->moved = dlnow + ulnow;
		f->t_moved = now;
	} else if (now - f->t_moved > f->rq->timeout_ms) {
		f->stalled = true;
		return 1;
	}
	if (f->rq->progress)
		f->rq->progress(f->rq->progress_ctx, (long long)dlnow,
				dltotal > 0 ? (long long)dltotal : -1);
	return 0;
}

/* curl's TFTP client says when the server first answered and what its
 * ERROR packet said only in its informational text. */
static void tftp_text(struct fetch *f, const char *data, size_t size)
{
	static const char err[] = "TFTP error: ", rx[] = "Connected for receive";
	bool is_err = size > sizeof err - 1 && memcmp(data, err, sizeof err - 1) == 0;
	bool is_rx = size >= sizeof rx - 1 && memcmp(data, rx, sizeof rx - 1) == 0;
	if ((is_err || is_rx) && !f->t_answer)
		f->t_answer = ps_now_ms() - f->t0;
	if (is_err && !f->tftp_message) {
		size_t len = size - (sizeof err - 1);
		while (len && (data[sizeof err - 1 + len - 1] == '\n' ||
			       data[sizeof err - 1 + len - 1] == '\r'))
			len--;
		f->tftp_message = ps_xstrndup(data + sizeof err - 1, len);
	}
}

static int on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *ctx)
{
	(void)c;
	struct fetch *f = ctx;
	if (f->tftp && type == CURLINFO_TEXT)
		tftp_text(f, data, size);
	if (type != CURLINFO_HEADER_OUT)
		return 0;
	const char *p = data, *end = data + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		add_line(&f->rs->request_headers, &f->rs->n_request_headers, p, len);
		p += len + 1;
	}
	return 0;
}

static curl_socket_t on_open(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch *f = ctx;
	(void)purpose;
	curl_socket_t s = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	f->fd = s;
	f->fresh = true;
	return s;
}

/* After curl's connect, before its request: take the socket over. */
static int on_prereq(void *ctx, char *ip, char *local_ip, int port, int local_port)
{
	struct fetch *f = ctx;
	(void)local_ip;
	(void)local_port;
	f->rs->connected = true;
	if (!f->https || !f->fresh)
		return CURL_PREREQFUNC_OK; /* plain http, or a connection already ours */
	f->fresh = false;
	if (f->n_slots == MAX_SLOTS)
		return CURL_PREREQFUNC_ABORT;
	struct slot *sl = &f->slots[f->n_slots];
	memset(sl, 0, sizeof *sl);
	sl->tcp = sl->plain = -1;
	sl->timeout_ms = f->rq->timeout_ms;
	int tcp = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	if (tcp < 0)
		return CURL_PREREQFUNC_ABORT;
	int fl = fcntl(tcp, F_GETFL);
	if (fl >= 0)
		fcntl(tcp, F_SETFL, fl & ~O_NONBLOCK);
	sl->conn = f->rq->on_connected(f->rq->ctx, tcp, ip, port);
	if (!sl->conn) {
		f->rs->tls_refused = true;
		return CURL_PREREQFUNC_ABORT; /* the callee closed its socket */
	}
	sl->tcp = tcp;
	f->n_slots++;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return CURL_PREREQFUNC_ABORT;
	/* curl's descriptor number becomes the plaintext end (non-blocking, as
	 * curl set its own). */
	if (dup3(sv[0], f->fd, O_CLOEXEC) < 0) {
		close(sv[0]);
		close(sv[1]);
		return CURL_PREREQFUNC_ABORT;
	}
	close(sv[0]);
	sl->plain = sv[1];
	ps_tls_pump_start(&sl->pump, sl->conn, sl->plain, sl->timeout_ms);
	sl->pumping = true;
	f->rs->pumped = true;
	return CURL_PREREQFUNC_OK;
}

/* curl's URL and Host header for an https URL spoken as plain HTTP. */
static char *plain_url(const char *url, char **host_header)
{
	CURLU *u = curl_url();
	char *out = NULL, *host = NULL, *port = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_SCHEME, "http", 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PORT, port, 0) == CURLUE_OK) {
		char *s = NULL;
		if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
			out = ps_xstrdup(s);
			curl_free(s);
		}
		*host_header = strcmp(port, "443") == 0 ? ps_xasprintf("Host: %s", host)
							: ps_xasprintf("Host: %s:%s", host, port);
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

static double info_ms(CURL *c, CURLINFO what)
{
	curl_off_t us = 0;
	if (curl_easy_getinfo(c, what, &us) != CURLE_OK)
		return 0;
	return (double)us / 1000.0;
}

/* The request as curl options on `c`: our socket hooks, no proxy, no
 * redirect, no connection reuse, and what the request asks. */
static void set_options(CURL *c, struct fetch *f, const char *url, struct curl_slist *hdrs,
			struct curl_slist *resolve, char *errbuf)
{
	const struct ps_http_request *rq = f->rq;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_USERAGENT, rq->user_agent);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,tftp");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)rq->timeout_ms);
	/* Waits after the connect: the handshake has its own limit; the transfer
	 * may not stall longer than the timeout. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)((rq->timeout_ms + 999) / 1000));
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, f);
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, f);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	if (rq->post) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->post));
	}
	if (rq->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, rq->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, rq->pwd ? rq->pwd : "");
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_ANY);
	}
	if (rq->method == PS_HTTP_HEAD)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (rq->method == PS_HTTP_FIRST_BYTE)
		curl_easy_setopt(c, CURLOPT_RANGE, "0-0");
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, f);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, f);
}

/* What curl says of the finished transfer `cc`, into `rs`. Returns whether
 * the framing says the answer is whole (the Content-Length reached, the
 * last chunk read, no body for a HEAD). */
static bool collect(CURL *c, const struct ps_http_request *rq, CURLcode cc, const char *errbuf,
		    struct ps_http_response *rs)
{
	rs->curl_code = (int)cc;
	if (cc != CURLE_OK)
		rs->curl_error = ps_xstrdup(errbuf[0] ? errbuf : curl_easy_strerror(cc));
	long v = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &v);
	rs->status = v;
	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &v);
	rs->os_errno = (int)v;
	rs->t_dns = info_ms(c, CURLINFO_NAMELOOKUP_TIME_T);
	rs->t_connect = info_ms(c, CURLINFO_CONNECT_TIME_T);
	rs->t_first_byte = info_ms(c, CURLINFO_STARTTRANSFER_TIME_T);
	rs->t_total = info_ms(c, CURLINFO_TOTAL_TIME_T);
	curl_off_t cl = -1;
	curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	rs->content_length = cl;
	bool chunked = false;
	for (size_t i = 0; i < rs->n_response_headers; i++) {
		const char *h = rs->response_headers[i];
		const char *slash;
		if (ps_strn_ieq(h, "Transfer-Encoding:", 18) &&
		    ps_mem_ifind(h + 18, strlen(h + 18), "chunked"))
			chunked = true;
		if (ps_strn_ieq(h, "Content-Range:", 14) && (slash = strrchr(h, '/')) &&
		    slash[1] >= '0' && slash[1] <= '9')
			rs->content_length = strtoll(slash + 1, NULL, 10);
	}
	char *ct = NULL;
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		rs->content_type = ps_xstrdup(ct);
	return cc == CURLE_OK && (rq->method == PS_HTTP_HEAD || chunked ||
				  (cl >= 0 && (curl_off_t)rs->body_len == cl));
}

/* The TFTP error code behind curl's code, and its RFC 1350 name; 0 and
 * NULL where curl merges codes (undefined and illegal operation). */
static int tftp_code(CURLcode cc, const char **name)
{
	switch (cc) {
	case CURLE_TFTP_NOTFOUND:
		*name = "file not found";
		return 1;
	case CURLE_TFTP_PERM:
		*name = "access violation";
		return 2;
	case CURLE_REMOTE_DISK_FULL:
		*name = "disk full";
		return 3;
	case CURLE_TFTP_UNKNOWNID:
		*name = "unknown transfer ID";
		return 5;
	case CURLE_REMOTE_FILE_EXISTS:
		*name = "file already exists";
		return 6;
	case CURLE_TFTP_NOSUCHUSER:
		*name = "no such user";
		return 7;
	default:
		*name = NULL;
		return 0;
	}
}

/* A TFTP transfer's error text and times, from what was seen instead of
 * curl's: curl 7.88 fills its error buffer with a getpeername() failure of
 * the unconnected UDP socket before anything else (the first error stays),
 * and its connect and start-transfer times are those of the socket. The
 * connect time is the server's first answer to the read request, the
 * first byte that of the first data block; all on one clock. */
static void tftp_collect(struct fetch *f, CURLcode cc, struct ps_http_response *rs)
{
	rs->t_connect = f->t_answer;
	rs->t_first_byte = f->t_data;
	rs->t_total = f->t_end;
	if (cc == CURLE_OK)
		return;
	free(rs->curl_error);
	const char *name;
	int code = tftp_code(cc, &name);
	bool said = f->tftp_message != NULL;
	if (cc == CURLE_TFTP_ILLEGAL || name)
		rs->curl_error =
		    name ? ps_xasprintf("the TFTP server answered with error %d (%s)%s%s%s", code,
					name, said ? ": \"" : "", said ? f->tftp_message : "",
					said ? "\"" : "")
			 : ps_xasprintf("the TFTP server answered with an error%s%s%s",
					said ? ": \"" : " (undefined or illegal operation)",
					said ? f->tftp_message : "", said ? "\"" : "");
	else if ((cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_CONNECT) && !f->t_answer)
		rs->curl_error = ps_xasprintf("the TFTP server did not answer the read request "
					      "(%.1f s)",
					      rs->t_total / 1000.0);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		rs->curl_error =
		    ps_xasprintf("the TFTP transfer stalled after %zu bytes", rs->body_len);
	else
		rs->curl_error = ps_xstrdup(curl_easy_strerror(cc));
}

/* Step every running pump; for each, the descriptors it waits on go into
 * `w` (room for two per slot), their number into `*nw`, and how long it
 * can wait at most lowers `*wait_ms`. */
static void pump_all(struct fetch *f, struct curl_waitfd *w, unsigned *nw, int *wait_ms)
{
	for (size_t i = 0; i < f->n_slots; i++) {
		struct slot *sl = &f->slots[i];
		short te, pe;
		if (!sl->pumping || !ps_tls_pump_step(&sl->pump, &te, &pe) || !w)
			continue;
		if (te)
			w[(*nw)++] =
			    (struct curl_waitfd){ .fd = ps_tls_pump_fd(&sl->pump), .events = te };
		if (pe)
			w[(*nw)++] = (struct curl_waitfd){ .fd = sl->plain, .events = pe };
		int left = ps_tls_pump_wait_ms(&sl->pump);
		if (left < *wait_ms)
			*wait_ms = left;
	}
}

/* curl's transfer, with the pumps stepped on the same thread: curl waits
 * on its sockets and the pumps' descriptors at once. */
static CURLcode perform(struct fetch *f, CURL *c)
{
	CURLM *m = curl_multi_init();
	if (!m || curl_multi_add_handle(m, c) != CURLM_OK)
		abort(); /* libcurl fails here only for want of memory */
	int running = 1;
	CURLcode cc = CURLE_OK;
	for (;;) {
		CURLMcode mc = curl_multi_perform(m, &running);
		struct curl_waitfd w[2 * MAX_SLOTS];
		unsigned nw = 0;
		int wait_ms = 1000;
		pump_all(f, w, &nw, &wait_ms);
		if (mc != CURLM_OK) {
			cc = CURLE_OUT_OF_MEMORY;
			break;
		}
		if (!running)
			break;
		if (curl_multi_poll(m, w, nw, wait_ms, NULL) != CURLM_OK) {
			cc = CURLE_OUT_OF_MEMORY;
			break;
		}
	}
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(m, &left)))
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == c)
			cc = msg->data.result;
	curl_multi_remove_handle(m, c);
	curl_multi_cleanup(m);
	return cc;
}

/* Once curl has let go of its end: every pump run to its end, every TLS
 * session closed; how the last one ended goes into `rs`. */
static void end_pumps(struct fetch *f, struct ps_http_response *rs)
{
	for (size_t i = 0; i < f->n_slots; i++) {
		struct slot *sl = &f->slots[i];
		if (sl->pumping) {
			ps_tls_pump_finish(&sl->pump, &sl->res);
			sl->pumping = false;
		}
		if (sl->plain >= 0)
			close(sl->plain);
		ps_tls_close(sl->conn);
		if (sl->tcp >= 0)
			close(sl->tcp);
		/* The last connection carried the answer; a truncation on any counts. */
		bool truncated = rs->pump.truncated || sl->res.truncated;
		free(rs->pump.error);
		rs->pump = sl->res;
		rs->pump.truncated = truncated;
	}
}

int ps_http_fetch(const struct ps_http_request *rq, struct ps_http_response *rs)
{
	memset(rs, 0, sizeof *rs);
	struct fetch f = { .rq = rq, .rs = rs, .fd = CURL_SOCKET_BAD };
	f.https = ps_strn_ieq(rq->url, "https://", 8);
	f.tftp = ps_strn_ieq(rq->url, "tftp://", 7);
	char *host_header = NULL;
	char *url = f.https ? plain_url(rq->url, &host_header) : ps_xstrdup(rq->url);
	if (!url) {
		rs->curl_code = CURLE_URL_MALFORMAT;
		rs->curl_error = ps_xasprintf("'%s' is not a usable URL", rq->url);
		return rs->curl_code;
	}
	CURL *c = curl_easy_init();
	if (!c)
		abort();
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL, *resolve = NULL;
	if (host_header)
		hdrs = curl_slist_append(hdrs, host_header);
	if (rq->resolve)
		resolve = curl_slist_append(resolve, rq->resolve);
	set_options(c, &f, url, hdrs, resolve, errbuf);
	f.t0 = ps_now_ms();
	CURLcode cc = perform(&f, c);
	f.t_end = ps_now_ms() - f.t0;
	if (cc == CURLE_ABORTED_BY_CALLBACK && f.stalled) {
		cc = CURLE_OPERATION_TIMEDOUT;
		snprintf(errbuf, sizeof errbuf, "nothing arrived for %.1f s (--timeout)",
			 rq->timeout_ms / 1000.0);
	}
	/* A missing close_notify cuts the answer only where the connection's end
	 * delimits the body: when the framing says the answer is whole, it is
	 * whole, whichever side closed first (RFC 2818 §2.2.2). */
	bool framed = collect(c, rq, cc, errbuf, rs);
	if (f.tftp)
		tftp_collect(&f, cc, rs);
	free(f.tftp_message);
	curl_easy_cleanup(c); /* closes curl's end: the pump sees EOF */
	end_pumps(&f, rs);
	rs->truncated = rs->pump.truncated && !framed;
	curl_slist_free_all(hdrs);
	curl_slist_free_all(resolve);
	free(host_header);
	free(url);
	return rs->curl_code;
}

void ps_http_response_clear(struct ps_http_response *rs)
{
	free(rs->curl_error);
	ps_strv_free(rs->request_headers, rs->n_request_headers);
	ps_strv_free(rs->response_headers, rs->n_response_headers);
	free(rs->body);
	free(rs->content_type);
	free(rs->pump.error);
	memset(rs, 0, sizeof *rs);
}
