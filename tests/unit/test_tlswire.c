/* Unit tests of the passive TLS record reader and the hello decoders, on
 * records built by hand, and of the TLS name tables. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tlswire/fingerprint.h"
#include "tlswire/tlsnames.h"
#include "tlswire/tlswire.h"

/* A byte buffer that tests build messages in. */
struct bytes {
	unsigned char b[1024];
	size_t n;
};

static void put(struct bytes *o, const void *p, size_t n)
{
	assert_true(o->n + n <= sizeof o->b);
	if (n)
		memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put_u8(struct bytes *o, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(o, &c, 1);
}

static void put_u16(struct bytes *o, unsigned v)
{
	put_u8(o, v >> 8);
	put_u8(o, v & 255);
}

static void put_u24(struct bytes *o, size_t v)
{
	put_u8(o, (unsigned)(v >> 16) & 255);
	put_u8(o, (unsigned)(v >> 8) & 255);
	put_u8(o, (unsigned)v & 255);
}

static void put_fill(struct bytes *o, unsigned char c, size_t n)
{
	assert_true(o->n + n <= sizeof o->b);
	memset(o->b + o->n, c, n);
	o->n += n;
}

/* A handshake message: type, 3-byte length, body. */
static void put_handshake(struct bytes *o, unsigned type, const struct bytes *body)
{
	put_u8(o, type);
	put_u24(o, body->n);
	put(o, body->b, body->n);
}

/* A record: type, version, 2-byte length, payload. */
static void put_record(struct bytes *o, unsigned type, unsigned version, const void *p, size_t n)
{
	put_u8(o, type);
	put_u16(o, version);
	put_u16(o, (unsigned)n);
	put(o, p, n);
}

/* The phone's ClientHello body: TLS 1.0, four suites, null compression,
 * and the given extensions (each empty but SNI) when `n_ext` > 0. */
static void client_hello_body(struct bytes *o, const unsigned *ext, size_t n_ext)
{
	put_u16(o, 0x0301);
	put_fill(o, 0xA5, 32); /* random */
	put_u8(o, 0);          /* session id */
	put_u16(o, 8);
	put_u16(o, 0x0035);
	put_u16(o, 0x002F);
	put_u16(o, 0x0005);
	put_u16(o, 0x0004);
	put_u8(o, 1);
	put_u8(o, 0);
	if (!n_ext)
		return;
	struct bytes e = { .n = 0 };
	for (size_t i = 0; i < n_ext; i++) {
		put_u16(&e, ext[i]);
		if (ext[i] == 0) {
			/* server_name: list of one host_name "prov.test" */
			put_u16(&e, 14);
			put_u16(&e, 12);
			put_u8(&e, 0);
			put_u16(&e, 9);
			put(&e, "prov.test", 9);
		} else {
			put_u16(&e, 0);
		}
	}
	put_u16(o, (unsigned)e.n);
	put(o, e.b, e.n);
}

/* Events as they came, with copies of their bodies. */
struct seen {
	enum ps_dir dir;
	enum ps_wire_kind kind;
	unsigned record_version;
	unsigned hs_type;
	size_t len;
	unsigned char body[128];
};

struct log {
	struct seen ev[32];
	size_t n;
};

static void on_event(void *ctx, enum ps_dir dir, const struct ps_wire_event *ev)
{
	struct log *l = ctx;
	assert_true(l->n < sizeof l->ev / sizeof l->ev[0]);
	struct seen *s = &l->ev[l->n++];
	memset(s, 0, sizeof *s);
	s->dir = dir;
	s->kind = ev->kind;
	s->record_version = ev->record_version;
	s->hs_type = ev->hs_type;
	s->len = ev->len;
	if (ev->len)
		assert_non_null(ev->body);
	memcpy(s->body, ev->body, ev->len < sizeof s->body ? ev->len : sizeof s->body);
}

static void assert_same_logs(const struct log *a, const struct log *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->ev[i].dir, b->ev[i].dir);
		assert_int_equal(a->ev[i].kind, b->ev[i].kind);
		assert_int_equal(a->ev[i].record_version, b->ev[i].record_version);
		assert_int_equal(a->ev[i].hs_type, b->ev[i].hs_type);
		assert_int_equal(a->ev[i].len, b->ev[i].len);
		assert_memory_equal(a->ev[i].body, b->ev[i].body,
				    a->ev[i].len < 128 ? a->ev[i].len : 128);
	}
}

static void test_client_hello_whole_and_bytewise(void **state)
{
	(void)state;
	struct bytes body = { .n = 0 }, msg = { .n = 0 }, rec = { .n = 0 };
	client_hello_body(&body, NULL, 0);
	put_handshake(&msg, 1, &body);
	put_record(&rec, 22, 0x0301, msg.b, msg.n);

	struct log whole = { .n = 0 }, bytewise = { .n = 0 };
	struct ps_wire w;
	ps_wire_init(&w, on_event, &whole);
	ps_wire_feed(&w, PS_DIR_OUT, rec.b, rec.n);
	ps_wire_free(&w);

	ps_wire_init(&w, on_event, &bytewise);
	for (size_t i = 0; i < rec.n; i++) {
		/* Nothing comes out before the last byte. */
		assert_int_equal(bytewise.n, 0);
		ps_wire_feed(&w, PS_DIR_OUT, rec.b + i, 1);
	}
	ps_wire_free(&w);

	assert_int_equal(whole.n, 1);
	assert_int_equal(whole.ev[0].dir, PS_DIR_OUT);
	assert_int_equal(whole.ev[0].kind, PS_WIRE_HANDSHAKE);
	assert_int_equal(whole.ev[0].record_version, 0x0301);
	assert_int_equal(whole.ev[0].hs_type, 1);
	assert_int_equal(whole.ev[0].len, body.n);
	assert_memory_equal(whole.ev[0].body, body.b, body.n);
	assert_same_logs(&whole, &bytewise);
}

