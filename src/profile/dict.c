/* The parameter dictionary's look-ups and value checks (see dict.h). */
#include "config.h"

#include "profile/dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "profile/params.h"
#include "rules/rule.h"

unsigned ps_dict_family(const struct ps_model *m)
{
	if (m && m->based_on) {
		const struct ps_model *b = ps_model_find(m->based_on);
		if (b && b != m)
			m = b;
	}
	if (!m || !m->family)
		return 0;
	static const struct {
		const char *family;
		unsigned bit;
	} map[] = {
		{ "SPA9x2", PS_FAM_SPA9XX },  { "SPA30x", PS_FAM_SPA5XX },
		{ "SPA50x", PS_FAM_SPA5XX },  { "SPA51x", PS_FAM_SPA5XX },
		{ "SPA525", PS_FAM_SPA5XX },  { "PAP2T", PS_FAM_ATA },
		{ "SPA2102", PS_FAM_ATA },    { "SPA3102", PS_FAM_ATA },
		{ "SPA8000", PS_FAM_ATA },    { "SPA1x2", PS_FAM_SPA1XX },
		{ "SPA232D", PS_FAM_SPA1XX },
	};
	/* The SPA901 runs the older 5.1 engine: no dump of it is known, and
	 * WAZO's spa-phone.xml gives it ATA settings ("SPA901/ATA specific"),
	 * so it is checked against both families' names. */
	if (strcmp(m->family, "SPA901") == 0)
		return PS_FAM_SPA9XX | PS_FAM_ATA;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(m->family, map[i].family) == 0)
			return map[i].bit;
	return 0;
}

const char *ps_dict_family_name(unsigned fams, char *buf, size_t size)
{
	static const char *const names[] = { "SPA9x2", "SPA3xx/5xx", "Linksys ATA", "SPA1xx" };
	size_t at = 0;
	unsigned n = 0, k = 0;
	for (unsigned i = 0; i < 4; i++)
		n += (fams >> i) & 1u;
	if (size)
		buf[0] = '\0';
	for (unsigned i = 0; i < 4; i++) {
		if (!((fams >> i) & 1u))
			continue;
		k++;
		const char *sep = k == 1 ? "" : k == n ? " and " : ", ";
		int w = snprintf(buf + at, size > at ? size - at : 0, "%s%s", sep, names[i]);
		if (w > 0)
			at += (size_t)w;
	}
	return buf;
}

/* The first entry named `name` (binary search; entries are sorted by
 * name with strcmp), or ps_dict_count. */
