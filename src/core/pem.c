/* Plain words for an unusable certificate or key file (see pem.h). */
#include "config.h"

#include "core/pem.h"

#include <string.h>

#include <gnutls/gnutls.h>

/* The first `needle` within `len` bytes (glibc's memmem), or NULL. */
static const unsigned char *find(const unsigned char *data, size_t len, const char *needle)
{
	return memmem(data, len, needle, strlen(needle));
}

bool ps_pem_has(const unsigned char *data, size_t len, const char *label)
{
	/* "-----BEGIN " then anything up to the label on the same line. */
	for (const unsigned char *p = data; (p = find(p, len - (size_t)(p - data), "-----BEGIN "));
	     p++) {
		const unsigned char *eol = memchr(p, '\n', len - (size_t)(p - data));
		size_t line = eol ? (size_t)(eol - p) : len - (size_t)(p - data);
		if (find(p, line, label))
			return true;
	}
	return false;
}

const char *ps_pem_problem(const unsigned char *data, size_t len, enum ps_pem_want want, int rc)
{
	if (len == 0)
		return "the file is empty";
	bool pem = find(data, len, "-----BEGIN ") != NULL;
	bool has_cert = ps_pem_has(data, len, "CERTIFICATE");
	bool has_key = ps_pem_has(data, len, "PRIVATE KEY");
	bool encrypted = ps_pem_has(data, len, "ENCRYPTED PRIVATE KEY") ||
			 find(data, len, "Proc-Type: 4,ENCRYPTED") != NULL;
	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
		return "the key does not belong to the certificate (their public keys differ)";
	if (want == PS_PEM_KEY) {
		if (encrypted)
			return "the key is encrypted with a passphrase, which provscope does not "
			       "ask for: decrypt it first (openssl pkey -in KEY -out PLAIN.key)";
		if (!has_key && has_cert)
			return "it holds a certificate but no private key";
	} else if (!has_cert && has_key) {
		return "it holds a private key but no certificate";
	}
	if (!pem)
		return want == PS_PEM_KEY
			   ? "it is neither PEM (no '-----BEGIN PRIVATE KEY-----' line) nor a DER "
			     "private key"
			   : "it is neither PEM (no '-----BEGIN CERTIFICATE-----' line) nor a DER "
			     "certificate";
	switch (rc) {
	case GNUTLS_E_BASE64_DECODING_ERROR:
	case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
	case GNUTLS_E_BASE64_ENCODING_ERROR:
		return "a PEM block in it is damaged: its base64 text does not decode";
	case GNUTLS_E_ASN1_DER_ERROR:
	case GNUTLS_E_ASN1_VALUE_NOT_FOUND:
	case GNUTLS_E_ASN1_GENERIC_ERROR:
	case GNUTLS_E_ASN1_VALUE_NOT_VALID:
	case GNUTLS_E_ASN1_TAG_ERROR:
	case GNUTLS_E_ASN1_TAG_IMPLICIT:
	case GNUTLS_E_ASN1_TYPE_ANY_ERROR:
	case GNUTLS_E_ASN1_SYNTAX_ERROR:
	case GNUTLS_E_ASN1_DER_OVERFLOW:
	case GNUTLS_E_ASN1_ELEMENT_NOT_FOUND:
		return want == PS_PEM_KEY ? "the PEM block does not hold a valid private key"
					  : "a PEM block in it does not hold a valid certificate";
	case GNUTLS_E_UNKNOWN_PK_ALGORITHM:
	case GNUTLS_E_UNIMPLEMENTED_FEATURE:
		return "the key's algorithm is not one GnuTLS can use";
	default:
		break;
	}
	if (want == PS_PEM_CERT && !has_cert)
		return "it holds no certificate (no '-----BEGIN CERTIFICATE-----' block)";
	if (want == PS_PEM_KEY && !has_key)
		return "it holds no private key (no '-----BEGIN PRIVATE KEY-----' block)";
	return want == PS_PEM_KEY ? "the private key in it cannot be read"
				  : "the certificates in it cannot be read";
}
