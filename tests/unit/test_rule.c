/* Unit tests of the rule grammar: a table of rules, each parsed and
 * evaluated against a fixed phone (operators, versions, macros,
 * assignments, options, legacy forms, comments, URL defaults, whitespace
 * and parse errors with their column), then the parse record itself, URL
 * resolution and the real rules seen in Wazo, FusionPBX and the LPG. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/env.h"
#include "rules/macro.h"
#include "rules/rule.h"

/* ---- the phone the rules are evaluated for ---- */

struct kv {
	const char *name;
	const char *value;
};

static const struct kv macros[] = {
	{ "MA", "000e08aabbcc" }, { "MAU", "000E08AABBCC" }, { "MAC", "00:0e:08:aa:bb:cc" },
	{ "PN", "SPA504G" },      { "PSN", "504G" },         { "SN", "CBT141400UK" },
	{ "PRVTMR", "2000" },     { "REGTMR1", "700" },      { "REGTMR2", "0" },
	{ "CCERT", "Installed" }, { "EXTIP", "" },           { "PRVST", "-1" },
	{ "HWVER", "1.0.1" },
};

static const struct kv params[] = {
	{ "GPP_B", "uid7" },      { "GPP_C", "prov.example.net" }, { "GPP_D", "done" },
	{ "GPP_F", "report" },    { "GPP_SA", "s3cret" },          { "GPP_SB", "k2" },
	{ "User_ID_1_", "1001" }, { "User_ID_2_", "1002" },
};

struct phone {
	const char *swver;
};

static const char *find(const struct kv *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].value;
	return NULL;
}

static const char *macro_cb(void *ctx, const char *name)
{
	const struct phone *ph = ctx;
	if (strcmp(name, "SWVER") == 0)
		return ph->swver;
	return find(macros, sizeof macros / sizeof macros[0], name);
}

static const char *param_cb(void *ctx, const char *name)
{
	(void)ctx;
	return find(params, sizeof params / sizeof params[0], name);
}

/* ---- the table ---- */

struct rule_case {
	enum ps_rule_kind kind;
	const char *rule;
	const char *swver; /* NULL: 7.4.9 */
	long err_col;      /* > 0: a parse error at this column is expected */
	long fired;        /* the alternative that fires, -1 none */
	const char *url;   /* url_text; NULL: none; "!" the URL does not resolve */
	/* Further checks, ';'-separated: key=, post=, alias=, uid=, pwd=, delta,
	 * set:PARAM=VALUE (in order), warn (else no warnings), optign,
	 * commented, typeerr, nalts=N, x0=/x1= (substring of that
	 * alternative's explanation), err= (substring of `expected`), uerr=
	 * (substring of url_error). */
	const char *checks;
};

#define P PS_RULE_PROFILE
#define U PS_RULE_UPGRADE
#define T PS_RULE_TRIGGER
#define WAZO                                                              \
	"($SWVER lt 7.5.2b) ? http://p/firmware/spa50x-30x-7-5-2b.bin | " \
	"http://p/firmware/spa50x-30x-7-5-5.bin"
#define FW1 "http://p:80/firmware/spa50x-30x-7-5-2b.bin"
#define FW2 "http://p:80/firmware/spa50x-30x-7-5-5.bin"
#define DHCP "tftp://<dhcp-option-66>:69"

