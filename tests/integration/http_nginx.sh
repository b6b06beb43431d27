#!/bin/bash
# The HTTP exchange over the phone's own TLS session against nginx with
# client certificates: the profile fetched and parsed, per-device access,
# nginx's 400 pages for client certificates, 404, 403, an empty file and an
# encrypted profile.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
mk_cert other client-ca client 'cn = "SPA942-000E08DDEEFF"' 'unit = "SPA-942"' ||
	t_bail "certtool failed"

# A plain-HTTP server that an https redirect sends the phone to; up once it
# says it serves (it exits at once when the port is taken).
mkdir -p "$T_DIR/plain"
echo "<flat-profile><Resync_Periodic>600</Resync_Periodic></flat-profile>" \
	>"$T_DIR/plain/spa000e08aabbcc.xml"
for try in 1 2 3 4 5; do
	PLAIN_PORT=$("$FREEPORT")
	python3 -u -m http.server --bind 127.0.0.1 --directory "$T_DIR/plain" "$PLAIN_PORT" \
		>"$T_DIR/plain.log" 2>&1 &
	pid=$!
	for i in $(seq 1 100); do
		grep -q "Serving HTTP" "$T_DIR/plain.log" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if grep -q "Serving HTTP" "$T_DIR/plain.log"; then
		T_PIDS="$T_PIDS $pid"
		break
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done

