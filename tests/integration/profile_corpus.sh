#!/bin/bash
# Profile corpus: every real profile in tests/data/profiles goes through the
# decode and parse pipeline (tests/helpers/profile_dump) without crashing.
# For each file Python's xml.etree finds well-formed, an independent reader
# (xml.etree: the leaf elements under <flat-profile>, at any depth, the
# last of one name winning, values trimmed and line breaks made spaces)
# gives the parameters, and `provscope profile --format json` must read the
# same table, name by name and value by value: the SPA112/SPA122 files nest
# most of their parameters in <router-configuration> and its groups, which
# are containers, not parameters. Every file that SOURCES.md calls a
# template gives profile.template (not xml_malformed); the concrete ones
# parse with no error.
. "$TOP_SRCDIR/tests/integration/lib.sh"

DUMP=${PROFILE_DUMP:-${TOP_BUILDDIR:-.}/tests/helpers/profile_dump}
DIR=$TOP_SRCDIR/tests/data/profiles
[ -x "$DUMP" ] || t_bail "no $DUMP (make check builds it)"
command -v python3 >/dev/null || t_bail "python3 is needed"

# One line per file: NAME KIND WELLFORMED COUNT, from SOURCES.md and xml.etree;
# and for each well-formed file, T_DIR/want.NAME: its parameters, one JSON
# [name, value] a line, sorted.
python3 - "$DIR" "$T_DIR" >"$T_DIR/expect" <<'PY' || t_bail "python3 failed"
import json, os, sys
import xml.etree.ElementTree as ET
d, out = sys.argv[1], sys.argv[2]
files = sorted(f for f in os.listdir(d) if f != "SOURCES.md")
kinds = {}
for line in open(os.path.join(d, "SOURCES.md"), encoding="utf-8"):
    if not line.startswith("|"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if not cells or cells[0] not in files:
        continue
    for c in cells[1:]:
        k = c.lstrip("*")
        if k.startswith("template"):
            kinds[cells[0]] = "template"
            break
        if k.startswith("concrete"):
            kinds[cells[0]] = "concrete"
            break
for f in files:
    try:
        root = ET.parse(os.path.join(d, f)).getroot()
    except ET.ParseError:
        print(f, kinds.get(f, "unlisted"), "malformed", "-")
        continue
    params = {}
    for fp in root.iter("flat-profile"):
        for e in fp.iter():
            if e is fp or len(e):
                continue  # <flat-profile> itself, or a container
            v = (e.text or "").strip(" \t\r\n").replace("\r", " ").replace("\n", " ")
            params[e.tag] = v  # the last one wins
    with open(os.path.join(out, "want." + f), "w", encoding="utf-8") as w:
        for kv in sorted(params.items()):
            w.write(json.dumps(kv) + "\n")
    print(f, kinds.get(f, "unlisted"), "wellformed", len(params))
PY

# params JSON FILE: the parameters that provscope's report says FILE set,
# in the form of the want.* files.
params() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for p in sorted((p["name"], p["value"]) for p in d["profile"]["parameters"]
                if p["source"] == sys.argv[2]):
    print(json.dumps(list(p)))' "$1" "$2"
}

t_eq "SOURCES.md gives the kind of every file" "" \
	"$(awk '$2 == "unlisted" { print $1 }' "$T_DIR/expect")"
n_files=$(wc -l <"$T_DIR/expect")
t_eq "23 profiles in the corpus" 23 "$n_files"

