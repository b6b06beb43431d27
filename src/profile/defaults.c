/* Factory defaults, from spa-provisioning.md §1-2 (Linksys Provisioning
 * Guide tables) and the full parameter dumps in the profile corpus
 * (provisioner spa/spa5xx $model.cfg). "UNCERTAIN" marks values that no
 * primary source confirms for the model family. */
#include "config.h"

#include "profile/defaults.h"

#include <stdio.h>
#include <string.h>

struct def {
	const char *name;
	const char *value;
};

/* Every model: the provisioning block (LPG 4-1..4-5, SIP p.25-32). */
static const struct def common[] = {
	{ "Provision_Enable", "Yes" },
	{ "Resync_On_Reset", "Yes" },
	/* Units of 20 s on 9x2/5xx per the LPG 3.01 table; seconds per the
	 * Sipura guide. UNCERTAIN which the firmware uses. */
	{ "Resync_Random_Delay", "2" },
	{ "Resync_Periodic", "3600" },
	{ "Resync_Error_Retry_Delay", "3600" },
	{ "Forced_Resync_Delay", "14400" },
	{ "Resync_From_SIP", "Yes" },
	{ "Resync_After_Upgrade_Attempt", "Yes" },
	{ "Resync_Trigger_1", "" },
	{ "Resync_Trigger_2", "" },
	{ "Resync_Fails_On_FNF", "Yes" },
	{ "Profile_Rule", "/spa$PSN.cfg" },
	{ "Profile_Rule_B", "" },
	{ "Profile_Rule_C", "" },
	{ "Profile_Rule_D", "" },
	{ "Log_Resync_Request_Msg", "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH" },
	/* The SPA100 text appends " -- $ERR"; the 9x2/5xx dumps do not. */
	{ "Log_Resync_Success_Msg", "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH" },
	{ "Log_Resync_Failure_Msg", "$PN $MAC -- Resync failed: $ERR" },
	{ "Report_Rule", "" },
	/* "Yes" in every sample dump; the guides do not give it. UNCERTAIN. */
	{ "User_Configurable_Resync", "Yes" },
	{ "GPP_A", "" },
	{ "GPP_B", "" },
	{ "GPP_C", "" },
	{ "GPP_D", "" },
	{ "GPP_E", "" },
	{ "GPP_F", "" },
	{ "GPP_G", "" },
	{ "GPP_H", "" },
	{ "GPP_I", "" },
	{ "GPP_J", "" },
	{ "GPP_K", "" },
	{ "GPP_L", "" },
	{ "GPP_M", "" },
	{ "GPP_N", "" },
	{ "GPP_O", "" },
	{ "GPP_P", "" },
	{ "GPP_SA", "" },
	{ "GPP_SB", "" },
	{ "GPP_SC", "" },
	{ "GPP_SD", "" },
	/* Firmware upgrade (LPG 4-5). */
	{ "Upgrade_Enable", "Yes" },
	{ "Upgrade_Error_Retry_Delay", "3600" },
	{ "Downgrade_Rev_Limit", "" },
	{ "Upgrade_Rule", "" },
	{ "Log_Upgrade_Request_Msg",
	  "$PN $MAC -- Requesting upgrade $SCHEME://$SERVIP:$PORT$PATH" },
	{ "Log_Upgrade_Success_Msg",
	  "$PN $MAC -- Successful upgrade $SCHEME://$SERVIP:$PORT$PATH -- $ERR" },
	{ "Log_Upgrade_Failure_Msg", "$PN $MAC -- Upgrade failed: $ERR" },
	{ "License_Keys", "" },
	/* Web passwords: empty from the factory (every sample dump). */
	{ "Admin_Passwd", "" },
	{ "User_Password", "" },
};

/* Cisco SPA30x/50x/525 (firmware 7.x) only: present in the SPA5xx dump
 * (provisioner spa5xx/$model.cfg), not documented for the SPA9x2. */
static const struct def spa5xx[] = {
	{ "Resync_At__HHmm_", "" },
	{ "Resync_At_Random_Delay", "600" },
	{ "DHCP_Option_To_Use", "66,160,159,150" },
	/* The sample dump shows "https", which looks like a site setting; the
	 * factory value is assumed to be tftp, matching the TFTP default of
	 * rules without a scheme. UNCERTAIN. */
	{ "Transport_Protocol", "tftp" },
};