static size_t first_named(const char *name)
{
	size_t lo = 0, hi = ps_dict_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ps_dict[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ps_dict_count && strcmp(ps_dict[lo].name, name) == 0 ? lo : ps_dict_count;
}

static const struct ps_pdef *find_form(const char *name, bool indexed, unsigned fams)
{
	for (size_t i = first_named(name); i < ps_dict_count && strcmp(ps_dict[i].name, name) == 0;
	     i++)
		if (!!(ps_dict[i].flags & PS_PD_INDEXED) == indexed && (ps_dict[i].fams & fams))
			return &ps_dict[i];
	return NULL;
}

size_t ps_dict_stem_len(const char *name, unsigned *index)
{
	*index = 0;
	size_t n = strlen(name);
	if (n < 4 || name[n - 1] != '_')
		return 0;
	size_t e = n - 1, s = e;
	while (s > 0 && name[s - 1] >= '0' && name[s - 1] <= '9')
		s--;
	/* the stem must not end with '_' itself; "01" is not "1": the phone
	 * compares names exactly */
	if (s == e || s < 2 || name[s - 1] != '_' || name[s - 2] == '_' || e - s > 4 ||
	    (name[s] == '0' && e - s > 1))
		return 0;
	*index = (unsigned)strtoul(name + s, NULL, 10);
	return s - 1;
}

const struct ps_pdef *ps_dict_find(const char *name, unsigned fams, unsigned *index)
{
	*index = 0;
	const struct ps_pdef *d = find_form(name, false, fams);
	if (d)
		return d;
	/* NAME_n_ */
	unsigned idx;
	size_t k = ps_dict_stem_len(name, &idx);
	char stem[128];
	if (!k || k >= sizeof stem)
		return NULL;
	memcpy(stem, name, k);
	stem[k] = '\0';
	d = find_form(stem, true, fams);
	if (d)
		*index = idx;
	return d;
}

const char *ps_ptype_name(enum ps_ptype t)
{
	static const char *const names[] = { "string", "Yes/No", "integer", "enumeration",
					     "rule",   "URL",    "time",    "secret" };
	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "string";
}

enum ps_ptype ps_pdef_type(const struct ps_pdef *d, const char *name)
{
	if (ps_param_is_secret(name))
		return PS_PT_SECRET;
	return (enum ps_ptype)d->type;
}

const char *ps_pdef_name(const struct ps_pdef *d, unsigned index, char *buf, size_t size)
{
	if (d->flags & PS_PD_INDEXED)
		snprintf(buf, size, "%s_%u_", d->name, index ? index : 1);
	else
		snprintf(buf, size, "%s", d->name);
	return buf;
}

/* Whether the value is not for provscope to judge: a macro the phone
 * expands, or a server-side placeholder. */
static bool opaque(const char *v)
{
	return strchr(v, '$') || ps_value_has_placeholder(v);
}

static bool word_in(const char *v, const char *words)
{
	size_t n = strlen(v);
	for (const char *w = words; *w;) {
		size_t k = strcspn(w, "|");
		if (k == n && ps_strn_ieq(w, v, n))
			return true;
		w += k;
		if (*w == '|')
			w++;
	}
	return false;
}

/* A number as the guides allow it (LPG 2-20): decimal, or hex "0x..";
 * a sign for signed ones. False when it is none or too long. */
static bool parse_number(const char *v, long long *x)
{
	const char *p = v;
	bool neg = *p == '-';
	if (neg) /* a sign only for a negative number (Sig<n>: LPG 2-20) */
		p++;
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p || strlen(p) > 15)
		return false;
	long long r = 0;
	for (; *p; p++) {
		int d = *p >= '0' && *p <= '9'                 ? *p - '0'
			: base == 16 && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			: base == 16 && *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
							       : -1;
		if (d < 0)
			return false;
		r = r * base + d;
	}
	*x = neg ? -r : r;
	return true;
}

/* The spec of an integer: "MIN..MAX UNIT [list]", MIN and MAX optional. */
struct int_spec {
	long long lo, hi;
	bool has_lo, has_hi;
	char unit[16];
};

static void read_int_spec(const char *spec, struct int_spec *s)
{
	memset(s, 0, sizeof *s);
	const char *dots = spec ? strstr(spec, "..") : NULL;
	if (!dots)
		return;
	char *end;
	if (dots > spec) {
		s->lo = strtoll(spec, &end, 10);
		s->has_lo = end == dots;
	}
	const char *h = dots + 2;
	if ((*h >= '0' && *h <= '9') || (*h == '-' && h[1] >= '0' && h[1] <= '9')) {
		s->hi = strtoll(h, &end, 10);
		s->has_hi = true;
		h = end;
	}
	while (*h == ' ')
		h++;
	size_t n = strcspn(h, " ");
	if (n < sizeof s->unit && strncmp(h, "list", 4) != 0)
		memcpy(s->unit, h, n);
}

/* With no bounds given: an unsigned 32-bit number, the widest the guides'
 * data types name (Uns32, LPG 2-20). */
#define UNS32_MAX 4294967295LL

static bool int_ok(const char *v, const char *spec)
{
	struct int_spec s;
	read_int_spec(spec, &s);
	long long x;
	if (!parse_number(v, &x))
		return false;
	if (v[0] == '-' && (!s.has_lo || s.lo >= 0))
		return false;
	return (!s.has_lo || x >= s.lo) && (s.has_hi ? x <= s.hi : x <= UNS32_MAX);
}

