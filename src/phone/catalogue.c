/* The phone catalogue (see catalogue.h). Sources for each field are in
 * ../shared/reference/spa-provisioning.md §5-6; the notes say what is not
 * known for certain. */
#include "config.h"

#include "phone/catalogue.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rules/version.h"

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
	"them without record_size_limit (2018). Firmware upgrade over HTTPS: the 7.5.7 "        \
	"administration guide says profiles and firmware go over TFTP, HTTP or "                \
	"HTTPS." RENEGOTIATION_NOTE

/* The Linksys ATAs (PAP2T, SPA2102, SPA3102, SPA8000): the suite table of
 * the ATA provisioning guide (LPG Table 1-2, firmware 2.0.6) without its
 * export suites, which GnuTLS cannot offer. The guide prints DHE and RSA
 * interleaved by key size; GnuTLS orders by key exchange, so DHE-RSA comes
 * first, as in the Cisco offer. No source gives the protocol version. */
#define ATA_NOTES                                                                               \
	"Suites from the Linksys ATA provisioning guide's table (fw 2.0.6), in GnuTLS's order " \
	"(the guide interleaves DHE and RSA); whether 5.x/6.x firmware still offers them, and " \
	"the protocol version, are not documented. No firmware upgrade over HTTPS (ATA "        \
	"administration guide)." RENEGOTIATION_NOTE
/* The Cisco SPA1x2 ATAs: no source states their TLS versions or suites
 * (spa-family.md §8); the Cisco offer stands in for it. */
#define SPA1X2_NOTES                                                                              \
	"No source gives the TLS offer of SPA1xx firmware (1.4.x may offer TLS 1.2): the Cisco "  \
	"phones' offer stands in for it. The HTTP User-Agent is the SPA5xx form by analogy, and " \
	"HTTPS firmware upgrade is not confirmed (assumed not)." RENEGOTIATION_NOTE

/* Cisco's SPA CA list (CACL) names the server CAs; the device CAs are the
 * guides' names (LPG 1-14, S100P p.43); none of their certificates or
 * fingerprints is public (spa-family.md §6). */
#define SIPURA_CA "Sipura CA"
#define SB_CA "Cisco Small Business CA"
#define SB2K_CA "Cisco 2k Small Business CA"
#define LINKSYS_CLIENT_CA "Linksys CA Client Root"
#define SIPURA_CLIENT_CA "Sipura CA Client Root"
#define CISCO_CLIENT_CA "Cisco device CA (its name is not public)"

#define LINKSYS_PHONE(id_, pn, psn_, ua, src, assumed_, peers)                                     \
	{                                                                                          \
		.id = id_, .vendor = "Linksys", .product = pn, .psn = psn_, .family = "SPA9x2",    \
		.firmware = "6.1.5(a)", .ua_format = ua, .priority = LINKSYS_PRIORITY,             \
		.suites = LINKSYS_SUITES, .https_upgrade = true, .legacy_renegotiation = true,     \
		.mac_prefix = "000e08", .serial = "88019FA42805",                                  \
		.notes = LINKSYS_NOTES " HTTPS firmware upgrade: the SPA9x2 guide v5.2 says yes, " \
				       "the Cisco SB guide of 2009 no.",                           \
		.kind = "phone", .factory_rule = "/spa$PSN.cfg", .fw_majors = "5,6",               \
		.server_ca = SIPURA_CA, .client_ca = LINKSYS_CLIENT_CA,                            \
		.sources = "9X2 p.55-60; LPG 1-13, 1-14; CACL; " src, .assumed = assumed_,         \
		.image_peers = peers                                                               \
	}

/* The SPA5xx trust the Small Business CA, and from 7.5.6 the 2k one too;
 * the SPA3xx are listed under the Small Business and the Sipura CA, never
 * the 2k CA (CACL). */