static const struct rule_case cases[] = {
	/* operators, symbol and word forms */
	{ P, "($SWVER = 7.4.9)? /a", NULL, 0, 0, DHCP "/a", "" },
	{ P, "($SWVER eq 7.4.9)? /a | /b", NULL, 0, 0, DHCP "/a", "" },
	{ P, "($SWVER != 7.4.9)? /a | /b", NULL, 0, 1, DHCP "/b", "x0=7.4.9 != 7.4.9 is false" },
	{ P, "($SWVER ne 7.4.8)? /a | /b", NULL, 0, 0, DHCP "/a", "" },
	{ P, "($SWVER < 7.5)? /a | /b", NULL, 0, 0, DHCP "/a", "" },
	{ P, "($SWVER lt 7.4.9)? /a | /b", NULL, 0, 1, DHCP "/b", "" },
	{ P, "($SWVER <= 7.4.9)? /a | /b", NULL, 0, 0, DHCP "/a", "" },
	{ P, "($SWVER le 7.4.8a)? /a | /b", NULL, 0, 1, DHCP "/b", "" },
	{ P, "($SWVER > 7.4.8z)? /a | /b", NULL, 0, 0, DHCP "/a", "" },
	{ P, "($SWVER gt 7.4.9)? /a | /b", NULL, 0, 1, DHCP "/b", "" },
	{ P, "($SWVER >= 7.4.9)? /a | /b", NULL, 0, 0, DHCP "/a", "" },
	{ P, "($SWVER ge 7.4.10)? /a | /b", NULL, 0, 1, DHCP "/b", "x0=7.4.9 >= 7.4.10 is false" },
	{ P, "($SWVER GE 7.4.9)? /a | /b", NULL, 0, 0, DHCP "/a", "" },
	/* versions with suffixes; the Wazo SPA504G upgrade rule */
	{ U, WAZO, "7.4.9", 0, 0, FW1, "x0=$SWVER lt 7.5.2b: 7.4.9 < 7.5.2b is true" },
	{ U, WAZO, "7.5.3", 0, 1, FW2, "x0=7.5.3 < 7.5.2b is false;x1=no condition" },
	{ U, WAZO, "7.5.2b", 0, 1, FW2, "" },
	{ U, WAZO, "7.5.2a", 0, 0, FW1, "" },
	{ U, WAZO, "7.5.2", 0, 0, FW1, "" },
	{ U, WAZO, "7.5.2(b)", 0, 1, FW2, "" },
	{ P,
	  "($SWVER lt 6.1.5(a))? http://prov.example.net/fw-stage.xml | "
	  "http://prov.example.net/$MA.xml",
	  "6.1.5", 0, 0, "http://prov.example.net:80/fw-stage.xml", "" },
	{ P,
	  "($SWVER lt 6.1.5(a))? http://prov.example.net/fw-stage.xml | "
	  "http://prov.example.net/$MA.xml",
	  "6.1.5(a)", 0, 1, "http://prov.example.net:80/000e08aabbcc.xml", "" },
	{ P, "($SWVER eq 6.1.5a)? /x | /y", "6.1.5(a)", 0, 0, DHCP "/x", "" },
	{ P, "($SWVER ge 2.0.3(0412s))? /x | /y", "2.0.6", 0, 0, DHCP "/x", "" },
	{ P, "($SWVER gt 7.6.1(ES_RC01))? /x | /y", "7.6.1(ES_RC02)", 0, 0, DHCP "/x", "" },
	{ P, "($SWVER lt 1.3.5_004p)? /x | /y", "1.3.5(003p)", 0, 0, DHCP "/x", "" },
	/* integers, and "and" chains */
	{ P, "($PRVTMR gt 1800)? /x | /y", NULL, 0, 0, DHCP "/x", "x0=2000 > 1800 is true" },
	{ P, "($REGTMR1 ge 700 and $PRVTMR lt 1800)? /x | /y", NULL, 0, 1, DHCP "/y",
	  "x0=700 >= 700 is true; and $PRVTMR lt 1800: 2000 < 1800 is false" },
	{ P, "($REGTMR1 ge 700 AND $PRVTMR gt 1800 and \"$CCERT\" eq \"Installed\")? /x", NULL, 0,
	  0, DHCP "/x", "x0=all hold" },
	{ P, "($PRVST eq -1)? /x | /y", NULL, 0, 0, DHCP "/x", "" },
	{ P, "($PRVST lt 0)? /x | /y", NULL, 0, 0, DHCP "/x", "x0=-1 < 0 is true" },
	{ P, "($REGTMR2 = 0)? /x | /y", NULL, 0, 0, DHCP "/x", "" },
	/* quoted strings */
	{ P, "(\"$CCERT\" eq \"Installed\")? /x | /y", NULL, 0, 0, DHCP "/x",
	  "x0=\"Installed\" = \"Installed\" is true" },
	{ P, "(\"$EXTIP\" ne \"\")? /x | /y", NULL, 0, 1, DHCP "/y", "" },
	{ P, "(\"$SWVER\" = \"7.4.9\")? /x | /y", NULL, 0, 0, DHCP "/x", "" },
	/* the LPG first-boot example with an assignment */
	{ P,
	  "(\"$A\" ne \"done\")? (Line_Enable_1_ = \"No\"; a = \"done\";)! "
	  "https://prov.example.net/first | https://prov.example.net/cfg/$MA.xml",
	  NULL, 0, 0, "https://prov.example.net:443/first",
	  "set:Line_Enable_1_=No;set:GPP_A=done" },
	{ P,
	  "(\"$D\" ne \"done\")? (Line_Enable_1_ = \"No\"; d = \"done\";)! "
	  "https://prov.example.net/first | https://prov.example.net/cfg/$MA.xml",
	  NULL, 0, 1, "https://prov.example.net:443/cfg/000e08aabbcc.xml", "" },
	/* macros */
	{ P, "http://prov.example.net/spa/$MA.xml", NULL, 0, 0,
	  "http://prov.example.net:80/spa/000e08aabbcc.xml", "" },
	{ P, "http://h/$(MA:6:6).cfg", NULL, 0, 0, "http://h:80/aabbcc.cfg", "" },
	{ P, "http://h/a$$b/$MAU", NULL, 0, 0, "http://h:80/a$b/000E08AABBCC", "" },
	{ P, "http://$C/$B.xml", NULL, 0, 0, "http://prov.example.net:80/uid7.xml", "" },
	{ P, "http://h/$P.cfg", NULL, 0, 0, "http://h:80/.cfg", "" },
	{ P, "http://h/$(GPP_D)/$PN", NULL, 0, 0, "http://h:80/done/SPA504G", "" },
	{ P, "[--key $SA] http://prov.example.net/enc/$MA.cfg", NULL, 0, 0,
	  "http://prov.example.net:80/enc/000e08aabbcc.cfg", "key=s3cret" },
	{ P, "[--key x$(SB)y] /e.cfg", NULL, 0, 0, DHCP "/e.cfg", "key=xk2y" },
	{ P, "http://h/$SA/x", NULL, 0, 0, "http://h:80/$SA/x", "" },
	{ P, "[--uid $SA --pwd $SB] http://h/x", NULL, 0, 0, "http://h:80/x", "uid=$SA;pwd=$SB" },
	{ P, "http://h/$STRANGE$MA", NULL, 0, 0, "http://h:80/$STRANGE000e08aabbcc", "" },
	{ P, "http://h/$UPGTMR/x", NULL, 0, 0, "http://h:80/$UPGTMR/x", "" },
	{ P, "http://h/$UID1-$UID2", NULL, 0, 0, "http://h:80/1001-1002", "" },
	{ P, "($(MAC:0:8) eq 00:0e:08)? /x | /y", NULL, 0, 0, DHCP "/x", "x0=compared as text" },
	{ P, "($SWVER ge $HWVER)? /x | /y", NULL, 0, 0, DHCP "/x", "x0=7.4.9 >= 1.0.1 is true" },
	/* assignments, letter registers */
	{ P, "(b = \"x$MA\"; User_ID_1_ = \"uid$B\";)! /p.cfg", NULL, 0, 0, DHCP "/p.cfg",
	  "set:GPP_B=x000e08aabbcc;set:User_ID_1_=uiduid7" },
	{ P, "( p = \"\" ; )! /x", NULL, 0, 0, DHCP "/x", "set:GPP_P=" },
	{ P, "(a = \"1\")! /x", NULL, 0, 0, DHCP "/x", "warn;set:GPP_A=1" },
	{ P, "(q = \"1\";)! /x", NULL, 0, 0, DHCP "/x", "set:q=1" },
	{ P, "()! /x", NULL, 0, 0, DHCP "/x", "" },
	{ P, "($SWVER lt 8)? (GPP_C = \"c\";)! [--key k] /x | /y", NULL, 0, 0, DHCP "/x",
	  "set:GPP_C=c;key=k" },
	{ P, "($SWVER lt 8)? [--key k] (c = \"c\";)! /x", NULL, 0, 0, DHCP "/x",
	  "set:GPP_C=c;key=k" },
	{ P, "(a = \"1\";)!", NULL, 0, 0, NULL, "set:GPP_A=1" },
	/* options */
	{ P, "[--post f] http://prov.example.net/cgi/report?mac=$MA", NULL, 0, 0,
	  "http://prov.example.net:80/cgi/report?mac=000e08aabbcc", "post=f" },
	{ P, "[--alias k --post j] http://h/x", NULL, 0, 0, "http://h:80/x", "alias=k;post=j" },
	{ P, "[--delta] http://h/rep.xml", NULL, 0, 0, "http://h:80/rep.xml", "delta" },
	{ P, "[ --key \"my secret phrase\" ] http://h/x", NULL, 0, 0, "http://h:80/x",
	  "key=my secret phrase" },
	{ P, "[--KEY k] /x", NULL, 0, 0, DHCP "/x", "key=k" },
	{ P, "[--uid user --pwd pass] https://prov.example.net/app/provision/?mac=$MA", NULL, 0, 0,
	  "https://prov.example.net:443/app/provision/?mac=000e08aabbcc", "uid=user;pwd=pass" },
	{ P, "[--key 0123abcd] http://10.0.0.1/$MA.xml.encrypted", NULL, 0, 0,
	  "http://10.0.0.1:80/000e08aabbcc.xml.encrypted", "key=0123abcd" },
	{ U, "[--key k] http://h/fw.bin", NULL, 0, 0, "http://h:80/fw.bin", "optign;key=k" },
	{ P, "[--post z] http://h/x", NULL, 0, 0, "http://h:80/x", "warn;post=z" },
	{ P, "[--key a --key b] /x", NULL, 0, 0, DHCP "/x", "warn;key=b" },
	{ P, "[] /x", NULL, 0, 0, DHCP "/x", "" },
	/* legacy forms */
	{ U, "(! 1.0.33)? /spa.bin", NULL, 0, 0, DHCP "/spa.bin",
	  "x0=$SWVER ! 1.0.33: 7.4.9 != 1.0.33 is true" },
	{ U, "(! 7.4.9)? /spa.bin", NULL, 0, -1, NULL, "" },
	{ U, "(<1.0)? tftp://pserv.myvoice.com:42001/upg/spa2000/1.0.2/spa.bin", "0.99.5", 0, 0,
	  "tftp://pserv.myvoice.com:42001/upg/spa2000/1.0.2/spa.bin", "" },
	{ U, "(7.4.9)? /a | /b", NULL, 0, 0, DHCP "/a", "x0=$SWVER = 7.4.9" },
	{ U, "(7.4.8)? /a | /b", NULL, 0, 1, DHCP "/b", "" },
	{ P, "($SWVER ! 7.4.9)? /a | /b", NULL, 0, 1, DHCP "/b", "" },
	/* comments */
	{ P, "# http://h/x", NULL, 0, -1, NULL, "commented;nalts=0" },
	{ P, "   #($A eq 1)? /x", NULL, 0, -1, NULL, "commented" },
	{ P, "http://h/x | # http://h/y", NULL, 0, 0, "http://h:80/x", "warn;nalts=1" },
	{ P, "http://h/x # old", NULL, 0, 0, "http://h:80/x", "nalts=1" },
	{ P, "", NULL, 0, -1, NULL, "nalts=0" },
	{ P, "   ", NULL, 0, -1, NULL, "nalts=0" },
	/* URL defaults */
	{ P, "/spa$PSN.cfg", NULL, 0, 0, DHCP "/spa504G.cfg", "" },
	{ P, "10.0.0.5/spa.cfg", NULL, 0, 0, "tftp://10.0.0.5:69/spa.cfg", "" },
	{ P, "tftp://10.0.0.5/spa.cfg", NULL, 0, 0, "tftp://10.0.0.5:69/spa.cfg", "" },
	{ P, "http://h:8080/x?y=1", NULL, 0, 0, "http://h:8080/x?y=1", "" },
	{ P, "HTTPS://H/x", NULL, 0, 0, "https://H:443/x", "" },
	{ P, "http:///x.cfg", NULL, 0, 0, "http://<dhcp-option-66>:80/x.cfg", "" },
	{ P, "http://$A/x", NULL, 0, 0, "http://<dhcp-option-66>:80/x", "" },
	{ P, "http://[fd00::5]:8080/x", NULL, 0, 0, "http://[fd00::5]:8080/x", "" },
	{ P, "spa$PSN.cfg", NULL, 0, 0, "!", "uerr=absolute" },
	{ P, "http://h", NULL, 0, 0, "!", "uerr=no path" },
	{ P, "ftp://h/x", NULL, 0, 0, "!", "uerr=scheme" },
	{ P, "http://h:99999/x", NULL, 0, 0, "!", "uerr=port" },
	{ P, "http://u:p@h/x", NULL, 0, 0, "!", "uerr=user@host" },
	/* whitespace */
	{ P, "  ( $SWVER   lt   7.5.2b )   ?   http://p/a   |   http://p/b  ", NULL, 0, 0,
	  "http://p:80/a", "nalts=2" },
	{ P, "($SWVER<7.5.2b)?http://p/a|http://p/b", NULL, 0, 0, "http://p:80/a", "nalts=2" },
	{ P, "(\"$CCERT\"eq\"Installed\")?/x", NULL, 0, 0, DHCP "/x", "" },
	{ P, "($SWVER\tlt 7.5.2b)?\n http://p/a", NULL, 0, 0, "http://p:80/a", "" },
	{ P, "(a=\"1\";b=\"2\";)![--key k]/x", NULL, 0, 0, DHCP "/x",
	  "set:GPP_A=1;set:GPP_B=2;key=k" },
	/* an unconditional alternative that is not the last */
	{ P, "http://h/a | http://h/b", NULL, 0, 0, "http://h:80/a", "warn;x0=no condition" },
	/* nothing applies; type errors */
	{ P, "($SWVER lt 7.0)? /a | ($SWVER gt 8.0)? /b", NULL, 0, -1, NULL, "" },
	{ P, "($SN lt 5)? /a | /b", NULL, 0, 1, DHCP "/b",
	  "typeerr;x0='CBT141400UK' is not a number or version" },
	{ P, "($PRVTMR lt $MAC)? /a | /b", NULL, 0, 1, DHCP "/b", "typeerr" },
	/* Resync_Trigger_* */
	{ T, "$REGTMR1 gt 600 and $PRVTMR ge 1800", NULL, 0, 0, NULL, "" },
	{ T, "$REGTMR2 gt 600", NULL, 0, -1, NULL, "x0=0 > 600 is false" },
	{ T, "\"$CCERT\" eq \"Installed\"", NULL, 0, 0, NULL, "" },
	{ T, "", NULL, 0, -1, NULL, "nalts=0" },
	{ T, "($PRVTMR gt 1)?", NULL, 1, 0, NULL, "err=bare condition" },
	{ T, "$PRVTMR gt 1 or $A eq 1", NULL, 14, 0, NULL, "err='and' or the end" },
	/* parse errors and their columns */
	{ P, "($SWVER lt 7.5.2b", NULL, 18, 0, NULL, "err=')?'" },
	{ P, "($SWVER lt 7.5.2b http://p/a", NULL, 19, 0, NULL, "err='and' or ')?'" },
	{ P, "($SWVER lt 7.5.2b) http://p/a", NULL, 20, 0, NULL, "err='?'" },
	{ P, "($SWVER xx 7.5.2b)? /a", NULL, 9, 0, NULL, "err=comparison operator" },
	{ P, "($SWVER lt)? /a", NULL, 11, 0, NULL, "err=an operand" },
	{ P, "(\"$CCERT\" eq \"Installed)? /a", NULL, 14, 0, NULL, "err='\"'" },
	{ P, "[--key \"abc] /a", NULL, 8, 0, NULL, "err='\"'" },
	{ P, "[--key k]] /a", NULL, 10, 0, NULL, "err='[' before ']'" },
	{ P, "http://h/a]", NULL, 11, 0, NULL, "err='[' before ']'" },
	{ P, "/a || /b", NULL, 5, 0, NULL, "err=a condition, assignment" },
	{ P, "| /b", NULL, 1, 0, NULL, "err=a condition, assignment" },
	{ P, "/a |", NULL, 5, 0, NULL, "err=a condition, assignment" },
	{ P, "/a |   ", NULL, 8, 0, NULL, "err=a condition, assignment" },
	{ P, "(\"$A\" lt \"5\")? /a", NULL, 7, 0, NULL, "err='=' or '!='" },
	{ P, "(\"5\" >= $A)? /a", NULL, 6, 0, NULL, "err='=' or '!='" },
	{ P, "[--foo x] /a", NULL, 2, 0, NULL, "err=--key, --post" },
	{ P, "[--key] /a", NULL, 7, 0, NULL, "err=an argument" },
	{ P, "[--key k /a", NULL, 10, 0, NULL, "err=an option" },
	{ P, "[--key k", NULL, 9, 0, NULL, "err=']'" },
	{ P, "(a = x;)! /a", NULL, 6, 0, NULL, "err=quoted" },
	{ P, "(a = \"1\" b = \"2\";)! /a", NULL, 10, 0, NULL, "err=';'" },
	{ P, "(a \"1\";)! /a", NULL, 4, 0, NULL, "err='='" },
	{ P, "()? /a", NULL, 2, 0, NULL, "err=a comparison" },
	{ P, "/a /b", NULL, 4, 0, NULL, "err='|' between" },
	{ P, "($A eq 1)? ($B eq 2)? /x", NULL, 12, 0, NULL, "err='and'" },
	{ P, "[--key k] ($A eq 1)? /x", NULL, 11, 0, NULL, "err=condition first" },
	{ P, "[--key k] [--uid u] /x", NULL, 11, 0, NULL, "err=one [" },
	{ P, "($SWVER lt 6.1.5(a)? /x", NULL, 20, 0, NULL, "err='and' or ')?'" },
	{ P, "($SWVER lt 6.1.5(a )? /x", NULL, 19, 0, NULL, "err=')' to close" },
	{ P, ") /x", NULL, 1, 0, NULL, "err='(' before ')'" },
	{ P, "(\"x\")? /a", NULL, 5, 0, NULL, "err=comparison operator" },
};

