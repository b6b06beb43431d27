/* placeholder */
#ifndef PS_PROFILE_PARAMS_H
#define PS_PROFILE_PARAMS_H
#endif