#define CISCO_PHONE_CA(id_, pn, psn_, fam, ua, src, assumed_, ca, ca_new, ca_from, peers)       \
	{                                                                                       \
		.id = id_, .vendor = "Cisco", .product = pn, .psn = psn_, .family = fam,        \
		.firmware = "7.5.5", .ua_format = ua, .priority = CISCO_PRIORITY,               \
		.suites = CISCO_SUITES, .https_upgrade = true, .legacy_renegotiation = true,    \
		.mac_prefix = "0002fd", .serial = "CBT141400UK", .notes = CISCO_NOTES,          \
		.kind = "phone", .factory_rule = "/spa$PSN.cfg", .fw_majors = "7",              \
		.server_ca = ca, .server_ca_new = ca_new, .server_ca_from = ca_from,            \
		.client_ca = CISCO_CLIENT_CA, .sources = "S500 p.157, p.175; S757; CACL; " src, \
		.assumed = assumed_, .image_peers = peers                                       \
	}
/* The SPA30x and SPA50x take one image (spa50x-30x-...), the SPA51x
 * theirs (spa51x-...), as WAZO serves them. */
#define CISCO_PHONE(id_, pn, psn_, fam, ua, src, assumed_, peers) \
	CISCO_PHONE_CA(id_, pn, psn_, fam, ua, src, assumed_, SB_CA, SB2K_CA, "7.5.6", peers)
#define CISCO_SPA3XX(id_, pn, psn_, ua)                                            \
	CISCO_PHONE_CA(id_, pn, psn_, "SPA30x", ua, "WAZO", "ua,suites,client_ca", \
		       SB_CA "; " SIPURA_CA, NULL, NULL, "50x,30x")

#define LINKSYS_ATA(id_, pn, psn_, fam, fw, ua, src, assumed_)                                \
	{                                                                                     \
		.id = id_, .vendor = "Linksys", .product = pn, .psn = psn_, .family = fam,    \
		.firmware = fw, .ua_format = ua, .priority = CISCO_PRIORITY,                  \
		.suites = CISCO_SUITES, .https_upgrade = false, .legacy_renegotiation = true, \
		.mac_prefix = "000e08", .serial = "88012BA01234", .notes = ATA_NOTES,         \
		.kind = "ATA", .factory_rule = "/spa$PSN.cfg", .fw_majors = "2,3,5,6",        \
		.server_ca = SIPURA_CA, .client_ca = LINKSYS_CLIENT_CA,                       \
		.sources = "LPG 1-12..1-14, 4-1..4-5; LATA p.3-4; CACL; C108605; " src,       \
		.assumed = assumed_                                                           \
	}

#define CISCO_ATA(id_, pn, psn_, fam, ua, assumed_, peers)                                    \
	{                                                                                     \
		.id = id_, .vendor = "Cisco", .product = pn, .psn = psn_, .family = fam,      \
		.firmware = "1.4.1(SR5)", .ua_format = ua, .priority = CISCO_PRIORITY,        \
		.suites = CISCO_SUITES, .https_upgrade = false, .legacy_renegotiation = true, \
		.mac_prefix = "0002fd", .serial = "CCQ16520JCL", .notes = SPA1X2_NOTES,       \
		.kind = "ATA", .factory_rule = "/spa$PSN.cfg", .fw_majors = "1",              \
		.server_ca = SB_CA, .server_ca_new = SB2K_CA, .server_ca_from = "1.3.3",      \
		.client_ca = SIPURA_CLIENT_CA,                                                \
		.sources = "S100P p.9, p.42-43, p.86; S100A p.60-61; CACL; WAZO; FPBX; GB",   \
		.assumed = assumed_, .image_peers = peers                                     \
	}

/* Sources (keys of ../shared/reference/spa-provisioning.md and
 * doc/reference/spa-family.md): each row's User-Agent is documented where
 * "ua" is not in its assumed list (LPG 1-13 for the SPA2102, WAZO's
 * comments for the SPA942/962, SPA501G/508G and SPA525G), by analogy
 * otherwise. */
static const struct ps_model **added; /* ps_model_add's */
static size_t n_added, cap_added;

