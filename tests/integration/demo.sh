#!/bin/bash
# provscope --demo (the lab in the same process) clean and with every fault;
# provscope lab on its own, with devices minted by --mint-device; and the
# scenarios the lab shares with an nginx set-up give the same verdicts.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# --- the clean demo ---------------------------------------------------------
J=$T_DIR/demo.json
"$PROVSCOPE" --demo --batch --format json >"$J" 2>"$T_DIR/demo.err"
t_eq "--demo --batch --format json: exit 0, verdict ok" "0 ok" "$? $(json_get "$J" 'd["verdict"]')"
t_eq "the demo: TLS1.0 with AES-256, the phone accepts the chain, the device certificate sent, HTTP 200" \
	"TLS1.0 TLS_RSA_WITH_AES_256_CBC_SHA accept true 200" \
	"$(json_get "$J" '" ".join(str(x) for x in [d["hops"][0]["tls"]["version"], d["hops"][0]["tls"]["cipher_suite"], d["hops"][0]["chain"]["phone_verdict"], json.dumps(d["hops"][0]["client_auth"]["sent"]), d["hops"][0]["http"]["status"]])')"
t_eq "the demo: the model file, then the per-device file through Profile_Rule_B (encrypted, decrypted with the rule's key)" \
	"spa942.cfg spa000e08aabbcc.xml Profile_Rule_B true md5" \
	"$(json_get "$J" '" ".join([d["hops"][0]["url"].rsplit("/",1)[1], d["hops"][1]["url"].rsplit("/",1)[1], d["hops"][1]["steps"][0]["summary"].split(":")[0], json.dumps(d["hops"][1]["profile"]["encrypted"]), d["hops"][1]["profile"]["kdf"]])')"
t_eq "the demo: the parsed profile (the per-device file's station name, its password redacted)" \
	"Password_1_=******** Station_Name=lab-spa942-aabbcc" \
	"$(json_get "$J" '" ".join(sorted(p["name"]+"="+p["value"] for p in d["profile"]["parameters"] if p["name"] in ("Station_Name","Password_1_")))')"
t_eq "the demo: the firmware decision and the check of the image" \
	"true 6.1.5b 200 6144" \
	"$(json_get "$J" '" ".join(str(x) for x in [json.dumps(d["upgrade"]["would_upgrade"]), d["upgrade"]["target_version"], d["upgrade"]["check"]["status"], d["upgrade"]["check"]["size"]])')"
t_eq "the demo: the access-control audit is refused both ways" "ok ok" \
	"$(json_get "$J" '" ".join(s["status"] for h in d["hops"] for s in h["steps"] if s["id"]=="audit")')"
t_check "the demo: the lab logs each request on stderr (certificate, TLS, path, status)" \
	grep -q 'TLS1.0 TLS_RSA_WITH_AES_256_CBC_SHA | cert "CN=000e08aabbcc.*| GET /spa942.cfg | 200' \
	"$T_DIR/demo.err"
t_check "the demo: the lab logs why a request was refused" \
	grep -q 'GET /spa000e08aabbcd.xml | 403 | refused: device 000e08aabbcc may not read' \
	"$T_DIR/demo.err"
"$PROVSCOPE" --demo --batch -v >"$T_DIR/demo.txt" 2>/dev/null
t_eq "the demo in text (-v): exit 0" 0 "$?"
missing=
for s in rule.expand resolve connect tls.handshake tls.chain tls.client_auth http profile.decode \
	profile.parse upgrade.rule upgrade.decision upgrade.check audit; do
	grep -Eq "^  ok +$s " "$T_DIR/demo.txt" || missing="$missing $s"
done
t_eq "the demo in text (-v): every step shows, ok (a modern client trusts the demo CA, as with --ca)" \
	"" "$missing"
t_eq "the demo in text (-v): the chain once, then 'the same chain as hop 1'" "1 4" \
	"$(grep -c '^        certificate 0: ' "$T_DIR/demo.txt") $(grep -c 'the same chain as hop 1' "$T_DIR/demo.txt")"
# The default: one screen, a line per hop.
"$PROVSCOPE" --demo --batch >"$T_DIR/short.txt" 2>/dev/null
t_eq "the demo in text: one 80x24 screen (lines, widest, hop rows)" "yes yes 5" \
	"$([ "$(wc -l <"$T_DIR/short.txt")" -le 24 ] && echo yes || echo no) $(awk 'length > w { w = length } END { print (w <= 80 ? "yes" : "no") }' "$T_DIR/short.txt") $(grep -Ec '^ +[0-9]+  spa' "$T_DIR/short.txt")"
