/* What the lab serves: built-in sample profiles for every catalogue model
 * (a model file and a per-device file, XML flat-profiles), small fake
 * firmware images, the openssl-enc encryption of a profile, and files read
 * safely from a directory given with --dir. Everything here is pure except
 * ps_lab_dir_read, which only reads.
 *
 * Built-in paths:
 *   /                          a plain-text index
 *   /spa<PSN>.cfg, /<PN>.xml   the model file, e.g. /spa942.cfg, /SPA942.xml
 *                              (case-insensitive: /spa504G.cfg is $PSN's case)
 *   /spa<MAC>.xml              the per-device file, e.g. /spa000e08aabbcc.xml
 *   /firmware/<image>          the model's fake firmware, e.g.
 *                              /firmware/spa942-6-1-5b.bin */
#ifndef PS_LAB_PROFILES_H
#define PS_LAB_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "phone/catalogue.h"

/* The passphrase of encrypted per-device files (openssl enc -k), which
 * the model file's Profile_Rule_B hands to the phone as [--key ...]; give
 * it to provscope with --profile-key. */
#define PS_LAB_PROFILE_KEY "provscope-lab-profile-key"
/* The passphrase the wrong-profile-key fault encrypts with instead. */
#define PS_LAB_WRONG_PROFILE_KEY "provscope-lab-some-other-key"

/* Which firmware a per-device file's Upgrade_Rule names. */
enum ps_lab_image {
	PS_LAB_IMAGE_OWN,         /* the model's own, newer than its catalogue firmware */
	PS_LAB_IMAGE_OTHER_MODEL, /* another model family's (fault wrong-model-image) */
	PS_LAB_IMAGE_OLDER,       /* the model's own, older (fault downgrade) */
};

/* Where the URLs written into profiles point. */
struct ps_lab_site {
	const char *host; /* host name or address as in a URL (IPv6 in brackets) */
	unsigned port;    /* the lab's HTTPS port */
	const char *key;  /* NULL: Profile_Rule_B is plain; else it carries [--key key] */
	enum ps_lab_image image;
	/* The lab's HTTP port, 0 when it has none: a model that cannot upgrade
	 * over HTTPS is sent its image over HTTP there. */
	unsigned http_port;
};

/* What a built-in path names. */
enum ps_lab_path_kind {
	PS_LAB_PATH_UNKNOWN,
	PS_LAB_PATH_INDEX,    /* "/" */
	PS_LAB_PATH_MODEL,    /* a model file */
	PS_LAB_PATH_DEVICE,   /* a per-device file */
	PS_LAB_PATH_FIRMWARE, /* a firmware image */
};

struct ps_lab_path {
	enum ps_lab_path_kind kind;
	const struct ps_model *model; /* MODEL and FIRMWARE: the catalogue row */
	const char *version;          /* FIRMWARE: the image's version (static) */
	char mac[13];                 /* DEVICE: the MAC in the name, lower case */
};

/* Classify a request path (already URL-decoded, without the query). */
void ps_lab_path_classify(const char *path, struct ps_lab_path *out);

/* The MAC a file name is for: the part of the last path component before
 * its first '.' ends with 12 hex digits ("spa000e08aabbcc.xml",
 * "000E08AABBCC.cfg", "cfg-000e08aabbcc.xml.enc"). Fills `mac` in lower
 * case; false when the name is not a per-device one. */
bool ps_lab_path_mac(const char *path, char mac[13]);

/* The firmware version the lab's Upgrade_Rule moves a model to (static):
 * "6.1.5(b)" for the Linksys SPA9x2 (their catalogue firmware is 6.1.5(a)),
 * "7.6.2" for the Cisco models (7.5.5). */
const char *ps_lab_target_firmware(const struct ps_model *m);
/* An older firmware of the model (static), which the downgrade fault
 * sends: "5.2.8(a)" for the Linksys SPA9x2, "7.4.9" for the Cisco models. */
const char *ps_lab_older_firmware(const struct ps_model *m);
/* A model of another family than `m`'s, whose image the wrong-model-image
 * fault sends. */
const struct ps_model *ps_lab_other_family(const struct ps_model *m);
/* "/spa942.cfg" and "/firmware/spa942-6-1-5b.bin" (the image of the
 * target firmware; of `version` for ps_lab_image_path); caller frees. */
char *ps_lab_model_path(const struct ps_model *m);
char *ps_lab_firmware_path(const struct ps_model *m);
char *ps_lab_image_path(const struct ps_model *m, const char *version);

/* The model file: Profile_Rule back to itself, Profile_Rule_B to the
 * per-device file (with [--key] when site->key), resync timers, upgrade
 * switches. Caller frees. */
char *ps_lab_model_profile(const struct ps_model *m, const struct ps_lab_site *site);
/* The per-device file for `mac` (12 lower-case hex digits) on model `m`:
 * station name, line 1, and a conditional Upgrade_Rule that a phone at the
 * catalogue firmware takes. Caller frees. */
char *ps_lab_device_profile(const struct ps_model *m, const char *mac,
			    const struct ps_lab_site *site);
/* A fake firmware image of `m` at `version`: a text header naming the
 * model it is for (`declared`, normally `m`), then deterministic bytes;
 * 6 KiB. Caller frees. */
unsigned char *ps_lab_firmware_image(const struct ps_model *m, const char *version,
				     const struct ps_model *declared, size_t *len);
/* The plain-text index of "/". Caller frees. */
char *ps_lab_index(const struct ps_lab_site *site);

/* `len` bytes encrypted the way `openssl enc -aes-256-cbc -salt -k PASS
 * -md md5|sha256` does: "Salted__", a random 8-byte salt, AES-256-CBC with
 * PKCS#7 padding, key and IV from EVP_BytesToKey(digest, salt, pass, 1).
 * Returns the bytes (caller frees) and their length, NULL when GnuTLS
 * fails. */
unsigned char *ps_lab_encrypt(const void *data, size_t len, const char *pass, bool sha256,
			      size_t *out_len);

/* Read the file that URL path `path` names under directory `root` (an
 * absolute path without symbolic links, as realpath gives). Refused: ".."
 * components, "//", a backslash, a name that resolves outside root (a
 * symbolic link going out), anything but a regular file, a file over
 * `cap` bytes. Returns 200 with the bytes (caller frees, NUL-terminated),
 * or 403, 404, 413 or 500 with a reason in `*why` (caller frees). */
int ps_lab_dir_read(const char *root, const char *path, size_t cap, unsigned char **data,
		    size_t *len, char **why);

#endif