/* The value of check `key` in `checks` ("key=value;..."), or NULL. A key
 * without '=' gives "". */
static bool has_check(const char *checks, const char *key, char *val, size_t vlen)
{
	size_t klen = strlen(key);
	const char *p = checks;
	while (p && *p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n >= klen && strncmp(p, key, klen) == 0 && (n == klen || p[klen] == '=')) {
			size_t vn = n > klen ? n - klen - 1 : 0;
			if (vn >= vlen)
				vn = vlen - 1;
			memcpy(val, p + klen + (n > klen), vn);
			val[vn] = '\0';
			return true;
		}
		p = e ? e + 1 : NULL;
	}
	return false;
}

static void check_str(size_t i, const char *what, const char *got, const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want) != 0)
		fail_msg("case %zu (%s): %s is '%s', want '%s'", i, cases[i].rule, what,
			 got ? got : "NULL", want ? want : "NULL");
}

static void check_opt(size_t i, const char *name, const char *got)
{
	char want[128];
	if (has_check(cases[i].checks, name, want, sizeof want))
		check_str(i, name, got, want);
	else if (got)
		fail_msg("case %zu (%s): unexpected %s '%s'", i, cases[i].rule, name, got);
}

static void check_sets(size_t i, const struct ps_rule_eval *ev)
{
	size_t k = 0;
	const char *p = cases[i].checks;
	while ((p = strstr(p, "set:")) != NULL) {
		p += 4;
		size_t n = strcspn(p, ";");
		char want[128];
		snprintf(want, sizeof want, "%.*s", (int)n, p);
		if (k >= ev->n_assigns)
			fail_msg("case %zu (%s): missing assignment %s", i, cases[i].rule, want);
		char got[256];
		snprintf(got, sizeof got, "%s=%s", ev->assigns[k].param, ev->assigns[k].value);
		check_str(i, "assignment", got, want);
		k++;
	}
	if (k != ev->n_assigns)
		fail_msg("case %zu (%s): %zu assignments, want %zu", i, cases[i].rule,
			 ev->n_assigns, k);
}

