/* TLS record reader and message decoders (see tlswire.h). */
#include "config.h"

#include "tlswire/tlswire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define REC_MAX (16384 + 2048) /* TLSCiphertext limit */
#define HS_MAX (1u << 20)      /* larger handshake messages are not followed */

void ps_wire_init(struct ps_wire *w, ps_wire_fn fn, void *ctx)
{
	memset(w, 0, sizeof *w);
	w->fn = fn;
	w->ctx = ctx;
}

void ps_wire_free(struct ps_wire *w)
{
	for (int d = 0; d < 2; d++) {
		free(w->dir[d].rec);
		free(w->dir[d].hs);
	}
	memset(w, 0, sizeof *w);
}

static void emit(struct ps_wire *w, enum ps_dir dir, enum ps_wire_kind kind, unsigned ver,
		 unsigned hs_type, const unsigned char *body, size_t len)
{
	struct ps_wire_event ev = {
		.kind = kind, .record_version = ver, .hs_type = hs_type, .body = body, .len = len
	};
	w->fn(w->ctx, dir, &ev);
}

static void handshake_bytes(struct ps_wire *w, enum ps_dir dir, unsigned ver,
			    const unsigned char *p, size_t n)
{
	struct ps_wire_dir *d = &w->dir[dir];
	/* An empty record adds nothing (and d->hs may still be NULL). */
	if (n == 0)
		return;
	if (d->hs_len + n > HS_MAX) {
		d->hs_len = 0;
		return;
	}
	if (d->hs_len + n > d->hs_cap) {
		d->hs_cap = d->hs_len + n + 1024;
		d->hs = ps_xrealloc(d->hs, d->hs_cap);
	}
	memcpy(d->hs + d->hs_len, p, n);
	d->hs_len += n;
	size_t off = 0;
	while (d->hs_len - off >= 4) {
		const unsigned char *m = d->hs + off;
		size_t len = ((size_t)m[1] << 16) | ((size_t)m[2] << 8) | m[3];
		if (d->hs_len - off < 4 + len)
			break;
		emit(w, dir, PS_WIRE_HANDSHAKE, ver, m[0], m + 4, len);
		off += 4 + len;
	}
	memmove(d->hs, d->hs + off, d->hs_len - off);
	d->hs_len -= off;
}

static void record(struct ps_wire *w, enum ps_dir dir, unsigned type, unsigned ver,
		   const unsigned char *p, size_t n)
{
	struct ps_wire_dir *d = &w->dir[dir];
	switch (type) {
	case 20:
		emit(w, dir, PS_WIRE_CCS, ver, 0, p, n);
		d->encrypted = true;
		d->hs_len = 0;
		break;
	case 21:
		emit(w, dir, d->encrypted ? PS_WIRE_ENC_ALERT : PS_WIRE_ALERT, ver, 0, p, n);
		break;
	case 22:
		if (d->encrypted)
			emit(w, dir, PS_WIRE_ENC_HANDSHAKE, ver, 0, p, n);
		else
			handshake_bytes(w, dir, ver, p, n);
		break;
	default:
		emit(w, dir, PS_WIRE_APPDATA, ver, 0, p, n);
		break;
	}
}

/* Move what is still missing of a `want`-byte field (`*have` there) from
 * the input into `dst`, as much as there is. */
static void take(unsigned char *dst, size_t *have, size_t want, const unsigned char **data,
		 size_t *n)
{
	size_t k = want - *have < *n ? want - *have : *n;
	memcpy(dst + *have, *data, k);
	*have += k;
	*data += k;
	*n -= k;
}

void ps_wire_feed(struct ps_wire *w, enum ps_dir dir, const unsigned char *data, size_t n)
{
	struct ps_wire_dir *d = &w->dir[dir];
	while (n && !d->dead) {
		if (d->hdr_have < 5) {
			take(d->hdr, &d->hdr_have, 5, &data, &n);
			if (d->hdr_have < 5)
				return;
			unsigned type = d->hdr[0];
			size_t len = ((size_t)d->hdr[3] << 8) | d->hdr[4];
			if (type < 20 || type > 24 || d->hdr[1] != 3 || len > REC_MAX) {
				d->dead = true;
				unsigned char bytes[5 + 64];
				memcpy(bytes, d->hdr, 5);
				size_t more = n < 64 ? n : 64;
				memcpy(bytes + 5, data, more);
				emit(w, dir, PS_WIRE_NOT_TLS, 0, 0, bytes, 5 + more);
				return;
			}
			d->rec_need = len;
			d->rec_have = 0;
			d->rec = ps_xrealloc(d->rec, len ? len : 1);
		}
		take(d->rec, &d->rec_have, d->rec_need, &data, &n);
		if (d->rec_have == d->rec_need) {
			unsigned ver = ((unsigned)d->hdr[1] << 8) | d->hdr[2];
			d->hdr_have = 0;
			record(w, dir, d->hdr[0], ver, d->rec, d->rec_need);
		}
	}
}

