/* XML flat-profile parsing with expat, DTDs refused, plus the detection of
 * unrendered templates (Jinja, Smarty) that often reach phones. */
#include "config.h"

#include "profile/xml.h"

#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "core/util.h"

#define MAX_UA_NOTES 10
#define XML_CHUNK (1 << 20)

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':';
}

static bool at(const char *p, const char *end, const char *s)
{
	size_t k = strlen(s);
	return (size_t)(end - p) >= k && memcmp(p, s, k) == 0;
}

bool ps_profile_find_template(const char *text, size_t len, unsigned *line, const char **marker)
{
	/* Block and control tags of Jinja and Smarty, and Provisioner's loop. */
	static const char *const markers[] = {
		"{%",          "{{",           "{foreach", "{/foreach",  "{if ",
		"{if(",        "{if$",         "{else}",   "{elseif ",   "{/if}",
		"{line_loop}", "{/line_loop}", "{section", "{/section}",
	};
	const char *p = text, *end = text + len;
	unsigned ln = 1;
	while (p < end) {
		if (*p == '\n') {
			ln++;
			p++;
			continue;
		}
		if (at(p, end, "<!--")) {
			/* Comments are not read by anyone; skip them. */
			p += 4;
			while (p < end && !at(p, end, "-->")) {
				if (*p == '\n')
					ln++;
				p++;
			}
			p += p < end ? 3 : 0;
			continue;
		}
		if (*p == '{') {
			for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
				if (at(p, end, markers[i])) {
					*line = ln;
					*marker = markers[i];
					return true;
				}
			}
		}
		if (*p == '<' || (*p == '/' && p > text && p[-1] == '<')) {
			/* A tag name with a placeholder in it: <Proxy_{$line}_>. */
			const char *q = p + 1;
			while (q < end && is_name_char(*q))
				q++;
			if (q > p + 1 && (at(q, end, "{$") || at(q, end, "{{"))) {
				*line = ln;
				*marker = "a tag name holding {$...}";
				return true;
			}
		}
		p++;
	}
	return false;
}

struct ctx {
	XML_Parser p;
	struct ps_parse_result *res;
	struct ps_param_batch batch;
	unsigned depth;    /* depth of the element being read, 0 outside */
	unsigned fp_depth; /* depth of the open <flat-profile>, 0 when none */
	bool seen_fp;
	char *root;
	/* The innermost open element under <flat-profile> while it has no
	 * child element yet: a parameter unless a child turns it into a
	 * container. */
	bool in_param;
	char *pname;
	const char *paccess;
	char *pua; /* its ua attribute as written (owned), NULL when none */
	unsigned pline;
	struct ps_buf text;
	unsigned n_ua_notes;
	/* the first container, for the note */
	char *first_container;
	unsigned first_container_line;
	/* the first text beside child elements (ignored), 0 when none */
	unsigned mixed_line;
	/* a refused DOCTYPE or entity declaration */
	bool dtd;
	unsigned dtd_line;
};

