/* The parsed command line (see conf.h). */
#include "config.h"

#include "run/conf.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "phone/catalogue.h"

/* A network wait longer than this is a hang to the phone's user too. */
#define DEFAULT_TIMEOUT_MS 10000u

void ps_config_init(struct ps_config *c)
{
	memset(c, 0, sizeof *c);
	c->cmd = PS_CMD_LIVE;
	c->format = "text";
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	c->probe = true;
	c->system_trust = true;
	c->seed = 1;
}

void ps_config_clear(struct ps_config *c)
{
	for (size_t i = 0; i < c->n_pins; i++)
		ps_pin_clear(&c->pins[i]);
	free(c->pins);
	for (size_t i = 0; i < c->n_expects; i++)
		ps_expect_clear(&c->expects[i]);
	free(c->expects);
	free(c->model_files);
	c->model_files = NULL;
	c->pins = NULL;
	c->expects = NULL;
	c->n_pins = c->n_expects = 0;
}

const struct ps_model *ps_config_model(const struct ps_config *c, char **err)
{
	const struct ps_model *m = c->model ? ps_model_find(c->model) : ps_model_default();
	if (!m)
		*err = ps_xasprintf(
		    "--model '%s' is not in the catalogue (see --list-models)%s", c->model,
		    c->n_model_files ? "" : "; a learned model needs its --model-file");
	return m;
}
