/* The XML flat-profile parser (expat): the leaf elements under
 * <flat-profile> are parameters, applied to a table with the phone's rules.
 * Pure: the caller passes the text. */
#ifndef PS_PROFILE_XML_H
#define PS_PROFILE_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "profile/params.h"

/* Parses `len` bytes of XML and applies the parameters to `t` with source
 * name `source` (NULL: "(unnamed)"). Rules (spa-provisioning.md §4.1):
 * <flat-profile> may sit inside any outer elements; a parameter is a leaf
 * element (one without child elements) at any depth under it, named by
 * its own name whatever its parents (the SPA112/SPA122 nest most of their
 * parameters in <router-configuration> and its groups; leaves of one name
 * under different parents are one parameter); an element that
 * holds elements is a container, never a parameter (counted in
 * n_containers, noted), and its own text beside the child elements is
 * ignored (noted), as is a ua attribute on it; on a parameter the
 * ua attribute sets the access (na, ro, rw; other values are ignored with
 * a note), other attributes are ignored; <X/> leaves the value unchanged,
 * <X></X> sets ""; values lose leading and trailing white space and
 * newlines inside become spaces; the last occurrence wins.
 * Returns 0 (res->warning may be profile.placeholder) or -1 with res->error:
 *   profile.template        an unrendered template marker ({%, {{, {if,
 *                           {foreach, a tag name holding {$...), with the
 *                           line of the first; checked before the XML
 *                           parser's verdict; or placeholders in so many
 *                           values that the file was plainly not rendered
 *                           (ps_placeholders_mean_template);
 *   profile.xml_malformed   not well-formed (line, column, expat's message),
 *                           or a DOCTYPE / entity declaration (refused, so
 *                           no entity expansion);
 *   profile.no_flat_profile no <flat-profile> element;
 *   profile.empty           a <flat-profile> with no parameter.
 * The table is changed only when the file parses (res->applied): on
 * success, and for profile.template when the file is nevertheless a
 * well-formed flat-profile (then the table holds what a literal reading
 * gives, as the phone itself would read it; callers treat the file as
 * failed all the same). `res` is initialised here; clear it after. */
int ps_profile_parse_xml(const char *text, size_t len, const char *source, struct ps_params *t,
			 struct ps_parse_result *res);

/* Finds the first unrendered-template marker outside XML comments. Returns
 * true and sets *line (1-based) and *marker (a static description such as
 * "{%") when there is one. */
bool ps_profile_find_template(const char *text, size_t len, unsigned *line, const char **marker);

#endif
