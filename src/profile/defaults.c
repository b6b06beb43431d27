/* placeholder: defaults */
#include "config.h"

#include "profile/defaults.h"
