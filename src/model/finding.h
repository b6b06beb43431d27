/* Findings: stable ids with a severity, an exit category, a plain-language
 * explanation and a fix hint. Adding a finding is one line in PS_FINDINGS. */
#ifndef PS_MODEL_FINDING_H
#define PS_MODEL_FINDING_H

/* Exit status by category (stable; documented in the man page).
 * X(enum, code, id, meaning) */
#define PS_EXITS(X)                                                               \
	X(PS_EXIT_OK, 0, "ok", "the phone would provision")                       \
	X(PS_EXIT_USAGE, 2, "usage", "usage or local file error")                 \
	X(PS_EXIT_NETWORK, 3, "network", "DNS, connect or timeout")               \
	X(PS_EXIT_TLS, 4, "tls", "TLS negotiation failed")                        \
	X(PS_EXIT_CHAIN, 5, "chain", "server certificate rejected by the phone")  \
	X(PS_EXIT_CLIENT_AUTH, 6, "client_auth", "client authentication refused") \
	X(PS_EXIT_HTTP, 7, "http", "HTTP error")                                  \
	X(PS_EXIT_PROFILE, 8, "profile", "profile unusable")                      \
	X(PS_EXIT_UPGRADE, 9, "upgrade", "firmware-upgrade check failed")         \
	X(PS_EXIT_EXPECT, 10, "expect", "an --expect or audit check failed")      \
	X(PS_EXIT_INTERNAL, 70, "internal", "internal error")

enum ps_exit {
#define PS_X(e, code, id, text) e = code,
	PS_EXITS(PS_X)
#undef PS_X
};

enum ps_severity {
	PS_SEV_INFO,  /* worth knowing, changes nothing */
	PS_SEV_WARN,  /* the phone would still provision */
	PS_SEV_ERROR, /* the phone would not provision: sets the exit code */
};