t_eq "the demo in text: the table's first row" "1 spa942.cfg 1.0 AES-256-CBC ok/ok sent 200 19" \
	"$(grep -E '^ +1  ' "$T_DIR/short.txt" | tr -s ' ' | sed 's/^ //')"
"$PROVSCOPE" --demo --batch -q >"$T_DIR/quiet.txt" 2>/dev/null
t_eq "the demo with -q: the verdict alone" "1 Verdict: ok" \
	"$(wc -l <"$T_DIR/quiet.txt") $(cut -c1-11 "$T_DIR/quiet.txt")"
"$PROVSCOPE" --demo --batch -q --fault expired >"$T_DIR/quiet-fail.txt" 2>/dev/null
t_eq "a fault with -q: the error finding, its fix and the verdict" "error chain.expired fix: Verdict: fail" \
	"$(grep -o '^  error   chain.expired' "$T_DIR/quiet-fail.txt" | tr -s ' ' | sed 's/^ //') $(grep -o 'fix:' "$T_DIR/quiet-fail.txt") $(grep -o '^Verdict: fail' "$T_DIR/quiet-fail.txt")"
"$PROVSCOPE" --demo --batch -o - >"$T_DIR/dash.txt" 2>/dev/null
t_eq "-o - writes to standard output" "0 yes" \
	"$? $(grep -q '^Verdict: ok' "$T_DIR/dash.txt" && echo yes)"
"$PROVSCOPE" --demo --batch -o "$T_DIR/o.txt" >/dev/null 2>&1
t_eq "-o FILE writes the file" yes "$(grep -q '^Verdict: ok' "$T_DIR/o.txt" && echo yes)"
"$PROVSCOPE" --demo --batch --fault expired --color always >"$T_DIR/color.txt" 2>/dev/null
t_eq "--color always colours a file; never and NO_COLOR do not" "yes 0 0" \
	"$(grep -q $'\033' "$T_DIR/color.txt" && echo yes) $("$PROVSCOPE" --demo --batch --fault expired --color never 2>/dev/null | grep -c $'\033') $(NO_COLOR=1 script -qec "$PROVSCOPE --demo --batch --fault expired" /dev/null 2>/dev/null | grep -c $'\033\\[3')"
# The README's first command ends in the demo, as a user types it.
t_check "the README's set-up command ends in ./provscope --demo" \
	grep -q '&& ./provscope --demo$' "$TOP_SRCDIR/README.md"
"$PROVSCOPE" --demo </dev/null >"$T_DIR/plain.txt" 2>/dev/null
t_eq "provscope --demo without a terminal: the text report, exit 0" "0 yes" \
	"$? $(grep -q '^Verdict: ok' "$T_DIR/plain.txt" && echo yes)"
"$PROVSCOPE" --demo --batch --model spa504g --format json >"$T_DIR/cisco.json" 2>/dev/null
t_eq "the demo as a Cisco SPA504G: exit 0, its own files and firmware" "0 spa504G.cfg 7.6.2" \
	"$? $(json_get "$T_DIR/cisco.json" 'd["hops"][0]["url"].rsplit("/",1)[1]+" "+d["upgrade"]["target_version"]')"
# Every model of the catalogue: the lab serves its model file (its factory
# rule's), its per-device file and its firmware, over HTTP for a model
# that cannot upgrade over HTTPS (the ATAs, the SPA901), with no finding
# above info.
bad=
for m in $("$PROVSCOPE" --list-models | awk '/^[a-z]/ { print $1 }'); do
	"$PROVSCOPE" --demo --batch --model "$m" --format json >"$T_DIR/m.json" 2>/dev/null
	rc=$?
	got=$(json_get "$T_DIR/m.json" '" ".join([str(len(d["hops"])), d["upgrade"]["evaluation"]["url"].split(":")[0], str(d["upgrade"]["would_upgrade"]), str(d["upgrade"]["check"]["status"])] + [f["id"] for f in d["findings"] if f["severity"] in ("warning", "error")])')
	https=$("$PROVSCOPE" --list-models | awk -v m="$m" '$1 == m { print ($7 ~ /^yes/ ? "https" : "http") }')
	[ "$rc $got" = "0 5 $https True 200" ] || bad="$bad $m: $rc $got (want $https);"