static const struct ps_model models[] = {
	LINKSYS_PHONE("spa921", "SPA921", "921", "Linksys/SPA-921-$SWVER ($SN)", "WAZO",
		      "ua,suites,fw_https", "941"),
	LINKSYS_PHONE("spa922", "SPA922", "922", "Linksys/SPA-922-$SWVER ($SN)", "WAZO",
		      "ua,suites,fw_https", "942"),
	LINKSYS_PHONE("spa941", "SPA941", "941", "Linksys/SPA-941-$SWVER ($SN)", "WAZO",
		      "ua,suites,fw_https", "921"),
	LINKSYS_PHONE("spa942", "SPA942", "942", "Linksys/SPA-942-$SWVER ($SN)", "WAZO",
		      "suites,fw_https", "922"),
	LINKSYS_PHONE("spa962", "SPA962", "962", "Linksys/SPA-962-$SWVER ($SN)", "WAZO",
		      "suites,fw_https", NULL),
	/* The SPA901: the SPA9xx engine at 5.1.x, no HTTPS upgrade (IPP51
	 * p.2-15, CSB p.10). */
	{ .id = "spa901",
	  .vendor = "Linksys",
	  .product = "SPA901",
	  .psn = "901",
	  .family = "SPA901",
	  .firmware = "5.1.5",
	  .ua_format = "Linksys/SPA-901-$SWVER ($SN)",
	  .priority = LINKSYS_PRIORITY,
	  .suites = LINKSYS_SUITES,
	  .https_upgrade = false,
	  .legacy_renegotiation = true,
	  .mac_prefix = "000e08",
	  .serial = "88019FA42805",
	  .notes = LINKSYS_NOTES " The SPA9x2's suites stand in for the SPA901's (same era and "
				 "engine); its User-Agent is the SPA942's form by analogy.",
	  .kind = "phone",
	  .factory_rule = "/spa$PSN.cfg",
	  .fw_majors = "4,5",
	  .server_ca = SIPURA_CA,
	  .client_ca = LINKSYS_CLIENT_CA,
	  .sources = "CACL; IPP51 p.2-15; CSB p.10; WAZO",
	  .assumed = "ua,suites,client_ca" },
	CISCO_SPA3XX("spa301", "SPA301", "301", "Cisco/SPA301-$SWVER ($MAU)($SN)"),
	CISCO_SPA3XX("spa303", "SPA303", "303", "Cisco/SPA303-$SWVER ($MAU)($SN)"),
	CISCO_PHONE("spa501g", "SPA501G", "501G", "SPA50x", "Cisco/SPA501G-$SWVER ($MAU)($SN)",
		    "WAZO", "suites,client_ca", "50x,30x"),
	CISCO_PHONE("spa502g", "SPA502G", "502G", "SPA50x", "Cisco/SPA502G-$SWVER ($MAU)($SN)",
		    "WAZO", "ua,suites,client_ca", "50x,30x"),
	CISCO_PHONE("spa504g", "SPA504G", "504G", "SPA50x", "Cisco/SPA504G-$SWVER ($MAU)($SN)",
		    "WAZO", "ua,suites,client_ca", "50x,30x"),
	CISCO_PHONE("spa508g", "SPA508G", "508G", "SPA50x", "Cisco/SPA508G-$SWVER ($MAU)($SN)",
		    "WAZO", "suites,client_ca", "50x,30x"),
	CISCO_PHONE("spa509g", "SPA509G", "509G", "SPA50x", "Cisco/SPA509G-$SWVER ($MAU)($SN)",
		    "WAZO", "ua,suites,client_ca", "50x,30x"),
	CISCO_PHONE("spa512g", "SPA512G", "512G", "SPA51x", "Cisco/SPA512G-$SWVER ($MAU)($SN)",
		    "WAZO", "ua,suites,client_ca", "51x"),
	CISCO_PHONE("spa514g", "SPA514G", "514G", "SPA51x", "Cisco/SPA514G-$SWVER ($MAU)($SN)",
		    "WAZO", "ua,suites,client_ca", "51x"),
	/* The SPA525G's User-Agent carries no MAC (WAZO's sample). */
	CISCO_PHONE("spa525g", "SPA525G", "525G", "SPA525", "Cisco/SPA525G-$SWVER ($SN)", "WAZO",
		    "suites,client_ca", NULL),
	/* The PAP2T asks for /init.cfg (WAZO's server maps that name to it);
	 * its $PSN and User-Agent are not documented. */
	{ .id = "pap2t",
	  .vendor = "Linksys",
	  .product = "PAP2T",
	  .psn = "PAP2T",
	  .family = "PAP2T",
	  .firmware = "5.1.6(LS)",
	  .ua_format = "Linksys/PAP2T-$SWVER ($SN)",
	  .priority = CISCO_PRIORITY,
	  .suites = CISCO_SUITES,
	  .https_upgrade = false,
	  .legacy_renegotiation = true,
	  .mac_prefix = "000e08",
	  .serial = "88012BA01234",
	  .notes = ATA_NOTES " The User-Agent is its SIP banner's form; $PSN and the factory "
			     "rule /init.cfg are read from WAZO's server code, not a guide.",
	  .kind = "ATA",
	  .factory_rule = "/init.cfg",
	  .fw_majors = "3,5",
	  .server_ca = SIPURA_CA,
	  .client_ca = LINKSYS_CLIENT_CA,
	  .sources = "LATA p.3-4; CACL; LPG Table 1-2; WAZO; TEN",
	  .assumed = "ua,psn,suites,client_ca,factory_rule" },
	LINKSYS_ATA("spa2102", "SPA2102", "2102", "SPA2102", "5.2.12",
		    "Linksys/SPA-2102-$SWVER ($SN)", "WAZO; PROV", "suites"),
	LINKSYS_ATA("spa3102", "SPA3102", "3102", "SPA3102", "5.1.10(GW)",
		    "Linksys/SPA-3102-$SWVER ($SN)", "WAZO; PROV; TEN", "ua,suites"),
	LINKSYS_ATA("spa8000", "SPA8000", "8000", "SPA8000", "6.1.11",
		    "Linksys/SPA8000-$SWVER ($SN)", "WAZO; MISC", "ua,suites,server_ca,client_ca"),
	CISCO_ATA("spa112", "SPA112", "112", "SPA1x2", "Cisco/SPA112-$SWVER ($MAU)($SN)",
		  "ua,firmware,suites,fw_https", "122"),
	CISCO_ATA("spa122", "SPA122", "122", "SPA1x2", "Cisco/SPA122-$SWVER ($MAU)($SN)",
		  "ua,firmware,suites,fw_https", "112"),
	CISCO_ATA("spa232d", "SPA232D", "232D", "SPA232D", "Cisco/SPA232D-$SWVER ($MAU)($SN)",
		  "ua,psn,firmware,suites,fw_https", NULL),
};

