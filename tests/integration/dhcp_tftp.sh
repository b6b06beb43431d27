#!/bin/bash
# --tftp-server: the TFTP server a phone gets from DHCP (option 66/150).
# The factory rule /spa$PSN.cfg and rules without a host fetch from it, as
# the phone resolves them: live runs against tftpd-hpa on a loopback port
# (the Python TFTP server of tests/helpers when tftpd-hpa cannot run: it
# needs root), `rule` and `profile` offline, and the usage errors.
. "$TOP_SRCDIR/tests/integration/lib.sh"

ROOT=$T_DIR/tftp
mkdir -p "$ROOT/firmware"
# The bootstrap file the factory rule finds: it keeps the phone on the
# DHCP server (no host in any rule) and upgrades it over TFTP.
for m in 942:6-1-5b:'6.1.5(b)' 504G:7-6-2:7.6.2; do
	psn=${m%%:*} rest=${m#*:}
	img=${rest%%:*} ver=${rest#*:}
	lower=$(echo "$psn" | tr 'A-Z' 'a-z')
	cat >"$ROOT/spa$psn.cfg" <<EOF
<flat-profile>
<Profile_Rule>/spa\$PSN.cfg</Profile_Rule>
<Profile_Rule_B>/spa\$MA.xml</Profile_Rule_B>
<Upgrade_Enable>Yes</Upgrade_Enable>
<Upgrade_Rule>(\$SWVER ne $ver)? /firmware/spa$lower-$img.bin</Upgrade_Rule>
</flat-profile>
EOF
	head -c 3000 /dev/zero >"$ROOT/firmware/spa$lower-$img.bin"
done
echo '<flat-profile><Station_Name>desk</Station_Name></flat-profile>' >"$ROOT/spa000e08aabbcc.xml"
echo '<flat-profile><Station_Name>cisco</Station_Name></flat-profile>' >"$ROOT/spa0002fdaabbcc.xml"
chmod -R a+rX "$ROOT"

SERVER=
if start_tftpd_hpa "$ROOT" 127.0.0.1; then
	PORT=$HPA_PORT
	SERVER=tftpd-hpa
else
	start_tftp "$ROOT" || t_bail "no TFTP server started"
	PORT=$TFTP_PORT
	SERVER="the Python TFTP server (tftpd-hpa needs root)"
fi
echo "# TFTP server: $SERVER on 127.0.0.1:$PORT"

# IPv6: tftpd-hpa on ::1 too (where it runs), the server in brackets.
PORT6=
[ "$SERVER" = tftpd-hpa ] && start_tftpd_hpa "$ROOT" "[::1]" && PORT6=$HPA_PORT

# 1. The factory rule, the server from DHCP: the whole pass over TFTP.
J=$T_DIR/spa942.json
run_ps "$J" --tftp-server "127.0.0.1:$PORT" '/spa$PSN.cfg'
t_eq "SPA942, factory rule: exit 0; spa942.cfg, then its own file, from the DHCP server" \
	"0 tftp://127.0.0.1:$PORT/spa942.cfg tftp://127.0.0.1:$PORT/spa000e08aabbcc.xml" \
	"$PS_RC $(json_get "$J" '" ".join(h["url"] for h in d["hops"] if h["url"].endswith((".cfg", ".xml")))')"
t_eq "SPA942: the upgrade is TFTP from the same server" \
	"tftp://127.0.0.1:$PORT/firmware/spa942-6-1-5b.bin true" \
	"$(json_get "$J" 'd["upgrade"]["evaluation"]["url"]') $(json_get "$J" 'd["upgrade"]["would_upgrade"]')"
t_eq "SPA942: the report names the DHCP server" "127.0.0.1:$PORT" "$(json_get "$J" 'd["phone"]["tftp_server"]')"
J=$T_DIR/spa504g.json
run_ps "$J" --model spa504g --tftp-server "127.0.0.1:$PORT" '/spa$PSN.cfg'
t_eq "SPA504G: /spa504G.cfg, \$PSN's capital G, then its own file" \
	"0 tftp://127.0.0.1:$PORT/spa504G.cfg tftp://127.0.0.1:$PORT/spa0002fdaabbcc.xml" \
	"$PS_RC $(json_get "$J" '" ".join(h["url"] for h in d["hops"] if h["url"].endswith((".cfg", ".xml")))')"

# No URL: a factory-fresh phone, each model's factory rule.
cp "$ROOT/spa942.cfg" "$ROOT/init.cfg"
J=$T_DIR/fresh.json
run_ps "$J" --tftp-server "127.0.0.1:$PORT"
t_eq "no URL: the SPA942's factory rule, from the DHCP server" \
	"0 /spa\$PSN.cfg tftp://127.0.0.1:$PORT/spa942.cfg" \
	"$PS_RC $(json_get "$J" 'd["target"]') $(json_get "$J" 'd["hops"][0]["url"]')"
J=$T_DIR/fresh-pap2t.json
run_ps "$J" --model pap2t --tftp-server "127.0.0.1:$PORT"
t_eq "no URL, a PAP2T: its factory rule /init.cfg" "tftp://127.0.0.1:$PORT/init.cfg" \
	"$(json_get "$J" 'd["hops"][0]["url"]')"
J=$T_DIR/fresh-scan.json
"$PROVSCOPE" scan --batch --format json --timeout 5 --models spa942,spa504g,pap2t \
	--tftp-server "127.0.0.1:$PORT" >"$J" 2>/dev/null
t_eq "scan, no URL: each model's factory file" "spa942.cfg spa504G.cfg init.cfg" \
	"$(json_get "$J" '" ".join(m["url"].rsplit("/",1)[1] for m in d["scan"]["models"])')"
"$PROVSCOPE" scan --batch --models spa942 --tftp-server "127.0.0.1:$PORT" >"$T_DIR/fresh-scan.txt" 2>&1
t_check "scan text: the TFTP row says no TLS and TFTP, not blanks" \
	grep -Eq '^SPA942 +6\.1\.5\(a\) +no TLS \(TFTP\) +- +- +TFTP +0$' "$T_DIR/fresh-scan.txt"
"$PROVSCOPE" --batch --tftp-server "127.0.0.1:$PORT" >"$T_DIR/fresh.txt" 2>&1
t_check "text: a TFTP hop that fetched its file says TFTP in the HTTP column" \
	grep -Eq '^  1  spa942\.cfg +- +- +- +TFTP +4$' "$T_DIR/fresh.txt"
"$PROVSCOPE" --batch >/dev/null 2>"$T_DIR/nourl.err"
t_eq "no URL and no --tftp-server: still a usage error" 2 "$?"

if [ -n "${PORT6:-}" ]; then
	J=$T_DIR/v6.json
	run_ps "$J" --tftp-server "[::1]:$PORT6" '/spa$PSN.cfg'
	t_eq "IPv6: the pass over TFTP from [::1]" "0 tftp://[::1]:$PORT6/spa942.cfg" \
		"$PS_RC $(json_get "$J" 'd["hops"][0]["url"]')"
	J=$T_DIR/v6-url.json
	run_ps "$J" "tftp://[::1]:$PORT6/spa942.cfg"
	t_eq "IPv6: a tftp:// URL with an address in brackets; its Profile_Rule_B, without a host, then needs the DHCP server" \
		"None 2 rule.dhcp_server" \
		"$(json_get "$J" 'str(d["hops"][0]["http"]["error"])') $PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
else
	t_skip "IPv6: the pass over TFTP from [::1]" "tftpd-hpa needs root"
	t_skip "IPv6: a tftp:// URL with an address in brackets" "tftpd-hpa needs root"
fi

# 2. --download-firmware over TFTP from the DHCP server.
J=$T_DIR/dl.json
run_ps "$J" --tftp-server "127.0.0.1:$PORT" --download-firmware "$T_DIR/fw.bin" '/spa$PSN.cfg'
t_eq "--download-firmware: the image over TFTP, whole" "0 3000" "$PS_RC $(stat -c %s "$T_DIR/fw.bin" 2>/dev/null)"

# 3. Without --tftp-server: the finding says what to give, exit 2.
J=$T_DIR/none.json
run_ps "$J" '/spa$PSN.cfg'
t_eq "no --tftp-server: exit 2, rule.dhcp_server naming the option" "2 rule.dhcp_server yes" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]') $(json_get "$J" '"yes" if "--tftp-server" in d["findings"][0]["detail"] else d["findings"][0]["detail"]')"

# 4. A host in the rule wins over the DHCP server.
J=$T_DIR/host.json
run_ps "$J" --tftp-server 127.0.0.1:1 "tftp://127.0.0.1:$PORT/spa942.cfg"
t_eq "a rule with its own host: not the DHCP server's" "tftp://127.0.0.1:$PORT/spa942.cfg" \
	"$(json_get "$J" 'd["hops"][0]["url"]')"

# 5. Offline: rule and profile resolve the same way, port 69 by default.
t_eq "rule: /spa\$PSN.cfg -> tftp://10.0.0.5:69/spa942.cfg" "tftp://10.0.0.5:69/spa942.cfg" \
	"$("$PROVSCOPE" rule --format json --tftp-server 10.0.0.5 '/spa$PSN.cfg' | python3 -c 'import json,sys; print(json.load(sys.stdin)["rule"]["url"])')"
t_eq "rule: an IPv6 server with a port" "tftp://[2001:db8::5]:6969/spa504G.cfg" \
	"$("$PROVSCOPE" rule --format json --model spa504g --tftp-server '[2001:db8::5]:6969' '/spa$PSN.cfg' | python3 -c 'import json,sys; print(json.load(sys.stdin)["rule"]["url"])')"
t_eq "rule: an https URL without a host takes the server, not its port" "https://prov.example.net:443/x.xml" \
	"$("$PROVSCOPE" rule --format json --tftp-server prov.example.net:6969 'https:///x.xml' | python3 -c 'import json,sys; print(json.load(sys.stdin)["rule"]["url"])')"
J=$T_DIR/profile.json
"$PROVSCOPE" profile --batch --format json --tftp-server 10.0.0.5 "$ROOT/spa942.cfg" >"$J" 2>/dev/null
t_eq "profile: Upgrade_Rule without a host -> the DHCP server" "tftp://10.0.0.5:69/firmware/spa942-6-1-5b.bin" \
	"$(json_get "$J" 'd["upgrade"]["evaluation"]["url"]')"

# 6. Values that are no server: usage errors that say what to give.
for bad in '' 'a b' 'host:0' 'host:70000' 'tftp://host' 'host/path' '[zz]:69' '::1' '-x'; do
	"$PROVSCOPE" rule --tftp-server "$bad" '/spa$PSN.cfg' >/dev/null 2>"$T_DIR/bad.err"
	rc=$?
	t_eq "--tftp-server '$bad': exit 2, the message names the forms" "2 yes" \
		"$rc $(grep -q 'HOST, HOST:PORT or \[IPv6\]:PORT' "$T_DIR/bad.err" && echo yes)"
done

t_done
