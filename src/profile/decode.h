/* placeholder */
#ifndef PS_PROFILE_DECODE_H
#define PS_PROFILE_DECODE_H
#endif
