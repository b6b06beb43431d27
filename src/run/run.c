/* One run of the engine from a session (see run.h). */
#include "config.h"

#include "run/run.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "engine/engine.h"
#include "model/expect.h"
#include "output/progress.h"
#include "phone/identity.h"
#include "rules/rule.h"

/* The default cap on a fetched body, and on a profile file read offline. */
#define DEFAULT_MAX_BODY ((size_t)4 << 20)
#define DEFAULT_MAX_FILE ((size_t)64 << 20)

struct ps_run {
	const struct ps_session *s;
	struct ps_identity id;
	char *user_agent;
	struct ps_tls_creds *own_creds; /* a device row's certificate */
	struct ps_progress bar;
	struct ps_run_config cfg;
};

struct ps_run_setup ps_run_setup_of(const struct ps_session *s)
{
	return (struct ps_run_setup){ .model = ps_session_model(s),
				      .at = ps_session_config(s)->at,
				      .progress = true };
}

static enum ps_mode report_mode(enum ps_command cmd)
{
	switch (cmd) {
	case PS_CMD_CERT:
		return PS_MODE_CERT;
	case PS_CMD_PROFILE:
		return PS_MODE_PROFILE;
	case PS_CMD_RULE:
		return PS_MODE_RULE;
	default:
		return PS_MODE_LIVE;
	}
}

static void fill_header(struct ps_report *r, const struct ps_run *run, const char *target)
{
	const struct ps_config *c = ps_session_config(run->s);
	const struct ps_identity *id = &run->id;
	struct ps_phone_info *p = &r->phone;
	r->tool_version = ps_xstrdup(PACKAGE_VERSION);
	r->mode = report_mode(c->cmd);
	r->show_secrets = c->show_secrets;
	/* A rule given on the command line may hold a key or a password. */
	r->target = (r->mode == PS_MODE_RULE || r->mode == PS_MODE_LIVE) && !c->show_secrets
			? ps_redact_secrets(target)
			: ps_xstrdup(target);
	p->model = ps_xstrdup(id->model->id);
	p->vendor = ps_xstrdup(id->model->vendor);
	p->product = ps_xstrdup(id->model->product);
	p->psn = ps_xstrdup(id->model->psn);
	p->firmware = ps_xstrdup(id->firmware);
	p->mac = ps_xstrdup(id->mac);
	p->serial = ps_xstrdup(id->serial);
	p->user_agent = ps_identity_user_agent(id);
	p->priority = ps_xstrdup(run->cfg.priority);
	p->tftp_server = ps_xstrdup(c->tftp_server);
}

/* The phone: the session's, with a device row's own values first. */
static void set_identity(struct ps_run *run, const struct ps_model *model,
			 const struct ps_device *d)
{
	const struct ps_config *c = ps_session_config(run->s);
	ps_identity_init(&run->id, model);
	/* The demo's MAC is the one its certificate names; a run as another
	 * model gets that model's own (ps_session_demo_creds mints for it). */
	const char *mac = d && d->mac                                   ? d->mac
			  : model == ps_session_model(run->s) || c->mac ? ps_session_mac(run->s)
									: NULL;
	const char *serial = d && d->serial ? d->serial : c->serial;
	const char *firmware = d && d->firmware ? d->firmware : c->firmware;
	if (mac)
		ps_identity_set_mac(&run->id, mac); /* checked by the session or the list */
	if (serial)
		ps_identity_set_serial(&run->id, serial);
	if (firmware)
		ps_identity_set_firmware(&run->id, firmware);
	run->user_agent = ps_identity_user_agent(&run->id);
}