static const struct ps_vendor_ca vendor_cas[] = {
	/* server CAs (CACL), by the phrase their names are likely to hold
	 * (none of their certificates is public); the 2k CA before the other */
	{ SB2K_CA, "Cisco 2k Small Business", "SPA1xx and SPA232D from 1.3.3, SPA5xx from 7.5.6",
	  false },
	{ SB_CA, "Cisco Small Business", "SPA1xx, SPA232D, SPA3xx, SPA5xx", false },
	{ SIPURA_CA, "Sipura", "PAP2T, SPA2102, SPA3102, SPA9xx, SPA3xx", false },
	{ "Linksys CA", "Linksys", "PAP2, WRTP, RTP", false },
	/* device CAs (LPG 1-14, S100P p.43, S500 p.175) */
	{ LINKSYS_CLIENT_CA, "Linksys", "Linksys-era devices (spacroot.crt)", true },
	{ SIPURA_CLIENT_CA, "Sipura", "SPA1xx", true },
	{ CISCO_CLIENT_CA, "Cisco", "SPA3xx, SPA5xx", true },
};

const struct ps_vendor_ca *ps_vendor_ca_in(const char *dn, bool client)
{
	if (!dn)
		return NULL;
	for (size_t i = 0; i < sizeof vendor_cas / sizeof vendor_cas[0]; i++)
		if (vendor_cas[i].client == client && strcasestr(dn, vendor_cas[i].keyword))
			return &vendor_cas[i];
	return NULL;
}

static bool trusts_new(const struct ps_model *m, const char *firmware)
{
	return m->server_ca_new &&
	       ps_version_cmp(firmware ? firmware : m->firmware, m->server_ca_from) >= 0;
}

