/* placeholder: spc */
#include "config.h"

#include "profile/spc.h"
