/* The lab's --learn-model: a model file (JSON, $defs/model_file in the
 * schema) written from what one client showed — its ClientHello, the
 * User-Agent and the certificate of its first request — for --model-file
 * (run/modelfile.h) to play that phone from then on. */
#ifndef PS_LAB_LEARN_H
#define PS_LAB_LEARN_H

#include "lab/record.h"
#include "phone/catalogue.h"

/* Write the model `name` learned from session `s` (which has a
 * ClientHello) to `path`, replacing it whole. Returns 0 and a sentence for
 * the log in `*said` ("learned model NAME from PEER: ..."), or -1 with
 * `*err` (the file could not be written), or -2 with `*err` when the
 * ClientHello is no offer to learn (no suite); caller frees both. */
int ps_lab_learn(const char *path, const char *name, const struct ps_lab_session *s, char **said,
		 char **err);

/* A model file written without a User-Agent (the phone's HTTPS
 * handshake failed: it does not trust the lab's CA) gets the one of a
 * later plain-HTTP request from the same address: its User-Agent format,
 * firmware, serial number and MAC, the model it is based on, and `match`,
 * what the lab now says of its offer (learned.match). Returns
 * 0 and the sentence for the log, or -1 with `*err`. */
int ps_lab_learn_ua(const char *path, const char *ua, const char *match, char **said, char **err);

/* The model a User-Agent names ("Linksys/SPA-942-6.1.5(a) (...)"): the
 * token after its '/' less the last '-' part, found in the catalogue; NULL
 * when none. */
const struct ps_model *ps_ua_names(const char *ua);

/* Match a User-Agent with a catalogue format ("Linksys/SPA-942-$SWVER
 * ($SN)"): true when the literal text agrees, with the values of $SWVER,
 * $SN and $MAU/$MA (each NULL when the format has none; caller frees). */
bool ps_ua_capture(const char *format, const char *ua, char **swver, char **sn, char **mac);

#endif
