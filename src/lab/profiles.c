/* What the lab serves (see profiles.h): the built-in profiles, written
 * the way real provisioning servers lay them out (a model file that the
 * factory rule /spa$PSN.cfg finds, which points each phone to its
 * per-device file; compare reference §7 item 8 and §10), fake firmware
 * images, openssl-enc encryption, and reading from a --dir tree. */
#include "config.h"

#include "lab/profiles.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "core/util.h"
#include "profile/decode.h"
#include "profile/dict.h"

#define FIRMWARE_SIZE ((size_t)6 * 1024)

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool ps_lab_path_mac(const char *path, char mac[13])
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t stem = strcspn(base, ".");
	if (stem < 12)
		return false;
	const char *h = base + stem - 12;
	for (size_t i = 0; i < 12; i++) {
		if (!is_hex(h[i]))
			return false;
		mac[i] = ps_ascii_lower(h[i]);
	}
	mac[12] = '\0';
	return true;
}

/* The lab's firmware per family: the next one (the target) and an older
 * one; made up, in each family's version style. The Cisco phones (SPA30x,
 * SPA50x, SPA51x, SPA525) are the default. */
static const struct {
	const char *family, *next, *older;
} lab_firmware[] = {
	{ "SPA9x2", "6.1.5(b)", "5.2.8(a)" }, { "SPA901", "5.1.6", "5.1.4" },
	{ "PAP2T", "5.1.7", "5.1.5" },        { "SPA2102", "5.2.13", "5.2.10" },
	{ "SPA3102", "5.1.11", "5.1.9" },     { "SPA8000", "6.1.12", "6.1.10" },
	{ "SPA1x2", "1.4.2", "1.3.5" },       { "SPA232D", "1.4.2", "1.3.5" },
};

static size_t lab_fw_row(const struct ps_model *m)
{
	size_t n = sizeof lab_firmware / sizeof lab_firmware[0];
	for (size_t i = 0; i < n; i++)
		if (strcmp(m->family, lab_firmware[i].family) == 0)
			return i;
	return n;
}

const char *ps_lab_target_firmware(const struct ps_model *m)
{
	size_t i = lab_fw_row(m);
	return i < sizeof lab_firmware / sizeof lab_firmware[0] ? lab_firmware[i].next : "7.6.2";
}

const char *ps_lab_older_firmware(const struct ps_model *m)
{
	size_t i = lab_fw_row(m);
	return i < sizeof lab_firmware / sizeof lab_firmware[0] ? lab_firmware[i].older : "7.4.9";
}

const struct ps_model *ps_lab_other_family(const struct ps_model *m)
{
	return ps_model_find(strcmp(m->vendor, "Linksys") == 0 ? "spa504g" : "spa942");
}

/* "spa942-6-1-5b.bin": the WAZO naming, which provscope reads the version
 * back from (rules/version.h). */
static char *firmware_name(const struct ps_model *m, const char *version)
{
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%s-", m->id);
	for (const char *p = version; *p; p++) {
		if (*p == '.')
			ps_buf_add(&b, "-", 1);
		else if (*p != '(' && *p != ')')
			ps_buf_add(&b, p, 1);
	}
	ps_buf_puts(&b, ".bin");
	return ps_buf_take(&b);
}

char *ps_lab_image_path(const struct ps_model *m, const char *version)
{
	char *n = firmware_name(m, version);
	char *p = ps_xasprintf("/firmware/%s", n);
	free(n);
	return p;
}

char *ps_lab_firmware_path(const struct ps_model *m)
{
	return ps_lab_image_path(m, ps_lab_target_firmware(m));
}

char *ps_lab_model_path(const struct ps_model *m)
{
	if (m->factory_rule && strcmp(m->factory_rule, "/spa$PSN.cfg") != 0)
		return ps_xstrdup(m->factory_rule); /* the PAP2T's /init.cfg */
	return ps_xasprintf("/spa%s.cfg", m->psn);
}