static void check_explain(size_t i, const struct ps_rule_eval *ev, size_t alt)
{
	char key[4] = { 'x', (char)('0' + alt), '\0', '\0' }, want[160];
	if (!has_check(cases[i].checks, key, want, sizeof want))
		return;
	if (alt >= ev->n_alts || !ev->alts[alt].explain || !strstr(ev->alts[alt].explain, want))
		fail_msg("case %zu (%s): explanation %zu is '%s', want it to contain '%s'", i,
			 cases[i].rule, alt,
			 alt < ev->n_alts && ev->alts[alt].explain ? ev->alts[alt].explain : "NULL",
			 want);
}

static void run_case(size_t i)
{
	const struct rule_case *c = &cases[i];
	char v[160];
	struct ps_rule r;
	struct ps_rule_error err;
	int rc = ps_rule_parse(c->rule, c->kind, &r, &err);
	if (c->err_col > 0) {
		if (rc == 0) {
			ps_rule_clear(&r);
			fail_msg("case %zu (%s): parsed, want an error at column %ld", i, c->rule,
				 c->err_col);
		}
		if (err.column != c->err_col)
			fail_msg("case %zu (%s): error at column %ld (%s: expected %s), want %ld",
				 i, c->rule, err.column, err.message, err.expected, c->err_col);
		if (has_check(c->checks, "err", v, sizeof v) && !strstr(err.expected, v))
			fail_msg("case %zu (%s): expected '%s', want it to contain '%s'", i,
				 c->rule, err.expected, v);
		assert_non_null(err.message[0] ? err.message : NULL);
		assert_int_equal(r.n_alts, 0);
		assert_null(r.text);
		return;
	}
	if (rc != 0)
		fail_msg("case %zu (%s): parse error at column %ld: %s (expected %s)", i, c->rule,
			 err.column, err.message, err.expected);
	if (has_check(c->checks, "warn", v, sizeof v) != (r.n_warnings > 0))
		fail_msg("case %zu (%s): %zu warnings%s%s", i, c->rule, r.n_warnings,
			 r.n_warnings ? ": " : "", r.n_warnings ? r.warnings[0].message : "");
	if (has_check(c->checks, "optign", v, sizeof v) != r.options_ignored)
		fail_msg("case %zu (%s): options_ignored is %d", i, c->rule, r.options_ignored);
	if (has_check(c->checks, "commented", v, sizeof v) != r.commented)
		fail_msg("case %zu (%s): commented is %d", i, c->rule, r.commented);
	if (has_check(c->checks, "nalts", v, sizeof v) && r.n_alts != strtoul(v, NULL, 10))
		fail_msg("case %zu (%s): %zu alternatives, want %s", i, c->rule, r.n_alts, v);

	struct phone ph = { c->swver ? c->swver : "7.4.9" };
	struct ps_macro_env env = { .macro = macro_cb, .param = param_cb, .ctx = &ph };
	struct ps_rule_eval ev;
	rc = ps_rule_evaluate(&r, &env, &ev);
	if (ev.fired != c->fired)
		fail_msg("case %zu (%s): alternative %ld fired, want %ld (%s)", i, c->rule,
			 ev.fired, c->fired,
			 ev.reason ? ev.reason : (ev.n_alts ? ev.alts[0].explain : ""));
	if (c->fired < 0) {
		assert_non_null(ev.reason);
		assert_null(ev.url_text);
	} else {
		assert_null(ev.reason);
		assert_int_equal(ev.alts[c->fired].result, 1);
		for (long k = 0; k < c->fired; k++)
			assert_int_equal(ev.alts[k].result, 0);
		for (size_t k = (size_t)c->fired + 1; k < ev.n_alts; k++)
			assert_int_equal(ev.alts[k].result, -1);
	}
	if (c->url && strcmp(c->url, "!") == 0) {
		assert_int_equal(rc, -1);
		assert_null(ev.url_text);
		assert_non_null(ev.url_error);
		if (has_check(c->checks, "uerr", v, sizeof v) && !strstr(ev.url_error, v))
			fail_msg("case %zu (%s): URL error '%s', want '%s'", i, c->rule,
				 ev.url_error, v);
	} else {
		assert_int_equal(rc, 0);
		check_str(i, "url", ev.url_text, c->url);
		if (ev.url_error)
			fail_msg("case %zu (%s): URL error %s", i, c->rule, ev.url_error);
	}
	if ((c->url && strstr(c->url, "<dhcp-option-66>")) != ev.url.host_defaulted)
		fail_msg("case %zu (%s): host_defaulted is %d", i, c->rule, ev.url.host_defaulted);
	bool typeerr = false;
	for (size_t k = 0; k < ev.n_alts; k++)
		typeerr |= ev.alts[k].type_error;
	if (has_check(c->checks, "typeerr", v, sizeof v) != typeerr)
		fail_msg("case %zu (%s): type_error is %d", i, c->rule, typeerr);
	check_opt(i, "key", ev.opts.key);
	check_opt(i, "post", ev.opts.post);
	check_opt(i, "alias", ev.opts.alias);
	check_opt(i, "uid", ev.opts.uid);
	check_opt(i, "pwd", ev.opts.pwd);
	if (has_check(c->checks, "delta", v, sizeof v) != ev.opts.delta)
		fail_msg("case %zu (%s): delta is %d", i, c->rule, ev.opts.delta);
	check_sets(i, &ev);
	check_explain(i, &ev, 0);
	check_explain(i, &ev, 1);
	ps_rule_eval_clear(&ev);
	ps_rule_clear(&r);
}

