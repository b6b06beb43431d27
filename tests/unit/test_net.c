/* Unit tests of --resolve pins, resolution without DNS (pins and numeric
 * hosts) and TCP connect on loopback, refused and accepted. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/net.h"

static unsigned sa_port(const struct ps_sockaddr *a)
{
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

static void test_pin_parse_good(void **state)
{
	(void)state;
	struct ps_pin p;
	char *err = NULL;
	assert_true(ps_pin_parse("prov.example.net:443:127.0.0.1", &p, &err));
	assert_null(err);
	assert_string_equal(p.host, "prov.example.net");
	assert_int_equal(p.port, 443);
	assert_int_equal(p.n_addrs, 1);
	assert_string_equal(p.addrs[0], "127.0.0.1");
	ps_pin_clear(&p);
	assert_null(p.host);
	assert_int_equal(p.n_addrs, 0);

	assert_true(ps_pin_parse("h:8443:[::1],127.0.0.1", &p, &err));
	assert_null(err);
	assert_string_equal(p.host, "h");
	assert_int_equal(p.port, 8443);
	assert_int_equal(p.n_addrs, 2);
	assert_string_equal(p.addrs[0], "::1");
	assert_string_equal(p.addrs[1], "127.0.0.1");
	ps_pin_clear(&p);

	assert_true(ps_pin_parse("h:65535:2001:db8::1", &p, &err));
	assert_int_equal(p.port, 65535);
	assert_int_equal(p.n_addrs, 1);
	assert_string_equal(p.addrs[0], "2001:db8::1");
	ps_pin_clear(&p);
}

struct bad_pin {
	const char *text;
	const char *err;
};

static void test_pin_parse_bad(void **state)
{
	(void)state;
	static const struct bad_pin bad[] = {
		{ "prov.example.net:127.0.0.1",
		  "--resolve 'prov.example.net:127.0.0.1': expected HOST:PORT:ADDRESS" },
		{ "prov.example.net", "--resolve 'prov.example.net': expected HOST:PORT:ADDRESS" },
		{ "h::127.0.0.1", "--resolve 'h::127.0.0.1': expected HOST:PORT:ADDRESS" },
		{ ":443:127.0.0.1", "--resolve ':443:127.0.0.1': expected HOST:PORT:ADDRESS" },
		{ "h:443:", "--resolve 'h:443:': expected HOST:PORT:ADDRESS" },
		{ "h:0:127.0.0.1",
		  "--resolve 'h:0:127.0.0.1': the port must be 1-65535, or * for every port" },
		{ "h:70000:127.0.0.1",
		  "--resolve 'h:70000:127.0.0.1': the port must be 1-65535, or * for every port" },
		{ "h:https:127.0.0.1",
		  "--resolve 'h:https:127.0.0.1': the port must be 1-65535, or * for every port" },
		{ "h:443x:127.0.0.1",
		  "--resolve 'h:443x:127.0.0.1': the port must be 1-65535, or * for every port" },
		{ "h:443:example.com",
		  "--resolve 'h:443:example.com': 'example.com' is not a numeric address" },
		{ "h:443:127.0.0.1,localhost",
		  "--resolve 'h:443:127.0.0.1,localhost': 'localhost' is not a numeric address" },
		{ "h:443:[::1", "--resolve 'h:443:[::1': '[::1' is not a numeric address" },
		{ "h:443:,", "--resolve 'h:443:,': '' is not a numeric address" },
		{ "h:**:127.0.0.1",
		  "--resolve 'h:**:127.0.0.1': the port must be 1-65535, or * for "
		  "every port" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ps_pin p;
		char *err = NULL;
		if (ps_pin_parse(bad[i].text, &p, &err)) {
			ps_pin_clear(&p);
			fail_msg("accepted '%s'", bad[i].text);
		}
		assert_non_null(err);
		assert_string_equal(err, bad[i].err);
		free(err);
		/* Nothing is left allocated in the output. */
		assert_null(p.host);
		assert_null(p.addrs);
		assert_int_equal(p.n_addrs, 0);
	}
}

/* HOST:*:ADDR pins every port; a pin of the port itself comes first. */
static void test_resolve_any_port(void **state)
{
	(void)state;
	struct ps_pin pins[2];
	char *err = NULL;
	assert_true(ps_pin_parse("prov.invalid:*:127.0.0.2", &pins[0], &err));
	assert_int_equal(pins[0].port, 0);
	assert_true(ps_pin_parse("prov.invalid:8443:127.0.0.3", &pins[1], &err));
	struct ps_sockaddr *a = NULL;
	size_t n = 0;
	enum ps_finding_id f = PS_F_COUNT;
	assert_true(ps_resolve("prov.invalid", 8080, pins, 2, &a, &n, &err, &f));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "127.0.0.2");
	assert_true(a[0].pinned);
	free(a);
	assert_true(ps_resolve("prov.invalid", 8443, pins, 2, &a, &n, &err, &f));
	assert_string_equal(a[0].text, "127.0.0.3");
	free(a);
	assert_false(ps_resolve("other.invalid", 8080, pins, 2, &a, &n, &err, &f));
	free(err);
	ps_pin_clear(&pins[0]);
	ps_pin_clear(&pins[1]);
}

