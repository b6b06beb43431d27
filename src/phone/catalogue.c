/* The phone catalogue (see catalogue.h). Sources for each field are in
 * ../shared/reference/spa-provisioning.md §5-6; the notes say what is not
 * known for certain. */
#include "config.h"

#include "phone/catalogue.h"

#include <string.h>

#include "core/util.h"

/* SPA9x2, firmware 6.1.5(a): TLS 1.0 only, RSA key exchange, AES-256/128-CBC
 * with SHA-1 and RC4-128 with SHA-1 or MD5, in that order. An old embedded
 * stack: no TLS extensions at all (no SNI, no session tickets). */
#define LINKSYS_PRIORITY                                                                       \
	"NONE:+VERS-TLS1.0:+RSA:+AES-256-CBC:+AES-128-CBC:+ARCFOUR-128:+SHA1:+MD5:+COMP-NULL:" \
	"+SIGN-ALL:%NO_EXTENSIONS"
#define LINKSYS_SUITES                                                          \
	"TLS 1.0; TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA, " \
	"TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_RC4_128_MD5"
/* Renegotiation: no source says what the phones do on a HelloRequest. An
 * offer with no extensions cannot agree on RFC 5746 secure renegotiation,
 * and the TLS stacks of 2006-2012 embedded firmware renegotiated without it
 * (the legacy renegotiation RFC 5746 was written to replace), so every
 * row renegotiates the legacy way: assumed, not documented. */
#define RENEGOTIATION_NOTE                                                                    \
	" Renegotiation when the server asks (HelloRequest): the legacy kind (no RFC 5746), " \
	"assumed from the stack's age, not documented."
#define LINKSYS_NOTES                                                                      \
	"Suites from the SPA9x2 administration guide (AES up to 256 bits, RC4-128, RSA). " \
	"That the ClientHello carries no extensions is assumed from the firmware's "       \
	"age." RENEGOTIATION_NOTE

/* Cisco SPA3xx/5xx, firmware 7.5.x: the Sipura engine's suite table (LPG
 * table 1-2) without the export suites, which GnuTLS cannot offer. GnuTLS
 * orders suites by key exchange first, so DHE-RSA comes before RSA.
 * Extensions: no source documents these phones' ClientHello. Of what
 * GnuTLS sends by default, only server_name (RFC 4366, 2006) and
 * renegotiation_info (RFC 5746, 2010) are plausible for firmware of
 * 2010-2014; status_request asks for OCSP stapling, which the phones
 * document nowhere, and encrypt_then_mac (RFC 7366, 2014),
 * extended_master_secret (RFC 7627, 2015) and record_size_limit (RFC
 * 8449, 2018) did not exist. GnuTLS 3.7 has keywords or flags for all of
 * these but record_size_limit, which only %NO_EXTENSIONS leaves out
 * (gnutls_session_ext_register cannot suppress it: the built-in one is
 * still sent). An offer with no extensions has nothing the phone could not
 * have sent, so the Cisco rows send none, like the Linksys rows. */
#define CISCO_PRIORITY                                                                       \
	"NONE:+VERS-TLS1.0:+DHE-RSA:+RSA:+AES-256-CBC:+AES-128-CBC:+ARCFOUR-128:+SHA1:+MD5:" \
	"+COMP-NULL:+SIGN-ALL:%NO_EXTENSIONS"
#define CISCO_SUITES                                                                             \
	"TLS 1.0; TLS_DHE_RSA_WITH_AES_256_CBC_SHA, TLS_DHE_RSA_WITH_AES_128_CBC_SHA, "          \
	"TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_RC4_128_SHA, " \
	"TLS_RSA_WITH_RC4_128_MD5"
#define CISCO_NOTES                                                                             \
	"Suites from the Sipura engine's table (fw 2.0.6+); the exact list and order of 7.5.x " \
	"are not documented. No TLS extensions: server_name and renegotiation_info would be "   \
	"plausible for firmware of 2010-2014 (not documented), but GnuTLS 3.7 cannot send "     \
	"them without record_size_limit (2018). HTTPS firmware upgrade on 7.x is assumed, not " \
	"confirmed." RENEGOTIATION_NOTE

