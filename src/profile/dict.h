/* The parameter dictionary of the SPA families: every parameter name the
 * firmware of each family knows, with its type, its factory default where
 * known and where each fact comes from (src/profile/dict_data.c, made by
 * tools/mkdict.py from the real parameter lists of tests/data/profiles and
 * the guide facts of data/params/types.tsv). Names are compared as the
 * phone compares them: exactly, letter case included (LPG 2-4, 9X2 p.56).
 * Pure. */
#ifndef PS_PROFILE_DICT_H
#define PS_PROFILE_DICT_H

#include <stdbool.h>
#include <stddef.h>

#include "phone/catalogue.h"

enum ps_ptype {
	PS_PT_STRING,
	PS_PT_BOOL, /* Yes or No */
	PS_PT_INT,  /* a whole number, with a range and unit (spec "MIN..MAX UNIT") */
	PS_PT_ENUM, /* one of the words of spec, "A|B|C" */
	PS_PT_RULE, /* a profile or upgrade rule, or a resync trigger */
	PS_PT_URL,
	PS_PT_TIME,   /* a time of day, spec gives its form ("HHmm") */
	PS_PT_SECRET, /* a password or key: never shown */
};

/* The families, as bits. */
enum {
	PS_FAM_SPA9XX = 1, /* SPA921/922/941/942/962, SPA901 */
	PS_FAM_SPA5XX = 2, /* SPA301/303, SPA50x, SPA51x, SPA525G */
	PS_FAM_ATA = 4,    /* PAP2T, SPA2102, SPA3102, SPA8000 */
	PS_FAM_SPA1XX = 8, /* SPA112, SPA122, SPA232D */
	PS_FAM_ALL = 15,
};

#define PS_PD_INDEXED 1u   /* the entry is the stem of NAME_n_, n the line */
#define PS_PD_INFERRED 2u  /* the type is read off the values real files give */
#define PS_PD_DEF_GUIDE 4u /* the default is a guide's, not a device dump's */
#define PS_PD_UNCERTAIN 8u /* a source says something is not known for sure */

struct ps_pdef {
	const char *name;   /* the name, or the stem of an indexed one */
	unsigned srcs;      /* bits: the ps_dict_sources that list it */
	unsigned char fams; /* PS_FAM_* bits */
	unsigned char type; /* enum ps_ptype */
	unsigned char flags;
	const char *spec;  /* range and unit, words, form; NULL when none */
	const char *def;   /* factory default, NULL when not known */
	const char *guide; /* the guide the type comes from, NULL when none */
	const char *note;  /* what is uncertain, what the phone does with a bad value */
};

extern const struct ps_pdef ps_dict[];
extern const size_t ps_dict_count;
extern const char *const ps_dict_sources[];
extern const size_t ps_dict_n_sources;
/* The families (PS_FAM_* bits) each source was written for. */
extern const unsigned char ps_dict_source_fams[];

/* The family bit of model `m` (a learned model's is its based_on row's);
 * 0 when it has none. */
unsigned ps_dict_family(const struct ps_model *m);
/* "SPA9x2", "SPA3xx/5xx", "Linksys ATA", "SPA1xx" for one bit; for several
 * the names joined with " and ". Static or into `buf`. */
const char *ps_dict_family_name(unsigned fams, char *buf, size_t size);
/* The length of the stem of a line's parameter NAME_n_ as the phone
 * takes it (n without a leading zero), its n in *index; 0 when `name` is
 * not of that form. */
size_t ps_dict_stem_len(const char *name, unsigned *index);
/* The entry for `name` in families `fams` (exact; an indexed name NAME_n_
 * is looked up by its stem, n in *index, else *index is 0), NULL when none. */
const struct ps_pdef *ps_dict_find(const char *name, unsigned fams, unsigned *index);
/* "string", "Yes/No", "integer", "enumeration", "rule", "URL", "time", "secret". */
const char *ps_ptype_name(enum ps_ptype t);
/* The type of `d` as shown: a secret name (ps_param_is_secret) is a secret
 * whatever the lists say. */
enum ps_ptype ps_pdef_type(const struct ps_pdef *d, const char *name);
/* The entry's name as written for line `index` ("Line_Enable_2_"), or the
 * name itself. Into `buf`. */
const char *ps_pdef_name(const struct ps_pdef *d, unsigned index, char *buf, size_t size);
/* Whether `value` fits the type of entry `d` (for parameter `name`).
 * When it does not, returns false and sets *why to what was expected ("a
 * whole number from 0 to 65535 seconds"; caller frees). Empty values and
 * values holding a macro ($X) or a template placeholder always fit. */
bool ps_pdef_value_ok(const struct ps_pdef *d, const char *name, const char *value, char **why);
/* What the type of `d` (for parameter `name`) wants, as a phrase: "Yes
 * or No", "a whole number of seconds from 0 to 65535", "one of UDP, TCP,
 * TLS", "any text". Caller frees. */
char *ps_pdef_expect(const struct ps_pdef *d, const char *name);
/* What the phone does with a value of type `t` that does not fit, as the
 * sources say it (one sentence without a final stop). */
const char *ps_ptype_bad_effect(enum ps_ptype t);

#endif