/* A bounds-checked reader. */
struct rd {
	const unsigned char *p;
	size_t n;
	bool bad;
};

static const unsigned char *rd_skip(struct rd *r, size_t bytes)
{
	if (r->bad || r->n < bytes) {
		r->bad = true;
		return NULL;
	}
	const unsigned char *at = r->p;
	r->p += bytes;
	r->n -= bytes;
	return at;
}

/* A big-endian integer of `bytes` bytes; 0 (and bad) past the end. */
static unsigned rd_u(struct rd *r, size_t bytes)
{
	const unsigned char *p = rd_skip(r, bytes);
	unsigned v = 0;
	for (size_t i = 0; p && i < bytes; i++)
		v = (v << 8) | p[i];
	return v;
}

/* The highest of `cur` and the versions in a supported_versions extension
 * body (RFC 8446 4.2.1: a length byte, then two bytes a version) that are
 * SSL 3.0 to TLS 1.3. */
static unsigned highest_supported(const unsigned char *v, size_t n, unsigned cur)
{
	struct rd r = { v, n, false };
	size_t len = rd_u(&r, 1);
	if (len > r.n)
		len = r.n; /* a list longer than the extension: what is there */
	struct rd l = { r.p, len, false };
	while (l.n >= 2) {
		unsigned ver = rd_u(&l, 2);
		if (ver >> 8 == 3 && (ver & 0xff) <= 4 && ver > cur)
			cur = ver;
	}
	return cur;
}

static unsigned *ext_append(unsigned *list, size_t *n, unsigned type)
{
	list = ps_xrealloc(list, (*n + 1) * sizeof *list);
	list[(*n)++] = type;
	return list;
}

