/* placeholder */
#ifndef PS_RULES_RULE_H
#define PS_RULES_RULE_H
#endif