static void test_split_across_records(void **state)
{
	(void)state;
	struct bytes body = { .n = 0 }, msg = { .n = 0 }, wire = { .n = 0 };
	client_hello_body(&body, NULL, 0);
	put_handshake(&msg, 1, &body);
	/* The 4-byte message header itself is cut after 2 bytes. */
	put_record(&wire, 22, 0x0301, msg.b, 2);
	size_t first = wire.n;
	put_record(&wire, 22, 0x0301, msg.b + 2, 20);
	size_t second = wire.n;
	put_record(&wire, 22, 0x0301, msg.b + 22, msg.n - 22);

	struct log l = { .n = 0 };
	struct ps_wire w;
	ps_wire_init(&w, on_event, &l);
	ps_wire_feed(&w, PS_DIR_OUT, wire.b, first);
	assert_int_equal(l.n, 0);
	ps_wire_feed(&w, PS_DIR_OUT, wire.b + first, second - first);
	assert_int_equal(l.n, 0);
	ps_wire_feed(&w, PS_DIR_OUT, wire.b + second, wire.n - second);
	ps_wire_free(&w);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ev[0].kind, PS_WIRE_HANDSHAKE);
	assert_int_equal(l.ev[0].hs_type, 1);
	assert_int_equal(l.ev[0].len, body.n);
	assert_memory_equal(l.ev[0].body, body.b, body.n);
}

static void test_two_messages_one_record(void **state)
{
	(void)state;
	/* Certificate (empty list) and ServerHelloDone in one record. */
	struct bytes cert = { .n = 0 }, done = { .n = 0 }, msgs = { .n = 0 }, rec = { .n = 0 };
	put_u24(&cert, 0);
	put_handshake(&msgs, 11, &cert);
	put_handshake(&msgs, 14, &done);
	put_record(&rec, 22, 0x0301, msgs.b, msgs.n);

	struct log l = { .n = 0 };
	struct ps_wire w;
	ps_wire_init(&w, on_event, &l);
	ps_wire_feed(&w, PS_DIR_IN, rec.b, rec.n);
	ps_wire_free(&w);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ev[0].dir, PS_DIR_IN);
	assert_int_equal(l.ev[0].kind, PS_WIRE_HANDSHAKE);
	assert_int_equal(l.ev[0].hs_type, 11);
	assert_int_equal(l.ev[0].len, 3);
	assert_int_equal(l.ev[1].dir, PS_DIR_IN);
	assert_int_equal(l.ev[1].kind, PS_WIRE_HANDSHAKE);
	assert_int_equal(l.ev[1].hs_type, 14);
	assert_int_equal(l.ev[1].len, 0);
}

static void test_ccs_switches_one_direction(void **state)
{
	(void)state;
	static const unsigned char ccs[] = { 1 };
	static const unsigned char enc[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	static const unsigned char alert[] = { 2, 40 };
	struct bytes done = { .n = 0 }, msg = { .n = 0 };
	put_handshake(&msg, 14, &done);

	struct bytes out = { .n = 0 }, in = { .n = 0 };
	put_record(&out, 20, 0x0301, ccs, sizeof ccs);
	put_record(&out, 22, 0x0301, enc, sizeof enc);
	put_record(&out, 21, 0x0301, enc, 5);
	put_record(&out, 23, 0x0301, enc, 3);
	put_record(&in, 22, 0x0301, msg.b, msg.n);
	put_record(&in, 21, 0x0301, alert, sizeof alert);

	struct log l = { .n = 0 };
	struct ps_wire w;
	ps_wire_init(&w, on_event, &l);
	ps_wire_feed(&w, PS_DIR_OUT, out.b, out.n);
	ps_wire_feed(&w, PS_DIR_IN, in.b, in.n);
	ps_wire_free(&w);

	assert_int_equal(l.n, 6);
	assert_int_equal(l.ev[0].dir, PS_DIR_OUT);
	assert_int_equal(l.ev[0].kind, PS_WIRE_CCS);
	assert_int_equal(l.ev[0].len, 1);
	assert_int_equal(l.ev[1].dir, PS_DIR_OUT);
	assert_int_equal(l.ev[1].kind, PS_WIRE_ENC_HANDSHAKE);
	assert_int_equal(l.ev[1].len, sizeof enc);
	assert_memory_equal(l.ev[1].body, enc, sizeof enc);
	assert_int_equal(l.ev[2].dir, PS_DIR_OUT);
	assert_int_equal(l.ev[2].kind, PS_WIRE_ENC_ALERT);
	assert_int_equal(l.ev[2].len, 5);
	assert_int_equal(l.ev[3].dir, PS_DIR_OUT);
	assert_int_equal(l.ev[3].kind, PS_WIRE_APPDATA);
	assert_int_equal(l.ev[3].len, 3);
	/* The other direction is still plaintext. */
	assert_int_equal(l.ev[4].dir, PS_DIR_IN);
	assert_int_equal(l.ev[4].kind, PS_WIRE_HANDSHAKE);
	assert_int_equal(l.ev[4].hs_type, 14);
	assert_int_equal(l.ev[5].dir, PS_DIR_IN);
	assert_int_equal(l.ev[5].kind, PS_WIRE_ALERT);
	assert_int_equal(l.ev[5].len, 2);
	assert_int_equal(l.ev[5].body[0], 2);
	assert_int_equal(l.ev[5].body[1], 40);
}

static void test_plain_alert(void **state)
{
	(void)state;
	static const unsigned char alert[] = { 2, 70 };
	struct bytes rec = { .n = 0 };
	put_record(&rec, 21, 0x0303, alert, sizeof alert);
	struct log l = { .n = 0 };
	struct ps_wire w;
	ps_wire_init(&w, on_event, &l);
	for (size_t i = 0; i < rec.n; i++)
		ps_wire_feed(&w, PS_DIR_IN, rec.b + i, 1);
	ps_wire_free(&w);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ev[0].dir, PS_DIR_IN);
	assert_int_equal(l.ev[0].kind, PS_WIRE_ALERT);
	assert_int_equal(l.ev[0].record_version, 0x0303);
	assert_int_equal(l.ev[0].len, 2);
	assert_int_equal(l.ev[0].body[0], 2);
	assert_int_equal(l.ev[0].body[1], 70);
}