/* "a whole number of seconds from 0 to 65535", from the spec. */
static char *int_phrase(const char *spec)
{
	struct int_spec s;
	read_int_spec(spec, &s);
	const char *unit = s.unit;
	const char *u = !*unit                     ? ""
			: strcmp(unit, "s") == 0   ? " of seconds"
			: strcmp(unit, "ms") == 0  ? " of milliseconds"
			: strcmp(unit, "20s") == 0 ? " of 20-second units"
			: strcmp(unit, "min") == 0 ? " of minutes"
			: strcmp(unit, "h") == 0   ? " of hours"
						   : NULL;
	char ubuf[40];
	if (!u) {
		snprintf(ubuf, sizeof ubuf, " (%s)", unit);
		u = ubuf;
	}
	const char *list =
	    spec && strstr(spec, "list") ? ", or a list of such (\"D[+R],...\")" : "";
	if (s.has_lo && s.has_hi)
		return ps_xasprintf("a whole number%s from %lld to %lld%s", u, s.lo, s.hi, list);
	if (s.has_lo && s.lo != 0)
		return ps_xasprintf("a whole number%s from %lld up%s", u, s.lo, list);
	if (s.has_hi)
		return ps_xasprintf("a whole number%s up to %lld%s", u, s.hi, list);
	return ps_xasprintf("a whole number%s%s", u, list);
}

/* A delay list: "D[+R]" items joined by ",", as Resync_Error_Retry_Delay
 * takes them (LPG 2-17): each item a whole number, "+R" random seconds. */
static bool delay_list_ok(const char *v)
{
	const char *p = v;
	for (;;) {
		for (int part = 0; part < 2; part++) {
			if (*p < '0' || *p > '9')
				return false;
			long long x = 0;
			while (*p >= '0' && *p <= '9' && x <= UNS32_MAX)
				x = x * 10 + (*p++ - '0');
			if (x > UNS32_MAX)
				return false;
			if (part == 0 && *p == '+')
				p++;
			else
				break;
		}
		if (*p == '\0')
			return true;
		if (*p != ',')
			return false;
		p++;
	}
}

/* HHmm, 0000 to 2400 (Resync_At__HHmm_) */
static bool time_ok(const char *v)
{
	bool ok = strlen(v) == 4;
	for (size_t i = 0; ok && i < 4; i++)
		ok = v[i] >= '0' && v[i] <= '9';
	if (ok) {
		int hh = (v[0] - '0') * 10 + v[1] - '0', mm = (v[2] - '0') * 10 + v[3] - '0';
		ok = mm < 60 && (hh < 24 || (hh == 24 && mm == 0));
	}
	return ok;
}

char *ps_pdef_expect(const struct ps_pdef *d, const char *name)
{
	switch (ps_pdef_type(d, name)) {
	case PS_PT_BOOL:
		return ps_xstrdup("Yes or No");
	case PS_PT_INT:
		return int_phrase(d->spec);
	case PS_PT_ENUM: {
		/* a long list: its first words, its last and how many */
		const char *sp = d->spec ? d->spec : "";
		size_t words = 1;
		for (const char *p = sp; *p; p++)
			words += *p == '|';
		struct ps_buf b = { 0 };
		if (words > 10) {
			ps_buf_printf(&b, "one of %zu values (", words);
			const char *p = sp;
			for (int k = 0; k < 3; k++) {
				size_t n = strcspn(p, "|");
				ps_buf_printf(&b, "%.*s, ", (int)n, p);
				p += n + 1;
			}
			ps_buf_printf(&b, "..., %s: provscope --list-params %s lists them)",
				      strrchr(sp, '|') + 1, name);
			return ps_buf_take(&b);
		}
		ps_buf_puts(&b, "one of ");
		for (const char *p = d->spec ? d->spec : ""; *p; p++)
			if (*p == '|')
				ps_buf_puts(&b, ", ");
			else
				ps_buf_add(&b, p, 1);
		return ps_buf_take(&b);
	}
	case PS_PT_TIME:
		return ps_xasprintf("a time of day as %s, 0000 to 2400",
				    d->spec ? d->spec : "HHmm");
	case PS_PT_RULE:
		return ps_xstrdup(strncmp(name, "Resync_Trigger_", 15) == 0 ? "a condition"
									    : "a rule");
	case PS_PT_URL:
		return ps_xstrdup("a URL (no spaces)");
	case PS_PT_STRING:
	case PS_PT_SECRET:
		break;
	}
	return ps_xstrdup("any text");
}

