/* libFuzzer target for the rule grammar: parse the input as each kind of
 * rule, evaluate what parses against a fixed phone, resolve and format the
 * URL, and free everything (the sanitizers catch the rest). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/env.h"
#include "rules/macro.h"
#include "rules/rule.h"
#include "rules/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_macro(void *ctx, const char *name)
{
	(void)ctx;
	static const char *const kv[][2] = {
		{ "MA", "000e08aabbcc" }, { "MAC", "00:0e:08:aa:bb:cc" }, { "PN", "SPA504G" },
		{ "PSN", "504G" },        { "SWVER", "7.4.9" },           { "PRVTMR", "2000" },
		{ "PRVST", "-1" },        { "CCERT", "Installed" },       { "EXTIP", "" },
	};
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		if (strcmp(kv[i][0], name) == 0)
			return kv[i][1];
	return NULL;
}

static const char *fuzz_param(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "GPP_A") == 0)
		return "$MA|(\"x\" lt 1)?[--key";
	if (strcmp(name, "GPP_SA") == 0)
		return "s3cret";
	if (strcmp(name, "GPP_C") == 0)
		return "prov.example.net:8080";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	static const struct ps_macro_env env = {
		.macro = fuzz_macro, .param = fuzz_param, .scheme = "http", .serv = "h"
	};
	static const enum ps_rule_kind kinds[] = { PS_RULE_PROFILE, PS_RULE_UPGRADE,
						   PS_RULE_TRIGGER };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct ps_rule r;
		struct ps_rule_error err;
		if (ps_rule_parse(text, kinds[k], &r, &err) == 0) {
			struct ps_rule_eval ev;
			ps_rule_evaluate(&r, &env, &ev);
			if (ev.url_text) {
				/* The canonical form resolves to itself. */
				struct ps_url u;
				if (ps_rule_url_resolve(ev.url_text, &u, NULL) != 0 && ev.url.host)
					abort();
				ps_url_clear(&u);
			}
			ps_rule_eval_clear(&ev);
		} else if (err.column < 1 || (size_t)err.column > strlen(text) + 1) {
			abort();
		}
		ps_rule_clear(&r);
	}
	char *x = ps_macro_expand_env(text, &env, PS_MACRO_ALLOW_SECRETS);
	free(x);
	struct ps_url u;
	char *uerr = NULL;
	ps_rule_url_resolve(text, &u, &uerr);
	ps_url_clear(&u);
	free(uerr);
	char *v = ps_version_from_filename(text);
	free(v);
	(void)ps_version_valid(text);
	(void)ps_version_cmp(text, "7.5.2b");
	free(text);
	return 0;
}
