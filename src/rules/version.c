/* placeholder: version */
#include "config.h"

#include "rules/version.h"