char *ps_model_server_cas(const struct ps_model *m, const char *firmware)
{
	struct ps_buf b = { 0 };
	if (trusts_new(m, firmware))
		ps_buf_printf(&b, "the %s or ", m->server_ca_new);
	for (const char *p = m->server_ca; *p;) {
		size_t n = strcspn(p, ";");
		ps_buf_printf(&b, "%sthe %.*s", p == m->server_ca ? "" : " or ", (int)n, p);
		p += n;
		p += strspn(p, "; ");
	}
	return ps_buf_take(&b);
}

bool ps_model_trusts(const struct ps_model *m, const char *firmware, const struct ps_vendor_ca *ca)
{
	if (!ca || ca->client)
		return false;
	if (trusts_new(m, firmware) && strcmp(ca->name, m->server_ca_new) == 0)
		return true;
	size_t n = strlen(ca->name);
	for (const char *p = m->server_ca; *p;) {
		size_t k = strcspn(p, ";");
		if (k == n && strncmp(p, ca->name, n) == 0)
			return true;
		p += k;
		p += strspn(p, "; ");
	}
	return false;
}

bool ps_model_firmware_major(const struct ps_model *m, const char *version)
{
	if (!m->fw_majors || !*m->fw_majors)
		return true;
	char *end;
	unsigned long v = strtoul(version, &end, 10);
	if (end == version)
		return true;
	for (const char *p = m->fw_majors; *p;) {
		char *e;
		if (strtoul(p, &e, 10) == v)
			return true;
		if (e == p)
			break;
		p = e + (*e == ',');
	}
	return false;
}

const char *ps_model_article(const struct ps_model *m)
{
	/* S is said "ess": an SPA942; a PAP2T */
	return strchr("AEFHILMNORSX", m->product[0]) ? "an" : "a";
}

char *ps_model_device_ca_note(const struct ps_model *m, const char *issuer)
{
	const struct ps_vendor_ca *named = ps_vendor_ca_in(issuer, true);
	const char *a = ps_model_article(m);
	if (named && strcmp(named->name, m->client_ca) == 0)
		return ps_xasprintf("by its issuer's name the %s, which signs %s %s's factory "
				    "certificate",
				    named->name, a, m->product);
	if (named)
		return ps_xasprintf(
		    "by its issuer's name the %s (of the %s), not the %s, which signs "
		    "%s %s's factory certificate",
		    named->name, named->devices, m->client_ca, a, m->product);
	return ps_xasprintf("not from the %s, which signs %s %s's factory certificate: a "
			    "certificate of the server's own PKI",
			    m->client_ca, a, m->product);
}

bool ps_model_assumed(const struct ps_model *m, const char *field)
{
	size_t n = strlen(field);
	for (const char *p = m->assumed ? m->assumed : ""; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, field, n) == 0)
			return true;
		p += k;
		p += *p == ',';
	}
	return false;
}

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
	return sizeof models / sizeof models[0] + n_added;
}

size_t ps_model_builtin_count(void)
{
	return sizeof models / sizeof models[0];
}

const struct ps_model *ps_model_at(size_t i)
{
	size_t n = ps_model_builtin_count();
	return i < n ? &models[i] : i < n + n_added ? added[i - n] : NULL;
}

/* Compare `id` with a key of lower-case letters and digits, the id's
 * hyphens, underscores and spaces left out as the key's are. */
static bool id_is(const char *id, const char *key)
{
	for (;; id++) {
		if (*id == '-' || *id == '_' || *id == ' ')
			continue;
		if (ps_ascii_lower(*id) != *key)
			return false;
		if (!*key++)
			return true;
	}
}

bool ps_model_add(const struct ps_model *m)
{
	char key[32];
	size_t k = 0;
	for (const char *p = m->id; *p && k + 1 < sizeof key; p++)
		if (*p != '-' && *p != '_' && *p != ' ')
			key[k++] = ps_ascii_lower(*p);
	key[k] = '\0';
	for (size_t i = 0; i < ps_model_count(); i++)
		if (id_is(ps_model_at(i)->id, key))
			return false;
	if (ps_model_count() >= PS_MODEL_MAX)
		return false;
	added = ps_xgrow(added, &cap_added, n_added + 1, sizeof *added);
	added[n_added++] = m;
	return true;
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
	for (size_t i = 0; i < ps_model_builtin_count(); i++) {
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
		if (id_is(ps_model_at(i)->id, key))
			return ps_model_at(i);
	return NULL;
}
