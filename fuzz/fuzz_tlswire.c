/* libFuzzer target for what a server sends: the bytes as the server's side
 * of a connection through the passive record reader (tlswire.c), every
 * handshake message it names through the decoders the phone's trace and
 * the scan's hello probes use (ServerHello, Certificate, CertificateRequest
 * as TLS 1.0 and 1.2, ServerKeyExchange's DHE group), with the invariants
 * their callers rely on. The first byte splits the input in two feeds, so
 * records cut across reads are covered. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlswire/fingerprint.h"
#include "tlswire/tlswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_event(void *ctx, enum ps_dir dir, const struct ps_wire_event *ev)
{
	(void)ctx;
	(void)dir;
	if (ev->kind != PS_WIRE_HANDSHAKE)
		return;
	const unsigned char *b = ev->body;
	size_t n = ev->len;
	struct ps_server_hello sh;
	if (ps_parse_server_hello(b, n, &sh)) {
		if (sh.n_extensions && !sh.extensions)
			abort();
		ps_server_hello_free(&sh);
	}
	for (int tls12 = 0; tls12 < 2; tls12++) {
		struct ps_cert_request cr;
		if (ps_parse_cert_request(b, n, tls12, &cr))
			for (size_t i = 0; i < cr.n_cas; i++)
				/* each name lies inside the message */
				if (cr.cas[i].der < b || cr.cas[i].der + cr.cas[i].len > b + n)
					abort();
		ps_cert_request_free(&cr);
	}
	const unsigned char *der;
	size_t len;
	if (ps_parse_first_certificate(b, n, &der, &len) && (!len || der < b || der + len > b + n))
		abort();
	if (ps_parse_dhe_bits(b, n) > 8 * n)
		abort();
	(void)ps_parse_certificate_count(b, n);
	if (ps_parse_certificate_count13(b, n) > (long)n)
		abort();
	/* both ClientHello formats, and the fingerprints of what they give */
	for (int v2 = 0; v2 < 2; v2++) {
		struct ps_client_hello ch;
		if (!(v2 ? ps_parse_client_hello_v2(b, n, &ch) : ps_parse_client_hello(b, n, &ch)))
			continue;
		if (ch.n_suites && !ch.suites)
			abort();
		free(ps_ja3(&ch));
		free(ps_ja4(&ch));
		ps_client_hello_free(&ch);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t cut = data[0] % size;
	struct ps_wire w;
	ps_wire_init(&w, on_event, NULL);
	ps_wire_feed(&w, PS_DIR_IN, data + 1, cut ? cut - 1 : 0);
	ps_wire_feed(&w, PS_DIR_IN, data + (cut ? cut : 1), size - (cut ? cut : 1));
	ps_wire_free(&w);
	return 0;
}
