/* placeholder */
#ifndef PS_PROFILE_SPC_H
#define PS_PROFILE_SPC_H
#endif