bool ps_pdef_value_ok(const struct ps_pdef *d, const char *name, const char *value, char **why)
{
	*why = NULL;
	enum ps_ptype t = ps_pdef_type(d, name);
	/* a rule is made of macros: only a placeholder stops its check */
	if (!value || !*value ||
	    (t == PS_PT_RULE ? ps_value_has_placeholder(value) : opaque(value)))
		return true;
	bool ok = true;
	switch (t) {
	case PS_PT_BOOL:
		/* Yes/No in the guides; real profiles in service write yes/no
		 * (WAZO spa-ata.xml, FPBX spa2102), and the SPC compiler takes
		 * Enable/Disable and 1/0 as well (SIP p.22). */
		ok = word_in(value, "Yes|No|Enable|Disable|1|0");
		break;
	case PS_PT_INT:
		ok = (d->spec && strstr(d->spec, "list") && delay_list_ok(value)) ||
		     int_ok(value, d->spec);
		break;
	case PS_PT_ENUM:
		ok = !d->spec || word_in(value, d->spec);
		break;
	case PS_PT_TIME:
		ok = time_ok(value);
		break;
	case PS_PT_URL:
		ok = !strchr(value, ' ') && !strchr(value, '\t');
		break;
	case PS_PT_RULE: {
		/* Profile_Rule* and Upgrade_Rule are parsed where the run
		 * evaluates them (rule.syntax); the others here. */
		enum ps_rule_kind kind;
		if (strncmp(name, "Resync_Trigger_", 15) == 0)
			kind = PS_RULE_TRIGGER;
		else if (strcmp(name, "Report_Rule") == 0)
			kind = PS_RULE_PROFILE;
		else
			return true;
		struct ps_rule r;
		struct ps_rule_error err;
		if (ps_rule_parse(value, kind, &r, &err) == 0) {
			ps_rule_clear(&r);
			return true;
		}
		*why = ps_xasprintf("a %s that parses (column %ld: %s)",
				    kind == PS_RULE_TRIGGER ? "condition" : "rule", err.column,
				    err.message);
		return false;
	}
	case PS_PT_STRING:
	case PS_PT_SECRET:
		break;
	}
	if (!ok)
		*why = ps_pdef_expect(d, name);
	return ok;
}

const char *ps_ptype_bad_effect(enum ps_ptype t)
{
	switch (t) {
	case PS_PT_BOOL:
		return "the guides give yes and no only (LPG 2-20), not what the phone makes of "
		       "another word";
	case PS_PT_INT:
		return "the guides give only the form (decimal, or hex after 0x, within the "
		       "range: LPG 2-20), not what the phone does with another value";
	case PS_PT_ENUM:
		return "the guides do not say what the phone does with a value it does not offer";
	case PS_PT_TIME:
		return "an invalid time is ignored (Cisco MPP guide, the successor firmware), so "
		       "there is no daily resync";
	case PS_PT_RULE:
		return "a rule or condition that does not parse is skipped";
	case PS_PT_URL:
		return "the phone cannot fetch it";
	case PS_PT_STRING:
	case PS_PT_SECRET:
		break;
	}
	return "the phone keeps it as written";
}