bool ps_grease(unsigned v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A list of `width`-byte values after a `lenbytes`-byte length, as much of
 * it as the body holds. */
static unsigned *list_of(const unsigned char *v, size_t n, size_t lenbytes, size_t width,
			 size_t *count)
{
	struct rd r = { v, n, false };
	size_t len = rd_u(&r, lenbytes);
	if (len > r.n)
		len = r.n;
	struct rd l = { r.p, len, false };
	unsigned *out = NULL;
	*count = 0;
	while (l.n >= width)
		out = ext_append(out, count, rd_u(&l, width));
	return out;
}

/* The host_name of a server_name body (RFC 6066 3), NULL when none. */
static char *sni_of(const unsigned char *v, size_t n)
{
	struct rd r = { v, n, false };
	size_t list = rd_u(&r, 2);
	struct rd l = { rd_skip(&r, list), list, false };
	while (!r.bad && !l.bad && l.n >= 3) {
		unsigned type = rd_u(&l, 1);
		size_t len = rd_u(&l, 2);
		const unsigned char *name = rd_skip(&l, len);
		if (!l.bad && type == 0)
			return ps_xstrndup((const char *)name, len);
	}
	return NULL;
}

/* The first protocol of an ALPN body (RFC 7301 3.1), NULL when none. */
static char *alpn_of(const unsigned char *v, size_t n)
{
	struct rd r = { v, n, false };
	rd_u(&r, 2);
	size_t len = rd_u(&r, 1);
	const unsigned char *p = rd_skip(&r, len);
	return r.bad || !len ? NULL : ps_xstrndup((const char *)p, len);
}

/* What fingerprints read of one extension. */
static void client_extension(struct ps_client_hello *out, unsigned type, const unsigned char *v,
			     size_t len)
{
	switch (type) {
	case 0:
		if (!out->sni)
			out->sni = sni_of(v, len);
		break;
	case 10:
		free(out->groups);
		out->groups = list_of(v, len, 2, 2, &out->n_groups);
		break;
	case 11:
		free(out->point_formats);
		out->point_formats = list_of(v, len, 1, 1, &out->n_point_formats);
		break;
	case 13:
		free(out->sig_algs);
		out->sig_algs = list_of(v, len, 2, 2, &out->n_sig_algs);
		break;
	case 16:
		if (!out->alpn)
			out->alpn = alpn_of(v, len);
		break;
	case 43:
		free(out->versions);
		out->versions = list_of(v, len, 1, 2, &out->n_versions);
		break;
	default:
		break;
	}
}

bool ps_parse_client_hello(const unsigned char *b, size_t n, struct ps_client_hello *out)
{
	struct rd r = { b, n, false };
	memset(out, 0, sizeof *out);
	out->version = out->max_version = rd_u(&r, 2);
	rd_skip(&r, 32);
	size_t sid = rd_u(&r, 1);
	rd_skip(&r, sid);
	out->session_id = sid > 0;
	size_t sl = rd_u(&r, 2);
	const unsigned char *s = rd_skip(&r, sl);
	if (r.bad || sl % 2)
		return false;
	out->n_suites = sl / 2;
	out->suites = ps_xcalloc(out->n_suites, sizeof *out->suites);
	for (size_t i = 0; i < out->n_suites; i++)
		out->suites[i] = ((unsigned)s[2 * i] << 8) | s[2 * i + 1];
	size_t cl = rd_u(&r, 1);
	const unsigned char *cm = rd_skip(&r, cl);
	for (size_t i = 0; cm && i < cl; i++)
		out->compressions = ext_append(out->compressions, &out->n_compressions, cm[i]);
	if (r.bad) {
		ps_client_hello_free(out);
		return false;
	}
	if (r.n >= 2) {
		size_t el = rd_u(&r, 2);
		struct rd e = { rd_skip(&r, el), el, false };
		if (r.bad) {
			ps_client_hello_free(out);
			return false;
		}
		while (e.n >= 4) {
			unsigned type = rd_u(&e, 2);
			size_t len = rd_u(&e, 2);
			const unsigned char *v = rd_skip(&e, len);
			if (e.bad)
				break;
			if (type == 43)
				out->max_version = highest_supported(v, len, out->max_version);
			client_extension(out, type, v, len);
			out->ext_data = ps_xrealloc(out->ext_data, (out->n_extensions + 1) *
								       sizeof *out->ext_data);
			char *hex = ps_xmalloc(2 * len + 1);
			for (size_t i = 0; i < len; i++)
				snprintf(hex + 2 * i, 3, "%02x", v[i]);
			hex[2 * len] = '\0';
			out->ext_data[out->n_extensions] = hex;
			out->extensions = ext_append(out->extensions, &out->n_extensions, type);
		}
	}
	return true;
}

bool ps_parse_client_hello_v2(const unsigned char *b, size_t n, struct ps_client_hello *out)
{
	memset(out, 0, sizeof *out);
	if (n < 8)
		return false;
	size_t specs = (size_t)b[2] << 8 | b[3], sid = (size_t)b[4] << 8 | b[5],
	       chal = (size_t)b[6] << 8 | b[7];
	if (specs % 3 || 8 + specs + sid + chal != n)
		return false;
	out->version = out->max_version = (unsigned)b[0] << 8 | b[1];
	out->sslv2 = true;
	out->session_id = sid > 0;
	out->suites = ps_xcalloc(specs / 3 + 1, sizeof *out->suites);
	for (size_t i = 0; i < specs / 3; i++) {
		const unsigned char *c = b + 8 + 3 * i;
		if (c[0] == 0)
			out->suites[out->n_suites++] = (unsigned)c[1] << 8 | c[2];
	}
	out->compressions = ext_append(out->compressions, &out->n_compressions, 0);
	return true;
}

void ps_client_hello_free(struct ps_client_hello *ch)
{
	for (size_t i = 0; ch->ext_data && i < ch->n_extensions; i++)
		free(ch->ext_data[i]);
	free(ch->ext_data);
	free(ch->suites);
	free(ch->extensions);
	free(ch->compressions);
	free(ch->groups);
	free(ch->point_formats);
	free(ch->sig_algs);
	free(ch->versions);
	free(ch->sni);
	free(ch->alpn);
	memset(ch, 0, sizeof *ch);
}

bool ps_parse_server_hello(const unsigned char *b, size_t n, struct ps_server_hello *out)
{
	struct rd r = { b, n, false };
	memset(out, 0, sizeof *out);
	out->version = rd_u(&r, 2);
	rd_skip(&r, 32);
	rd_skip(&r, rd_u(&r, 1));
	out->suite = rd_u(&r, 2);
	out->compression = rd_u(&r, 1);
	if (r.bad)
		return false;
	out->real_version = out->version;
	if (r.n >= 2) {
		size_t el = rd_u(&r, 2);
		struct rd e = { rd_skip(&r, el), el, false };
		while (!r.bad && e.n >= 4) {
			unsigned type = rd_u(&e, 2);
			size_t len = rd_u(&e, 2);
			const unsigned char *v = rd_skip(&e, len);
			if (e.bad)
				break;
			if (type == 43 && len == 2)
				out->real_version = ((unsigned)v[0] << 8) | v[1];
			out->extensions = ext_append(out->extensions, &out->n_extensions, type);
		}
	}
	return true;
}

void ps_server_hello_free(struct ps_server_hello *sh)
{
	free(sh->extensions);
	memset(sh, 0, sizeof *sh);
}

bool ps_parse_cert_request(const unsigned char *b, size_t n, bool tls12,
			   struct ps_cert_request *out)
{
	struct rd r = { b, n, false };
	memset(out, 0, sizeof *out);
	size_t nt = rd_u(&r, 1);
	const unsigned char *t = rd_skip(&r, nt);
	if (tls12)
		rd_skip(&r, rd_u(&r, 2));
	size_t cl = rd_u(&r, 2);
	struct rd c = { rd_skip(&r, cl), cl, false };
	if (r.bad)
		return false;
	out->n_types = nt;
	out->types = ps_xcalloc(nt, sizeof *out->types);
	for (size_t i = 0; i < nt; i++)
		out->types[i] = t[i];
	while (c.n >= 2) {
		size_t len = rd_u(&c, 2);
		const unsigned char *dn = rd_skip(&c, len);
		if (c.bad)
			break;
		out->cas = ps_xrealloc(out->cas, (out->n_cas + 1) * sizeof *out->cas);
		out->cas[out->n_cas].der = dn;
		out->cas[out->n_cas++].len = len;
	}
	return true;
}

void ps_cert_request_free(struct ps_cert_request *cr)
{
	free(cr->types);
	free(cr->cas);
	memset(cr, 0, sizeof *cr);
}

unsigned ps_parse_dhe_bits(const unsigned char *b, size_t n)
{
	struct rd r = { b, n, false };
	size_t len = rd_u(&r, 2);
	const unsigned char *p = rd_skip(&r, len);
	if (r.bad)
		return 0;
	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (!len)
		return 0;
	unsigned bits = (unsigned)(len - 1) * 8;
	for (unsigned v = *p; v; v >>= 1)
		bits++;
	return bits;
}

bool ps_parse_first_certificate(const unsigned char *b, size_t n, const unsigned char **der,
				size_t *len)
{
	struct rd r = { b, n, false };
	size_t total = rd_u(&r, 3);
	const unsigned char *list = rd_skip(&r, total);
	if (r.bad)
		return false;
	struct rd c = { list, total, false };
	size_t l = rd_u(&c, 3);
	const unsigned char *p = rd_skip(&c, l);
	if (c.bad || !l)
		return false;
	*der = p;
	*len = l;
	return true;
}

long ps_parse_certificate_count13(const unsigned char *b, size_t n)
{
	struct rd r = { b, n, false };
	rd_skip(&r, rd_u(&r, 1)); /* certificate_request_context */
	size_t len = rd_u(&r, 3);
	struct rd l = { rd_skip(&r, len), len, false };
	if (r.bad)
		return -1;
	long count = 0;
	while (l.n) {
		rd_skip(&l, rd_u(&l, 3)); /* cert_data */
		rd_skip(&l, rd_u(&l, 2)); /* extensions */
		if (l.bad)
			break;
		count++;
	}
	return count;
}

long ps_parse_certificate_count(const unsigned char *b, size_t n)
{
	struct rd r = { b, n, false };
	size_t total = rd_u(&r, 3);
	struct rd c = { rd_skip(&r, total), total, false };
	if (r.bad)
		return -1;
	long count = 0;
	while (c.n > 0) {
		rd_skip(&c, rd_u(&c, 3));
		if (c.bad)
			return -1;
		count++;
	}
	return count;
}
