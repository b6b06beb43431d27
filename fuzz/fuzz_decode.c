/* libFuzzer target: the profile decode pipeline (with a fixed key, so the
 * decryption path runs on inputs that start with "Salted__") followed by
 * the XML or SPC text parser into a table holding factory defaults, and
 * the profile checks of what it set, for a model the input picks. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "phone/catalogue.h"
#include "profile/decode.h"
#include "profile/defaults.h"
#include "profile/lint.h"
#include "profile/params.h"
#include "profile/spc.h"
#include "profile/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A small cap keeps gzip bombs cheap while still exercising the cap. */
	struct ps_decode_opts o = { .key = "fuzz", .max_size = 1 << 20 };
	struct ps_decoded d;
	if (ps_profile_decode(data, size, &o, &d) == 0) {
		struct ps_params *t = ps_params_new();
		ps_params_load_defaults(t, ps_model_default());
		struct ps_parse_result r;
		if (d.format == PS_PROFILE_XML)
			ps_profile_parse_xml((const char *)d.data, d.len, "fuzz", t, &r);
		else
			ps_profile_parse_spc((const char *)d.data, d.len, "fuzz", t, &r);
		/* The checks, for one of the catalogue's models. */
		struct ps_lint l;
		ps_profile_lint(&r.ops, ps_model_at(size % ps_model_builtin_count()), &l);
		for (size_t i = 0; i < l.n; i++)
			ps_params_mark(t, l.items[i].name, "profile.bad_value", l.items[i].detail);
		ps_lint_clear(&l);
		/* Walk the table as an output would. */
		for (size_t i = 0; i < ps_params_count(t); i++)
			(void)ps_param_display(ps_params_at(t, i), false);
		ps_parse_result_clear(&r);
		ps_params_free(t);
	}
	/* The parsers also see raw input, as a caller with its own decoder would. */
	struct ps_params *raw = ps_params_new();
	struct ps_parse_result r;
	ps_profile_parse_spc((const char *)data, size, "raw", raw, &r);
	ps_parse_result_clear(&r);
	ps_profile_parse_xml((const char *)data, size, "raw", raw, &r);
	ps_parse_result_clear(&r);
	ps_params_free(raw);
	ps_decoded_clear(&d);
	return 0;
}