while read -r f kind wf count; do
	out=$T_DIR/out.$f
	"$DUMP" "$DIR/$f" >"$out" 2>"$out.err"
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 8 ]; then
		t_fail "$f: no crash (exit 0 or 8)" "exit $rc" "$(head -5 "$out.err")"
		continue
	fi
	t_ok "$f: no crash (exit $rc)"
	findings=$(awk -F'\t' '$1 == "#finding" { print $2 }' "$out" | tr '\n' ' ')
	if [ "$wf" = wellformed ]; then
		got=$(grep -vc '^#' "$out")
		t_eq "$f: distinct parameters read = xml.etree's count" "$count" "$got"
		"$PROVSCOPE" profile --batch --format json --show-secrets "$DIR/$f" \
			>"$out.json" 2>"$out.json.err"
		params "$out.json" "$DIR/$f" >"$out.params" ||
			t_bail "$f: no parameters in the JSON report ($(head -3 "$out.json.err"))"
		if diff -u "$T_DIR/want.$f" "$out.params" >"$out.diff"; then
			t_ok "$f: parameters name by name, value by value = xml.etree's leaf elements"
		else
			t_fail "$f: parameters name by name, value by value = xml.etree's leaf elements" \
				"$(head -40 "$out.diff")"
		fi
	fi
	if [ "$kind" = template ]; then
		case " $findings" in
		*" profile.template "*) t_ok "$f: template -> profile.template" ;;
		*) t_fail "$f: template -> profile.template" "findings: $findings" ;;
		esac
		case " $findings" in
		*" profile.xml_malformed "*) t_fail "$f: a template is not reported as malformed XML" ;;
		*) t_ok "$f: a template is not reported as malformed XML" ;;
		esac
	else
		t_eq "$f: concrete profile parses with no error (exit 0)" 0 "$rc"
	fi
done <"$T_DIR/expect"

# The SPA112/SPA122 files (fusionpbx's two, and wazo's ATA defaults) were
# among those compared above; SPA122's <router-configuration> holds 113
# distinct parameters, and no container is a parameter.
for f in fusionpbx__cisco-spa112__mac.xml fusionpbx__cisco-spa122__mac.xml wazo__spa-ata.xml; do
	t_eq "$f: compared with xml.etree" wellformed "$(awk -v f="$f" '$1 == f { print $3 }' "$T_DIR/expect")"
	t_eq "$f: no container is a parameter" "" \
		"$(grep -E '^\["(router-configuration|Web_Management|WAN_Interface|Log_Configuration|About_Product)"' \
			"$T_DIR/out.$f.params")"
done
S122=$T_DIR/out.fusionpbx__cisco-spa122__mac.xml
inside=$(python3 -c 'import sys, xml.etree.ElementTree as ET
rc = ET.parse(sys.argv[1]).getroot().find("router-configuration")
print("\n".join(sorted({e.tag for e in rc.iter() if len(e) == 0})))' \
	"$DIR/fusionpbx__cisco-spa122__mac.xml")
t_eq "SPA122: 113 distinct parameters inside <router-configuration>" 113 "$(printf '%s\n' "$inside" | wc -l)"
missing=$(printf '%s\n' "$inside" | while read -r n; do
	grep -q "^\[\"$n\"," "$S122.params" || echo "$n"
done)
t_eq "SPA122: provscope reads every one of them" "" "$missing"
t_eq "SPA122: the nested Serial_Number" '["Serial_Number", "CCQ16520JCL"]' \
	"$(grep '^\["Serial_Number"' "$S122.params")"
t_eq "SPA122: Firmware_Version from About_Product, the last of the two" \
	'["Firmware_Version", "1.2.1 (004)"]' "$(grep '^\["Firmware_Version"' "$S122.params")"

# Several files in one table: the later file overrides the earlier one, as
# Profile_Rule_B.._D do on the phone.
A=$DIR/wazo__spa-phone.xml
B=$DIR/provisioner__cisco-spa__model.cfg
"$DUMP" "$A" "$B" >"$T_DIR/two" 2>&1
t_eq "two files: Resync_Periodic from the later file" \
	"3	$B" "$(awk -F'\t' '$1 == "Resync_Periodic" { print $2 "\t" $4 }' "$T_DIR/two")"
"$DUMP" "$B" "$A" >"$T_DIR/two" 2>&1
t_eq "two files, other order: Resync_Periodic from wazo's file" \
	"0	$A" "$(awk -F'\t' '$1 == "Resync_Periodic" { print $2 "\t" $4 }' "$T_DIR/two")"

t_done