static void test_table(void **state)
{
	(void)state;
	assert_true(sizeof cases / sizeof cases[0] >= 60);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(i);
}

/* ---- the parse record ---- */

static void test_parse_record(void **state)
{
	(void)state;
	struct ps_rule r;
	struct ps_rule_error err;
	const char *text = " (\"$A\" ne \"done\" and $SWVER lt 7.5.2b)? (a = \"done\"; "
			   "User_ID_1_ = \"$MA\";)! [--key $SA --post f --alias g --uid u --pwd "
			   "\"p w\" --delta] http://h/$MA.xml | /b";
	assert_int_equal(ps_rule_parse(text, PS_RULE_PROFILE, &r, &err), 0);
	assert_string_equal(r.text, text);
	assert_int_equal(r.n_alts, 2);
	assert_int_equal(r.n_warnings, 0);
	const struct ps_rule_alt *a = &r.alts[0];
	assert_int_equal(a->column, 2);
	assert_int_equal(a->n_conds, 2);
	assert_string_equal(a->conds[0].left, "$A");
	assert_true(a->conds[0].left_quoted);
	assert_string_equal(a->conds[0].right, "done");
	assert_true(a->conds[0].right_quoted);
	assert_int_equal(a->conds[0].op, PS_OP_NE);
	assert_string_equal(a->conds[0].op_text, "ne");
	assert_false(a->conds[0].legacy);
	assert_int_equal(a->conds[0].column, 3);
	assert_string_equal(a->conds[1].left, "$SWVER");
	assert_false(a->conds[1].left_quoted);
	assert_string_equal(a->conds[1].right, "7.5.2b");
	assert_int_equal(a->conds[1].op, PS_OP_LT);
	assert_int_equal(a->conds[1].column, 22);
	assert_true(a->has_assign);
	assert_int_equal(a->n_assigns, 2);
	assert_string_equal(a->assigns[0].name, "a");
	assert_string_equal(a->assigns[0].param, "GPP_A");
	assert_string_equal(a->assigns[0].value, "done");
	assert_string_equal(a->assigns[1].name, "User_ID_1_");
	assert_string_equal(a->assigns[1].param, "User_ID_1_");
	assert_string_equal(a->assigns[1].value, "$MA");
	assert_true(a->opts.present);
	assert_string_equal(a->opts.key, "$SA");
	assert_string_equal(a->opts.post, "f");
	assert_string_equal(a->opts.alias, "g");
	assert_string_equal(a->opts.uid, "u");
	assert_string_equal(a->opts.pwd, "p w");
	assert_true(a->opts.delta);
	assert_string_equal(a->url, "http://h/$MA.xml");
	assert_int_equal(a->url_column, (long)(strstr(text, "http://") - text) + 1);
	const char *at = strstr(text, "(\""), *end = strstr(text, ".xml") + 4;
	assert_int_equal(strlen(a->text), (size_t)(end - at));
	assert_int_equal(strncmp(a->text, at, (size_t)(end - at)), 0);
	const struct ps_rule_alt *b = &r.alts[1];
	assert_int_equal(b->n_conds, 0);
	assert_false(b->has_assign);
	assert_false(b->opts.present);
	assert_null(b->opts.key);
	assert_string_equal(b->url, "/b");
	assert_string_equal(b->text, "/b");
	ps_rule_clear(&r);
	ps_rule_clear(&r); /* clearing twice is harmless */
	ps_rule_clear(NULL);
}

