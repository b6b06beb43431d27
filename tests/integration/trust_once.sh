#!/bin/bash
# Trust is loaded once per process: a three-hop pass (profile, the
# Profile_Rule_B profile it names, the firmware check) opens --ca and
# --modern-ca once each, the system store not at all when the anchors given
# decide the modern client's path, and once for all hops when it needs the
# store. Counted with strace.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
if ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
	t_skip "trust files read once" "strace is missing or may not trace here"
	t_done
	exit
fi
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
start_phone_nginx trust || t_bail "nginx did not start"
cat >"$WWW/spa000e08aabbcc.xml" <<EOT
<flat-profile>
  <Profile_Rule_B>$BASE/b.xml</Profile_Rule_B>
  <Upgrade_Enable>Yes</Upgrade_Enable>
  <Upgrade_Rule>$BASE/fw/spa942-9-9-9.bin</Upgrade_Rule>
</flat-profile>
EOT
echo "<flat-profile><Station_Name>b</Station_Name></flat-profile>" >"$WWW/b.xml"
mkdir -p "$WWW/fw"
head -c 4096 /dev/urandom >"$WWW/fw/spa942-9-9-9.bin"
SYSTEM=/etc/ssl/certs/ca-certificates.crt # where Debian's GnuTLS finds the store

# traced OUT ARGS...: a pass under strace; the JSON in OUT, the opens in OUT.opens
traced() {
	local out=$1
	shift
	strace -f -e trace=openat -o "$out.trace" "$PROVSCOPE" --batch --format json --timeout 5 \
		--cert "$P/device.pem" --key "$P/device.key" "$@" "$BASE/spa000e08aabbcc.xml" \
		>"$out" 2>"$out.err"
	grep -v ENOENT "$out.trace" >"$out.opens"
}
opens() { grep -c -F "\"$2\"" "$1.opens"; }
hops_with_chain() {
	json_get "$1" 'sum(1 for h in d["hops"] if any(s["id"] == "tls.chain" for s in h["steps"]))'
}

traced "$T_DIR/given.json" --ca "$P/server-ca.pem" --modern-ca "$P/other-ca.pem"
t_eq "three hops, each with its chain checked" 3 "$(hops_with_chain "$T_DIR/given.json")"
t_eq "both clients accept every hop's chain" "accept accept accept accept accept accept" \
	"$(json_get "$T_DIR/given.json" '" ".join(h["chain"][v] for h in d["hops"] for v in ("phone_verdict", "modern_verdict"))')"
t_eq "--ca is read once" 1 "$(opens "$T_DIR/given.json" "$P/server-ca.pem")"
t_eq "--modern-ca is read once" 1 "$(opens "$T_DIR/given.json" "$P/other-ca.pem")"
if [ -r "$SYSTEM" ]; then
	t_eq "the system store is not read when --ca decides the modern client's path" 0 \
		"$(opens "$T_DIR/given.json" "$SYSTEM")"
else
	t_skip "the system store is not read" "no $SYSTEM here"
fi

traced "$T_DIR/system.json"
t_eq "without --ca: three hops, each with its chain checked" 3 \
	"$(hops_with_chain "$T_DIR/system.json")"
t_eq "each time the modern client looked for the CA in the system store" 3 \
	"$(json_get "$T_DIR/system.json" \
		'sum(1 for h in d["hops"] for r in h["chain"]["modern"]["reasons"] if "trusts only the system" in r)')"
if [ -r "$SYSTEM" ]; then
	t_eq "the system store is read once for three hops" 1 \
		"$(opens "$T_DIR/system.json" "$SYSTEM")"
else
	t_skip "the system store is read once" "no $SYSTEM here"
fi
t_done
