/* placeholder: xml */
#include "config.h"

#include "profile/xml.h"
