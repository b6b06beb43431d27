/* placeholder: rule */
#include "config.h"

#include "rules/rule.h"