static void refuse_dtd(struct ctx *c)
{
	if (c->dtd)
		return;
	c->dtd = true;
	c->dtd_line = (unsigned)XML_GetCurrentLineNumber(c->p);
	XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	refuse_dtd(ud);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
			      int value_len, const XML_Char *base, const XML_Char *sysid,
			      const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	refuse_dtd(ud);
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* The open candidate gets a child element: it is a container, not a
 * parameter, and what was read of it is dropped. */
static void make_container(struct ctx *c)
{
	c->res->n_containers++;
	if (!c->first_container) {
		c->first_container = ps_xstrdup(c->pname);
		c->first_container_line = c->pline;
	}
	if (!c->mixed_line && !blank(c->text.s ? c->text.s : "", c->text.len))
		c->mixed_line = c->pline;
	if (c->pua && c->n_ua_notes++ < MAX_UA_NOTES)
		ps_parse_result_note(c->res,
				     "line %u: ua=\"%s\" on <%s> is ignored (it holds other "
				     "elements, so it is no parameter)",
				     c->pline, c->pua, c->pname);
	free(c->pname);
	c->pname = NULL;
	free(c->pua);
	c->pua = NULL;
	c->in_param = false;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ctx *c = ud;
	c->depth++;
	if (c->depth == 1)
		c->root = ps_xstrdup(name);
	if (!c->fp_depth) {
		if (strcmp(name, "flat-profile") == 0) {
			c->fp_depth = c->depth;
			c->seen_fp = true;
		}
		return;
	}
	if (c->in_param)
		make_container(c);
	/* A parameter candidate: any element under <flat-profile>, until a
	 * child element shows it to be a container. */
	c->in_param = true;
	c->pname = ps_xstrdup(name);
	c->pline = (unsigned)XML_GetCurrentLineNumber(c->p);
	c->paccess = NULL;
	c->text.len = 0;
	if (c->text.s)
		c->text.s[0] = '\0';
	for (size_t i = 0; atts && atts[i]; i += 2) {
		if (strcmp(atts[i], "ua") != 0)
			continue; /* group="..." and the like mean nothing to the phone */
		free(c->pua);
		c->pua = ps_xstrdup(atts[i + 1]);
		c->paccess = ps_param_access_norm(atts[i + 1]);
	}
}

/* Trimmed, with each CR or LF inside turned into a space. Caller frees. */
static char *normalize(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	char *v = ps_xstrndup(s, n);
	for (char *q = v; *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	return v;
}

/* The note for a ua attribute on a parameter with a value that means
 * nothing to the phone. */
static void note_odd_ua(struct ctx *c)
{
	if (c->pua && !c->paccess && c->n_ua_notes++ < MAX_UA_NOTES)
		ps_parse_result_note(c->res,
				     "line %u: ua=\"%s\" on %s is ignored (only na, ro and "
				     "rw mean something)",
				     c->pline, c->pua, c->pname);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct ctx *c = ud;
	(void)name;
	if (c->in_param) {
		/* A leaf: a parameter. expat reports the end of an empty-element
		 * tag <X/> with a byte count of 0: that form leaves the value
		 * alone. */
		bool empty_tag = XML_GetCurrentByteCount(c->p) == 0;
		char *v = empty_tag ? NULL : normalize(c->text.s ? c->text.s : "", c->text.len);
		note_odd_ua(c);
		ps_param_batch_add(&c->batch, c->pname, v, c->paccess, c->pline);
		c->batch.ops[c->batch.n - 1].nested = c->depth > c->fp_depth + 1;
		free(v);
		free(c->pname);
		c->pname = NULL;
		free(c->pua);
		c->pua = NULL;
		c->in_param = false;
	}
	if (c->fp_depth && c->depth == c->fp_depth)
		c->fp_depth = 0;
	c->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct ctx *c = ud;
	if (len <= 0)
		return;
	if (c->in_param)
		ps_buf_add(&c->text, s, (size_t)len);
	else if (c->fp_depth && c->depth > c->fp_depth && !c->mixed_line && !blank(s, (size_t)len))
		c->mixed_line = (unsigned)XML_GetCurrentLineNumber(c->p); /* after a child */
}

/* Where expat stopped, for the messages. */
struct xml_stop {
	unsigned line, col;
	const char *msg;
};

/* Feed the whole text to the parser. False when it is not well-formed or
 * has a DTD; `*at` is where the parser stopped. */
static bool feed(struct ctx *c, const char *text, size_t len, struct xml_stop *at)
{
	bool ok = true;
	size_t off = 0;
	do {
		size_t chunk = len - off < XML_CHUNK ? len - off : XML_CHUNK;
		bool final = off + chunk == len;
		if (XML_Parse(c->p, text ? text + off : "", (int)chunk, final) != XML_STATUS_OK) {
			ok = false;
			break;
		}
		off += chunk;
	} while (off < len);
	at->line = (unsigned)XML_GetCurrentLineNumber(c->p);
	at->col = (unsigned)XML_GetCurrentColumnNumber(c->p) + 1;
	at->msg = XML_ErrorString(XML_GetErrorCode(c->p));
	return ok && !c->dtd;
}

/* The file's sets go with the result, for the profile checks. */
static void keep_ops(struct ctx *c)
{
	ps_param_batch_clear(&c->res->ops);
	c->res->ops = c->batch;
	memset(&c->batch, 0, sizeof c->batch);
}

/* A file with an unrendered template marker at line `tline`: always a
 * profile.template error, with what the file is when read literally (its
 * parameters are applied when it is a well-formed flat profile). */
static void template_issue(struct ctx *c, bool ok, const struct xml_stop *at, unsigned tline,
			   const char *marker, struct ps_params *t, const char *source)
{
	struct ps_parse_result *res = c->res;
	char *m = marker[0] == '{' ? ps_xasprintf("\"%s\"", marker) : ps_xstrdup(marker);
	if (ok && c->seen_fp) {
		res->n_set = ps_param_batch_apply(&c->batch, t, source);
		keep_ops(c);
		res->applied = true;
		ps_profile_issue_set(&res->error, PS_F_PROFILE_TEMPLATE, tline, 0,
				     "unrendered template marker %s; read literally the file "
				     "is well-formed and names %zu parameter%s",
				     m, res->n_set, res->n_set == 1 ? "" : "s");
	} else if (ok) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_TEMPLATE, tline, 0,
				     "unrendered template marker %s", m);
	} else if (c->dtd) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_TEMPLATE, tline, 0,
				     "unrendered template marker %s (as XML it has a DOCTYPE "
				     "at line %u, which is refused)",
				     m, c->dtd_line);
	} else {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_TEMPLATE, tline, 0,
				     "unrendered template marker %s (as XML it fails at line "
				     "%u, column %u: %s)",
				     m, at->line, at->col, at->msg);
	}
	free(m);
}

