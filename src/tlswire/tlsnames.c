/* Name tables for TLS wire values (see tlsnames.h). GnuTLS names suites
 * its own way and only for the current session, so the IANA registry
 * entries a phone or a provisioning server may use are listed here. */
#include "config.h"

#include "tlswire/tlsnames.h"

#include <string.h>

struct suite_row {
	unsigned id;
	const char *iana;
	const char *openssl;
};

static const struct suite_row suites[] = {
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5" },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA" },
	{ 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA" },
	{ 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE-RSA-DES-CBC3-SHA" },
	{ 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA" },
	{ 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA" },
	{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA" },
	{ 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA" },
	{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA" },
	{ 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256" },
	{ 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256" },
	{ 0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA" },
	{ 0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA" },
	{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256" },
	{ 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256" },
	{ 0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA" },
	{ 0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA" },
	{ 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256" },
	{ 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384" },
	{ 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256" },
	{ 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384" },
	{ 0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", NULL },
	{ 0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256" },
	{ 0x5600, "TLS_FALLBACK_SCSV", NULL },
	{ 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA" },
	{ 0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA" },
	{ 0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA" },
	{ 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA" },
	{ 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA" },
	{ 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA" },
	{ 0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256" },
	{ 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384" },
	{ 0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256" },
	{ 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384" },
	{ 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256" },
	{ 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384" },
	{ 0xC09C, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM" },
	{ 0xC09D, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM" },
	{ 0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM" },
	{ 0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM" },
	{ 0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM" },
	{ 0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM" },
	{ 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305" },
	{ 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	  "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ 0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305" },
};

static const struct suite_row *suite_row(unsigned id)
{
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

const char *ps_suite_name(unsigned id)
{
	const struct suite_row *r = suite_row(id);
	return r ? r->iana : NULL;
}

const char *ps_suite_openssl_name(unsigned id)
{
	const struct suite_row *r = suite_row(id);
	return r ? r->openssl : NULL;
}

const char *ps_suite_openssl_by_iana(const char *iana, size_t n)
{
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (strlen(suites[i].iana) == n && strncmp(suites[i].iana, iana, n) == 0)
			return suites[i].openssl;
	return NULL;
}

const char *ps_version_name(unsigned v)
{
	switch (v) {
	case 0x0200:
		return "SSL2.0";
	case 0x0300:
		return "SSL3.0";
	case 0x0301:
		return "TLS1.0";
	case 0x0302:
		return "TLS1.1";
	case 0x0303:
		return "TLS1.2";
	case 0x0304:
		return "TLS1.3";
	}
	return NULL;
}

const char *ps_handshake_name(unsigned t)
{
	switch (t) {
	case 0:
		return "HelloRequest";
	case 1:
		return "ClientHello";
	case 2:
		return "ServerHello";
	case 3:
		return "HelloVerifyRequest";
	case 4:
		return "NewSessionTicket";
	case 5:
		return "EndOfEarlyData";
	case 8:
		return "EncryptedExtensions";
	case 11:
		return "Certificate";
	case 12:
		return "ServerKeyExchange";
	case 13:
		return "CertificateRequest";
	case 14:
		return "ServerHelloDone";
	case 15:
		return "CertificateVerify";
	case 16:
		return "ClientKeyExchange";
	case 20:
		return "Finished";
	case 21:
		return "CertificateURL";
	case 22:
		return "CertificateStatus";
	case 24:
		return "KeyUpdate";
	}
	return NULL;
}

const char *ps_alert_name(unsigned d)
{
	switch (d) {
	case 0:
		return "close_notify";
	case 10:
		return "unexpected_message";
	case 20:
		return "bad_record_mac";
	case 21:
		return "decryption_failed";
	case 22:
		return "record_overflow";
	case 30:
		return "decompression_failure";
	case 40:
		return "handshake_failure";
	case 41:
		return "no_certificate";
	case 42:
		return "bad_certificate";
	case 43:
		return "unsupported_certificate";
	case 44:
		return "certificate_revoked";
	case 45:
		return "certificate_expired";
	case 46:
		return "certificate_unknown";
	case 47:
		return "illegal_parameter";
	case 48:
		return "unknown_ca";
	case 49:
		return "access_denied";
	case 50:
		return "decode_error";
	case 51:
		return "decrypt_error";
	case 60:
		return "export_restriction";
	case 70:
		return "protocol_version";
	case 71:
		return "insufficient_security";
	case 80:
		return "internal_error";
	case 86:
		return "inappropriate_fallback";
	case 90:
		return "user_canceled";
	case 100:
		return "no_renegotiation";
	case 109:
		return "missing_extension";
	case 110:
		return "unsupported_extension";
	case 112:
		return "unrecognized_name";
	case 113:
		return "bad_certificate_status_response";
	case 115:
		return "unknown_psk_identity";
	case 116:
		return "certificate_required";
	case 120:
		return "no_application_protocol";
	}
	return NULL;
}

const char *ps_cert_type_name(unsigned t)
{
	switch (t) {
	case 1:
		return "rsa_sign";
	case 2:
		return "dss_sign";
	case 3:
		return "rsa_fixed_dh";
	case 4:
		return "dss_fixed_dh";
	case 64:
		return "ecdsa_sign";
	case 65:
		return "rsa_fixed_ecdh";
	case 66:
		return "ecdsa_fixed_ecdh";
	}
	return NULL;
}

const char *ps_extension_name(unsigned id)
{
	switch (id) {
	case 0:
		return "server_name";
	case 1:
		return "max_fragment_length";
	case 5:
		return "status_request";
	case 10:
		return "supported_groups";
	case 11:
		return "ec_point_formats";
	case 13:
		return "signature_algorithms";
	case 15:
		return "heartbeat";
	case 16:
		return "application_layer_protocol_negotiation";
	case 18:
		return "signed_certificate_timestamp";
	case 19:
		return "client_certificate_type";
	case 20:
		return "server_certificate_type";
	case 21:
		return "padding";
	case 22:
		return "encrypt_then_mac";
	case 23:
		return "extended_master_secret";
	case 27:
		return "compress_certificate";
	case 28:
		return "record_size_limit";
	case 35:
		return "session_ticket";
	case 41:
		return "pre_shared_key";
	case 42:
		return "early_data";
	case 43:
		return "supported_versions";
	case 44:
		return "cookie";
	case 45:
		return "psk_key_exchange_modes";
	case 47:
		return "certificate_authorities";
	case 49:
		return "post_handshake_auth";
	case 51:
		return "key_share";
	case 65281:
		return "renegotiation_info";
	}
	return NULL;
}
