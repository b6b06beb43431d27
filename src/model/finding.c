/* Tables behind the finding and exit-code X-macros (see finding.h). */
#include "config.h"

#include "model/finding.h"

#include <string.h>

struct finding_row {
	const char *name;
	enum ps_severity severity;
	enum ps_exit exit;
	const char *text;
	const char *fix;
};

static const struct finding_row findings[PS_F_COUNT] = {
#define PS_X(e, id, sev, ex, text, fix) [e] = { id, sev, ex, text, fix },
	PS_FINDINGS(PS_X)
#undef PS_X
};

const char *ps_finding_name(enum ps_finding_id id)
{
	return (unsigned)id < PS_F_COUNT ? findings[id].name : "unknown";
}

enum ps_severity ps_finding_severity(enum ps_finding_id id)
{
	return (unsigned)id < PS_F_COUNT ? findings[id].severity : PS_SEV_ERROR;
}

enum ps_exit ps_finding_exit(enum ps_finding_id id)
{
	return (unsigned)id < PS_F_COUNT ? findings[id].exit : PS_EXIT_INTERNAL;
}

const char *ps_finding_text(enum ps_finding_id id)
{
	return (unsigned)id < PS_F_COUNT ? findings[id].text : "";
}

const char *ps_finding_fix(enum ps_finding_id id)
{
	return (unsigned)id < PS_F_COUNT ? findings[id].fix : "";
}

const char *ps_severity_name(enum ps_severity sev)
{
	switch (sev) {
	case PS_SEV_INFO:
		return "info";
	case PS_SEV_WARN:
		return "warning";
	case PS_SEV_ERROR:
		return "error";
	}
	return "error";
}

enum ps_finding_id ps_finding_lookup(const char *name)
{
	for (int i = 0; i < PS_F_COUNT; i++)
		if (strcmp(findings[i].name, name) == 0)
			return (enum ps_finding_id)i;
	return PS_F_COUNT;
}

struct exit_row {
	int code;
	const char *name;
	const char *text;
};

static const struct exit_row exits[] = {
#define PS_X(e, code, id, text) { code, id, text },
	PS_EXITS(PS_X)
#undef PS_X
};

const char *ps_exit_name(int code)
{
	for (size_t i = 0; i < sizeof exits / sizeof exits[0]; i++)
		if (exits[i].code == code)
			return exits[i].name;
	return NULL;
}

const char *ps_exit_text(int code)
{
	for (size_t i = 0; i < sizeof exits / sizeof exits[0]; i++)
		if (exits[i].code == code)
			return exits[i].text;
	return NULL;
}
