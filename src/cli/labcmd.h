/* `provscope lab`: the lab provisioning server alone, in the foreground
 * until SIGINT, SIGTERM or SIGHUP, or a device certificate minted into
 * --pki. Part of the program: it prints and waits for signals. */
#ifndef PS_CLI_LABCMD_H
#define PS_CLI_LABCMD_H

#include "phone/identity.h"
#include "run/conf.h"

/* Returns the exit status. */
int ps_lab_command(const struct ps_lab_opts *o, const struct ps_identity *id);

#endif