static void test_not_tls(void **state)
{
	(void)state;
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n";
	static const char more[] = "Content-Type: text/html\r\n\r\n\x16\x03\x01\x00\x00";
	struct bytes hello = { .n = 0 }, body = { .n = 0 }, msg = { .n = 0 };
	client_hello_body(&body, NULL, 0);
	put_handshake(&msg, 1, &body);
	put_record(&hello, 22, 0x0301, msg.b, msg.n);

	struct log l = { .n = 0 };
	struct ps_wire w;
	ps_wire_init(&w, on_event, &l);
	ps_wire_feed(&w, PS_DIR_IN, (const unsigned char *)http, strlen(http));
	ps_wire_feed(&w, PS_DIR_IN, (const unsigned char *)more, sizeof more - 1);
	ps_wire_feed(&w, PS_DIR_IN, hello.b, hello.n);
	/* The other direction is not affected. */
	ps_wire_feed(&w, PS_DIR_OUT, hello.b, hello.n);
	ps_wire_free(&w);

	assert_int_equal(l.n, 2);
	assert_int_equal(l.ev[0].dir, PS_DIR_IN);
	assert_int_equal(l.ev[0].kind, PS_WIRE_NOT_TLS);
	assert_int_equal(l.ev[0].len, strlen(http));
	assert_memory_equal(l.ev[0].body, http, strlen(http));
	assert_int_equal(l.ev[1].dir, PS_DIR_OUT);
	assert_int_equal(l.ev[1].kind, PS_WIRE_HANDSHAKE);
	assert_int_equal(l.ev[1].hs_type, 1);
}

static void test_bad_record_headers(void **state)
{
	(void)state;
	/* Type 25, SSL 2 style version byte, and an oversized length. */
	static const unsigned char bad[][5] = {
		{ 25, 3, 1, 0, 1 },
		{ 22, 2, 0, 0, 1 },
		{ 23, 3, 3, 0x48, 0x01 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct log l = { .n = 0 };
		struct ps_wire w;
		ps_wire_init(&w, on_event, &l);
		ps_wire_feed(&w, PS_DIR_IN, bad[i], 5);
		ps_wire_feed(&w, PS_DIR_IN, bad[i], 5);
		ps_wire_free(&w);
		assert_int_equal(l.n, 1);
		assert_int_equal(l.ev[0].kind, PS_WIRE_NOT_TLS);
		assert_int_equal(l.ev[0].len, 5);
		assert_memory_equal(l.ev[0].body, bad[i], 5);
	}
}

static void test_empty_records(void **state)
{
	(void)state;
	/* Zero-length records are legal framing (RFC 5246 forbids sending
	 * them for handshakes, but a reader must survive them). */
	struct bytes done = { .n = 0 }, msg = { .n = 0 }, wire = { .n = 0 };
	put_handshake(&msg, 14, &done);
	put_record(&wire, 22, 0x0301, NULL, 0);
	put_record(&wire, 23, 0x0301, NULL, 0);
	put_record(&wire, 22, 0x0301, msg.b, msg.n);
	put_record(&wire, 22, 0x0301, NULL, 0);

	struct log l = { .n = 0 };
	struct ps_wire w;
	ps_wire_init(&w, on_event, &l);
	ps_wire_feed(&w, PS_DIR_IN, wire.b, wire.n);
	ps_wire_free(&w);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ev[0].kind, PS_WIRE_APPDATA);
	assert_int_equal(l.ev[0].len, 0);
	assert_int_equal(l.ev[1].kind, PS_WIRE_HANDSHAKE);
	assert_int_equal(l.ev[1].hs_type, 14);
	assert_int_equal(l.ev[1].len, 0);
}

