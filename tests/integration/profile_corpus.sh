#!/bin/bash
# Profile corpus: every real profile in tests/data/profiles goes through the
# decode and parse pipeline (tests/helpers/profile_dump, until the profile
# command exists) without crashing. For each file Python's xml.etree finds
# well-formed, the number of distinct parameters read equals an independent
# count of the distinct direct children of <flat-profile>. Every file that
# SOURCES.md calls a template gives profile.template (not xml_malformed);
# the concrete ones parse with no error.
. "$TOP_SRCDIR/tests/integration/lib.sh"

DUMP=${PROFILE_DUMP:-${TOP_BUILDDIR:-.}/tests/helpers/profile_dump}
DIR=$TOP_SRCDIR/tests/data/profiles
[ -x "$DUMP" ] || t_bail "no $DUMP (make check builds it)"
command -v python3 >/dev/null || t_bail "python3 is needed"

# One line per file: NAME KIND WELLFORMED COUNT, from SOURCES.md and xml.etree.
python3 - "$DIR" >"$T_DIR/expect" <<'PY' || t_bail "python3 failed"
import os, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
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
    names = set()
    for fp in root.iter("flat-profile"):
        names.update(child.tag for child in fp)
    print(f, kinds.get(f, "unlisted"), "wellformed", len(names))
PY

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
