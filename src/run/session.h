/* A session: what every run of one invocation shares, set up once from the
 * configuration and read by all its runs (the batch run, each device of a
 * list, the TUI's first run and every re-run): the model, the device
 * certificate, the trust anchors, and for --demo the lab server and the
 * identity minted for it. Read-only once open, so runs on several threads
 * may share it. */
#ifndef PS_RUN_SESSION_H
#define PS_RUN_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/chain.h"
#include "engine/net.h"
#include "engine/tls.h"
#include "engine/trust.h"
#include "phone/catalogue.h"
#include "run/conf.h"

struct ps_session;

/* Check `cfg` (borrowed: it must outlive the session) against the files it
 * names and load what runs share; for PS_CMD_DEMO start the lab, its
 * request log to `lab_log` (NULL: nowhere). Returns 0, or the exit status
 * of the failure (2, usage or a local file) with `*err` (caller frees). */
int ps_session_open(const struct ps_config *cfg, FILE *lab_log, struct ps_session **out,
		    char **err);
/* Stop what the session started and free it; NULL is accepted. */
void ps_session_close(struct ps_session *s);

/* Borrowed views, valid while the session is open. */
const struct ps_config *ps_session_config(const struct ps_session *s);
const struct ps_model *ps_session_model(const struct ps_session *s);
/* The target (the command line's URL or rule, the demo's rule), or NULL. */
const char *ps_session_target(const struct ps_session *s);
/* What a scan says it plays when no URL was given (--tftp-server): each
 * model's own factory rule. */
#define PS_FACTORY_TARGET "each model's factory rule (/spa$PSN.cfg; the PAP2T's /init.cfg)"
/* The phone's MAC when given or fixed (--demo: the minted certificate
 * names it), else NULL. */
const char *ps_session_mac(const struct ps_session *s);
/* --demo, for a run as another model than the session's (the view's m),
 * without --mac: a device certificate for that phone (`id`: its own
 * default MAC and serial), minted by the lab; creds for it, or NULL with
 * `*err` (caller frees). NULL without an error when the session is no demo
 * or the MAC is fixed. Call it from the thread that opened the session. */
struct ps_identity;
struct ps_tls_creds *ps_session_demo_creds(const struct ps_session *s, const struct ps_identity *id,
					   char **err);
/* --resolve pins, the demo's included. */
const struct ps_pin *ps_session_pins(const struct ps_session *s, size_t *n);
const struct ps_tls_creds *ps_session_creds(const struct ps_session *s);
/* What the phone and the modern client trust, loaded once. */
const struct ps_trust *ps_session_trust(const struct ps_session *s);
/* The chain reports made so far under that trust, for every run to reuse
 * (see ps_chain_memo_new; it has a lock of its own, so runs on several
 * threads may share it). */
struct ps_chain_memo *ps_session_chain_memo(const struct ps_session *s);
/* scan: the models to play, in order (--models, else the catalogue). */
const struct ps_model *const *ps_session_scan_models(const struct ps_session *s, size_t *n);

#endif