static void test_parse_client_hello(void **state)
{
	(void)state;
	static const unsigned ext[] = { 0x0000, 0x0023, 0xFF01 };
	struct bytes body = { .n = 0 };
	client_hello_body(&body, ext, 3);
	struct ps_client_hello ch;
	assert_true(ps_parse_client_hello(body.b, body.n, &ch));
	assert_int_equal(ch.version, 0x0301);
	assert_int_equal(ch.n_suites, 4);
	assert_int_equal(ch.suites[0], 0x0035);
	assert_int_equal(ch.suites[1], 0x002F);
	assert_int_equal(ch.suites[2], 0x0005);
	assert_int_equal(ch.suites[3], 0x0004);
	assert_int_equal(ch.n_extensions, 3);
	assert_int_equal(ch.extensions[0], 0x0000);
	assert_int_equal(ch.extensions[1], 0x0023);
	assert_int_equal(ch.extensions[2], 0xFF01);
	ps_client_hello_free(&ch);
	assert_null(ch.suites);
	assert_null(ch.extensions);

	struct bytes plain = { .n = 0 };
	client_hello_body(&plain, NULL, 0);
	assert_true(ps_parse_client_hello(plain.b, plain.n, &ch));
	assert_int_equal(ch.n_suites, 4);
	assert_int_equal(ch.n_extensions, 0);
	ps_client_hello_free(&ch);
}

static void test_parse_client_hello_truncated(void **state)
{
	(void)state;
	static const unsigned ext[] = { 0x0000, 0x0023 };
	struct bytes body = { .n = 0 }, base = { .n = 0 };
	client_hello_body(&body, ext, 2);
	client_hello_body(&base, NULL, 0);
	for (size_t n = 0; n < body.n; n++) {
		/* A copy of exactly n bytes, so that valgrind sees any overread. */
		unsigned char *b = malloc(n ? n : 1);
		assert_non_null(b);
		memcpy(b, body.b, n);
		struct ps_client_hello ch;
		bool ok = ps_parse_client_hello(b, n, &ch);
		free(b);
		if (n < base.n || n >= base.n + 2) {
			if (ok)
				fail_msg("a ClientHello cut to %zu of %zu bytes was accepted", n,
					 body.n);
			assert_null(ch.suites);
			assert_null(ch.extensions);
		} else if (n == base.n) {
			/* Without extensions: a complete hello. */
			assert_true(ok);
			assert_int_equal(ch.n_extensions, 0);
		}
		ps_client_hello_free(&ch);
	}
	/* An odd suite list length is malformed. */
	struct bytes odd = { .n = 0 };
	put_u16(&odd, 0x0301);
	put_fill(&odd, 0, 32);
	put_u8(&odd, 0);
	put_u16(&odd, 3);
	put_fill(&odd, 0, 3);
	put_u8(&odd, 1);
	put_u8(&odd, 0);
	struct ps_client_hello ch;
	assert_false(ps_parse_client_hello(odd.b, odd.n, &ch));
	ps_client_hello_free(&ch);
}

/* A ClientHello of `legacy` with one supported_versions extension whose
 * list is `vers` (n of them), its length byte `list_len`. */
static void hello_with_versions(struct bytes *o, unsigned legacy, const unsigned *vers, size_t n,
				size_t list_len)
{
	put_u16(o, legacy);
	put_fill(o, 0x5A, 32);
	put_u8(o, 0);
	put_u16(o, 2);
	put_u16(o, 0x1301);
	put_u8(o, 1);
	put_u8(o, 0);
	put_u16(o, (unsigned)(4 + 1 + 2 * n)); /* the extensions block */
	put_u16(o, 43);
	put_u16(o, (unsigned)(1 + 2 * n));
	put_u8(o, (unsigned)list_len);
	for (size_t i = 0; i < n; i++)
		put_u16(o, vers[i]);
}

/* What the lab reads of a ClientHello: the highest version offered. */
static void test_parse_client_hello_versions(void **state)
{
	(void)state;
	static const struct {
		unsigned legacy;
		unsigned vers[4];
		size_t n, list_len;
		unsigned want;
	} cases[] = {
		/* TLS 1.3 client: 1.2 in the field, 1.3 in the extension; GREASE ignored */
		{ 0x0303, { 0x0A0A, 0x0304, 0x0303 }, 3, 6, 0x0304 },
		{ 0x0301, { 0x0302, 0x0301 }, 2, 4, 0x0302 },
		{ 0x0303, { 0x0302 }, 1, 2, 0x0303 },         /* never lower than the field */
		{ 0x0303, { 0x0305, 0x7F1C }, 2, 4, 0x0303 }, /* unknown versions */
		{ 0x0303, { 0x0303, 0x0304 }, 2, 2, 0x0303 }, /* the list length counts */
		{ 0x0303, { 0x0304 }, 1, 9, 0x0304 },         /* a length past the body */
		{ 0x0301, { 0 }, 0, 0, 0x0301 },              /* an empty list */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct bytes b = { .n = 0 };
		hello_with_versions(&b, cases[i].legacy, cases[i].vers, cases[i].n,
				    cases[i].list_len);
		struct ps_client_hello ch;
		assert_true(ps_parse_client_hello(b.b, b.n, &ch));
		assert_int_equal(ch.version, cases[i].legacy);
		if (ch.max_version != cases[i].want)
			fail_msg("case %zu: 0x%04x, not 0x%04x", i, ch.max_version, cases[i].want);
		assert_int_equal(ch.n_extensions, 1);
		ps_client_hello_free(&ch);
	}
	/* Without the extension the field is the answer. */
	struct bytes plain = { .n = 0 };
	client_hello_body(&plain, NULL, 0);
	struct ps_client_hello ch;
	assert_true(ps_parse_client_hello(plain.b, plain.n, &ch));
	assert_int_equal(ch.max_version, 0x0301);
	ps_client_hello_free(&ch);
}