static void test_parse_legacy_record(void **state)
{
	(void)state;
	struct ps_rule r;
	assert_int_equal(ps_rule_parse("(! 1.0.33)? /a | (1.0.2)? /b", PS_RULE_UPGRADE, &r, NULL),
			 0);
	assert_int_equal(r.n_alts, 2);
	assert_null(r.alts[0].conds[0].left);
	assert_true(r.alts[0].conds[0].legacy);
	assert_int_equal(r.alts[0].conds[0].op, PS_OP_NE);
	assert_string_equal(r.alts[0].conds[0].op_text, "!");
	assert_string_equal(r.alts[0].conds[0].right, "1.0.33");
	assert_null(r.alts[1].conds[0].left);
	assert_true(r.alts[1].conds[0].legacy);
	assert_int_equal(r.alts[1].conds[0].op, PS_OP_EQ);
	assert_string_equal(r.alts[1].conds[0].op_text, "");
	assert_string_equal(r.alts[1].conds[0].right, "1.0.2");
	ps_rule_clear(&r);
	/* A failed parse with no error record leaves the rule empty. */
	assert_int_equal(ps_rule_parse("(", PS_RULE_PROFILE, &r, NULL), -1);
	assert_int_equal(r.n_alts, 0);
	ps_rule_clear(&r);
	assert_int_equal(ps_rule_parse(NULL, PS_RULE_PROFILE, &r, NULL), 0);
	assert_int_equal(r.n_alts, 0);
	ps_rule_clear(&r);
}

