/* placeholder */
#ifndef PS_PROFILE_DEFAULTS_H
#define PS_PROFILE_DEFAULTS_H
#endif