struct ps_run *ps_run_new(const struct ps_session *s, const struct ps_run_setup *setup,
			  const struct ps_device *d, struct ps_report *report, char **err)
{
	const struct ps_config *c = ps_session_config(s);
	struct ps_run *run = ps_xcalloc(1, sizeof *run);
	run->s = s;
	if (d && d->cert && !(run->own_creds = ps_tls_creds_new(d->cert, d->key, err))) {
		free(run);
		return NULL;
	}
	const struct ps_model *model = d && d->model ? ps_model_find(d->model) : setup->model;
	set_identity(run, model, d);
	if (!d && !run->own_creds && !setup->creds &&
	    (run->own_creds = ps_session_demo_creds(s, &run->id, err)) == NULL && *err) {
		ps_identity_clear(&run->id);
		free(run->user_agent);
		free(run);
		return NULL;
	}
	const char *target = d && d->url ? d->url : ps_session_target(s);
	if (!target) /* --tftp-server and no URL: a factory-fresh phone */
		target = model->factory_rule ? model->factory_rule : "/spa$PSN.cfg";
	size_t n_pins;
	const struct ps_pin *pins = ps_session_pins(s, &n_pins);
	bool progress = setup->progress && c->download;
	ps_progress_init(&run->bar, stderr, "firmware");
	run->cfg = (struct ps_run_config){
		.identity = &run->id,
		.target = target,
		.priority = c->priority ? c->priority : model->priority,
		.creds = setup->creds     ? setup->creds
			 : run->own_creds ? run->own_creds
					  : ps_session_creds(s),
		.timeout_ms = c->timeout_ms,
		.pins = pins,
		.n_pins = n_pins,
		.probe = c->probe,
		.trust = ps_session_trust(s),
		.chain_memo = ps_session_chain_memo(s),
		.at = setup->at,
		.inspect_anyway = c->inspect_anyway,
		.strict = c->strict,
		.profile_key = c->profile_key,
		.user_agent = run->user_agent,
		.max_body = c->max_size                ? c->max_size
			    : c->cmd == PS_CMD_PROFILE ? DEFAULT_MAX_FILE
						       : DEFAULT_MAX_BODY,
		.handshake_only = c->handshake_only,
		/* offline, only a MAC given says which device it is */
		.check_device = c->cmd == PS_CMD_LIVE || c->cmd == PS_CMD_DEMO ||
				c->cmd == PS_CMD_DEVICES || c->cmd == PS_CMD_SCAN ||
				c->cmd == PS_CMD_STORM || c->mac,
		.download_file = c->download,
		.audit = c->audit,
		.progress = progress ? ps_progress_update : NULL,
		.progress_ctx = &run->bar,
		.target_version = c->target_version,
		.tftp_server = c->tftp_server,
		.loopback_only = setup->loopback_only,
	};
	fill_header(report, run, target);
	return run;
}

bool ps_run_play(struct ps_run *run, const struct ps_sink *sink, char **err)
{
	const struct ps_config *c = ps_session_config(run->s);
	switch (c->cmd) {
	case PS_CMD_CERT:
		return ps_engine_run_cert(&run->cfg, c->target, c->host, sink, err);
	case PS_CMD_PROFILE:
		return ps_engine_run_profile(&run->cfg, (const char *const *)c->files, c->n_files,
					     sink, err);
	case PS_CMD_RULE:
		ps_engine_run_rule(&run->cfg, c->target, c->kind ? c->kind : "profile", sink);
		return true;
	case PS_CMD_LIVE:
	case PS_CMD_DEMO:
	case PS_CMD_DEVICES:
	case PS_CMD_SCAN:
	case PS_CMD_STORM:
		ps_engine_run(&run->cfg, sink);
		return true;
	case PS_CMD_LAB:
	case PS_CMD_LIST_MODELS:
	case PS_CMD_LIST_PARAMS:
	case PS_CMD_MERGE:
	case PS_CMD_COUNT:
		break;
	}
	*err = ps_xstrdup("this command makes no run of the engine");
	return false;
}

void ps_run_finish(const struct ps_run *run, struct ps_report *report)
{
	const struct ps_config *c = ps_session_config(run->s);
	ps_report_finish(report);
	ps_report_expect(report, c->expects, c->n_expects);
}

const struct ps_run_config *ps_run_cfg(const struct ps_run *run)
{
	return &run->cfg;
}

void ps_run_free(struct ps_run *run)
{
	if (!run)
		return;
	free(run->user_agent);
	ps_identity_clear(&run->id);
	ps_tls_creds_free(run->own_creds);
	free(run);
}
