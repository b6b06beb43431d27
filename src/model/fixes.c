/* Fixes in the server's own words (see fixes.h). Each text is checked
 * against the server's documentation; the nginx, Apache and lighttpd ones
 * are the settings the integration tests give those servers. */
#include "config.h"

#include "model/fixes.h"

#include <string.h>

#include "core/util.h"

#define PHONE_CIPHERS "AES256-SHA:AES128-SHA:@SECLEVEL=0"

/* Asking every client for the vendor's client certificate. */
#define REQUIRE_CLIENT_CERT                                                                       \
	{                                                                                         \
		"ssl_verify_client on; ssl_client_certificate <vendor client CA>; in the server " \
		"block",                                                                          \
		    "SSLVerifyClient require and SSLCACertificateFile <vendor client CA> in the " \
		    "<VirtualHost>",                                                              \
		    "ssl.verifyclient.activate = \"enable\", ssl.verifyclient.enforce = "         \
		    "\"enable\" and "                                                             \
		    "ssl.ca-file = \"<vendor client CA>\" in the $SERVER[\"socket\"] block",      \
		    "verify required ca-file <vendor client CA> on the bind line"                 \
	}

/* Offering the phone's suites (and no RC4) first. */
#define PHONE_CIPHER_LIST                                                              \
	{                                                                              \
		"ssl_ciphers '" PHONE_CIPHERS "'; in the server block",                \
		    "SSLCipherSuite " PHONE_CIPHERS " in the <VirtualHost>",           \
		    "ssl.openssl.ssl-conf-cmd = (\"CipherString\" => \"" PHONE_CIPHERS \
		    "\") in the $SERVER[\"socket\"] block",                            \
		    "ciphers " PHONE_CIPHERS " on the bind line"                       \
	}

/* nginx, Apache, lighttpd, HAProxy */
struct server_fix {
	enum ps_finding_id id;
	const char *text[PS_SERVER_COUNT];
};

static const struct server_fix fixes[] = {
	{ PS_F_TLS_PROTOCOL_VERSION,
	  { "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers '" PHONE_CIPHERS "'; in the server block",
	    "SSLProtocol -all +TLSv1 +TLSv1.1 +TLSv1.2, SSLOpenSSLConfCmd MinProtocol TLSv1 and "
	    "SSLCipherSuite " PHONE_CIPHERS " in the <VirtualHost>",
	    "ssl.openssl.ssl-conf-cmd = (\"MinProtocol\" => \"TLSv1\", \"CipherString\" => "
	    "\"" PHONE_CIPHERS "\") in the $SERVER[\"socket\"] block",
	    "ssl-min-ver TLSv1.0 ciphers " PHONE_CIPHERS " on the bind line" } },
	{ PS_F_TLS_NO_SHARED_CIPHER, PHONE_CIPHER_LIST },
	{ PS_F_TLS_RC4, PHONE_CIPHER_LIST },
	{ PS_F_TLS_SNI_DEFAULT_CERTIFICATE,
	  { "listen 443 ssl default_server; in the provisioning host's server block",
	    "the provisioning host's <VirtualHost> first of those for this address and port (the "
	    "first one read answers clients that name no host)",
	    "the provisioning host's ssl.pemfile and ssl.privkey in the $SERVER[\"socket\"] block "
	    "itself, not only under a $HTTP[\"host\"] condition",
	    "the provisioning host's certificate as the first crt of the bind line (HAProxy's "
	    "default certificate)" } },
	{ PS_F_CLIENT_AUTH_RENEGOTIATION,
	  { "ssl_verify_client on; in the server block (nginx asks in the handshake and never "
	    "renegotiates)",
	    "SSLVerifyClient require at the <VirtualHost> level, not inside <Location> or "
	    "<Directory>",
	    "ssl.verifyclient.activate = \"enable\" and ssl.verifyclient.enforce = \"enable\" in "
	    "the $SERVER[\"socket\"] block",
	    "verify required ca-file <vendor client CA> on the bind line" } },
	{ PS_F_CLIENT_AUTH_NOT_REQUESTED, REQUIRE_CLIENT_CERT },
	{ PS_F_AUDIT_NO_CERT_SERVED, REQUIRE_CLIENT_CERT },
	{ PS_F_CLIENT_AUTH_REJECTED,
	  { "ssl_client_certificate <vendor client root>; ssl_verify_depth 2;",
	    "SSLCACertificateFile <vendor client root> and SSLVerifyDepth 2",
	    "ssl.ca-file = \"<vendor client root>\" and ssl.verifyclient.depth = 2",
	    "ca-file <vendor client root> on the bind line" } },
	{ PS_F_CLIENT_AUTH_CA_MISMATCH,
	  { "ssl_client_certificate <file with the vendor client CA>; (the names it sends come "
	    "from this file)",
	    "SSLCACertificateFile <file with the vendor client CA> (or SSLCADNRequestFile for the "
	    "names alone)",
	    "ssl.ca-file = \"<file with the vendor client CA>\" (or ssl.ca-dn-file for the names "
	    "alone)",
	    "ca-file <file with the vendor client CA> on the bind line" } },
	{ PS_F_CHAIN_MISSING_INTERMEDIATE,
	  { "ssl_certificate with a file that holds the server certificate, then each "
	    "intermediate",
	    "SSLCertificateFile with the server certificate followed by each intermediate "
	    "(Apache 2.4.8 and later; SSLCertificateChainFile before)",
	    "ssl.pemfile with the server certificate followed by each intermediate",
	    "a crt file with the server certificate, then each intermediate, then the key" } },
};