static void test_op_names(void **state)
{
	(void)state;
	static const char *const syms[] = { "=", "!=", "<", "<=", ">", ">=" };
	static const char *const words[] = { "eq", "ne", "lt", "le", "gt", "ge" };
	for (int op = PS_OP_EQ; op <= PS_OP_GE; op++) {
		assert_string_equal(ps_rule_op_symbol((enum ps_rule_op)op), syms[op]);
		assert_string_equal(ps_rule_op_word((enum ps_rule_op)op), words[op]);
	}
	assert_string_equal(ps_rule_register("a"), "GPP_A");
	assert_string_equal(ps_rule_register("P"), "GPP_P");
	assert_null(ps_rule_register("q"));
	assert_null(ps_rule_register("ab"));
	assert_null(ps_rule_register(""));
	assert_null(ps_rule_register(NULL));
}

/* ---- URL resolution ---- */

struct url_case {
	const char *in;
	const char *scheme, *host, *path, *query;
	unsigned port;
	const char *error; /* substring of the error, NULL when it resolves */
};

static const struct url_case url_cases[] = {
	{ "/spa942.cfg", "tftp", NULL, "/spa942.cfg", NULL, 69, NULL },
	{ "h/x", "tftp", "h", "/x", NULL, 69, NULL },
	{ "h:6969/x", "tftp", "h", "/x", NULL, 6969, NULL },
	{ "http://h/x?a=1&b=2", "http", "h", "/x", "a=1&b=2", 80, NULL },
	{ "https://h/", "https", "h", "/", NULL, 443, NULL },
	{ "https://h/x?", "https", "h", "/x", "", 443, NULL },
	{ "Http://H.Example/X", "http", "H.Example", "/X", NULL, 80, NULL },
	{ "http://:8080/x", "http", NULL, "/x", NULL, 8080, NULL },
	{ "http://[::1]/x", "http", "::1", "/x", NULL, 80, NULL },
	{ "", NULL, NULL, NULL, NULL, 0, "empty" },
	{ "spa.cfg", NULL, NULL, NULL, NULL, 0, "absolute" },
	{ "http://h?x=1", NULL, NULL, NULL, NULL, 0, "absolute" },
	{ "http://h x/y", NULL, NULL, NULL, NULL, 0, "space" },
	{ "gopher://h/x", NULL, NULL, NULL, NULL, 0, "scheme" },
	{ "http://h:/x", NULL, NULL, NULL, NULL, 0, "port" },
	{ "http://h:0/x", NULL, NULL, NULL, NULL, 0, "range" },
	{ "http://h:8o/x", NULL, NULL, NULL, NULL, 0, "port" },
	{ "http://h:1:2/x", NULL, NULL, NULL, NULL, 0, "port" },
	{ "http://[::1/x", NULL, NULL, NULL, NULL, 0, "IPv6" },
	{ "http://[[]/x", NULL, NULL, NULL, NULL, 0, "IPv6" },
	{ "http://[fe80::1%eth0]/x", NULL, NULL, NULL, NULL, 0, "IPv6" },
	{ "http://[1.2.3.4]/x", NULL, NULL, NULL, NULL, 0, "IPv6" },
	{ "http://a@h/x", NULL, NULL, NULL, NULL, 0, "user@host" },
};

