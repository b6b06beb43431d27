/* The system's trusted CAs, only those a chain can use (see systrust.h). */
#include "config.h"

#include "engine/systrust.h"

#include <stdint.h>
#include <string.h>

#include <gnutls/gnutls.h>

/* One DER TLV at p (within end): its tag, the start of its content and the
 * end of the whole element. False when malformed. */
static bool tlv(const unsigned char *p, const unsigned char *end, unsigned char *tag,
		const unsigned char **content, const unsigned char **next)
{
	if (end - p < 2)
		return false;
	*tag = p[0];
	size_t len = p[1], hdr = 2;
	if (len & 0x80) {
		size_t nb = len & 0x7f;
		if (nb == 0 || nb > 4 || (size_t)(end - p) < 2 + nb)
			return false;
		len = 0;
		for (size_t i = 0; i < nb; i++)
			len = (len << 8) | p[2 + i];
		hdr = 2 + nb;
	}
	if ((size_t)(end - p) < hdr || (size_t)(end - p) - hdr < len)
		return false;
	*content = p + hdr;
	*next = p + hdr + len;
	return true;
}

bool ps_der_cert_subject(const unsigned char *der, size_t len, gnutls_datum_t *subject)
{
	const unsigned char *end = der + len, *c, *next;
	unsigned char tag;
	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { ... } ... } */
	if (!tlv(der, end, &tag, &c, &next) || tag != 0x30)
		return false;
	end = next;
	if (!tlv(c, end, &tag, &c, &next) || tag != 0x30)
		return false;
	end = next;
	const unsigned char *p = c;
	/* [0] version (optional), serial, signature, issuer, validity, subject */
	if (!tlv(p, end, &tag, &c, &next))
		return false;
	if (tag == 0xa0)
		p = next;
	for (int skip = 0; skip < 4; skip++) {
		if (!tlv(p, end, &tag, &c, &next))
			return false;
		p = next;
	}
	if (!tlv(p, end, &tag, &c, &next) || tag != 0x30)
		return false;
	subject->data = (unsigned char *)(uintptr_t)p;
	subject->size = (unsigned)(next - p);
	return true;
}

static bool wanted(const gnutls_datum_t *s, const gnutls_datum_t *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i].size == s->size && memcmp(names[i].data, s->data, s->size) == 0)
			return true;
	return false;
}

int ps_system_trust_add(gnutls_x509_trust_list_t tl, const gnutls_datum_t *names, size_t n)
{
	gnutls_datum_t file = { NULL, 0 };
	if (gnutls_load_file(PS_SYSTEM_BUNDLE, &file) < 0)
		return gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char endm[] = "-----END CERTIFICATE-----";
	const char *p = (const char *)file.data, *stop = p + file.size;
	int count = 0;
	while (p < stop) {
		const char *b = memmem(p, (size_t)(stop - p), begin, sizeof begin - 1);
		if (!b)
			break;
		const char *e = memmem(b, (size_t)(stop - b), endm, sizeof endm - 1);
		if (!e)
			break;
		e += sizeof endm - 1;
		p = e;
		gnutls_datum_t pem = { (unsigned char *)(uintptr_t)b, (unsigned)(e - b) };
		gnutls_datum_t der = { NULL, 0 };
		if (gnutls_pem_base64_decode2("CERTIFICATE", &pem, &der) < 0)
			continue;
		count++;
		gnutls_datum_t subject;
		if (ps_der_cert_subject(der.data, der.size, &subject) && wanted(&subject, names, n))
			gnutls_x509_trust_list_add_trust_mem(tl, &der, NULL, GNUTLS_X509_FMT_DER, 0,
							     0);
		gnutls_free(der.data);
	}
	gnutls_free(file.data);
	return count;
}