/* A file without a template marker: apply its parameters, or say why not.
 * Returns 0 when they were applied as a rendered profile, else -1. */
static int profile_outcome(struct ctx *c, bool ok, const struct xml_stop *at, struct ps_params *t,
			   const char *source)
{
	struct ps_parse_result *res = c->res;
	if (c->dtd) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_XML_MALFORMED, c->dtd_line, 0,
				     "a DOCTYPE or entity declaration; DTDs are not allowed in a "
				     "profile (provscope refuses entity expansion)");
	} else if (!ok) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_XML_MALFORMED, at->line, at->col,
				     "%s", at->msg);
	} else if (!c->seen_fp && c->root && ps_str_ieq(c->root, "html")) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_NO_FLAT_PROFILE, 1, 0,
				     "the file looks like an HTML page, not a profile: "
				     "probably an error or login page from the server");
	} else if (!c->seen_fp) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_NO_FLAT_PROFILE, 1, 0,
				     "no <flat-profile> element; the root element is <%s>",
				     c->root ? c->root : "?");
	} else if (!c->batch.n) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_EMPTY, 0, 0,
				     "the <flat-profile> element holds no parameter");
	} else {
		res->n_set = ps_param_batch_apply(&c->batch, t, source);
		keep_ops(c);
		res->applied = true;
		size_t ph = ps_param_batch_check_placeholders(&res->ops, &res->warning);
		if (!ps_placeholders_mean_template(ph, res->n_set))
			return 0;
		/* Half-rendered is not rendered: report the file as a template. */
		ps_profile_issue_set(&res->error, PS_F_PROFILE_TEMPLATE, res->warning.line, 0,
				     "the file was not rendered: %s (%zu of %zu)",
				     res->warning.detail, ph, res->n_set);
		ps_profile_issue_clear(&res->warning);
	}
	return -1;
}

int ps_profile_parse_xml(const char *text, size_t len, const char *source, struct ps_params *t,
			 struct ps_parse_result *res)
{
	ps_parse_result_init(res);
	if (!text)
		len = 0;
	if (!source)
		source = "(unnamed)";

	unsigned tline = 0;
	const char *marker = NULL;
	bool is_template = ps_profile_find_template(text ? text : "", len, &tline, &marker);

	struct ctx c;
	memset(&c, 0, sizeof c);
	c.res = res;
	c.p = XML_ParserCreate(NULL);
	if (!c.p) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_XML_MALFORMED, 0, 0,
				     "the XML parser could not be created (out of memory)");
		return -1;
	}
	XML_SetUserData(c.p, &c);
	XML_SetElementHandler(c.p, on_start, on_end);
	XML_SetCharacterDataHandler(c.p, on_text);
	XML_SetStartDoctypeDeclHandler(c.p, on_doctype);
	XML_SetEntityDeclHandler(c.p, on_entity);
	XML_SetParamEntityParsing(c.p, XML_PARAM_ENTITY_PARSING_NEVER);

	struct xml_stop at;
	bool ok = feed(&c, text, len, &at);
	int rc = -1;
	if (is_template)
		template_issue(&c, ok, &at, tline, marker, t, source);
	else
		rc = profile_outcome(&c, ok, &at, t, source);
	if (res->n_containers)
		ps_parse_result_note(res,
				     "%zu container element%s (the first <%s>, line %u) %s no "
				     "parameter%s: the leaf elements inside %s",
				     res->n_containers, res->n_containers == 1 ? "" : "s",
				     c.first_container, c.first_container_line,
				     res->n_containers == 1 ? "is" : "are",
				     res->n_containers == 1 ? "" : "s",
				     res->n_containers == 1 ? "it are" : "them are");
	if (c.mixed_line)
		ps_parse_result_note(
		    res,
		    "line %u: text beside child elements is ignored (a container's "
		    "own text is no value)",
		    c.mixed_line);
	if (c.n_ua_notes > MAX_UA_NOTES)
		ps_parse_result_note(res, "%u more ua attributes with other values were ignored",
				     c.n_ua_notes - MAX_UA_NOTES);

	XML_ParserFree(c.p);
	free(c.root);
	free(c.pname);
	free(c.pua);
	free(c.first_container);
	ps_buf_free(&c.text);
	ps_param_batch_clear(&c.batch);
	return rc;
}
