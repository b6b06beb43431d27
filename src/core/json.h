/* JSON strings that keep what they are given: bytes that are not UTF-8
 * (a server's Latin-1 header, a client's SNI) become U+FFFD, where
 * json_string would refuse them and the key be lost. */
#ifndef PS_CORE_JSON_H
#define PS_CORE_JSON_H

#include <jansson.h>

/* A JSON string of `s` (not NULL). */
json_t *ps_json_string(const char *s);
/* The same, NULL as null. */
json_t *ps_json_string_or_null(const char *s);

#endif