static void server_hello_body(struct bytes *o, unsigned version, unsigned suite, bool tls13)
{
	put_u16(o, version);
	put_fill(o, 0x5A, 32);
	put_u8(o, 32);
	put_fill(o, 0x33, 32);
	put_u16(o, suite);
	put_u8(o, 0);
	if (!tls13)
		return;
	put_u16(o, 4 + 2 + 4 + 36);
	put_u16(o, 43); /* supported_versions */
	put_u16(o, 2);
	put_u16(o, 0x0304);
	put_u16(o, 51); /* key_share, x25519 */
	put_u16(o, 36);
	put_u16(o, 29);
	put_u16(o, 32);
	put_fill(o, 0x77, 32);
}

static void test_parse_server_hello(void **state)
{
	(void)state;
	struct bytes b10 = { .n = 0 }, b13 = { .n = 0 };
	struct ps_server_hello sh;
	server_hello_body(&b10, 0x0301, 0x0035, false);
	assert_true(ps_parse_server_hello(b10.b, b10.n, &sh));
	assert_int_equal(sh.version, 0x0301);
	assert_int_equal(sh.real_version, 0x0301);
	assert_int_equal(sh.suite, 0x0035);
	assert_int_equal(sh.compression, 0);
	assert_int_equal(sh.n_extensions, 0);
	ps_server_hello_free(&sh);

	server_hello_body(&b13, 0x0303, 0x1302, true);
	assert_true(ps_parse_server_hello(b13.b, b13.n, &sh));
	assert_int_equal(sh.version, 0x0303);
	assert_int_equal(sh.real_version, 0x0304);
	assert_int_equal(sh.suite, 0x1302);
	/* The extensions, in the order sent. */
	assert_int_equal(sh.n_extensions, 2);
	assert_int_equal(sh.extensions[0], 43);
	assert_int_equal(sh.extensions[1], 51);
	ps_server_hello_free(&sh);
	assert_null(sh.extensions);

	/* An extensions block cut short (shorter than its own length): the
	 * fixed part stands, no extension is listed. */
	assert_true(ps_parse_server_hello(b13.b, b13.n - 1, &sh));
	assert_int_equal(sh.n_extensions, 0);
	ps_server_hello_free(&sh);

	/* Cut inside the fixed part: refused. */
	for (size_t n = 0; n < b10.n; n++)
		assert_false(ps_parse_server_hello(b13.b, n, &sh));
}

static void test_parse_cert_request(void **state)
{
	(void)state;
	struct bytes cas = { .n = 0 };
	put_u16(&cas, 5);
	put(&cas, "CA-#1", 5);
	put_u16(&cas, 3);
	put(&cas, "CA2", 3);

	/* TLS 1.0: types, CA names. */
	struct bytes r10 = { .n = 0 };
	put_u8(&r10, 2);
	put_u8(&r10, 1);
	put_u8(&r10, 2);
	put_u16(&r10, (unsigned)cas.n);
	put(&r10, cas.b, cas.n);
	struct ps_cert_request cr;
	assert_true(ps_parse_cert_request(r10.b, r10.n, false, &cr));
	assert_int_equal(cr.n_types, 2);
	assert_int_equal(cr.types[0], 1);
	assert_int_equal(cr.types[1], 2);
	assert_int_equal(cr.n_cas, 2);
	/* Each name where it stands in the message, without its length. */
	assert_int_equal(cr.cas[0].len, 5);
	assert_memory_equal(cr.cas[0].der, "CA-#1", 5);
	assert_ptr_equal(cr.cas[0].der, r10.b + 7); /* 1 + 2 types, 2 + 2 lengths */
	assert_int_equal(cr.cas[1].len, 3);
	assert_memory_equal(cr.cas[1].der, "CA2", 3);
	ps_cert_request_free(&cr);
	assert_null(cr.types);
	assert_null(cr.cas);

	/* TLS 1.2: types, signature algorithms, CA names. */
	struct bytes r12 = { .n = 0 };
	put_u8(&r12, 2);
	put_u8(&r12, 1);
	put_u8(&r12, 64);
	put_u16(&r12, 4);
	put_u16(&r12, 0x0401);
	put_u16(&r12, 0x0201);
	put_u16(&r12, (unsigned)cas.n);
	put(&r12, cas.b, cas.n);
	assert_true(ps_parse_cert_request(r12.b, r12.n, true, &cr));
	assert_int_equal(cr.n_types, 2);
	assert_int_equal(cr.types[0], 1);
	assert_int_equal(cr.types[1], 64);
	assert_int_equal(cr.n_cas, 2);
	ps_cert_request_free(&cr);

	/* No CA names. */
	struct bytes none = { .n = 0 };
	put_u8(&none, 1);
	put_u8(&none, 1);
	put_u16(&none, 0);
	assert_true(ps_parse_cert_request(none.b, none.n, false, &cr));
	assert_int_equal(cr.n_types, 1);
	assert_int_equal(cr.n_cas, 0);
	ps_cert_request_free(&cr);

	/* Truncated anywhere before the CA list ends: refused. */
	for (size_t n = 0; n < r12.n; n++) {
		assert_false(ps_parse_cert_request(r12.b, n, true, &cr));
		ps_cert_request_free(&cr);
	}
}

/* The DHE group's size from a ServerKeyExchange: the prime's bits, leading
 * zero bytes and bits not counted; cut short, 0. */