printf 'bob:%s\n' "$(openssl passwd -apr1 pw-for-bob)" >"$T_DIR/htpasswd"
start_nginx mtls "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';
	ssl_verify_client on; ssl_client_certificate $P/client-ca.pem;
	location = /old.xml { return 302 /spa000e08aabbcc.xml; }
	location = /tohttp.xml { return 302 http://127.0.0.1:$PLAIN_PORT/spa000e08aabbcc.xml; }
	location /auth/ { auth_basic provisioning; auth_basic_user_file $T_DIR/htpasswd; }
	location = /spa000e08aabbcc.xml {
		if (\$ssl_client_s_dn !~ \"CN=SPA942-000E08AABBCC\") { return 403; }
	}" || t_bail "nginx did not start"
WWW=$T_DIR/nginx-mtls/www
cat >"$WWW/spa000e08aabbcc.xml" <<EOT
<flat-profile>
  <Resync_Periodic>86400</Resync_Periodic>
  <Upgrade_Rule>(\$SWVER lt 6.1.5(a))? https://localhost:$NGINX_PORT/fw/spa942-6-1-5a.bin</Upgrade_Rule>
  <Admin_Passwd>very-secret-admin</Admin_Passwd>
</flat-profile>
EOT
mkdir -p "$WWW/fw"
head -c 123456 /dev/urandom >"$WWW/fw/spa942-6-1-5a.bin"
: >"$WWW/empty.xml"
gzip -9 -c "$WWW/spa000e08aabbcc.xml" | openssl enc -aes-256-cbc -md md5 -k profile-key \
	-out "$WWW/enc.xml" 2>/dev/null
BASE=https://localhost:$NGINX_PORT
# A bootstrap profile as served for spa$PSN.cfg: it chains to the per-device
# file through Profile_Rule_B, and to a missing file through _C.
cat >"$WWW/spa942.cfg" <<EOT
<flat-profile>
  <Resync_Fails_On_FNF>No</Resync_Fails_On_FNF>
  <Profile_Rule_B>$BASE/spa\$MA.xml</Profile_Rule_B>
  <Profile_Rule_C>$BASE/missing-\$MA.xml</Profile_Rule_C>
</flat-profile>
EOT
DEV=(--ca "$P/server-ca.pem" --cert "$P/device.pem" --key "$P/device.key")

J=$T_DIR/ok.json
run_ps "$J" "${DEV[@]}" --firmware 6.1.4 "$BASE/spa000e08aabbcc.xml"
t_eq "device certificate: exit 0" 0 "$PS_RC"
t_eq "TLS1.0 AES-256, trusted chain, HTTP 200" "TLS1.0 TLS_RSA_WITH_AES_256_CBC_SHA accept 200" \
	"$(json_get "$J" 'h=d["hops"][0]; " ".join([h["tls"]["version"], h["tls"]["cipher_suite"], h["chain"]["phone_verdict"], str(h["http"]["status"])])' 2>/dev/null ||
	json_get "$J" '" ".join([d["hops"][0]["tls"]["version"], d["hops"][0]["tls"]["cipher_suite"], d["hops"][0]["chain"]["phone_verdict"], str(d["hops"][0]["http"]["status"])])')"
t_eq "the request carries the phone's User-Agent" \
	"User-Agent: Linksys/SPA-942-6.1.4 (88019FA42805)" \
	"$(json_get "$J" '[h for h in d["hops"][0]["http"]["request_headers"] if h.startswith("User-Agent")][0]')"
t_eq "the request line and Host header are the phone's" "GET /spa000e08aabbcc.xml HTTP/1.1 Host: localhost:$NGINX_PORT" \
	"$(json_get "$J" 'd["hops"][0]["http"]["request_headers"][0]+" "+d["hops"][0]["http"]["request_headers"][1]')"
t_eq "the profile is parsed into the table" "86400" \
	"$(json_get "$J" '[p["value"] for p in d["profile"]["parameters"] if p["name"]=="Resync_Periodic"][0]')"
t_eq "the secret in the profile is redacted" "********" \
	"$(json_get "$J" '[p["value"] for p in d["profile"]["parameters"] if p["name"]=="Admin_Passwd"][0]')"
t_check "the secret appears nowhere in the output" bash -c "! grep -q very-secret-admin '$J'"
t_eq "the firmware decision follows (6.1.4 -> 6.1.5a)" "true 6.1.5a" \
	"$(json_get "$J" 'json.dumps(d["upgrade"]["would_upgrade"])+" "+d["upgrade"]["target_version"]')"
t_eq "the firmware URL is checked over the phone's TLS: HEAD 200, its size" "200 123456" \
	"$(json_get "$J" 'str(d["upgrade"]["check"]["status"])+" "+str(d["upgrade"]["check"]["size"])')"
t_eq "the firmware hop: the network steps, then the check" \
	"upgrade.rule upgrade.decision resolve connect tls.handshake tls.chain tls.client_auth http upgrade.check" \
	"$(json_get "$J" '" ".join(s["id"] for s in d["hops"][-1]["steps"])')"
t_check "the check request is a HEAD" grep -q '"HEAD /fw/spa942-6-1-5a.bin HTTP/1.1"' "$J"
t_eq "the steps in order" "rule.expand resolve connect tls.handshake tls.chain tls.client_auth http profile.decode profile.parse" \
	"$(json_get "$J" '" ".join(s["id"] for s in d["hops"][0]["steps"])')"
COLUMNS=1000 "$PROVSCOPE" --batch -vv --timeout 5 "${DEV[@]}" "$BASE/spa000e08aabbcc.xml" >"$T_DIR/ok.txt" 2>&1
t_check "text output: the response status line" grep -q '< HTTP/1.1 200 OK' "$T_DIR/ok.txt"
t_check "text output: the secret is redacted" bash -c "! grep -q very-secret-admin '$T_DIR/ok.txt'"

# The phone's resync pass: Profile_Rule (the target, a rule with macros),
# then Profile_Rule_B and _C as the first profile set them.
J=$T_DIR/pass.json
run_ps "$J" "${DEV[@]}" --firmware 6.1.4 "$BASE/spa\$PSN.cfg"
t_eq "resync pass: exit 0" 0 "$PS_RC"
t_eq "resync pass: spa\$PSN.cfg, then Profile_Rule_B to spa\$MA.xml, then _C, then the upgrade" \
	"spa942.cfg spa000e08aabbcc.xml missing-000e08aabbcc.xml spa942-6-1-5a.bin" \
	"$(json_get "$J" '" ".join(h["url"].rsplit("/",1)[1] if "/" in h["url"] else h["url"].split()[0] for h in d["hops"])')"
t_eq "resync pass: each hop keeps its rule" "$BASE/spa\$MA.xml" \
	"$(json_get "$J" 'd["hops"][1]["rule"]')"
t_eq "resync pass: the second profile's value is in the table" 86400 \
	"$(json_get "$J" '[p["value"] for p in d["profile"]["parameters"] if p["name"]=="Resync_Periodic"][0]')"
t_eq "resync pass: a 404 with Resync_Fails_On_FNF No is a warning" "http.not_found warning" \
	"$(json_get "$J" '[f["id"]+" "+f["severity"] for f in d["findings"] if f["id"]=="http.not_found"][0]')"
COLUMNS=1000 "$PROVSCOPE" --batch -vv --timeout 5 "${DEV[@]}" --firmware 6.1.4 "$BASE/spa\$PSN.cfg" >"$T_DIR/pass.txt" 2>&1
t_eq "resync pass in text: exit 0" 0 "$?"
t_check "resync pass in text: TLS1.0 with AES-256 on each hop" \
	test "$(grep -c 'tls.handshake .* TLS1.0 TLS_RSA_WITH_AES_256_CBC_SHA' "$T_DIR/pass.txt")" -ge 3
t_check "resync pass in text: the chain trusted by the phone" \
	grep -q 'tls.chain .* the SPA942 and a modern client both accept it' "$T_DIR/pass.txt"
t_check "resync pass in text: HTTP 200 for the profile reached through Profile_Rule_B" \
	grep -q "rule.expand .* Profile_Rule_B: alternative 1 of 1 fires: $BASE/spa000e08aabbcc.xml" "$T_DIR/pass.txt"
t_check "resync pass in text: the parsed table and the firmware decision" \
	grep -q 'decision: UPGRADE' "$T_DIR/pass.txt"
t_eq "resync pass: the upgrade decision comes last" "true" \
	"$(json_get "$J" 'json.dumps(d["upgrade"]["would_upgrade"])')"
t_eq "resync pass: each hop carries its own profile record (format, what it set)" \
	"xml Profile_Rule_B,Profile_Rule_C,Resync_Fails_On_FNF | xml Admin_Passwd,Resync_Periodic,Upgrade_Rule | None" \
	"$(json_get "$J" '" | ".join((h["profile"]["format"]+" "+",".join(sorted(p["name"] for p in h["profile"]["parameters"]))) if h["profile"] else "None" for h in d["hops"][:3])')"
t_eq "resync pass: a hop's parameter rows name the hop's URL as their source" "$BASE/spa000e08aabbcc.xml 3" \
	"$(json_get "$J" 'd["hops"][1]["profile"]["parameters"][0]["source"]+" "+str(d["hops"][1]["profile"]["parameters_set"])')"

# --download-firmware: the image comes whole over the phone's TLS, with its
# SHA-256, and a progress bar on stderr; an earlier file is only replaced by
# a whole image.
J=$T_DIR/dl.json
echo "earlier" >"$T_DIR/fw.bin"
"$PROVSCOPE" --batch --format json --timeout 5 "${DEV[@]}" --firmware 6.1.4 \
	--download-firmware "$T_DIR/fw.bin" "$BASE/spa000e08aabbcc.xml" >"$J" 2>"$T_DIR/dl.err"
t_eq "--download-firmware: exit 0, the file is the image" "0 same" \
	"$? $(cmp -s "$T_DIR/fw.bin" "$WWW/fw/spa942-6-1-5a.bin" && echo same)"
t_eq "--download-firmware: size and SHA-256 in the report" \
	"123456 $(sha256sum <"$WWW/fw/spa942-6-1-5a.bin" | cut -d' ' -f1)" \
	"$(json_get "$J" 'str(d["upgrade"]["download"]["size"])+" "+d["upgrade"]["download"]["sha256"]')"
t_eq "--download-firmware: a hop of its own, ending in upgrade.download" "http ok upgrade.download ok" \
	"$(json_get "$J" '" ".join(s["id"]+" "+s["status"] for s in d["hops"][-1]["steps"][-2:])')"
t_check "--download-firmware: the progress bar reaches 100% on stderr" \
	grep -q '^firmware \[#*\] 100%  120 KiB of 120 KiB$' "$T_DIR/dl.err"
t_check "--download-firmware: no temporary file left" \
	bash -c "! ls '$T_DIR'/fw.bin.part-* 2>/dev/null"
COLUMNS=1000 "$PROVSCOPE" --batch -vv --timeout 5 "${DEV[@]}" --firmware 6.1.4 \
	--download-firmware "$T_DIR/fw.bin" "$BASE/spa000e08aabbcc.xml" >"$T_DIR/dl.txt" 2>/dev/null
t_check "--download-firmware: the text report names the file and the SHA-256" \
	grep -q "firmware download: 123456 bytes written to $T_DIR/fw.bin" "$T_DIR/dl.txt"
# A write that fails here (a file-size limit standing in for a full disk):
# a local error (exit 2), not the server's (9); the earlier file stays.
echo "earlier" >"$T_DIR/fw3.bin"
J=$T_DIR/dl-full.json
# (the report goes through a pipe: the limit is for provscope's files only)
(
	ulimit -f 16 # KiB: the image is 120 KiB
	trap '' XFSZ  # a failed write, not death by the signal
	exec "$PROVSCOPE" --batch --format json --timeout 5 "${DEV[@]}" --firmware 6.1.4 \
		--download-firmware "$T_DIR/fw3.bin" "$BASE/spa000e08aabbcc.xml" 2>/dev/null
) | cat >"$J"
rc=${PIPESTATUS[0]}
t_eq "--download-firmware that cannot be written: exit 2, upgrade.download_not_written, the file untouched" \
	"2 upgrade.download_not_written earlier" \
	"$rc $(json_get "$J" '" ".join(f["id"] for f in d["findings"] if f["severity"]=="error")') $(cat "$T_DIR/fw3.bin")"
t_check "--download-firmware that cannot be written: no temporary file left" \
	bash -c "! ls '$T_DIR'/fw3.bin.part-* 2>/dev/null"
echo "earlier" >"$T_DIR/fw2.bin"
J=$T_DIR/dl-none.json
"$PROVSCOPE" --batch --format json --timeout 5 "${DEV[@]}" --firmware 6.1.5a \
	--download-firmware "$T_DIR/fw2.bin" "$BASE/spa000e08aabbcc.xml" >"$J" 2>/dev/null
t_eq "--download-firmware when the phone would not upgrade: exit 0, the file untouched" \
	"0 earlier not downloaded: the phone would not upgrade" \
	"$? $(cat "$T_DIR/fw2.bin") $(json_get "$J" 'd["upgrade"]["download"]["error"]')"
"$PROVSCOPE" --batch --download-firmware "$T_DIR/no/such/dir/fw.bin" "$BASE/x.xml" \
	>/dev/null 2>"$T_DIR/dl-bad.err"
t_eq "--download-firmware into a missing directory: usage error before any connection" \
	"2 provscope: --download-firmware $T_DIR/no/such/dir/fw.bin: the directory $T_DIR/no/such/dir does not exist" \
	"$? $(cat "$T_DIR/dl-bad.err")"

# --audit: who else gets the per-device file. Here nginx refuses a client
# without a certificate (its 400 page) and has no file for the neighbour.
J=$T_DIR/audit.json
run_ps "$J" "${DEV[@]}" --audit "$BASE/spa\$MA.xml"
t_eq "--audit against per-device access control: exit 0; no certificate refused, neighbour inconclusive" \
	"0 spa000e08aabbcc.xml:ok spa000e08aabbcd.xml:skipped" \
	"$PS_RC $(json_get "$J" '" ".join(h["url"].rsplit("/",1)[1]+":"+[s["status"] for s in h["steps"] if s["id"]=="audit"][0] for h in d["hops"] if any(s["id"]=="audit" for s in h["steps"]))')"
t_eq "--audit: the refused requests raise no finding of their own" "" \
	"$(json_get "$J" '" ".join(f["id"] for f in d["findings"] if f["severity"]!="info")')"
# A directory served to any verified device: the neighbour's file comes.
mkdir -p "$WWW/shared"
cp "$WWW/spa000e08aabbcc.xml" "$WWW/shared/spa000e08aabbcc.xml"
cp "$WWW/spa000e08aabbcc.xml" "$WWW/shared/spa000e08aabbcd.xml"
J=$T_DIR/audit-leak.json
run_ps "$J" "${DEV[@]}" --audit "$BASE/shared/spa\$MA.xml"
t_eq "--audit where any device gets any file: exit 10, audit.served_other_device" \
	"10 audit.served_other_device" \
	"$PS_RC $(json_get "$J" '" ".join(f["id"] for f in d["findings"] if f["severity"]=="error")')"

# A server that hands this phone another device's profile (a mix-up in the
# file mapping): the file names the other MAC, never this one.
mkdir -p "$WWW/mixup"
cat >"$WWW/mixup/spa000e08aabbcc.xml" <<EOT
<?xml version="1.0"?>
<!-- SPA942 00:0E:08:DD:EE:FF, generated by the provisioning system -->
<flat-profile>
  <Station_Name>reception-000e08ddeeff</Station_Name>
  <Resync_Periodic>3600</Resync_Periodic>
</flat-profile>
EOT
J=$T_DIR/mixup.json
run_ps "$J" "${DEV[@]}" "$BASE/mixup/spa\$MA.xml"
t_eq "a profile naming another MAC: exit 8, profile.wrong_device with the line and the MAC" \
	"8 profile.wrong_device line 2 names 00:0E:08:DD:EE:FF" \
	"$PS_RC $(json_get "$J" '[f["id"]+" "+f["detail"].split(";")[0] for f in d["findings"] if f["id"]=="profile.wrong_device"][0]')"
J=$T_DIR/rulekey.json
run_ps "$J" "${DEV[@]}" "[--key profile-key] $BASE/enc.xml"
t_eq "a rule target with [--key]: the encrypted profile decodes with the rule's key" "0 true" \
	"$PS_RC $(json_get "$J" 'json.dumps(d["profile"]["encrypted"])')"
t_check "the rule's key does not appear in the output" bash -c "! grep -q profile-key '$J'"
COLUMNS=1000 "$PROVSCOPE" --batch -vv --timeout 5 "${DEV[@]}" "[--key profile-key] $BASE/enc.xml" >"$T_DIR/rulekey.txt" 2>&1
t_check "nor in the text output" bash -c "! grep -q profile-key '$T_DIR/rulekey.txt'"

# A firmware image that is not there: exit 9, upgrade.unreachable.
sed "s/spa942-6-1-5a.bin/spa942-6-1-5b.bin/" "$WWW/spa000e08aabbcc.xml" >"$WWW/nofw.xml"
J=$T_DIR/nofw.json
run_ps "$J" "${DEV[@]}" --firmware 6.1.4 "$BASE/nofw.xml"
t_eq "a missing firmware image: exit 9, upgrade.unreachable" "9 upgrade.unreachable" \
	"$PS_RC $(json_get "$J" '[f["id"] for f in d["findings"] if f["severity"]=="error"][0]')"

# A redirect is followed by provscope itself, with the phone's TLS again.
J=$T_DIR/redirect.json
run_ps "$J" "${DEV[@]}" "$BASE/old.xml"
t_eq "a redirect: followed as a new hop, exit 0" "0 302 200" \
	"$PS_RC $(json_get "$J" 'str(d["hops"][0]["http"]["status"])+" "+str(d["hops"][1]["http"]["status"])')"
t_eq "a redirect: the new hop has its own phone TLS handshake" "TLS1.0 TLS_RSA_WITH_AES_256_CBC_SHA" \
	"$(json_get "$J" 'd["hops"][1]["tls"]["version"]+" "+d["hops"][1]["tls"]["cipher_suite"]')"

J=$T_DIR/tohttp.json
run_ps "$J" "${DEV[@]}" "$BASE/tohttp.xml"
t_eq "a redirect from https to http: followed, http.redirect_scheme warning, exit 0" \
	"0 http.redirect_scheme warning 302 200 http 600" \
	"$PS_RC $(json_get "$J" '" ".join([f["id"]+" "+f["severity"] for f in d["findings"] if f["id"]=="http.redirect_scheme"]+[str(d["hops"][0]["http"]["status"]), str(d["hops"][1]["http"]["status"]), d["hops"][1]["scheme"], [p["value"] for p in d["profile"]["parameters"] if p["name"]=="Resync_Periodic"][0]])')"

# An upgrade the phone refuses: the image is older than Downgrade_Rev_Limit.
cat >"$WWW/downgrade.xml" <<EOT
<flat-profile>
  <Downgrade_Rev_Limit>6.1.4</Downgrade_Rev_Limit>
  <Upgrade_Rule>https://localhost:$NGINX_PORT/fw/spa942-6-1-3.bin</Upgrade_Rule>
</flat-profile>
EOT
J=$T_DIR/downgrade.json
run_ps "$J" "${DEV[@]}" --firmware 6.1.5 "$BASE/downgrade.xml"
t_eq "an image older than Downgrade_Rev_Limit: upgrade.downgrade_blocked, no upgrade, exit 0" \
	"0 upgrade.downgrade_blocked false 6.1.3" \
	"$PS_RC $(json_get "$J" '" ".join([f["id"] for f in d["findings"] if f["id"].startswith("upgrade.")]+[json.dumps(d["upgrade"]["would_upgrade"]), d["upgrade"]["target_version"]])')"

# HTTP credentials from the rule's [--uid --pwd].
mkdir -p "$WWW/auth"
cp "$WWW/spa000e08aabbcc.xml" "$WWW/auth/spa000e08aabbcc.xml"
J=$T_DIR/auth-none.json
run_ps "$J" "${DEV[@]}" "$BASE/auth/spa000e08aabbcc.xml"
t_eq "password-protected file without credentials: exit 7, http.unauthorized" \
	"7 http.unauthorized" "$PS_RC $(json_get "$J" '[f["id"] for f in d["findings"] if f["severity"]=="error"][0]')"
J=$T_DIR/auth.json
run_ps "$J" "${DEV[@]}" "[--uid bob --pwd pw-for-bob] $BASE/auth/spa000e08aabbcc.xml"
t_eq "with [--uid --pwd] in the rule: exit 0, HTTP 200" "0 200" \
	"$PS_RC $(json_get "$J" 'str(d["hops"][0]["http"]["status"])')"
t_check "the password does not appear in the output" bash -c "! grep -q pw-for-bob '$J'"

J=$T_DIR/other.json
run_ps "$J" --ca "$P/server-ca.pem" --cert "$P/other.pem" --key "$P/other.key" "$BASE/spa000e08aabbcc.xml"
t_eq "another device's certificate: exit 7, http.forbidden, and client_auth.mac_mismatch says why" \
	"7 http.forbidden client_auth.mac_mismatch" \
	"$PS_RC $(json_get "$J" '" ".join([f["id"] for f in d["findings"] if f["severity"] == "error"] + [f["id"] for f in d["findings"] if f["id"] == "client_auth.mac_mismatch"])')"
J=$T_DIR/other-pass.json
run_ps "$J" --ca "$P/server-ca.pem" --cert "$P/other.pem" --key "$P/other.key" --firmware 6.1.4 \
	"$BASE/spa\$PSN.cfg"
t_eq "the whole resync pass with another device's certificate: spa942.cfg 200, then 403 for spa\$MA.xml, exit 7, http.forbidden; the pass ends there" \
	"7 http.forbidden 200 403 False" \
	"$PS_RC $(json_get "$J" '" ".join([f["id"] for f in d["findings"] if f["severity"]=="error"]+[str(h["http"]["status"]) for h in d["hops"] if h["http"]]+[str(any("missing-" in h["url"] for h in d["hops"]))])')"

J=$T_DIR/rogue.json
run_ps "$J" --ca "$P/server-ca.pem" --cert "$P/rogue.pem" --key "$P/rogue.key" "$BASE/spa000e08aabbcc.xml"
t_eq "a certificate from another CA: exit 6, client_auth.rejected from nginx's 400 page" \
	"6 client_auth.rejected" \
	"$PS_RC $(json_get "$J" '[f["id"] for f in d["findings"] if f["severity"]=="error"][0]')"
J=$T_DIR/nocert.json
run_ps "$J" --ca "$P/server-ca.pem" "$BASE/spa000e08aabbcc.xml"
t_eq "no certificate: exit 6, client_auth.required from nginx's 400 page" "6 client_auth.required" \
	"$PS_RC $(json_get "$J" '[f["id"] for f in d["findings"] if f["severity"]=="error"][0]')"
t_eq "no certificate: the client-auth step failed" fail \
	"$(json_get "$J" '[s["status"] for s in d["hops"][0]["steps"] if s["id"]=="tls.client_auth"][0]')"

J=$T_DIR/404.json
run_ps "$J" "${DEV[@]}" "$BASE/spa000E08AABBCC.xml"
t_eq "a file name in the wrong case: exit 7, http.not_found" "7 http.not_found" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
J=$T_DIR/empty.json
run_ps "$J" "${DEV[@]}" "$BASE/empty.xml"
t_eq "an empty file: exit 7, http.empty" "7 http.empty" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"

J=$T_DIR/enc.json
run_ps "$J" "${DEV[@]}" --profile-key profile-key "$BASE/enc.xml"
t_eq "an encrypted gzip'd profile over https: exit 0, decrypted (md5) and parsed" "0 true md5 86400" \
	"$PS_RC $(json_get "$J" 'json.dumps(d["profile"]["encrypted"])+" "+d["profile"]["sources"][0]["kdf"]+" "+[p["value"] for p in d["profile"]["parameters"] if p["name"]=="Resync_Periodic"][0]')"
J=$T_DIR/enc-bad.json
run_ps "$J" "${DEV[@]}" --profile-key wrong "$BASE/enc.xml"
t_eq "the same with a wrong key: exit 8, profile.decrypt_failed" "8 profile.decrypt_failed" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
J=$T_DIR/small.json
run_ps "$J" "${DEV[@]}" --max-size 100 "$BASE/spa000e08aabbcc.xml"
t_eq "--max-size below the body: exit 8, profile.too_large" "8 profile.too_large" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
J=$T_DIR/hs.json
run_ps "$J" "${DEV[@]}" --handshake-only "$BASE/spa000e08aabbcc.xml"
t_eq "--handshake-only: exit 0, no HTTP step" "0 null" \
	"$PS_RC $(json_get "$J" 'd["hops"][0]["http"]')"

t_done