done
t_eq "--demo --model: every model provisions from the lab and would upgrade" "" "$bad"

# --- every fault: its finding and its exit category ---------------------------
# FAULT EXIT FINDING [dl] (the finding that must be there; dl: with
# --download-firmware, which a fault in the image's contents needs)
while read -r fault code finding dl; do
	J=$T_DIR/fault-$fault.json
	"$PROVSCOPE" --demo --batch --format json --timeout 2 --fault "$fault" \
		${dl:+--download-firmware "$T_DIR/fw-$fault.bin"} >"$J" 2>/dev/null
	rc=$?
	t_eq "--demo --fault $fault: exit $code with $finding" "$code $finding" \
		"$rc $(json_get "$J" '"'"$finding"'" if any(f["id"]=="'"$finding"'" for f in d["findings"]) else "missing: "+" ".join(f["id"] for f in d["findings"])')"
done <<'EOT'
modern-only 4 tls.protocol_version
rc4-only 0 tls.rc4
untrusted-ca 5 chain.untrusted_root
expired 5 chain.expired
not-yet-valid 5 chain.not_yet_valid
missing-intermediate 5 chain.missing_intermediate
wrong-name 5 chain.hostname_mismatch
weak-key 0 chain.weak_key
no-client-auth 10 audit.served_without_cert
cross-device 10 audit.served_other_device
not-found 7 http.not_found
slow-handshake 3 net.timeout
truncated 7 http.truncated
wrong-profile-key 8 profile.decrypt_failed
wrong-model-image 9 upgrade.wrong_model
downgrade 0 upgrade.downgrade
mislabelled-image 9 upgrade.wrong_model dl
EOT
t_eq "mislabelled-image: the download says what the image declares (the SPA504G's 7.6.2)" \
	"provscope lab fake firmware Cisco SPA504G 7.6.2 (not a real image) 7.6.2" \
	"$(json_get "$T_DIR/fault-mislabelled-image.json" 'd["upgrade"]["download"]["declares"]+" "+d["upgrade"]["download"]["declared_version"]')"
t_eq "downgrade: the warning names the versions and the empty Downgrade_Rev_Limit" true \
	"$(json_get "$T_DIR/fault-downgrade.json" 'any(f["id"]=="upgrade.downgrade" and "5.2.8a is older than 6.1.5(a)" in f["detail"] and "empty" in f["detail"] for f in d["findings"])')"
t_eq "every fault of --fault help is in the table above" "17" \
	"$("$PROVSCOPE" --demo --fault help | grep -c '^[a-z]')"
"$PROVSCOPE" --demo --batch --fault no-such-fault >/dev/null 2>"$T_DIR/badfault.err"
t_eq "an unknown fault: usage error naming the valid ones" "2 yes" \
	"$? $(grep -q 'modern-only' "$T_DIR/badfault.err" && echo yes)"

# --- provscope lab on its own -------------------------------------------------
PKI=$T_DIR/labpki
"$PROVSCOPE" lab --pki "$PKI" --mint-device 00:0e:08:aa:bb:cc >"$T_DIR/mintA.out" 2>&1
t_eq "lab --mint-device writes a device certificate and key into --pki" "0 yes yes" \
	"$? $([ -s "$PKI/device-000e08aabbcc.pem" ] && echo yes) $([ -s "$PKI/device-000e08aabbcc.key" ] && echo yes)"
"$PROVSCOPE" lab --pki "$PKI" --mint-device 000e08ddeeff >/dev/null 2>&1
start_lab lab --pki "$PKI" --listen 127.0.0.1:0 --http-port 0
t_check "provscope lab prints where it listens (port 0 picked a free one)" test -n "$LAB_PORT"
LAB=(--ca "$PKI/vendor-ca.pem" --resolve "prov.lab.test:$LAB_PORT:127.0.0.1")
A=(--cert "$PKI/device-000e08aabbcc.pem" --key "$PKI/device-000e08aabbcc.key")
LB=https://prov.lab.test:$LAB_PORT

