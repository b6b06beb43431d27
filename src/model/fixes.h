/* Fixes in the server's own words: for the findings whose fix is a server
 * setting, the directives of nginx, Apache (mod_ssl), lighttpd and HAProxy;
 * and which of them answered a hop, when it can be told. */
#ifndef PS_MODEL_FIXES_H
#define PS_MODEL_FIXES_H

#include "model/finding.h"
#include "model/report.h"

/* The servers a fix is given for, in the order they are listed. */
enum ps_server {
	PS_SERVER_NGINX,
	PS_SERVER_APACHE,
	PS_SERVER_LIGHTTPD,
	PS_SERVER_HAPROXY,
	PS_SERVER_COUNT,
	PS_SERVER_UNKNOWN = PS_SERVER_COUNT,
};

/* "nginx", "apache", "lighttpd", "haproxy" (JSON keys); NULL for unknown. */
const char *ps_server_key(enum ps_server s);
/* "nginx", "Apache", "lighttpd", "HAProxy" (for people). */
const char *ps_server_label(enum ps_server s);
/* The fix for `id` in the words of server `s`, or NULL when the finding
 * has none (its fix is not a server setting). */
const char *ps_finding_fix_for(enum ps_finding_id id, enum ps_server s);
/* Whether `id` has fixes by server. */
bool ps_finding_has_server_fixes(enum ps_finding_id id);
/* The server a Server header value names ("nginx/1.22.1",
 * "Apache/2.4.57 (Debian) OpenSSL/3.0.11"), PS_SERVER_UNKNOWN if none. */
enum ps_server ps_server_from_header(const char *value);
/* The server that answered hop `hop` of `r`: its Server header, else the
 * Server header of another hop to the same host and port;
 * PS_SERVER_UNKNOWN when none said. */
enum ps_server ps_report_hop_server(const struct ps_report *r, long hop);
/* The servers in the order a finding of hop `hop` lists its fixes: the
 * one that answered first, then the others; fills `order`
 * (PS_SERVER_COUNT entries). */
void ps_fix_order(const struct ps_report *r, long hop, enum ps_server order[PS_SERVER_COUNT]);

#endif
