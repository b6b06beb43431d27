/* placeholder: params */
#include "config.h"

#include "profile/params.h"
