/* The table of output formats (see output.h). */
#include "config.h"

#include "output/output.h"

#include <string.h>

static const struct ps_output_format formats[] = {
	{ .name = "text",
	  .summary = "one line per step, then findings with fixes",
	  .write = ps_output_text,
	  .devices = &ps_devices_text },
	{ .name = "json",
	  .summary = "the whole report, schema provscope/1",
	  .write = ps_output_json },
	{ .name = "jsonl",
	  .summary = "the same JSON object on one line",
	  .write = ps_output_jsonl,
	  .devices = &ps_devices_jsonl },
	{ .name = "tap",
	  .summary = "TAP version 13, a test per step",
	  .write = ps_output_tap,
	  .devices = &ps_devices_tap },
	{ .name = "junit",
	  .summary = "JUnit XML, a testcase per step",
	  .write = ps_output_junit,
	  .devices = &ps_devices_junit },
	{ .name = "html",
	  .summary = "one self-contained page: the handshake drawn, the chain",
	  .write = ps_output_html },
};

const struct ps_output_format *ps_output_find(const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

const char *ps_output_names(void)
{
	return "text, json, jsonl, tap, junit, html";
}