static void test_url_resolve(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof url_cases / sizeof url_cases[0]; i++) {
		const struct url_case *c = &url_cases[i];
		struct ps_url u;
		char *err = NULL;
		int rc = ps_rule_url_resolve(c->in, &u, &err);
		if (c->error) {
			if (rc != -1 || !err || !strstr(err, c->error))
				fail_msg("url '%s': rc %d error '%s', want '%s'", c->in, rc,
					 err ? err : "NULL", c->error);
			assert_null(u.scheme);
			free(err);
			continue;
		}
		if (rc != 0)
			fail_msg("url '%s': %s", c->in, err ? err : "?");
		assert_null(err);
		assert_string_equal(u.scheme, c->scheme);
		if (c->host)
			assert_string_equal(u.host, c->host);
		else
			assert_null(u.host);
		assert_int_equal(u.host_defaulted, c->host == NULL);
		assert_string_equal(u.path, c->path);
		if (c->query)
			assert_string_equal(u.query, c->query);
		else
			assert_null(u.query);
		assert_int_equal(u.port, c->port);
		ps_url_clear(&u);
	}
	struct ps_url u;
	assert_int_equal(ps_rule_url_resolve("/x", &u, NULL), 0);
	assert_true(u.port_defaulted);
	char *s = ps_url_format(&u);
	assert_string_equal(s, "tftp://<dhcp-option-66>:69/x");
	free(s);
	ps_url_clear(&u);
	assert_int_equal(ps_rule_url_resolve("x", &u, NULL), -1);
	ps_url_clear(&u);
}

/* ---- evaluation details ---- */

static void test_eval_empty_and_reasons(void **state)
{
	(void)state;
	struct ps_rule r;
	struct ps_rule_eval ev;
	assert_int_equal(ps_rule_parse("#($A eq 1)? /x", PS_RULE_PROFILE, &r, NULL), 0);
	assert_int_equal(ps_rule_evaluate(&r, NULL, &ev), 0);
	assert_int_equal(ev.fired, -1);
	assert_non_null(strstr(ev.reason, "commented"));
	ps_rule_eval_clear(&ev);
	ps_rule_clear(&r);

	assert_int_equal(ps_rule_parse("", PS_RULE_PROFILE, &r, NULL), 0);
	assert_int_equal(ps_rule_evaluate(&r, NULL, &ev), 0);
	assert_non_null(strstr(ev.reason, "empty"));
	ps_rule_eval_clear(&ev);
	ps_rule_clear(&r);

	/* No env: macros stay as written; $SWVER is not a version. */
	assert_int_equal(
	    ps_rule_parse("($SWVER lt 7.5.2b)? /a/$MA | /b/$A", PS_RULE_UPGRADE, &r, NULL), 0);
	assert_int_equal(ps_rule_evaluate(&r, NULL, &ev), 0);
	assert_int_equal(ev.fired, 1);
	assert_true(ev.alts[0].type_error);
	assert_string_equal(ev.url_expanded, "/b/");
	ps_rule_eval_clear(&ev);
	ps_rule_eval_clear(&ev);
	ps_rule_eval_clear(NULL);
	ps_rule_clear(&r);
}

static void test_eval_current_url(void **state)
{
	(void)state;
	struct phone ph = { "7.4.9" };
	struct ps_macro_env env = { .macro = macro_cb,
				    .param = param_cb,
				    .ctx = &ph,
				    .scheme = "http",
				    .serv = "prov.example.net",
				    .servip = "192.0.2.7",
				    .port = "80",
				    .path = "/spa.cfg" };
	char *s = ps_macro_expand_env("$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH",
				      &env, 0);
	assert_string_equal(s, "SPA504G 00:0e:08:aa:bb:cc -- Requesting resync "
			       "http://192.0.2.7:80/spa.cfg");
	free(s);
	s = ps_macro_expand_env("$METH $SERV", &env, 0);
	assert_string_equal(s, "http prov.example.net");
	free(s);
	env.scheme = NULL;
	s = ps_macro_expand_env("$SCHEME:$SA:$(SA):$ERR", &env, 0);
	assert_string_equal(s, "$SCHEME:$SA:$(SA):$ERR");
	free(s);
	s = ps_macro_expand_env("$SA:$(SB):$(GPP_SA:1:3)", &env, PS_MACRO_ALLOW_SECRETS);
	assert_string_equal(s, "s3cret:k2:3cr");
	free(s);
	s = ps_macro_expand_env("$A|$B|$(GPP_B)|$GPP_B|$UID1", NULL, 0);
	assert_string_equal(s, "||||");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_parse_record),
		cmocka_unit_test(test_parse_legacy_record),
		cmocka_unit_test(test_op_names),
		cmocka_unit_test(test_url_resolve),
		cmocka_unit_test(test_eval_empty_and_reasons),
		cmocka_unit_test(test_eval_current_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