void ps_lab_path_classify(const char *path, struct ps_lab_path *out)
{
	memset(out, 0, sizeof *out);
	out->kind = PS_LAB_PATH_UNKNOWN;
	if (strcmp(path, "/") == 0) {
		out->kind = PS_LAB_PATH_INDEX;
		return;
	}
	if (path[0] != '/')
		return;
	const char *name = path + 1;
	for (size_t i = 0; ps_model_at(i); i++) {
		const struct ps_model *m = ps_model_at(i);
		char *a = ps_lab_model_path(m);
		char *b = ps_xasprintf("%s.xml", m->product);
		char *c = ps_xasprintf("spa%s.cfg", m->psn);
		char *f = ps_lab_firmware_path(m);
		char *old = ps_lab_image_path(m, ps_lab_older_firmware(m));
		/* the factory rule's file, and /spa$PSN.cfg for a model whose
		 * factory rule is another (the PAP2T's /init.cfg) */
		bool model = ps_str_ieq(path, a) || ps_str_ieq(name, b) || ps_str_ieq(name, c);
		bool fw = ps_str_ieq(path, f), fw_old = ps_str_ieq(path, old);
		free(a);
		free(b);
		free(c);
		free(f);
		free(old);
		if (model || fw || fw_old) {
			out->kind = model ? PS_LAB_PATH_MODEL : PS_LAB_PATH_FIRMWARE;
			out->model = m;
			out->version = model    ? NULL
				       : fw_old ? ps_lab_older_firmware(m)
						: ps_lab_target_firmware(m);
			return;
		}
	}
	/* /spa<MAC>.xml or /<MAC>.xml, top level only. */
	size_t n = strlen(name);
	if (strchr(name, '/') || n < 16 || !ps_str_ieq(name + n - 4, ".xml"))
		return;
	size_t stem = n - 4;
	if (!(stem == 12 || (stem == 15 && ps_strn_ieq(name, "spa", 3))))
		return;
	if (ps_lab_path_mac(name, out->mac) && strcspn(name, ".") == stem)
		out->kind = PS_LAB_PATH_DEVICE;
}

/* The log lines every profile sets alike (reference §1-2 defaults). */
/* Whether the model's firmware knows parameter `name` (profile/dict.h):
 * the lab's files set no parameter the phone would ignore. */
static bool knows(const struct ps_model *m, const char *name)
{
	unsigned index;
	return ps_dict_find(name, ps_dict_family(m), &index) != NULL;
}

static void log_params(struct ps_buf *b)
{
	ps_buf_puts(b, "  <Log_Resync_Request_Msg ua=\"na\">$PN $MAC -- Requesting resync "
		       "$SCHEME://$SERVIP:$PORT$PATH</Log_Resync_Request_Msg>\n"
		       "  <Log_Resync_Success_Msg ua=\"na\">$PN $MAC -- Successful resync "
		       "$SCHEME://$SERVIP:$PORT$PATH</Log_Resync_Success_Msg>\n"
		       "  <Log_Resync_Failure_Msg ua=\"na\">$PN $MAC -- Resync failed: "
		       "$ERR</Log_Resync_Failure_Msg>\n");
}

char *ps_lab_model_profile(const struct ps_model *m, const struct ps_lab_site *site)
{
	struct ps_buf b = { 0 };
	char *self = ps_lab_model_path(m);
	ps_buf_printf(&b,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<!-- provscope lab: model file for the %s %s, served as %s.\n"
		      "     The factory rule /spa$PSN.cfg finds it; it keeps the phone on this\n"
		      "     server over HTTPS and points it at its per-device file. -->\n"
		      "<flat-profile>\n",
		      m->vendor, m->product, self);
	ps_buf_puts(&b,
		    "  <Provision_Enable ua=\"na\">Yes</Provision_Enable>\n"
		    "  <Resync_On_Reset ua=\"na\">Yes</Resync_On_Reset>\n"
		    "  <Resync_Random_Delay ua=\"na\">2</Resync_Random_Delay>\n"
		    "  <Resync_Periodic ua=\"na\">3600</Resync_Periodic>\n"
		    "  <Resync_Error_Retry_Delay ua=\"na\">1800+300,3600+600,7200+900"
		    "</Resync_Error_Retry_Delay>\n"
		    "  <Forced_Resync_Delay ua=\"na\">14400</Forced_Resync_Delay>\n"
		    "  <Resync_From_SIP ua=\"na\">Yes</Resync_From_SIP>\n"
		    "  <Resync_After_Upgrade_Attempt ua=\"na\">Yes</Resync_After_Upgrade_Attempt>\n"
		    "  <Resync_Fails_On_FNF ua=\"na\">Yes</Resync_Fails_On_FNF>\n");
	ps_buf_printf(&b, "  <Profile_Rule ua=\"na\">https://%s:%u%s</Profile_Rule>\n", site->host,
		      site->port, m->factory_rule ? m->factory_rule : "/spa$PSN.cfg");
	ps_buf_printf(
	    &b, "  <Profile_Rule_B ua=\"na\">%s%s%shttps://%s:%u/spa$MA.xml</Profile_Rule_B>\n",
	    site->key ? "[--key " : "", site->key ? site->key : "", site->key ? "] " : "",
	    site->host, site->port);
	ps_buf_puts(&b, "  <Profile_Rule_C ua=\"na\"></Profile_Rule_C>\n"
			"  <Profile_Rule_D ua=\"na\"></Profile_Rule_D>\n");
	log_params(&b);
	ps_buf_puts(&b,
		    "  <Upgrade_Enable ua=\"na\">Yes</Upgrade_Enable>\n"
		    "  <Upgrade_Error_Retry_Delay ua=\"na\">3600</Upgrade_Error_Retry_Delay>\n");
	if (knows(m, "Primary_NTP_Server"))
		ps_buf_puts(&b,
			    "  <Primary_NTP_Server ua=\"na\">ntp.lab.test</Primary_NTP_Server>\n");
	ps_buf_puts(&b, "</flat-profile>\n");
	free(self);
	return ps_buf_take(&b);
}