static void test_resolve_pinned(void **state)
{
	(void)state;
	struct ps_pin pins[2];
	char *err = NULL;
	assert_true(ps_pin_parse("other.invalid:443:192.0.2.1", &pins[0], &err));
	assert_true(ps_pin_parse("prov.invalid:443:[::1],127.0.0.1", &pins[1], &err));
	struct ps_sockaddr *a = NULL;
	size_t n = 0;
	enum ps_finding_id f = PS_F_COUNT;
	/* A .invalid name never resolves: only the pin can answer. The host
	 * matches without regard to case. */
	assert_true(ps_resolve("PROV.invalid", 443, pins, 2, &a, &n, &err, &f));
	assert_null(err);
	assert_int_equal(f, PS_F_COUNT);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].text, "::1");
	assert_int_equal(a[0].ss.ss_family, AF_INET6);
	assert_int_equal(a[0].len, sizeof(struct sockaddr_in6));
	assert_true(a[0].pinned);
	assert_int_equal(sa_port(&a[0]), 443);
	assert_string_equal(a[1].text, "127.0.0.1");
	assert_int_equal(a[1].ss.ss_family, AF_INET);
	assert_int_equal(a[1].len, sizeof(struct sockaddr_in));
	assert_true(a[1].pinned);
	assert_int_equal(sa_port(&a[1]), 443);
	free(a);

	/* A pin is for one port: a numeric host on another port is itself. */
	struct ps_pin num;
	assert_true(ps_pin_parse("127.0.0.1:443:192.0.2.9", &num, &err));
	assert_true(ps_resolve("127.0.0.1", 8443, &num, 1, &a, &n, &err, &f));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "127.0.0.1");
	assert_false(a[0].pinned);
	free(a);
	assert_true(ps_resolve("127.0.0.1", 443, &num, 1, &a, &n, &err, &f));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "192.0.2.9");
	assert_true(a[0].pinned);
	free(a);
	ps_pin_clear(&num);
	ps_pin_clear(&pins[0]);
	ps_pin_clear(&pins[1]);
}

static void test_resolve_numeric(void **state)
{
	(void)state;
	struct ps_sockaddr *a = NULL;
	size_t n = 0;
	char *err = NULL;
	enum ps_finding_id f = PS_F_COUNT;
	assert_true(ps_resolve("127.0.0.1", 8080, NULL, 0, &a, &n, &err, &f));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "127.0.0.1");
	assert_int_equal(a[0].ss.ss_family, AF_INET);
	assert_int_equal(a[0].len, sizeof(struct sockaddr_in));
	assert_int_equal(sa_port(&a[0]), 8080);
	assert_false(a[0].pinned);
	free(a);

	assert_true(ps_resolve("[::1]", 443, NULL, 0, &a, &n, &err, &f));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "::1");
	assert_int_equal(a[0].ss.ss_family, AF_INET6);
	assert_int_equal(a[0].len, sizeof(struct sockaddr_in6));
	assert_int_equal(sa_port(&a[0]), 443);
	free(a);

	assert_true(ps_resolve("::1", 443, NULL, 0, &a, &n, &err, &f));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "::1");
	free(a);
	assert_null(err);
	assert_int_equal(f, PS_F_COUNT);
}

/* A loopback TCP socket bound to a kernel-chosen port; listening or not. */
static int loopback_socket(bool listening, unsigned *port)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &l), 0);
	if (listening)
		assert_int_equal(listen(fd, 4), 0);
	*port = ntohs(sin.sin_port);
	assert_true(*port > 0);
	return fd;
}

static void test_connect_refused(void **state)
{
	(void)state;
	unsigned port;
	int s = loopback_socket(false, &port);
	close(s);
	struct ps_sockaddr *a = NULL;
	size_t n = 0;
	char *err = NULL;
	enum ps_finding_id f = PS_F_COUNT;
	assert_true(ps_resolve("127.0.0.1", port, NULL, 0, &a, &n, &err, &f));
	int fd = ps_connect(&a[0], 2000, &err, &f);
	free(a);
	if (fd >= 0)
		close(fd);
	assert_int_equal(fd, -1);
	assert_int_equal(f, PS_F_NET_REFUSED);
	assert_non_null(err);
	assert_string_equal(err, "127.0.0.1: Connection refused");
	free(err);
}

static void test_connect_ok(void **state)
{
	(void)state;
	unsigned port;
	int ls = loopback_socket(true, &port);
	struct ps_sockaddr *a = NULL;
	size_t n = 0;
	char *err = NULL;
	enum ps_finding_id f = PS_F_COUNT;
	assert_true(ps_resolve("127.0.0.1", port, NULL, 0, &a, &n, &err, &f));
	int fd = ps_connect(&a[0], 2000, &err, &f);
	free(a);
	int peer = fd >= 0 ? accept(ls, NULL, NULL) : -1;
	close(ls);
	assert_true(fd >= 0);
	assert_null(err);
	assert_int_equal(f, PS_F_COUNT);
	assert_true(peer >= 0);
	/* The socket comes back blocking, and bytes go through. */
	int fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_NONBLOCK, 0);
	assert_int_equal(write(fd, "ping", 4), 4);
	char buf[8] = { 0 };
	assert_int_equal(read(peer, buf, sizeof buf), 4);
	assert_memory_equal(buf, "ping", 4);
	close(peer);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_parse_good),  cmocka_unit_test(test_pin_parse_bad),
		cmocka_unit_test(test_resolve_pinned),  cmocka_unit_test(test_resolve_any_port),
		cmocka_unit_test(test_resolve_numeric), cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_connect_ok),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
