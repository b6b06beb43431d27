#!/bin/bash
# The catalogue's facts against the sources it came from (tests/data/profiles,
# real files of public provisioning servers; doc/reference/spa-family.md):
# each model's User-Agent parses with the regular expressions a real server
# (WAZO) reads phones by; the factory defaults agree with device dumps, read
# with an independent XML reader (Python's ElementTree); the firmware images
# the servers give each model are its own to the upgrade analysis, and
# another family's are not.
. "$TOP_SRCDIR/tests/integration/lib.sh"

D=$TOP_SRCDIR/tests/data/profiles
"$PROVSCOPE" --list-models -v >"$T_DIR/models.txt" || t_bail "--list-models -v failed"

# 1. User-Agents: WAZO's regexes (common.py, BaseCiscoHTTPDeviceInfoExtractor).
out=$(python3 - "$T_DIR/models.txt" <<'EOF'
import re, sys
linksys = re.compile(r'^Linksys/([\w\-]+)-([^\s\-]+) \((\w+)\)$')
cisco = re.compile(r'^Cisco/(\w+)-(\S+) (?:\(([\dA-F]{12})\))?\((\w+)\)$')
bad, n, model = [], 0, None
for line in open(sys.argv[1]):
    if re.match(r'^[a-z]', line):
        model = line.split()
    m = re.match(r'^\s+User-Agent: (.*?)( \(assumed\))?$', line)
    if not m:
        continue
    n += 1
    ua, vendor, pn, fw = m.group(1), model[2], model[3], model[5].rstrip('?')
    g = (linksys if vendor == 'Linksys' else cisco).match(ua)
    # the model token, without its hyphen and in upper case, is $PN; then the firmware
    if not g or g.group(1).replace('-', '').upper() != pn or g.group(2) != fw:
        bad.append(ua)
print(n, ' | '.join(bad) or 'all parse')
EOF
)
t_eq "every model's User-Agent parses with WAZO's regex, to its \$PN and firmware" "23 all parse" "$out"

# 2. Factory defaults against device dumps (not server choices, not templated).
# defaults FILE MODEL SKIP...: "N same; differences" between the dump's
# flat-profile and provscope's factory defaults of MODEL.
echo '<flat-profile></flat-profile>' >"$T_DIR/empty.xml"
defaults() {
	local file=$1 model=$2
	shift 2
	"$PROVSCOPE" profile --batch --format json --model "$model" "$T_DIR/empty.xml" >"$T_DIR/def.json" 2>/dev/null
	python3 - "$file" "$T_DIR/def.json" "$@" <<'EOF'
import json, re, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
fp = root if root.tag == 'flat-profile' else root.find('.//flat-profile')
dump = {e.tag: (e.text or '').strip() for e in fp}
ours = {p['name']: p['value'] for p in json.load(open(sys.argv[2]))['profile']['parameters']
        if p['source'] == 'factory default'}
skip = sys.argv[3:]
same, diff = 0, []
for k, v in ours.items():
    if k not in dump or '{' in dump[k] or any(re.fullmatch(s, k) for s in skip):
        continue
    if dump[k] == v:
        same += 1
    else:
        diff.append('%s=%r, dump %r' % (k, v, dump[k]))
print(same, 'same;', '; '.join(diff) or 'no difference')
EOF
}
# The Provisioner ATA dump (PAP2T/SPA2102/SPA3102): its Resync_Periodic 3,
# Profile_Rule and Register_Expires 120 are the server's bootstrap values.
for m in spa2102 spa3102 pap2t; do
	t_eq "$m: factory defaults agree with the Provisioner ATA dump" "yes no difference" \
		"$(defaults "$D/provisioner__cisco-linksysata__model.cfg" "$m" Resync_Periodic Profile_Rule 'Register_Expires_[0-9]+_' |
			sed -E 's/^([0-9]+) same;/\1/' | awk '{ n = $1; $1 = ""; print (n >= 40 ? "yes" : "only " n), substr($0, 2) }')"