char *ps_lab_device_profile(const struct ps_model *m, const char *mac,
			    const struct ps_lab_site *site)
{
	struct ps_buf b = { 0 };
	const struct ps_model *im =
	    site->image == PS_LAB_IMAGE_OTHER_MODEL ? ps_lab_other_family(m) : m;
	const char *iv = site->image == PS_LAB_IMAGE_OLDER ? ps_lab_older_firmware(m)
							   : ps_lab_target_firmware(im);
	char *fw = ps_lab_image_path(im, iv);
	const char *tail = mac + 6;
	/* An extension number of 4 digits from the MAC, stable per device. */
	unsigned ext = 2000 + (unsigned)(strtoul(tail, NULL, 16) % 8000);
	ps_buf_printf(&b,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<!-- provscope lab: per-device file of %s (%s %s), served as "
		      "/spa%s.xml. -->\n"
		      "<flat-profile>\n",
		      mac, m->vendor, m->product, mac);
	if (knows(m, "Station_Name"))
		ps_buf_printf(&b, "  <Station_Name ua=\"ro\">lab-%s-%s</Station_Name>\n", m->id,
			      tail);
	ps_buf_puts(&b, "  <Resync_Periodic ua=\"na\">86400</Resync_Periodic>\n"
			"  <Line_Enable_1_ ua=\"na\">Yes</Line_Enable_1_>\n"
			"  <Proxy_1_ ua=\"na\">sip.lab.test</Proxy_1_>\n"
			"  <Register_1_ ua=\"na\">Yes</Register_1_>\n"
			"  <Register_Expires_1_ ua=\"na\">3600</Register_Expires_1_>\n");
	ps_buf_printf(&b,
		      "  <Display_Name_1_ ua=\"rw\">Lab %u</Display_Name_1_>\n"
		      "  <User_ID_1_ ua=\"na\">%u</User_ID_1_>\n"
		      "  <Password_1_ ua=\"na\">lab-secret-%s</Password_1_>\n"
		      "  <Use_Auth_ID_1_ ua=\"na\">No</Use_Auth_ID_1_>\n",
		      ext, ext, tail);
	ps_buf_puts(&b, "  <Upgrade_Enable ua=\"na\">Yes</Upgrade_Enable>\n");
	/* A model that cannot upgrade over HTTPS gets the image over HTTP,
	 * where the lab listens on HTTP. */
	bool plain = !m->https_upgrade && site->http_port;
	ps_buf_printf(&b, "  <Upgrade_Rule ua=\"na\">($SWVER ne %s)? %s://%s:%u%s</Upgrade_Rule>\n",
		      iv, plain ? "http" : "https", site->host,
		      plain ? site->http_port : site->port, fw);
	ps_buf_puts(&b, "  <Log_Upgrade_Request_Msg ua=\"na\">$PN $MAC -- Requesting upgrade "
			"$SCHEME://$SERVIP:$PORT$PATH</Log_Upgrade_Request_Msg>\n"
			"</flat-profile>\n");
	free(fw);
	return ps_buf_take(&b);
}

unsigned char *ps_lab_firmware_image(const struct ps_model *m, const char *version,
				     const struct ps_model *declared, size_t *len)
{
	unsigned char *img = ps_xmalloc(FIRMWARE_SIZE);
	char *name = firmware_name(m, version);
	int h =
	    snprintf((char *)img, FIRMWARE_SIZE,
		     "provscope lab fake firmware %s %s %s (not a real image)\n", declared->vendor,
		     declared->product, declared == m ? version : ps_lab_target_firmware(declared));
	size_t at = h > 0 && (size_t)h < FIRMWARE_SIZE ? (size_t)h : 0;
	/* xorshift64, seeded from the name by FNV-1a: the same bytes every run. */
	uint64_t x = 1469598103934665603u;
	for (const char *p = name; *p; p++)
		x = (x ^ (unsigned char)*p) * 1099511628211u;
	for (; at < FIRMWARE_SIZE; at++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		img[at] = (unsigned char)(x >> 32);
	}
	free(name);
	*len = FIRMWARE_SIZE;
	return img;
}

