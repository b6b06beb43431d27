/* placeholder */
#ifndef PS_PROFILE_XML_H
#define PS_PROFILE_XML_H
#endif