/* Per line n (Ext n): the name gets "_n_" appended. SIP_Port_n_ is 5059 + n. */
static const struct def per_line[] = {
	{ "Line_Enable", "Yes" },
	{ "Proxy", "" },
	{ "Outbound_Proxy", "" },
	{ "Use_Outbound_Proxy", "No" },
	{ "Register", "Yes" },
	/* 3600 in the LPG and the SPA5xx dump; the SPA9x2 dump says 120, which
	 * looks like a site value. */
	{ "Register_Expires", "3600" },
	{ "Display_Name", "" },
	{ "User_ID", "" },
	{ "Password", "" },
	{ "Use_Auth_ID", "No" },
	{ "Auth_ID", "" },
};

/* Lines per model, from the product data sheets (Ext tabs); for the ATAs
 * their FXS ports (the SPA3102 has one FXS and one FXO port, the SPA8000
 * eight FXS). The 5xx dump lists Line_Enable up to 12 because of sidecar
 * buttons; those are line keys, not extensions with accounts. */
static const struct {
	const char *id;
	unsigned lines;
} line_counts[] = {
	{ "spa921", 1 },  { "spa922", 1 },  { "spa941", 4 },   { "spa942", 4 },  { "spa962", 6 },
	{ "spa901", 1 },  { "spa301", 1 },  { "spa303", 3 },   { "spa501g", 8 }, { "spa502g", 1 },
	{ "spa504g", 4 }, { "spa508g", 8 }, { "spa509g", 12 }, { "spa512g", 1 }, { "spa514g", 4 },
	{ "spa525g", 5 }, { "pap2t", 2 },   { "spa2102", 2 },  { "spa3102", 1 }, { "spa8000", 8 },
	{ "spa112", 2 },  { "spa122", 2 },  { "spa232d", 1 },
};

unsigned ps_model_lines(const struct ps_model *m)
{
	if (!m)
		m = ps_model_default();
	for (size_t i = 0; i < sizeof line_counts / sizeof line_counts[0]; i++)
		if (m && strcmp(m->id, line_counts[i].id) == 0)
			return line_counts[i].lines;
	return 1;
}

static bool is_spa5xx(const struct ps_model *m)
{
	return m && m->family &&
	       (strcmp(m->family, "SPA30x") == 0 || strcmp(m->family, "SPA50x") == 0 ||
		strcmp(m->family, "SPA51x") == 0 || strcmp(m->family, "SPA525") == 0);
}

static void add(struct ps_params *t, const struct def *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ps_params_set(t, d[i].name, d[i].value, NULL, NULL, 0);
}

void ps_params_load_defaults(struct ps_params *t, const struct ps_model *m)
{
	if (!m)
		m = ps_model_default();
	add(t, common, sizeof common / sizeof common[0]);
	/* the model's own factory rule (the PAP2T's /init.cfg) */
	if (m->factory_rule)
		ps_params_set(t, "Profile_Rule", m->factory_rule, NULL, NULL, 0);
	/* SPA1xx: the URL of a custom server CA (S100P p.86), empty */
	if (m->family && strcmp(m->family, "SPA1x2") == 0)
		ps_params_set(t, "Custom_CA_URL", "", NULL, NULL, 0);
	if (is_spa5xx(m))
		add(t, spa5xx, sizeof spa5xx / sizeof spa5xx[0]);
	unsigned lines = ps_model_lines(m);
	for (unsigned n = 1; n <= lines; n++) {
		char name[64], port[16];
		for (size_t i = 0; i < sizeof per_line / sizeof per_line[0]; i++) {
			snprintf(name, sizeof name, "%s_%u_", per_line[i].name, n);
			ps_params_set(t, name, per_line[i].value, NULL, NULL, 0);
		}
		snprintf(name, sizeof name, "SIP_Port_%u_", n);
		snprintf(port, sizeof port, "%u", 5059 + n);
		ps_params_set(t, name, port, NULL, NULL, 0);
	}
}