#define LINKSYS(id_, pn, psn_, ua)                                                              \
	{                                                                                       \
		.id = id_, .vendor = "Linksys", .product = pn, .psn = psn_, .family = "SPA9x2", \
		.firmware = "6.1.5(a)", .ua_format = ua, .priority = LINKSYS_PRIORITY,          \
		.suites = LINKSYS_SUITES, .https_upgrade = true, .legacy_renegotiation = true,  \
		.mac_prefix = "000e08", .serial = "88019FA42805", .notes = LINKSYS_NOTES        \
	}

#define CISCO(id_, pn, psn_, fam, ua)                                                        \
	{                                                                                    \
		.id = id_, .vendor = "Cisco", .product = pn, .psn = psn_, .family = fam,     \
		.firmware = "7.5.5", .ua_format = ua, .priority = CISCO_PRIORITY,            \
		.suites = CISCO_SUITES, .https_upgrade = true, .legacy_renegotiation = true, \
		.mac_prefix = "0002fd", .serial = "CBT141400UK", .notes = CISCO_NOTES        \
	}

static const struct ps_model models[] = {
	LINKSYS("spa921", "SPA921", "921", "Linksys/SPA-921-$SWVER ($SN)"),
	LINKSYS("spa922", "SPA922", "922", "Linksys/SPA-922-$SWVER ($SN)"),
	LINKSYS("spa941", "SPA941", "941", "Linksys/SPA-941-$SWVER ($SN)"),
	LINKSYS("spa942", "SPA942", "942", "Linksys/SPA-942-$SWVER ($SN)"),
	LINKSYS("spa962", "SPA962", "962", "Linksys/SPA-962-$SWVER ($SN)"),
	CISCO("spa303", "SPA303", "303", "SPA30x", "Cisco/SPA303-$SWVER ($MAU)($SN)"),
	CISCO("spa504g", "SPA504G", "504G", "SPA50x", "Cisco/SPA504G-$SWVER ($MAU)($SN)"),
	CISCO("spa508g", "SPA508G", "508G", "SPA50x", "Cisco/SPA508G-$SWVER ($MAU)($SN)"),
	/* The SPA525G's User-Agent carries no MAC (WAZO's sample). */
	CISCO("spa525g", "SPA525G", "525G", "SPA525", "Cisco/SPA525G-$SWVER ($SN)"),
};

const char *ps_suite_words_next(const char *suites, const char **at, size_t *len)
{
	if (!*at) {
		const char *semi = strchr(suites, ';');
		*at = semi ? semi + 1 : suites;
	}
	const char *w = *at + strspn(*at, " ,");
	*len = strcspn(w, ", ");
	*at = w + *len;
	return *len ? w : NULL;
}

size_t ps_model_count(void)
{
	return sizeof models / sizeof models[0];
}

const struct ps_model *ps_model_at(size_t i)
{
	return i < ps_model_count() ? &models[i] : NULL;
}

const struct ps_model *ps_model_default(void)
{
	return ps_model_find("spa942");
}

const struct ps_model *ps_model_find(const char *name)
{
	char key[32];
	size_t k = 0;
	if (!name)
		return NULL;
	/* Drop a vendor prefix such as "Linksys/", "cisco-" or "Cisco ". */
	for (size_t i = 0; i < ps_model_count(); i++) {
		size_t vl = strlen(models[i].vendor);
		if (ps_strn_ieq(name, models[i].vendor, vl) &&
		    (name[vl] == '/' || name[vl] == '-' || name[vl] == ' ' || name[vl] == '_')) {
			name += vl + 1;
			break;
		}
	}
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (c == '-' || c == '_' || c == ' ')
			continue;
		if (k + 1 >= sizeof key)
			return NULL;
		key[k++] = ps_ascii_lower(c);
	}
	key[k] = '\0';
	for (size_t i = 0; i < ps_model_count(); i++)
		if (strcmp(models[i].id, key) == 0)
			return &models[i];
	return NULL;
}