static void test_parse_dhe_bits(void **state)
{
	(void)state;
	struct bytes ske = { .n = 0 };
	put_u16(&ske, 257); /* a 2048-bit prime with a leading zero byte (DER habit) */
	put_u8(&ske, 0);
	put_u8(&ske, 0xff);
	for (int i = 0; i < 255; i++)
		put_u8(&ske, 0xab);
	put_u16(&ske, 1); /* g */
	put_u8(&ske, 2);
	assert_int_equal(ps_parse_dhe_bits(ske.b, ske.n), 2048);
	struct bytes small = { .n = 0 };
	put_u16(&small, 2);
	put_u8(&small, 0x01); /* 9 bits */
	put_u8(&small, 0x00);
	assert_int_equal(ps_parse_dhe_bits(small.b, small.n), 9);
	for (size_t n = 0; n < 259; n++)
		assert_int_equal(ps_parse_dhe_bits(ske.b, n), 0);
	struct bytes zero = { .n = 0 };
	put_u16(&zero, 1);
	put_u8(&zero, 0);
	assert_int_equal(ps_parse_dhe_bits(zero.b, zero.n), 0);
}

/* The server's leaf from a Certificate message: where it stands; none, or
 * cut short anywhere (the list's length past the end included), false. */
static void test_parse_first_certificate(void **state)
{
	(void)state;
	struct bytes m = { .n = 0 };
	put_u8(&m, 0); /* the list: 3 + 4 + 3 + 2 bytes */
	put_u16(&m, 12);
	put_u8(&m, 0);
	put_u16(&m, 4);
	put(&m, "LEAF", 4);
	put_u8(&m, 0);
	put_u16(&m, 2);
	put(&m, "CA", 2);
	const unsigned char *der = NULL;
	size_t len = 0;
	assert_true(ps_parse_first_certificate(m.b, m.n, &der, &len));
	assert_int_equal(len, 4);
	assert_ptr_equal(der, m.b + 6);
	for (size_t n = 0; n < m.n; n++)
		assert_false(ps_parse_first_certificate(m.b, n, &der, &len));
	struct bytes empty = { .n = 0 };
	put_u8(&empty, 0);
	put_u16(&empty, 0);
	assert_false(ps_parse_first_certificate(empty.b, empty.n, &der, &len));
	/* A first certificate of length 0 is none. */
	struct bytes zero = { .n = 0 };
	put_u8(&zero, 0);
	put_u16(&zero, 3);
	put_u8(&zero, 0);
	put_u16(&zero, 0);
	assert_false(ps_parse_first_certificate(zero.b, zero.n, &der, &len));
}

