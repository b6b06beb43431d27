/* Phone identity and its macros (see identity.h). */
#include "config.h"

#include "phone/identity.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rules/macro.h"

static void derive(struct ps_identity *id)
{
	for (int i = 0; i < 12; i++) {
		char c = id->mac[i];
		id->mau[i] = (c >= 'a' && c <= 'f') ? (char)(c - 'a' + 'A') : c;
	}
	id->mau[12] = '\0';
	size_t k = 0;
	for (int i = 0; i < 12; i++) {
		if (i && i % 2 == 0)
			id->mac_colons[k++] = ':';
		id->mac_colons[k++] = id->mac[i];
	}
	id->mac_colons[k] = '\0';
}

void ps_identity_init(struct ps_identity *id, const struct ps_model *model)
{
	memset(id, 0, sizeof *id);
	id->model = model;
	if (!model->mac || !ps_mac_normalize(model->mac, id->mac)) {
		memcpy(id->mac, model->mac_prefix, 6);
		memcpy(id->mac + 6, "aabbcc", 7);
	}
	id->serial = ps_xstrdup(model->serial);
	id->firmware = ps_xstrdup(model->firmware);
	derive(id);
}

void ps_identity_clear(struct ps_identity *id)
{
	free(id->serial);
	free(id->firmware);
	memset(id, 0, sizeof *id);
}

bool ps_mac_normalize(const char *text, char out[13])
{
	char hex[13];
	size_t n = 0;
	for (const char *p = text; p && *p; p++) {
		char c = *p;
		if (c == ':' || c == '-' || c == '.')
			continue;
		c = ps_ascii_lower(c);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || n >= 12)
			return false;
		hex[n++] = c;
	}
	if (n != 12)
		return false;
	hex[12] = '\0';
	memcpy(out, hex, 13);
	return true;
}

bool ps_identity_set_mac(struct ps_identity *id, const char *text)
{
	if (!ps_mac_normalize(text, id->mac))
		return false;
	derive(id);
	return true;
}

void ps_identity_set_serial(struct ps_identity *id, const char *serial)
{
	free(id->serial);
	id->serial = ps_xstrdup(serial);
}

void ps_identity_set_firmware(struct ps_identity *id, const char *fw)
{
	free(id->firmware);
	id->firmware = ps_xstrdup(fw);
}

const char *ps_identity_macro(const struct ps_identity *id, const char *name)
{
	if (strcmp(name, "MA") == 0)
		return id->mac;
	if (strcmp(name, "MAU") == 0)
		return id->mau;
	if (strcmp(name, "MAC") == 0)
		return id->mac_colons;
	if (strcmp(name, "PN") == 0)
		return id->model->product;
	if (strcmp(name, "PSN") == 0)
		return id->model->psn;
	if (strcmp(name, "SN") == 0)
		return id->serial;
	if (strcmp(name, "SWVER") == 0)
		return id->firmware;
	return NULL;
}

static const char *identity_lookup(void *ctx, const char *name)
{
	return ps_identity_macro(ctx, name);
}

char *ps_identity_user_agent(const struct ps_identity *id)
{
	char *ua = ps_macro_expand(id->model->ua_format, identity_lookup, (void *)id);
	/* The callers refuse such values; a header never carries one anyway. */
	for (char *p = ua; (p = (char *)ps_first_control(p));)
		*p = '?';
	return ua;
}