# Scenarios shared with nginx: NAME URL-PATH CERT-OPTION... ; both servers
# must give the same exit status and first error finding.
lab_case() { # NAME PATH [CERT NAME]
	local j=$T_DIR/lab-$1.json
	if [ -n "${3:-}" ]; then
		run_ps "$j" "${LAB[@]}" --cert "$3" --key "${3%.pem}.key" "$LB$2"
	else
		run_ps "$j" "${LAB[@]}" "$LB$2"
	fi
	echo "$PS_RC $(json_get "$j" '([f["id"] for f in d["findings"] if f["severity"]=="error"]+["-"])[0]')"
}
LAB_OWN=$(lab_case own /spa000e08aabbcc.xml "$PKI/device-000e08aabbcc.pem")
LAB_OTHER=$(lab_case other /spa000e08ddeeff.xml "$PKI/device-000e08aabbcc.pem")
LAB_NOCERT=$(lab_case nocert /spa000e08aabbcc.xml)
LAB_MISSING=$(lab_case missing /nothere.xml "$PKI/device-000e08aabbcc.pem")
t_eq "lab: its own file with its certificate: exit 0" "0 -" "$LAB_OWN"
t_eq "lab: refuses a device asking for another device's profile: exit 7, http.forbidden" \
	"7 http.forbidden" "$LAB_OTHER"
t_check "lab: the refusal and its reason are in the lab's log" \
	grep -q 'GET /spa000e08ddeeff.xml | 403 | refused: device 000e08aabbcc may not read' "$T_DIR/lab.err"
t_eq "lab: no client certificate: exit 6, client_auth.required" "6 client_auth.required" "$LAB_NOCERT"
LAB_HTTP=$(sed -n 's|^  http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T_DIR/lab.out")
run_ps "$T_DIR/lab-http.json" "http://127.0.0.1:$LAB_HTTP/spa\$PSN.cfg"
t_eq "lab: plain HTTP on --http-port serves the model file" "http 200 19" \
	"$(json_get "$T_DIR/lab-http.json" 'd["hops"][0]["scheme"]+" "+str(d["hops"][0]["http"]["status"])+" "+str(d["hops"][0]["profile"]["parameters_set"])')"
kill -TERM "$LAB_PID"
for i in $(seq 1 100); do kill -0 "$LAB_PID" 2>/dev/null || break; sleep 0.05; done
wait "$LAB_PID"
t_eq "lab: SIGTERM stops it cleanly (exit 0)" "0 yes" \
	"$? $(grep -q 'stopping (signal 15)' "$T_DIR/lab.err" && echo yes)"

# --- the same scenarios against nginx -----------------------------------------
if ! command -v "$NGINX" >/dev/null; then
	t_skip "nginx and the lab agree" "nginx not found"
	t_done
	exit
fi
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
mk_cert other client-ca client 'cn = "SPA942-000E08DDEEFF"' 'unit = "SPA-942"' \
	'state = "000e08ddeeff"' || t_bail "certtool failed"
start_nginx agree "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';
	ssl_verify_client on; ssl_client_certificate $P/client-ca.pem;
	location = /spa000e08aabbcc.xml { if (\$ssl_client_s_dn !~ \"ST=000e08aabbcc\") { return 403; } }
	location = /spa000e08ddeeff.xml { if (\$ssl_client_s_dn !~ \"ST=000e08ddeeff\") { return 403; } }" ||
	t_bail "nginx did not start"
WWW=$T_DIR/nginx-agree/www
echo "<flat-profile><Resync_Periodic>3600</Resync_Periodic></flat-profile>" >"$WWW/spa000e08aabbcc.xml"
echo "<flat-profile><Resync_Periodic>3600</Resync_Periodic></flat-profile>" >"$WWW/spa000e08ddeeff.xml"
nginx_case() { # NAME PATH [CERT]
	local j=$T_DIR/ngx-$1.json
	if [ -n "${3:-}" ]; then
		run_ps "$j" --ca "$P/server-ca.pem" --cert "$3" --key "${3%.pem}.key" \
			"https://localhost:$NGINX_PORT$2"
	else
		run_ps "$j" --ca "$P/server-ca.pem" "https://localhost:$NGINX_PORT$2"
	fi
	echo "$PS_RC $(json_get "$j" '([f["id"] for f in d["findings"] if f["severity"]=="error"]+["-"])[0]')"
}
t_eq "nginx and the lab agree: own file, another device's file, no certificate, a missing file" \
	"$LAB_OWN | $LAB_OTHER | $LAB_NOCERT | $LAB_MISSING" \
	"$(nginx_case own /spa000e08aabbcc.xml "$P/device.pem") | $(nginx_case other /spa000e08ddeeff.xml "$P/device.pem") | $(nginx_case nocert /spa000e08aabbcc.xml) | $(nginx_case missing /nothere.xml "$P/device.pem")"

t_done
