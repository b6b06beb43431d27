/* placeholder: decode */
#include "config.h"

#include "profile/decode.h"