const char *ps_server_key(enum ps_server s)
{
	static const char *const k[PS_SERVER_COUNT] = { "nginx", "apache", "lighttpd", "haproxy" };
	return s < PS_SERVER_COUNT ? k[s] : NULL;
}

const char *ps_server_label(enum ps_server s)
{
	static const char *const k[PS_SERVER_COUNT] = { "nginx", "Apache", "lighttpd", "HAProxy" };
	return s < PS_SERVER_COUNT ? k[s] : "unknown";
}

static const struct server_fix *fix_of(enum ps_finding_id id)
{
	for (size_t i = 0; i < sizeof fixes / sizeof fixes[0]; i++)
		if (fixes[i].id == id)
			return &fixes[i];
	return NULL;
}

const char *ps_finding_fix_for(enum ps_finding_id id, enum ps_server s)
{
	const struct server_fix *f = fix_of(id);
	return f && s < PS_SERVER_COUNT ? f->text[s] : NULL;
}

bool ps_finding_has_server_fixes(enum ps_finding_id id)
{
	return fix_of(id) != NULL;
}

enum ps_server ps_server_from_header(const char *value)
{
	static const struct {
		const char *name;
		enum ps_server s;
	} names[] = { { "nginx", PS_SERVER_NGINX },
		      { "apache", PS_SERVER_APACHE },
		      { "lighttpd", PS_SERVER_LIGHTTPD },
		      { "haproxy", PS_SERVER_HAPROXY } };
	if (!value)
		return PS_SERVER_UNKNOWN;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (ps_mem_ifind(value, strlen(value), names[i].name))
			return names[i].s;
	return PS_SERVER_UNKNOWN;
}

/* The server named by the Server header of hop `h`. */
static enum ps_server hop_server(const struct ps_hop *h)
{
	const struct ps_http_info *http = &h->http;
	for (size_t i = 1; i < http->n_response_headers; i++) {
		const char *line = http->response_headers[i];
		if (ps_strn_ieq(line, "Server:", 7))
			return ps_server_from_header(line + 7);
	}
	return PS_SERVER_UNKNOWN;
}

static bool same_place(const struct ps_hop *a, const struct ps_hop *b)
{
	return a->host && b->host && ps_str_ieq(a->host, b->host) && a->port == b->port;
}

enum ps_server ps_report_hop_server(const struct ps_report *r, long hop)
{
	if (hop < 0 || (size_t)hop >= r->n_hops)
		return PS_SERVER_UNKNOWN;
	const struct ps_hop *h = &r->hops[hop];
	enum ps_server s = hop_server(h);
	for (size_t i = 0; s == PS_SERVER_UNKNOWN && i < r->n_hops; i++)
		if (i != (size_t)hop && same_place(h, &r->hops[i]))
			s = hop_server(&r->hops[i]);
	return s;
}

void ps_fix_order(const struct ps_report *r, long hop, enum ps_server order[PS_SERVER_COUNT])
{
	enum ps_server first = ps_report_hop_server(r, hop);
	size_t n = 0;
	if (first != PS_SERVER_UNKNOWN)
		order[n++] = first;
	for (int s = 0; s < PS_SERVER_COUNT; s++)
		if ((enum ps_server)s != first)
			order[n++] = (enum ps_server)s;
}