char *ps_lab_index(const struct ps_lab_site *site)
{
	struct ps_buf b = { 0 };
	ps_buf_printf(&b,
		      "provscope lab provisioning server (https://%s:%u)\n\n"
		      "Model files (a verified device certificate is required over HTTPS):\n",
		      site->host, site->port);
	for (size_t i = 0; ps_model_at(i); i++) {
		const struct ps_model *m = ps_model_at(i);
		char *p = ps_lab_model_path(m);
		ps_buf_printf(&b, "  %-16s /%s.xml   %s %s\n", p, m->product, m->vendor,
			      m->product);
		free(p);
	}
	ps_buf_puts(&b, "\nPer-device files (only the device whose certificate carries the MAC):\n"
			"  /spa<mac>.xml     e.g. /spa000e08aabbcc.xml\n\nFirmware images:\n");
	for (size_t i = 0; ps_model_at(i); i++) {
		const struct ps_model *m = ps_model_at(i);
		char *p = ps_lab_firmware_path(m);
		ps_buf_printf(&b, "  %s   %s %s -> %s\n", p, m->product, m->firmware,
			      ps_lab_target_firmware(m));
		free(p);
	}
	return ps_buf_take(&b);
}

unsigned char *ps_lab_encrypt(const void *data, size_t len, const char *pass, bool sha256,
			      size_t *out_len)
{
	unsigned char kiv[48];
	size_t pad = 16 - len % 16, total = 16 + len + pad;
	unsigned char *out = ps_xmalloc(total);
	memcpy(out, "Salted__", 8);
	if (gnutls_rnd(GNUTLS_RND_NONCE, out + 8, 8) < 0 ||
	    ps_bytes_to_key(sha256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_MD5, pass, out + 8, kiv) < 0) {
		free(out);
		return NULL;
	}
	memcpy(out + 16, data, len);
	memset(out + 16 + len, (int)pad, pad);
	gnutls_datum_t key = { kiv, 32 }, iv = { kiv + 32, 16 };
	gnutls_cipher_hd_t c;
	int rc = gnutls_cipher_init(&c, GNUTLS_CIPHER_AES_256_CBC, &key, &iv);
	gnutls_memset(kiv, 0, sizeof kiv);
	if (rc >= 0) {
		rc = gnutls_cipher_encrypt(c, out + 16, len + pad);
		gnutls_cipher_deinit(c);
	}
	if (rc < 0) {
		free(out);
		return NULL;
	}
	*out_len = total;
	return out;
}

int ps_lab_dir_read(const char *root, const char *path, size_t cap, unsigned char **data,
		    size_t *len, char **why)
{
	*data = NULL;
	*len = 0;
	if (path[0] != '/' || strstr(path, "//") || strchr(path, '\\')) {
		*why = ps_xstrdup("the path must be one absolute path without '//' or '\\'");
		return 403;
	}
	/* Every component: no "..", no "." (nothing to hide, but no tricks either). */
	for (const char *p = path + 1; *p;) {
		size_t n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			*why = ps_xstrdup("'.' and '..' are not allowed in the path");
			return 403;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (strcmp(path, "/") == 0) {
		*why = ps_xstrdup("no directory listings");
		return 404;
	}
	char *full = ps_xasprintf("%s%s", root, path);
	char *real = realpath(full, NULL);
	free(full);
	if (!real) {
		int e = errno;
		*why = ps_xasprintf("no such file (%s)", strerror(e));
		return e == EACCES ? 403 : 404;
	}
	size_t rl = strlen(root);
	if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && !(rl == 1 && root[0] == '/'))) {
		*why = ps_xstrdup("the name leads out of the served directory (a symbolic link)");
		free(real);
		return 403;
	}
	char *err = NULL;
	enum ps_read_status rs = ps_read_file_ex(real, cap, PS_READ_REGULAR, data, len, &err);
	free(real);
	free(err);
	switch (rs) {
	case PS_READ_OK:
		return 200;
	case PS_READ_DENIED:
		*why = ps_xstrdup("the file may not be read");
		return 403;
	case PS_READ_MISSING:
		*why = ps_xstrdup("no such file");
		return 404;
	case PS_READ_NOT_FILE:
		*why = ps_xstrdup("not a regular file");
		return 404;
	case PS_READ_TOO_BIG:
		*why = ps_xasprintf("the file is over the %zu-byte cap", cap);
		return 413;
	case PS_READ_FAILED:
		break;
	}
	*why = ps_xstrdup("the file could not be read whole");
	return 500;
}
