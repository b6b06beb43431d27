/* JSON strings (see json.h). */
#include "config.h"

#include "core/json.h"

#include "core/utf8.h"
#include "core/util.h"

json_t *ps_json_string(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	struct ps_buf b = { 0 };
	ps_utf8_sanitize(&b, s);
	j = json_string(b.s ? b.s : "");
	ps_buf_free(&b);
	return j;
}

json_t *ps_json_string_or_null(const char *s)
{
	return s ? ps_json_string(s) : json_null();
}
