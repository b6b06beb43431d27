/* placeholder */
#ifndef PS_RULES_VERSION_H
#define PS_RULES_VERSION_H
#endif