/* X(enum, id, severity, exit category, explanation, fix hint) */
#define PS_FINDINGS(X)                                                                             \
	X(PS_F_NET_DNS, "net.dns", PS_SEV_ERROR, PS_EXIT_NETWORK,                                  \
	  "The provisioning server's host name could not be resolved.",                            \
	  "Check the host name in the URL and the DNS server the phone gets from DHCP, "           \
	  "or pin an address with --resolve HOST:PORT:ADDR.")                                      \
	X(PS_F_NET_REFUSED, "net.refused", PS_SEV_ERROR, PS_EXIT_NETWORK,                          \
	  "The server refused the TCP connection: nothing listens on that address and port.",      \
	  "Check that the provisioning server runs and listens on this port, and that no "         \
	  "firewall rejects the phone's address.")                                                 \
	X(PS_F_NET_RESET, "net.reset", PS_SEV_ERROR, PS_EXIT_NETWORK,                              \
	  "The server reset the connection.",                                                      \
	  "Look at the server's error log for the moment of the reset; a TLS front end that "      \
	  "drops legacy clients without an alert behaves like this.")                              \
	X(PS_F_NET_TIMEOUT, "net.timeout", PS_SEV_ERROR, PS_EXIT_NETWORK,                          \
	  "The server did not answer in time.",                                                    \
	  "Check that the port is reachable from the phone's network (firewall dropping "          \
	  "packets?) and that the server is not overloaded; raise --timeout to wait longer.")      \
	X(PS_F_NET_UNREACHABLE, "net.unreachable", PS_SEV_ERROR, PS_EXIT_NETWORK,                  \
	  "No route to the server's address.",                                                     \
	  "Check the phone's network, gateway and VLAN, and the address the name resolves to.")    \
	X(PS_F_TLS_PROTOCOL_VERSION, "tls.protocol_version", PS_SEV_ERROR, PS_EXIT_TLS,            \
	  "The server refuses the TLS protocol version the phone speaks.",                         \
	  "Enable TLS 1.0 with the phone's AES-CBC suites for the provisioning host, "             \
	  "ideally on a virtual host or port used only by phones (OpenSSL 3 allows TLS 1.0 "       \
	  "only at security level 0).")                                                            \
	X(PS_F_TLS_NO_SHARED_CIPHER, "tls.no_shared_cipher", PS_SEV_ERROR, PS_EXIT_TLS,            \
	  "The server accepts the phone's TLS version but none of the cipher suites it offers.",   \
	  "Enable at least one suite the phone offers, e.g. TLS_RSA_WITH_AES_256_CBC_SHA "         \
	  "(OpenSSL name AES256-SHA, which OpenSSL 3 allows only at security level 0), on "        \
	  "an RSA certificate.")                                                                   \
	X(PS_F_TLS_HANDSHAKE_FAILED, "tls.handshake_failed", PS_SEV_ERROR, PS_EXIT_TLS,            \
	  "The TLS handshake failed.",                                                             \
	  "Read the message sequence and the server's error log; compare with a handshake "        \
	  "from a modern client (shown below when one was made).")                                 \
	X(PS_F_TLS_NOT_TLS, "tls.not_tls", PS_SEV_ERROR, PS_EXIT_TLS,                              \
	  "The server did not answer with TLS: this port seems to speak plain HTTP or "            \
	  "another protocol.",                                                                     \
	  "Use the server's HTTPS port in the URL, or http:// if the server has no TLS.")          \
	X(PS_F_TLS_CLOSED, "tls.closed", PS_SEV_ERROR, PS_EXIT_TLS,                                \
	  "The server closed the connection during the handshake without a TLS alert.",            \
	  "Some servers drop clients they refuse without saying why; check the server's log "      \
	  "for the phone's connection (protocol version, cipher, or client certificate).")         \
	X(PS_F_TLS_SERVER_ERROR, "tls.server_error", PS_SEV_ERROR, PS_EXIT_TLS,                    \
	  "The server fails every client, whatever it offers: a modern client's handshake "        \
	  "fails too, before the server chooses a version or suite, so the fault is in the "       \
	  "server's own setup, not in the phone's TLS.",                                           \
	  "Look at the server's error log for this handshake and fix what it says, then check "    \
	  "again for the phone; lighttpd, for one, fails every client when it cannot build its "   \
	  "certificate chain (an ssl.ca-file without the issuer of the ssl.pemfile "               \
	  "certificate).")                                                                         \
	X(PS_F_TLS_RC4, "tls.rc4", PS_SEV_WARN, PS_EXIT_OK,                                        \
	  "The phone and the server agreed on RC4, a cipher broken since 2013 and prohibited in "  \
	  "TLS by RFC 7465; every SPA phone of the catalogue also offers AES.",                    \
	  "Offer the AES-CBC suites for TLS 1.0 and drop RC4: every SPA that speaks RC4 "          \
	  "also speaks AES.")                                                                      \
	X(PS_F_TLS_SNI_DEFAULT_CERTIFICATE, "tls.sni_default_certificate", PS_SEV_ERROR,           \
	  PS_EXIT_CHAIN,                                                                           \
	  "The server chooses its certificate by the name a client sends (SNI); the phone sends "  \
	  "none, so it gets the certificate of the server's default host, not the provisioning "   \
	  "host's, whose own certificate is right.",                                               \
	  "Make the provisioning host the one that answers clients without SNI on this "           \
	  "address and port, or give the phones an address or port of their own.")                 \
	X(PS_F_CLIENT_AUTH_MAC_MISMATCH, "client_auth.mac_mismatch", PS_SEV_WARN, PS_EXIT_OK,      \
	  "The device certificate names another MAC address than the phone's: a server that "      \
	  "gives each certificate its own device's files refuses this phone's.",                   \
	  "Give the phone the MAC of its certificate with --mac (or a mac column with "            \
	  "--devices), or the certificate of this MAC.")                                           \
	X(PS_F_TLS_LOCAL_POLICY, "tls.local_policy", PS_SEV_WARN, PS_EXIT_OK,                      \
	  "This host's TLS library leaves part of the phone's offer out (a system crypto "         \
	  "policy), so the ClientHello is not the phone's: a server may be judged wrongly.",       \
	  "Run provscope with GNUTLS_SYSTEM_PRIORITY_FILE=/dev/null in its environment (only "     \
	  "provscope then ignores the policy), or allow the phones' suites in the policy file.")   \
	X(PS_F_CLIENT_AUTH_RENEGOTIATION, "client_auth.renegotiation", PS_SEV_ERROR,               \
	  PS_EXIT_CLIENT_AUTH,                                                                     \
	  "The server asks for the client certificate only by renegotiating after the request "    \
	  "(a certificate required for some paths only), and this phone cannot renegotiate "       \
	  "with it.",                                                                              \
	  "Ask for the client certificate in the handshake itself, for the whole host "            \
	  "rather than for some paths. (Letting the phones renegotiate the legacy way "            \
	  "instead, as Apache's SSLInsecureRenegotiation on does, opens CVE-2009-3555 to "         \
	  "every client.)")                                                                        \
	X(PS_F_CLIENT_AUTH_REQUIRED, "client_auth.required", PS_SEV_ERROR, PS_EXIT_CLIENT_AUTH,    \
	  "The server requires a client certificate and none was sent.",                           \
	  "Give the device certificate and key with --cert and --key (a real phone sends its "     \
	  "factory certificate); or make the server request, not require, one.")                   \
	X(PS_F_CLIENT_AUTH_REJECTED, "client_auth.rejected", PS_SEV_ERROR, PS_EXIT_CLIENT_AUTH,    \
	  "The server rejected the client certificate the phone sent.",                            \
	  "The server must trust the vendor's client CA that signed the phone's "                  \
	  "certificate, with a verify depth that reaches it.")                                     \
	X(PS_F_CLIENT_AUTH_CA_MISMATCH, "client_auth.ca_mismatch", PS_SEV_WARN, PS_EXIT_OK,        \
	  "The server asked for a certificate from CAs that did not issue the device "             \
	  "certificate; the phone sends it anyway.",                                               \
	  "Add the vendor client CA to the server's list of accepted client CAs.")                 \
	X(PS_F_CLIENT_AUTH_NOT_REQUESTED, "client_auth.not_requested", PS_SEV_INFO, PS_EXIT_OK,    \
	  "The server did not ask for a client certificate, so any client can fetch profiles.",    \
	  "Require the vendor client certificate if profiles hold secrets.")                       \
	X(PS_F_CHAIN_UNTRUSTED_ROOT, "chain.untrusted_root", PS_SEV_ERROR, PS_EXIT_CHAIN,          \
	  "The server's certificate chain ends at a CA that the client does not trust.",           \
	  "For the phone, install a server certificate issued by the vendor's server CA "          \
	  "(send a CSR to the vendor) and give that CA to provscope with --ca; a certificate "     \
	  "from a public CA is not enough.")                                                       \
	X(PS_F_CHAIN_VENDOR_CA, "chain.vendor_ca", PS_SEV_INFO, PS_EXIT_OK,                        \
	  "Which vendor CA this model trusts at this firmware (by Cisco's SPA CA list), and "      \
	  "where the server's chain ends: a warning when the chain ends at another vendor CA by "  \
	  "name, which the phone does not trust.",                                                 \
	  "Have the server certificate issued under the vendor CA the model trusts (a CSR to "     \
	  "Cisco for that CA), and give that CA to provscope with --ca; another model family "     \
	  "may need a server certificate of its own.")                                             \
	X(PS_F_CHAIN_MISSING_INTERMEDIATE, "chain.missing_intermediate", PS_SEV_ERROR,             \
	  PS_EXIT_CHAIN,                                                                           \
	  "The server did not send the intermediate CA certificate that links its certificate "    \
	  "to a trusted CA.",                                                                      \
	  "Configure the full chain on the server: the server certificate first, then each "       \
	  "intermediate.")                                                                         \
	X(PS_F_CHAIN_EXPIRED, "chain.expired", PS_SEV_ERROR, PS_EXIT_CHAIN,                        \
	  "A certificate in the chain has expired.",                                               \
	  "Renew the server certificate (or the intermediate that expired) and reload the "        \
	  "server; if it should still be valid, check the phone's clock and NTP server, or "       \
	  "give the phone's time with --at.")                                                      \
	X(PS_F_CHAIN_NOT_YET_VALID, "chain.not_yet_valid", PS_SEV_ERROR, PS_EXIT_CHAIN,            \
	  "A certificate in the chain is not valid yet at the time checked.",                      \
	  "Check the phone's clock: a phone that has not reached its NTP server yet often "        \
	  "thinks it is 1970 or 2000; make sure the NTP server from DHCP or the profile is "       \
	  "reachable, and use --at to check at the phone's time. Otherwise wait until the "        \
	  "certificate's start date or reissue it.")                                               \
	X(PS_F_CHAIN_HOSTNAME_MISMATCH, "chain.hostname_mismatch", PS_SEV_ERROR, PS_EXIT_CHAIN,    \
	  "The name in the server certificate does not match the host name in the URL, or the "    \
	  "name does not resolve to the address the phone connected to.",                          \
	  "Use the name in the certificate's CN in the provisioning URL (the phone compares "      \
	  "the CN, not the subjectAltName), or reissue the certificate for the name the phones "   \
	  "use; make sure that name resolves to this server's address.")                           \
	X(PS_F_CHAIN_CN_MISSING, "chain.cn_missing", PS_SEV_ERROR, PS_EXIT_CHAIN,                  \
	  "The server certificate has no common name (CN); the phone checks only the CN.",         \
	  "Reissue the certificate with CN=<the provisioning host name> in the subject (keep "     \
	  "the subjectAltName too for modern clients).")                                           \
	X(PS_F_CHAIN_WEAK_KEY, "chain.weak_key", PS_SEV_WARN, PS_EXIT_OK,                          \
	  "A key in the chain is too small for modern clients (RSA below 2048 bits); the "         \
	  "phone still accepts it.",                                                               \
	  "Use an RSA key of 2048 bits for the server certificate; the phone handles 2048-bit "    \
	  "RSA, and browsers and current curl reject 1024-bit keys.")                              \
	X(PS_F_CHAIN_WEAK_SIGNATURE, "chain.weak_signature", PS_SEV_WARN, PS_EXIT_OK,              \
	  "A certificate in the chain is signed with a hash that modern clients refuse for "       \
	  "certificates (SHA-1 or MD5); the phone still accepts it.",                              \
	  "Have the certificate reissued with SHA-256 (openssl req/x509 -sha256, certtool "        \
	  "--hash SHA256).")                                                                       \
	X(PS_F_CHAIN_ISSUER_NOT_CA, "chain.issuer_not_ca", PS_SEV_ERROR, PS_EXIT_CHAIN,            \
	  "A certificate in the chain was issued by a certificate that may not act as a CA "       \
	  "for it (no basicConstraints CA, no keyCertSign, or its path length limit is "           \
	  "exceeded).",                                                                            \
	  "Issue the server certificate from a real CA certificate (basicConstraints "             \
	  "CA:TRUE, keyUsage keyCertSign), not from another server certificate, and keep the "     \
	  "number of intermediates within the CA's pathLenConstraint.")                            \
	X(PS_F_CHAIN_KEY_USAGE, "chain.key_usage", PS_SEV_WARN, PS_EXIT_OK,                        \
	  "The server certificate's key usage does not allow TLS server use "                      \
	  "(extendedKeyUsage without serverAuth, or keyUsage without digitalSignature and "        \
	  "keyEncipherment); modern clients refuse it.",                                           \
	  "Reissue the certificate with extendedKeyUsage serverAuth and keyUsage "                 \
	  "digitalSignature, keyEncipherment.")                                                    \
	X(PS_F_CHAIN_OUT_OF_ORDER, "chain.out_of_order", PS_SEV_WARN, PS_EXIT_OK,                  \
	  "The server sends its certificates in the wrong order: each certificate should be "      \
	  "followed by the one that issued it.",                                                   \
	  "Put the server certificate first in the chain file, then the intermediate that "        \
	  "issued it, and so on; old TLS stacks do not sort the chain themselves.")                \
	X(PS_F_CHAIN_ROOT_SENT, "chain.root_sent", PS_SEV_INFO, PS_EXIT_OK,                        \
	  "The server also sends the root (self-signed) CA certificate; clients ignore it.",       \
	  "Leave the root CA out of the chain file to save a few hundred bytes per handshake.")    \
	X(PS_F_CHAIN_SELF_SIGNED, "chain.self_signed", PS_SEV_ERROR, PS_EXIT_CHAIN,                \
	  "The server certificate is self-signed, and the client does not trust it.",              \
	  "Replace it with a certificate issued by the vendor's server CA for the phones (or "     \
	  "by a public CA for other clients).")                                                    \
	X(PS_F_CHAIN_INTERMEDIATE_PRESENT, "chain.intermediate_present", PS_SEV_WARN, PS_EXIT_OK,  \
	  "The phone's path to the vendor CA goes through an intermediate CA; the SPA firmware "   \
	  "expects a certificate signed directly by the vendor CA.",                               \
	  "Use a server certificate issued directly by the vendor's server CA, from a CSR sent "   \
	  "to the vendor.")                                                                        \
	X(PS_F_CHAIN_UNSUPPORTED_KEY, "chain.unsupported_key", PS_SEV_ERROR, PS_EXIT_CHAIN,        \
	  "A certificate in the phone's path uses a key or signature type the phone does not "     \
	  "support: it understands only RSA keys with PKCS#1 v1.5 signatures.",                    \
	  "Use an RSA key (2048 bits) for the server certificate; EC, DSA and RSA-PSS "            \
	  "certificates do not work with these phones.")                                           \
	X(PS_F_CHAIN_TRUST_UNKNOWN, "chain.trust_unknown", PS_SEV_WARN, PS_EXIT_OK,                \
	  "No vendor CA was given, so whether the phone trusts the server's CA is not checked.",   \
	  "Give the vendor's server CA (the one burned into the phone) with --ca.")                \
	X(PS_F_CHAIN_INVALID, "chain.invalid", PS_SEV_ERROR, PS_EXIT_CHAIN,                        \
	  "The certificate chain is invalid: a certificate could not be read or a signature "      \
	  "does not verify.",                                                                      \
	  "Reinstall the certificate and chain files from the CA's originals; a signature "        \
	  "that does not verify usually means a certificate was paired with the wrong "            \
	  "issuer.")                                                                               \
	X(PS_F_HTTP_NOT_FOUND, "http.not_found", PS_SEV_ERROR, PS_EXIT_HTTP,                       \
	  "The server has no file at this URL (HTTP 404, or TFTP's file not found).",              \
	  "Check the file name the phone asks for: $MA is the MAC in lower case without "          \
	  "separators (000e08aabbcc), $MAU in upper case; look at the server's access log.")       \
	X(PS_F_HTTP_FORBIDDEN, "http.forbidden", PS_SEV_ERROR, PS_EXIT_HTTP,                       \
	  "The server refuses this device the file (HTTP 403, or TFTP's access violation).",       \
	  "Check the server's per-device access rules (client certificate or MAC against the "     \
	  "file name) and the file's permissions.")                                                \
	X(PS_F_HTTP_UNAUTHORIZED, "http.unauthorized", PS_SEV_ERROR, PS_EXIT_HTTP,                 \
	  "The server asks for HTTP credentials (HTTP 401).",                                      \
	  "Give the phone [--uid user --pwd password] in the rule (firmware 7.x), or drop the "    \
	  "password protection for the phones' files.")                                            \
	X(PS_F_HTTP_STATUS, "http.status", PS_SEV_ERROR, PS_EXIT_HTTP,                             \
	  "The server answered with an HTTP error status.",                                        \
	  "Look at the server's error log for this request.")                                      \
	X(PS_F_HTTP_REDIRECT_SCHEME, "http.redirect_scheme", PS_SEV_WARN, PS_EXIT_OK,              \
	  "The server redirects the phone to another scheme (https to http, or the reverse); "     \
	  "SPA firmware may not follow redirects at all.",                                         \
	  "Give the phone the final URL in its rule instead of relying on a redirect.")            \
	X(PS_F_HTTP_EMPTY, "http.empty", PS_SEV_ERROR, PS_EXIT_HTTP,                               \
	  "The server answered 200 with an empty body.",                                           \
	  "Check the file on the server; a script that generates profiles may have failed.")       \
	X(PS_F_HTTP_HEADERS_TOO_LARGE, "http.headers_too_large", PS_SEV_ERROR, PS_EXIT_HTTP,       \
	  "The server's answer has more header lines than a client reads (over 300 KiB of "        \
	  "them): the phone, with far less memory, gives up sooner still.",                        \
	  "Look at what the server or a proxy in front of it adds to every answer (a header "      \
	  "repeated in a loop, a huge cookie).")                                                   \
	X(PS_F_HTTP_TRUNCATED, "http.truncated", PS_SEV_ERROR, PS_EXIT_HTTP,                       \
	  "The server closed the connection before the whole answer arrived (no TLS "              \
	  "close_notify, or fewer bytes than announced).",                                         \
	  "Look for a crash or a timeout in the server or a proxy in front of it.")                \
	X(PS_F_HTTP_STALLED, "http.stalled", PS_SEV_ERROR, PS_EXIT_NETWORK,                        \
	  "The server began its answer, then sent nothing for as long as the phone waits: the "    \
	  "phone gives up the same way.",                                                          \
	  "Look at the server's load and what it waits for (a backend, a disk, a queue of "        \
	  "requests); raise --timeout to see whether the rest comes at all.")                      \
	X(PS_F_HTTP_FAILED, "http.failed", PS_SEV_ERROR, PS_EXIT_HTTP,                             \
	  "The HTTP exchange failed.", "See the detail; the server's error log tells the rest.")   \
	X(PS_F_RULE_SYNTAX, "rule.syntax", PS_SEV_ERROR, PS_EXIT_PROFILE,                          \
	  "A rule (Profile_Rule, Upgrade_Rule...) does not follow the phone's rule grammar; the "  \
	  "phone skips or misreads it.",                                                           \
	  "Fix the rule at the column shown; see the rule grammar in provscope(1).")               \
	X(PS_F_RULE_DHCP_SERVER, "rule.dhcp_server", PS_SEV_ERROR, PS_EXIT_USAGE,                  \
	  "The rule's URL names no server: the phone fetches it from the TFTP server its DHCP "    \
	  "answer names (option 66, or 150 on Cisco), which provscope cannot know.",               \
	  "Give that server with --tftp-server HOST (HOST:PORT for a test server on another "      \
	  "port).")                                                                                \
	X(PS_F_RULE_NO_MATCH, "rule.no_match", PS_SEV_INFO, PS_EXIT_OK,                            \
	  "No alternative of the rule applies to this phone, so the phone fetches nothing for "    \
	  "it.",                                                                                   \
	  "Expected when the conditions are meant to exclude this phone; otherwise add an "        \
	  "unconditional last alternative.")                                                       \
	X(PS_F_RULE_OPTION_IGNORED, "rule.option_ignored", PS_SEV_WARN, PS_EXIT_OK,                \
	  "The rule uses an option that this firmware may not support (for example [--uid --pwd] " \
	  "before 7.x, or any option in Upgrade_Rule on old firmware).",                           \
	  "Check the option against the phone's firmware, or move credentials into the URL's "     \
	  "server configuration.")                                                                 \
	X(PS_F_PROFILE_DECRYPT_FAILED, "profile.decrypt_failed", PS_SEV_ERROR, PS_EXIT_PROFILE,    \
	  "The encrypted profile could not be decrypted with the key given: the key is wrong, or " \
	  "it was encrypted another way.",                                                         \
	  "Use the key from the rule's [--key ...] or --profile-key; encrypt with openssl enc "    \
	  "-aes-256-cbc -md md5 -k KEY for SPA-era firmware.")                                     \
	X(PS_F_PROFILE_KEY_MISSING, "profile.key_missing", PS_SEV_ERROR, PS_EXIT_PROFILE,          \
	  "The profile is encrypted (openssl enc, with the Salted__ header or without it) but "    \
	  "no key was given.",                                                                     \
	  "Give the key with --profile-key, or put [--key KEY] in the rule that fetches it, as "   \
	  "the phone needs.")                                                                      \
	X(PS_F_PROFILE_KDF_SHA256, "profile.kdf_sha256", PS_SEV_WARN, PS_EXIT_OK,                  \
	  "The profile was encrypted with OpenSSL's SHA-256 key derivation (the default since "    \
	  "OpenSSL 1.1.0); SPA-era firmware derives the key with MD5 and will fail to decrypt "    \
	  "it.",                                                                                   \
	  "Encrypt with openssl enc -aes-256-cbc -md md5 -k KEY.")                                 \
	X(PS_F_PROFILE_NOSALT, "profile.nosalt", PS_SEV_WARN, PS_EXIT_OK,                          \
	  "The profile was encrypted without a salt (openssl enc -nosalt), so it has no "          \
	  "Salted__ header; the SPA guides describe only openssl enc's salted format, and "        \
	  "whether the phone reads this one is not documented.",                                   \
	  "Encrypt without -nosalt: openssl enc -aes-256-cbc -md md5 -k KEY.")                     \
	X(PS_F_PROFILE_GZIP_CORRUPT, "profile.gzip_corrupt", PS_SEV_ERROR, PS_EXIT_PROFILE,        \
	  "The profile is gzip-compressed but the compressed data is damaged or cut short.",       \
	  "Compress the profile again (gzip -9) and check that the server sends it whole (no "     \
	  "transfer encoding mangling it).")                                                       \
	X(PS_F_PROFILE_TOO_LARGE, "profile.too_large", PS_SEV_ERROR, PS_EXIT_PROFILE,              \
	  "The profile, once decompressed, is larger than the size limit; the phone has little "   \
	  "memory.",                                                                               \
	  "Keep profiles small; split them across Profile_Rule_B.._D.")                            \
	X(PS_F_PROFILE_XML_MALFORMED, "profile.xml_malformed", PS_SEV_ERROR, PS_EXIT_PROFILE,      \
	  "The XML profile is not well-formed; the phone rejects the whole file.",                 \
	  "Fix the XML at the line and column shown (xmllint --noout FILE helps).")                \
	X(PS_F_PROFILE_TEMPLATE, "profile.template", PS_SEV_ERROR, PS_EXIT_PROFILE,                \
	  "The file is an unrendered template (Jinja, Smarty or similar), not a profile the "      \
	  "phone can read.",                                                                       \
	  "Check the provisioning server's template rendering; the phone must receive the "        \
	  "rendered file.")                                                                        \
	X(PS_F_PROFILE_PLACEHOLDER, "profile.placeholder", PS_SEV_WARN, PS_EXIT_OK,                \
	  "Some values still hold server-side template placeholders ({$x}, ${X}, {{ x }}); the "   \
	  "phone will use them literally.",                                                        \
	  "Check the provisioning server's template variables for these parameters.")              \
	X(PS_F_PROFILE_NO_FLAT_PROFILE, "profile.no_flat_profile", PS_SEV_ERROR, PS_EXIT_PROFILE,  \
	  "The XML file has no <flat-profile> element, so the phone finds no parameters in it.",   \
	  "Wrap the parameters in <flat-profile>...</flat-profile>.")                              \
	X(PS_F_PROFILE_SPC_SYNTAX, "profile.spc_syntax", PS_SEV_ERROR, PS_EXIT_PROFILE,            \
	  "The SPC text profile has a syntax error; the profile compiler rejects the file.",       \
	  "Fix the statement at the line and column shown: Name ! \"value\" ; with straight "      \
	  "quotes and a semicolon.")                                                               \
	X(PS_F_PROFILE_SPC_BINARY, "profile.spc_binary", PS_SEV_ERROR, PS_EXIT_PROFILE,            \
	  "The file looks like a compiled SPC profile (a proprietary binary format); provscope "   \
	  "cannot read its parameters.",                                                           \
	  "Serve the XML or SPC text source to check it with provscope; the phone itself may "     \
	  "still read the binary.")                                                                \
	X(PS_F_PROFILE_UNKNOWN_FORMAT, "profile.unknown_format", PS_SEV_ERROR, PS_EXIT_PROFILE,    \
	  "The file is neither an XML flat-profile, an SPC text profile, gzip, nor an "            \
	  "openssl-encrypted file.",                                                               \
	  "Check that the server returns the profile and not an error page or another file.")      \
	X(PS_F_PROFILE_EMPTY, "profile.empty", PS_SEV_ERROR, PS_EXIT_PROFILE,                      \
	  "The profile is empty or sets no parameter.",                                            \
	  "Check the file on the server and the rule's URL.")                                      \
	X(PS_F_PROFILE_WRONG_DEVICE, "profile.wrong_device", PS_SEV_ERROR, PS_EXIT_PROFILE,        \
	  "The profile names another device's MAC address and never this phone's: it was "         \
	  "written for another phone, whose lines and passwords this one would take.",             \
	  "Check how the server maps the request to a file (the MAC in the file name, rewrite "    \
	  "rules, caches, a template rendered for the wrong device) and that the client "          \
	  "certificate's MAC is checked against the file asked for.")                              \
	X(PS_F_PROFILE_UNKNOWN_PARAMETER, "profile.unknown_parameter", PS_SEV_WARN,                \
	  PS_EXIT_PROFILE,                                                                         \
	  "The profile sets a parameter no firmware of the phone's family knows; the phone "       \
	  "ignores it without a word, so what it was meant to do does not happen.",                \
	  "Correct the name (letter case counts): the closest known names are shown.")             \
	X(PS_F_PROFILE_BAD_VALUE, "profile.bad_value", PS_SEV_WARN, PS_EXIT_PROFILE,               \
	  "A parameter's value does not fit its type (Yes/No, a number in range, one of a list "   \
	  "of words, a time, a rule); the phone misreads or ignores it.",                          \
	  "Write a value of the type shown; provscope profile FILE checks a file before it is "    \
	  "deployed.")                                                                             \
	X(PS_F_PROFILE_NOT_FOR_MODEL, "profile.not_for_model", PS_SEV_WARN, PS_EXIT_PROFILE,       \
	  "The profile sets a parameter that another model has but this one does not (another "    \
	  "family's, or a line the device does not have); the phone ignores it.",                  \
	  "Check that the profile was written for this model (--model), or drop the parameter.")   \
	X(PS_F_PROFILE_DUPLICATE, "profile.duplicate", PS_SEV_WARN, PS_EXIT_PROFILE,               \
	  "The profile sets one parameter more than once; the phone keeps the last one, which "    \
	  "may not be the one meant.",                                                             \
	  "Set each parameter once (templates often emit both branches of a condition).")          \
	X(PS_F_AUDIT_NO_CERT_SERVED, "audit.served_without_cert", PS_SEV_ERROR, PS_EXIT_EXPECT,    \
	  "The server hands this phone's profile to a client that shows no certificate: anyone "   \
	  "who knows or guesses the MAC can read its passwords.",                                  \
	  "Require and verify the vendor client certificate for per-device files.")                \
	X(PS_F_AUDIT_OTHER_DEVICE_SERVED, "audit.served_other_device", PS_SEV_ERROR,               \
	  PS_EXIT_EXPECT,                                                                          \
	  "The server hands another device's profile to this phone's certificate: any genuine "    \
	  "phone can read every other phone's configuration.",                                     \
	  "Check the MAC in the client certificate against the file asked for (nginx: compare "    \
	  "$ssl_client_s_dn with the MAC in $uri and return 403 when they differ).")               \
	X(PS_F_UPGRADE_DISABLED, "upgrade.disabled", PS_SEV_INFO, PS_EXIT_OK,                      \
	  "Upgrade_Enable is No: the phone will not upgrade its firmware whatever Upgrade_Rule "   \
	  "says.",                                                                                 \
	  "Set Upgrade_Enable to Yes in a profile if upgrades are wanted.")                        \
	X(PS_F_UPGRADE_NO_RULE, "upgrade.no_rule", PS_SEV_INFO, PS_EXIT_OK,                        \
	  "Upgrade_Rule is empty (or no alternative applies): the phone will not upgrade.",        \
	  "Set Upgrade_Rule in a profile to the firmware URL if an upgrade is wanted.")            \
	X(PS_F_UPGRADE_DOWNLOAD_FAILED, "upgrade.download_failed", PS_SEV_ERROR, PS_EXIT_UPGRADE,  \
	  "The firmware image is there but could not be downloaded whole: the phone's upgrade "    \
	  "would fail the same way.",                                                              \
	  "Check the server's error log for the request, its timeouts for large files and the "    \
	  "Content-Length it sends; a local write error names the file.")                          \
	X(PS_F_UPGRADE_DOWNLOAD_NOT_WRITTEN, "upgrade.download_not_written", PS_SEV_ERROR,         \
	  PS_EXIT_USAGE,                                                                           \
	  "The firmware image came, but provscope could not write it to --download-firmware's "    \
	  "file: a local error (a full disk, a file-size limit), not the server's.",               \
	  "Free space where the file goes, or give --download-firmware a file on another "         \
	  "filesystem; the earlier file is left as it was.")                                       \
	X(PS_F_UPGRADE_DOWNGRADE_BLOCKED, "upgrade.downgrade_blocked", PS_SEV_WARN, PS_EXIT_OK,    \
	  "The firmware the rule points to is older than Downgrade_Rev_Limit: the phone refuses "  \
	  "it.",                                                                                   \
	  "Point Upgrade_Rule at a newer image, or lower Downgrade_Rev_Limit.")                    \
	X(PS_F_UPGRADE_DOWNGRADE, "upgrade.downgrade", PS_SEV_WARN, PS_EXIT_OK,                    \
	  "The firmware the rule points to is older than the firmware the phone runs, and "        \
	  "nothing stops the phone from installing it: an upgrade that goes backwards.",           \
	  "Point Upgrade_Rule at the current image, or set Downgrade_Rev_Limit to the oldest "     \
	  "version the phones may run, so that the phone refuses older images.")                   \
	X(PS_F_UPGRADE_WRONG_MODEL, "upgrade.wrong_model", PS_SEV_ERROR, PS_EXIT_UPGRADE,          \
	  "The firmware image the rule points to is for another model family (its file name "      \
	  "says so, or its header once downloaded): the phone should reject it and try again at "  \
	  "every check; installed, it would not run.",                                             \
	  "Point this model's Upgrade_Rule at an image of its own family (servers name them "      \
	  "spa942-..., spa50x-30x-..., SPA112-SPA122_..., pap2t-...), and check that the file "    \
	  "under that name is that model's image: its header names the model.")                    \
	X(PS_F_UPGRADE_SCHEME_UNSUPPORTED, "upgrade.scheme_unsupported", PS_SEV_ERROR,             \
	  PS_EXIT_UPGRADE, "The firmware URL uses a scheme this model cannot upgrade over.",       \
	  "Serve the firmware over TFTP or HTTP for this model.")                                  \
	X(PS_F_UPGRADE_UNREACHABLE, "upgrade.unreachable", PS_SEV_ERROR, PS_EXIT_UPGRADE,          \
	  "The firmware image the phone would fetch is not there: the server does not answer "     \
	  "or answers with an error.",                                                             \
	  "Put the image at the URL of Upgrade_Rule, or fix the rule.")                            \
	X(PS_F_UPGRADE_SAME_VERSION, "upgrade.same_version", PS_SEV_INFO, PS_EXIT_OK,              \
	  "The firmware the rule points to is the version the phone already runs.",                \
	  "Nothing to do; the phone does not upgrade to the same version.")                        \
	X(PS_F_STORM_NOT_LOOPBACK, "storm.not_loopback", PS_SEV_ERROR, PS_EXIT_USAGE,              \
	  "A connection of the pass would go to an address that is not loopback, and a storm "     \
	  "loads only servers on this machine unless told that the server is yours.",              \
	  "Give --i-own-this-server when the server is yours to load; otherwise point the "        \
	  "storm at a test copy on 127.0.0.1 or ::1.")                                             \
	X(PS_F_STORM_LAGGING, "storm.lagging", PS_SEV_WARN, PS_EXIT_OK,                            \
	  "provscope could not begin the passes on schedule: all of its --jobs were busy, so the " \
	  "server saw a lower arrival rate than asked, and the figures are of that rate.",         \
	  "Raise --jobs (passes in flight), or split the storm over machines with --shard I/N "    \
	  "and merge the results with provscope merge.")                                           \
	X(PS_F_STORM_NOT_STARTED, "storm.not_started", PS_SEV_INFO, PS_EXIT_OK,                    \
	  "Passes of the schedule were not begun: --duration ended first, or the storm was "       \
	  "stopped.",                                                                              \
	  "When --duration ended first: lengthen it, or raise --jobs if the passes queued behind " \
	  "each other; a stopped storm's figures are those of the passes made.")                   \
	X(PS_F_STORM_CLIENT_BOUND, "storm.client_bound", PS_SEV_WARN, PS_EXIT_OK,                  \
	  "provscope kept this machine's cores busy: the passes may have waited for the client, "  \
	  "and the figures may be its limit, not the server's.",                                   \
	  "Play the storm from more machines (--shard I/N, then provscope merge), or with fewer "  \
	  "--jobs and a --rate the machine can keep.")                                             \
	X(PS_F_STORM_SHARDS_APART, "storm.shards_apart", PS_SEV_WARN, PS_EXIT_OK,                  \
	  "The merged shards did not begin together: the merged timeline and rates add passes "    \
	  "that did not load the server at the same time.",                                        \
	  "Start the shards at once (a Kubernetes Indexed Job with parallelism N, GNU parallel "   \
	  "over ssh); the counts and latencies hold either way.")                                  \
	X(PS_F_STORM_SHARDS_MISSING, "storm.shards_missing", PS_SEV_WARN, PS_EXIT_OK,              \
	  "The merged results lack shards of the storm: the figures are of part of its devices.",  \
	  "Merge the results of every shard, --shard 1/N to N/N.")

enum ps_finding_id {
#define PS_X(e, id, sev, exit, text, fix) e,
	PS_FINDINGS(PS_X)
#undef PS_X
	    PS_F_COUNT
};

/* Static descriptions (borrowed, never NULL for a valid id). */
const char *ps_finding_name(enum ps_finding_id id);
enum ps_severity ps_finding_severity(enum ps_finding_id id);
enum ps_exit ps_finding_exit(enum ps_finding_id id);
const char *ps_finding_text(enum ps_finding_id id);
const char *ps_finding_fix(enum ps_finding_id id);
const char *ps_severity_name(enum ps_severity sev);
/* "tls.protocol_version" -> id; returns PS_F_COUNT when unknown. */
enum ps_finding_id ps_finding_lookup(const char *name);
/* Label for an exit code ("tls"), NULL when not a known code. */
const char *ps_exit_name(int code);
const char *ps_exit_text(int code);

#endif