static void test_parse_certificate_count(void **state)
{
	(void)state;
	struct bytes zero = { .n = 0 };
	put_u24(&zero, 0);
	assert_int_equal(ps_parse_certificate_count(zero.b, zero.n), 0);

	struct bytes two = { .n = 0 };
	put_u24(&two, 3 + 4 + 3 + 2);
	put_u24(&two, 4);
	put(&two, "\x30\x02\x05\x00", 4);
	put_u24(&two, 2);
	put(&two, "\x30\x00", 2);
	assert_int_equal(ps_parse_certificate_count(two.b, two.n), 2);

	/* An inner length running past the list. */
	struct bytes inner = { .n = 0 };
	put_u24(&inner, 3 + 4);
	put_u24(&inner, 5);
	put(&inner, "\x30\x02\x05\x00", 4);
	assert_int_equal(ps_parse_certificate_count(inner.b, inner.n), -1);

	/* The list length running past the message. */
	assert_int_equal(ps_parse_certificate_count(two.b, two.n - 1), -1);
	assert_int_equal(ps_parse_certificate_count(two.b, 2), -1);
	assert_int_equal(ps_parse_certificate_count(two.b, 0), -1);

	/* A list that ends inside a 3-byte certificate length. */
	struct bytes cut = { .n = 0 };
	put_u24(&cut, 2);
	put_u16(&cut, 0);
	assert_int_equal(ps_parse_certificate_count(cut.b, cut.n), -1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ps_suite_name(0x0035), "TLS_RSA_WITH_AES_256_CBC_SHA");
	assert_string_equal(ps_suite_name(0x002F), "TLS_RSA_WITH_AES_128_CBC_SHA");
	assert_string_equal(ps_suite_name(0x0005), "TLS_RSA_WITH_RC4_128_SHA");
	assert_string_equal(ps_suite_name(0x0004), "TLS_RSA_WITH_RC4_128_MD5");
	assert_string_equal(ps_suite_name(0x0039), "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
	assert_null(ps_suite_name(0x0000));
	assert_null(ps_suite_name(0xFFFF));
	assert_null(ps_suite_name(0x12345));
	assert_string_equal(ps_suite_openssl_name(0x0035), "AES256-SHA");
	assert_string_equal(ps_alert_name(70), "protocol_version");
	assert_string_equal(ps_alert_name(80), "internal_error");
	assert_string_equal(ps_alert_name(40), "handshake_failure");
	assert_null(ps_alert_name(255));
	assert_string_equal(ps_version_name(0x0301), "TLS1.0");
	assert_string_equal(ps_version_name(0x0303), "TLS1.2");
	assert_string_equal(ps_version_name(0x0304), "TLS1.3");
	assert_null(ps_version_name(0x0305));
	assert_string_equal(ps_handshake_name(1), "ClientHello");
	assert_string_equal(ps_handshake_name(13), "CertificateRequest");
	assert_null(ps_handshake_name(99));
	assert_string_equal(ps_cert_type_name(1), "rsa_sign");
	assert_null(ps_cert_type_name(0));
}

/* A ClientHello body from lists: legacy version, suites, extensions with
 * bodies built for the types fingerprints read. */
struct hello_spec {
	unsigned version;
	const unsigned *suites;
	size_t n_suites;
	const unsigned *exts;
	size_t n_exts;
	const unsigned *sig_algs;
	size_t n_sig_algs;
	const unsigned *groups;
	size_t n_groups;
	const char *sni, *alpn;
	unsigned tls13; /* a supported_versions value, 0 for none */
};

static void put16(struct ps_buf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	ps_buf_add(b, (const char *)x, 2);
}

static void put8(struct ps_buf *b, unsigned v)
{
	unsigned char x = (unsigned char)v;
	ps_buf_add(b, (const char *)&x, 1);
}

static unsigned char *build_hello(const struct hello_spec *h, size_t *len)
{
	struct ps_buf b = { 0 };
	put16(&b, h->version);
	for (int i = 0; i < 32; i++)
		put8(&b, (unsigned)i);
	put8(&b, 0); /* no session id */
	put16(&b, (unsigned)(2 * h->n_suites));
	for (size_t i = 0; i < h->n_suites; i++)
		put16(&b, h->suites[i]);
	put8(&b, 1);
	put8(&b, 0); /* null compression */
	struct ps_buf e = { 0 };
	for (size_t i = 0; i < h->n_exts; i++) {
		struct ps_buf v = { 0 };
		unsigned t = h->exts[i];
		if (t == 0 && h->sni) {
			put16(&v, (unsigned)strlen(h->sni) + 3);
			put8(&v, 0);
			put16(&v, (unsigned)strlen(h->sni));
			ps_buf_puts(&v, h->sni);
		} else if (t == 16 && h->alpn) {
			put16(&v, (unsigned)strlen(h->alpn) + 1);
			put8(&v, (unsigned)strlen(h->alpn));
			ps_buf_puts(&v, h->alpn);
		} else if (t == 13) {
			put16(&v, (unsigned)(2 * h->n_sig_algs));
			for (size_t k = 0; k < h->n_sig_algs; k++)
				put16(&v, h->sig_algs[k]);
		} else if (t == 10) {
			put16(&v, (unsigned)(2 * h->n_groups));
			for (size_t k = 0; k < h->n_groups; k++)
				put16(&v, h->groups[k]);
		} else if (t == 11) {
			put8(&v, 1);
			put8(&v, 0);
		} else if (t == 43 && h->tls13) {
			put8(&v, 4);
			put16(&v, 0x2a2a); /* GREASE */
			put16(&v, h->tls13);
		}
		put16(&e, t);
		put16(&e, (unsigned)v.len);
		if (v.len)
			ps_buf_add(&e, v.s, v.len);
		ps_buf_free(&v);
	}
	put16(&b, (unsigned)e.len);
	if (e.len) /* memcpy from NULL is undefined even for 0 bytes */
		ps_buf_add(&b, e.s, e.len);
	ps_buf_free(&e);
	*len = b.len;
	return (unsigned char *)ps_buf_take(&b);
}

/* JA4: the worked example of FoxIO's technical_details/JA4.md (with GREASE
 * added, which must not count), and a phone's offer without extensions. */
static void test_ja4(void **state)
{
	(void)state;
	static const unsigned suites[] = { 0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
					   0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
					   0x009c, 0x009d, 0x002f, 0x0035 };
	static const unsigned exts[] = { 0x1a1a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469,
					 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012,
					 0x002b, 0xff01, 0x000b, 0x000a, 0x0015 };
	static const unsigned sigs[] = { 0x0403, 0x0804, 0x0401, 0x0503,
					 0x0805, 0x0501, 0x0806, 0x0601 };
	static const unsigned groups[] = { 0x2a2a, 0x001d, 0x0017, 0x0018 };
	struct hello_spec h = { 0x0303, suites, 16, exts,          17,   sigs,
				8,      groups, 4,  "example.com", "h2", 0x0304 };
	size_t n;
	unsigned char *body = build_hello(&h, &n);
	struct ps_client_hello ch;
	assert_true(ps_parse_client_hello(body, n, &ch));
	assert_string_equal(ch.sni, "example.com");
	assert_string_equal(ch.alpn, "h2");
	assert_int_equal(ch.n_sig_algs, 8);
	assert_int_equal(ch.n_groups, 4);
	assert_int_equal(ch.n_compressions, 1);
	char *ja4 = ps_ja4(&ch), *raw = ps_ja4_r(&ch);
	assert_string_equal(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	assert_string_equal(raw, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,"
				 "c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,"
				 "001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,"
				 "0501,0806,0601");
	/* JA3: decimal, in the order sent, GREASE left out */
	char *ja3s = ps_ja3_string(&ch);
	assert_string_equal(ja3s, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
				  "49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-"
				  "65281-11-10-21,29-23-24,0");
	free(ja3s);
	free(ja4);
	free(raw);
	ps_client_hello_free(&ch);
	free(body);

	/* An SPA942: TLS 1.0, four suites, no extension at all */
	static const unsigned phone[] = { 0x0035, 0x002f, 0x0005, 0x0004 };
	struct hello_spec p = { 0x0301, phone, 4, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, 0 };
	body = build_hello(&p, &n);
	assert_true(ps_parse_client_hello(body, n, &ch));
	ja4 = ps_ja4(&ch);
	raw = ps_ja4_r(&ch);
	ja3s = ps_ja3_string(&ch);
	assert_string_equal(raw, "t10i040000_0004,0005,002f,0035_");
	assert_int_equal(strncmp(ja4, "t10i040000_", 11), 0);
	assert_string_equal(ja4 + 23, "_000000000000");
	assert_string_equal(ja3s, "769,53-47-5-4,,,");
	free(ja3s);
	free(ja4);
	free(raw);
	ps_client_hello_free(&ch);
	free(body);
}

/* JA3's hash is the MD5 of its string: a published pair (a browser's). */
/* TLS 1.3's Certificate message: a context, then entries with their own
 * extensions. */
static void test_certificate_count13(void **state)
{
	(void)state;
	static const unsigned char two[] = {
		0x00,                                     /* empty context */
		0x00, 0x00, 0x0e,                         /* list of 14 */
		0x00, 0x00, 0x02, 0xaa, 0xbb, 0x00, 0x00, /* a 2-byte cert, no extension */
		0x00, 0x00, 0x01, 0xcc, 0x00, 0x01, 0xdd, /* a 1-byte cert, 1 byte of extensions */
	};
	assert_int_equal(ps_parse_certificate_count13(two, sizeof two), 2);
	static const unsigned char none[] = { 0x00, 0x00, 0x00, 0x00 };
	assert_int_equal(ps_parse_certificate_count13(none, sizeof none), 0);
	/* the list longer than the message; an entry cut short */
	assert_int_equal(ps_parse_certificate_count13(two, 6), -1);
	static const unsigned char cut[] = { 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x09, 0xaa, 0xbb };
	assert_int_equal(ps_parse_certificate_count13(cut, sizeof cut), 0);
}

/* A server_name whose name runs past its list: no name, and no endless
 * loop (a fuzzer found one; the lab parses every client's hello). */
static void test_sni_cut_short(void **state)
{
	(void)state;
	static const unsigned char
	    body
		[] = {
			0x03, 0x01, /* version */
			0,    0,    0,    0,    0,    0,   0,   0,   0,   0,   0,   0,
			0,    0,    0,    0,    0,    0,   0,   0,   0,   0,   0,   0,
			0,    0,    0,    0,    0,    0,   0,   0, /* random */
			0x00,                                      /* session id */
			0x00, 0x02, 0x00, 0x2f,                    /* one suite */
			0x01, 0x00,                                /* null compression */
			0x00, 0x15,                                /* extensions */
			0x00, 0x00, 0x00, 0x11,                    /* server_name, 17 bytes */
			0x00, 0x0f, 0x00, 0x00, 0xfa, /* a list of 15: a host_name of 250 */
			'p',  'r',  'o',  'v',  '.',  'e', 'x', 'a', 'm', 'p', 'l', 'e',
		};
	struct ps_client_hello ch;
	assert_true(ps_parse_client_hello(body, sizeof body, &ch));
	assert_null(ch.sni);
	assert_int_equal(ch.n_extensions, 1);
	ps_client_hello_free(&ch);
}

static void test_ja3_md5(void **state)
{
	(void)state;
	static const unsigned suites[] = { 4865,  4866,  4867,  49195, 49199, 49196, 49200, 52393,
					   52392, 49171, 49172, 156,   157,   47,    53 };
	static const unsigned exts[] = { 45, 51, 16,    65037, 23, 17613, 0,  11,
					 10, 43, 65281, 35,    18, 5,     13, 27 };
	static const unsigned groups[] = { 4588, 29, 23, 24 };
	struct hello_spec h = { 771, suites, 15, exts,        16,   NULL,
				0,   groups, 4,  "x.example", "h2", 0x0304 };
	size_t n;
	unsigned char *body = build_hello(&h, &n);
	struct ps_client_hello ch;
	assert_true(ps_parse_client_hello(body, n, &ch));
	char *s = ps_ja3_string(&ch), *md5 = ps_ja3(&ch);
	assert_string_equal(s, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
			       "49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-"
			       "18-5-13-27,4588-29-23-24,0");
	assert_string_equal(md5, "98487aa16281980e7d1120d399efb6a4");
	free(s);
	free(md5);
	ps_client_hello_free(&ch);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_hello_whole_and_bytewise),
		cmocka_unit_test(test_split_across_records),
		cmocka_unit_test(test_two_messages_one_record),
		cmocka_unit_test(test_ccs_switches_one_direction),
		cmocka_unit_test(test_plain_alert),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_bad_record_headers),
		cmocka_unit_test(test_empty_records),
		cmocka_unit_test(test_parse_client_hello),
		cmocka_unit_test(test_parse_client_hello_versions),
		cmocka_unit_test(test_parse_client_hello_truncated),
		cmocka_unit_test(test_parse_server_hello),
		cmocka_unit_test(test_parse_cert_request),
		cmocka_unit_test(test_parse_certificate_count),
		cmocka_unit_test(test_parse_dhe_bits),
		cmocka_unit_test(test_parse_first_certificate),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ja4),
		cmocka_unit_test(test_ja3_md5),
		cmocka_unit_test(test_sni_cut_short),
		cmocka_unit_test(test_certificate_count13),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