done
# The FusionPBX SPA122 export (serial CCQ16520JCL): its retry and forced
# delays (300, 30), Resync_Periodic 0 and Register_Expires are the
# template's settings.
t_eq "spa122: factory defaults agree with the FusionPBX SPA122 export" "yes no difference" \
	"$(defaults "$D/fusionpbx__cisco-spa122__mac.xml" spa122 Resync_Periodic Resync_Error_Retry_Delay Forced_Resync_Delay Profile_Rule 'Register_Expires_[0-9]+_' |
		sed -E 's/^([0-9]+) same;/\1/' | awk '{ n = $1; $1 = ""; print (n >= 40 ? "yes" : "only " n), substr($0, 2) }')"
t_eq "spa122: its defaults have the SPA1xx Custom_CA_URL, empty, as the export has" "['']" \
	"$(json_get "$T_DIR/def.json" 'str([p["value"] for p in d["profile"]["parameters"] if p["name"] == "Custom_CA_URL"])')"

# 3. The firmware images real servers give each model.
# image_ids MODEL IMAGE: the upgrade.* finding ids of an Upgrade_Rule to IMAGE.
image_ids() {
	printf '<flat-profile><Upgrade_Enable>Yes</Upgrade_Enable><Upgrade_Rule>http://10.0.0.1/firmware/%s</Upgrade_Rule></flat-profile>\n' \
		"$2" >"$T_DIR/img.xml"
	"$PROVSCOPE" profile --batch --format json --model "$1" "$T_DIR/img.xml" >"$T_DIR/img.json" 2>/dev/null
	json_get "$T_DIR/img.json" '"wrong" if any(f["id"] == "upgrade.wrong_model" for f in d["findings"]) else "own"'
}
# image FILE: the image name of the Upgrade_Rule in a corpus file.
image() {
	sed -n 's|.*<Upgrade_Rule[^>]*>.*/firmware/\([^<]*\)</Upgrade_Rule>.*|\1|p' "$1" | head -1
}
SPA112_IMG=$(image "$D/wazo__SPA112.tpl")
PAP2T_IMG=$(image "$D/wazo__PAP2T.tpl")
SPA942_IMG=$(image "$D/wazo__SPA942.tpl")
FPBX112_IMG=$(sed -n 's|.*<Upgrade_Rule>.*/firmware/\([^<]*\)</Upgrade_Rule>.*|\1|p' "$D/fusionpbx__cisco-spa112__mac.xml")
SPA50X_IMG=$(grep -o 'spa50x-30x-[0-9-]*[a-z]*\.bin' "$D/wazo__SPA504G.tpl" | tail -1)
t_eq "the corpus' images" \
	"SPA112-SPA122_1.3.5_004p.bin pap2t-5-1-6.bin spa942-6-1-5a.bin spa112-1.4.1.bin spa50x-30x-7-5-5.bin" \
	"$SPA112_IMG $PAP2T_IMG $SPA942_IMG $FPBX112_IMG $SPA50X_IMG"
while read -r img own wrong; do
	got_own= got_wrong=
	for m in ${own//,/ }; do got_own="$got_own $m:$(image_ids "$m" "$img")"; done
	for m in ${wrong//,/ }; do got_wrong="$got_wrong $m:$(image_ids "$m" "$img")"; done
	want_own=$(for m in ${own//,/ }; do printf ' %s:own' "$m"; done)
	want_wrong=$(for m in ${wrong//,/ }; do printf ' %s:wrong' "$m"; done)
	t_eq "$img: the models a server gives it take it; another family's do not" \
		"$want_own |$want_wrong" "$got_own |$got_wrong"
done <<EOT
$SPA112_IMG spa112,spa122 spa232d,spa942,spa504g,spa2102
$PAP2T_IMG pap2t spa2102,spa942,spa112
$SPA942_IMG spa922,spa942 spa941,spa962,spa901,spa504g,pap2t
$FPBX112_IMG spa112,spa122 spa2102,spa525g
$SPA50X_IMG spa301,spa303,spa501g,spa502g,spa504g,spa508g,spa509g spa512g,spa514g,spa525g,spa942,spa122
spa51x-7-5-5.bin spa512g,spa514g spa504g,spa525g
spa941-5-1-8.bin spa921,spa941 spa942,spa962
spa2102-5-2-12.bin spa2102 spa3102,pap2t,spa8000
spa8000-6-1-11.bin spa8000 spa2102,spa942
EOT

t_done
