#!/bin/bash
# The profile checks (man provscope, "Profile checks"): every line the
# phone would ignore or misread, with the file, the line and "did you
# mean". Offline with `provscope profile` (XML and SPC text, every kind,
# --strict, --expect, text, HTML, JSON against the schema); in a live run
# and a scan against nginx; the real profiles of the corpus give no
# unknown_parameter for their own family, and the names they are told are
# another model's are exactly those an independent reader (Python's
# ElementTree over the same corpus files) finds missing from the family's
# device dumps; the committed dictionary is what tools/mkdict.py makes.
. "$TOP_SRCDIR/tests/integration/lib.sh"
command -v python3 >/dev/null || t_bail "python3 is needed"
CORPUS=$TOP_SRCDIR/tests/data/profiles
cd "$T_DIR" || t_bail "no T_DIR"

# ids J: the profile checks' findings of a report, "id@line name" sorted
ids() {
	json_get "$1" '" ".join(sorted(f["id"].split(".")[1] + "@" + f["detail"].split(" line ")[1].split(":")[0] + ":" + f["detail"].split(": ")[1].split(" ")[0] for f in d["findings"] if f["id"] in ("profile.unknown_parameter", "profile.bad_value", "profile.not_for_model", "profile.duplicate")))'
}
detail() { # detail J ID NAME: the detail of ID's finding about NAME
	json_get "$1" '[f["detail"] for f in d["findings"] if f["id"] == "profile.'"$2"'" and ": '"$3"' " in f["detail"]][0]'
}

# --- the issue's case: a typo, a number that is none, a Yes/No that is neither
cat >issue.xml <<'XML'
<flat-profile>
  <Upgrade_Enable>Yes</Upgrade_Enable>
  <Upgrade_Rulle>http://fw.example.net/spa942-6-1-5b.bin</Upgrade_Rulle>
  <Resync_Periodic>abc</Resync_Periodic>
  <Line_Enable_1_>Maybe</Line_Enable_1_>
</flat-profile>
XML
"$PROVSCOPE" profile --model spa942 --format json issue.xml >issue.json 2>issue.err
t_eq "the issue's profile: warnings only, exit 0" 0 $?
t_eq "the issue's profile: each problem with its line" \
	"bad_value@4:Resync_Periodic bad_value@5:Line_Enable_1_ unknown_parameter@3:Upgrade_Rulle" \
	"$(ids issue.json)"
t_eq "the issue's profile: did you mean Upgrade_Rule?" yes \
	"$(detail issue.json unknown_parameter Upgrade_Rulle | grep -q 'issue.xml line 3: Upgrade_Rulle is not a parameter of the SPA942 (SPA9x2 firmware): the phone ignores it; did you mean Upgrade_Rule?$' && echo yes)"
t_eq "the issue's profile: the bad number says what was wanted and the source" yes \
	"$(detail issue.json bad_value Resync_Periodic | grep -q '"abc", not a whole number of seconds.*(type from SPA100 admin guide' && echo yes)"
t_eq "the issue's profile: upgrade.no_rule names the near miss" yes \
	"$(json_get issue.json '[f["detail"] for f in d["findings"] if f["id"] == "upgrade.no_rule"][0]' | grep -q 'sets Upgrade_Rulle (issue.xml line 3), a name the phone does not know: did you mean Upgrade_Rule?' && echo yes)"
t_eq "the issue's profile: the parse step warns and counts them" "warn 4 parameters set, 3 to check" \
	"$(json_get issue.json '[s["status"] + " " + s["summary"] for h in d["hops"] for s in h["steps"] if s["id"] == "profile.parse"][0]')"
t_eq "the issue's profile: the rows are marked (JSON)" \
	"Line_Enable_1_=profile.bad_value Resync_Periodic=profile.bad_value Upgrade_Rulle=profile.unknown_parameter" \
	"$(json_get issue.json '" ".join(sorted(p["name"] + "=" + p["problem"]["finding"] for p in d["profile"]["parameters"] if "problem" in p))')"
schema_ok "the issue's profile" issue.json
t_eq "the issue's profile: the hop's checks, for a script" \
	"3:profile.unknown_parameter:Upgrade_Rulle:Upgrade_Rule 4:profile.bad_value:Resync_Periodic: 5:profile.bad_value:Line_Enable_1_:" \
	"$(json_get issue.json '" ".join("%d:%s:%s:%s" % (c["line"], c["finding"], c["parameter"], ",".join(c["suggestions"])) for h in d["hops"] if h["profile"] for c in h["profile"]["checks"])')"

"$PROVSCOPE" profile --model spa942 --strict --format json issue.xml >strict.json 2>/dev/null
t_eq "--strict: exit 8" 8 $?
t_eq "--strict: the findings are errors" "error error error" \
	"$(json_get strict.json '" ".join(f["severity"] for f in d["findings"] if f["id"].startswith("profile."))')"
t_eq "--strict: the parse step fails" fail \
	"$(json_get strict.json '[s["status"] for h in d["hops"] for s in h["steps"] if s["id"] == "profile.parse"][0]')"
"$PROVSCOPE" profile --model spa942 --expect '!finding=profile.unknown_parameter' issue.xml >/dev/null 2>&1
t_eq "--expect !finding=profile.unknown_parameter: not met, exit 10" 10 $?
"$PROVSCOPE" profile --model spa942 --expect '!finding=profile.duplicate' issue.xml >/dev/null 2>&1
t_eq "--expect !finding=profile.duplicate: met, exit 0" 0 $?

"$PROVSCOPE" profile --model spa942 issue.xml >issue.txt 2>&1
t_eq "text: the rows marked" 3 "$(grep -c '  ! \(bad value\|unknown name\)$' issue.txt)"
t_eq "text: the checks listed under the profile, before the upgrade" yes \
	"$(sed -n '/^Profile$/,/^Firmware upgrade$/p' issue.txt | grep -q '^  Checks: 3 settings the phone would ignore or misread$' && echo yes)"
t_eq "text: each check with its file and line" 3 \
	"$(sed -n '/^  Checks:/,/^$/p' issue.txt | grep -c '^    ! issue\.xml line [345]:')"
"$PROVSCOPE" profile --model spa942 --format html issue.xml >issue.html 2>/dev/null
t_eq "HTML: the checks listed, the rows marked" "3 3" \
	"$(python3 -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.li = 0; s.marks = 0; s.inlist = False
    def handle_starttag(s, t, a):
        a = dict(a)
        if t == "ul" and a.get("class") == "checks": s.inlist = True
        if t == "li" and s.inlist: s.li += 1
        if t == "strong" and a.get("class") == "warn" and a.get("title"): s.marks += 1
    def handle_endtag(s, t):
        if t == "ul": s.inlist = False
p = P(); p.feed(open(sys.argv[1]).read()); print(p.li, p.marks)' issue.html)"

# --- typos and case variants, with the right suggestion
cat >typos.xml <<'XML'
<flat-profile>
  <upgrade_enable>Yes</upgrade_enable>
  <PROFILE_RULE>https://prov.example.net/$MA.xml</PROFILE_RULE>
  <Resync_Periodc>600</Resync_Periodc>
  <Display_Nmae_1_>Front desk</Display_Nmae_1_>
  <Line_Enable_1>Yes</Line_Enable_1>
  <Proxy_1_>sip.example.net</Proxy_1_>
  <Dial_Plan_1_>(xx.)</Dial_Plan_1_>
</flat-profile>
XML
"$PROVSCOPE" profile --model spa942 --format json typos.xml >typos.json 2>/dev/null
for pair in "upgrade_enable Upgrade_Enable" "PROFILE_RULE Profile_Rule" \
	"Resync_Periodc Resync_Periodic" "Display_Nmae_1_ Display_Name_1_" \
	"Line_Enable_1 Line_Enable_1_"; do
	set -- $pair
	t_eq "typo $1: did you mean $2?" yes \
		"$(detail typos.json unknown_parameter "$1" | grep -q "did you mean $2[,?]" && echo yes)"
done
t_eq "case variants: the letter case is named" 2 \
	"$(json_get typos.json 'sum(1 for f in d["findings"] if "letter case" in (f["detail"] or ""))')"
t_eq "typos: the right names are not flagged" 5 \
	"$(json_get typos.json 'sum(1 for f in d["findings"] if f["id"].startswith("profile."))')"

# --- type errors of each type, and values that fit
cat >types.xml <<'XML'
<flat-profile>
  <Register_1_>Ja</Register_1_>
  <Register_2_>yes</Register_2_>
  <SIP_Port_1_>70000</SIP_Port_1_>
  <SIP_Port_2_>0x13c4</SIP_Port_2_>
  <Preferred_Codec_1_>G.711</Preferred_Codec_1_>
  <Preferred_Codec_2_>g729a</Preferred_Codec_2_>
  <Resync_Error_Retry_Delay>1800+300,3600+600</Resync_Error_Retry_Delay>
  <Resync_Trigger_1>$REGTMR1 gt</Resync_Trigger_1>
  <Resync_Trigger_2>$REGTMR1 gt 600</Resync_Trigger_2>
  <Time_Zone>GMT+1</Time_Zone>
  <SIP_Transport_1_>TCP</SIP_Transport_1_>
  <Resync_Random_Delay>$A</Resync_Random_Delay>
  <Password_1_>xyzzy-not-shown</Password_1_>
</flat-profile>
XML
"$PROVSCOPE" profile --model spa504g --format json types.xml >types.json 2>/dev/null
t_eq "types: exactly the values that do not fit" \
	"bad_value@11:Time_Zone bad_value@2:Register_1_ bad_value@4:SIP_Port_1_ bad_value@6:Preferred_Codec_1_ bad_value@9:Resync_Trigger_1" \
	"$(ids types.json)"
t_eq "types: the range is given" yes \
	"$(detail types.json bad_value SIP_Port_1_ | grep -q '"70000", not a whole number from 0 to 65535' && echo yes)"
t_eq "types: the words are given" yes \
	"$(detail types.json bad_value Preferred_Codec_1_ | grep -q 'not one of G711u, G711a, G726-16' && echo yes)"
t_eq "types: the trigger's parse error is given" yes \
	"$(detail types.json bad_value Resync_Trigger_1 | grep -q 'not a condition that parses (column' && echo yes)"
t_eq "types: no secret in any report" no \
	"$(grep -q xyzzy types.json && echo yes || echo no)"

# --- other models' parameters: a line too many, another family's name
cat >other.xml <<'XML'
<flat-profile>
  <Line_Enable_3_>Yes</Line_Enable_3_>
  <FXS_Port_Impedance>600</FXS_Port_Impedance>
  <Text_Logo>ACME</Text_Logo>
</flat-profile>
XML
"$PROVSCOPE" profile --model spa2102 --format json other.xml >other.json 2>/dev/null
t_eq "SPA2102: line 3 and a phone's name are not for it" \
	"not_for_model@2:Line_Enable_3_ not_for_model@4:Text_Logo" "$(ids other.json)"
t_eq "SPA2102: a two-line device" yes \
	"$(detail other.json not_for_model Line_Enable_3_ | grep -q 'is for line 3; the SPA2102 has 2 lines: the phone ignores it' && echo yes)"
t_eq "SPA2102: the family the name belongs to" yes \
	"$(detail other.json not_for_model Text_Logo | grep -q 'a parameter of the SPA9x2 and SPA3xx/5xx firmware, not of the SPA2102 (Linksys ATA firmware)' && echo yes)"
"$PROVSCOPE" profile --model spa303 --format json other.xml >other2.json 2>/dev/null
t_eq "SPA303 (three lines): only the ATA's name" "not_for_model@3:FXS_Port_Impedance" "$(ids other2.json)"

# --- duplicates: which one wins
cat >dup.xml <<'XML'
<flat-profile>
  <Paging_Code>*80</Paging_Code>
  <Station_Name>Desk</Station_Name>
  <Paging_Code></Paging_Code>
</flat-profile>
XML
"$PROVSCOPE" profile --model spa942 --format json dup.xml >dup.json 2>/dev/null
t_eq "duplicate: the name, its lines and the one kept" yes \
	"$(detail dup.json duplicate Paging_Code | grep -q 'Paging_Code is set 2 times (lines 2, 4), to different values: the phone keeps the last, line 4, ""' && echo yes)"

# --- a mistyped secret's name: its value is a secret too, in every format
printf '<flat-profile>\n<Pasword_1_>Leak-One-xyzzy</Pasword_1_>\n<Admin_Pasword>Leak-Two-xyzzy</Admin_Pasword>\n</flat-profile>\n' >sec.xml
leaks=0
for fmt in text json html tap junit; do
	"$PROVSCOPE" profile --model spa942 -vv --format "$fmt" sec.xml 2>&1 | grep -q xyzzy && leaks=$((leaks + 1))
done
t_eq "a mistyped secret's value is never shown (text, JSON, HTML, TAP, JUnit)" 0 "$leaks"
"$PROVSCOPE" profile --model spa942 --format json sec.xml >sec.json 2>/dev/null
t_eq "a mistyped secret: did you mean, and the row is a secret" "Password_1_ True" \
	"$(json_get sec.json '[f["detail"].split("did you mean ")[1].rstrip("?") for f in d["findings"] if ": Pasword_1_ " in f["detail"]][0] + " " + str([p["secret"] for p in d["profile"]["parameters"] if p["name"] == "Pasword_1_"][0])')"

# --- the findings of the checks come once each in the text, under one
# explanation per kind
"$PROVSCOPE" profile --model spa942 issue.xml >grouped.txt 2>&1
t_eq "text: one explanation per kind of check, a seen line per finding" "1 1 2" \
	"$(sed -n '/^Findings$/,$p' grouped.txt | grep -c 'warning profile.bad_value:') $(sed -n '/^Findings$/,$p' grouped.txt | grep -c 'warning profile.unknown_parameter:') $(sed -n '/^Findings$/,$p' grouped.txt | sed -n '/profile.bad_value:/,/fix:/p' | grep -c '  seen: ')"
"$PROVSCOPE" profile --model spa942 -q issue.xml >quiet.txt 2>&1
t_eq "-q: the verdict says there are findings to look at" yes \
	"$(tr '\n' ' ' <quiet.txt | grep -q 'Verdict: ok: .*but the *profile checks have 3 findings of settings it *would ignore or misread (exit *0)' && echo yes)"
"$PROVSCOPE" profile --model spa942 --strict issue.xml >strict.txt 2>&1
t_eq "--strict: the verdict counts the checks' findings" yes \
	"$(tr '\n' ' ' <strict.txt | grep -q 'Verdict: fail: the profile checks (--strict): 3 findings of settings the phone *would ignore or misread (exit 8)' && echo yes)"

# --- SPC text: the same checks, with its lines
printf '# SPC\nUpgrade_Enable ! "Yes" ;\nUpgrade_Rulle "http://fw/x.bin" ;\nLine_Enable[1] "Perhaps" ;\n' >spc.txt
"$PROVSCOPE" profile --model spa942 --format json spc.txt >spc.json 2>/dev/null
t_eq "SPC text: the checks with their lines" \
	"bad_value@4:Line_Enable_1_ unknown_parameter@3:Upgrade_Rulle" "$(ids spc.json)"

# --- the corpus: its real profiles against their own families
python3 - "$CORPUS" "$TOP_SRCDIR/data/params/names.tsv" >corpus.expect <<'PY' || t_bail "python3 failed"
# For each concrete file and model: the names (ElementTree: leaves under
# <flat-profile>, not inside a container) that the family's own files of
# the corpus (tools/mkdict.py's list) do not hold, by the phone's rule for
# lines: a name ending in _N_ is the stem's line N, valid up to the
# model's lines.
import os, re, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
FAM = {
    "spa9xx": ["provisioner__cisco-spa__model.cfg", "fusionpbx__linksys-spa942__mac.xml"],
    "spa5xx": ["provisioner__cisco-spa5xx__model.cfg", "provisioner__cisco-spa5xx__spamac.xml",
               "fusionpbx__cisco-spa504g__mac.xml", "fusionpbx__cisco-spa301__mac.xml",
               "jonpulsifer-infra__cathy.xml"],
    "ata": ["provisioner__cisco-linksysata__model.cfg", "fusionpbx__linksys-spa2102__mac.xml",
            "fusionpbx__linksys-spa3102__mac.xml"],
    "spa1xx": ["fusionpbx__cisco-spa122__mac.xml", "fusionpbx__cisco-spa112__mac.xml"],
}
extra = {}
for l in open(sys.argv[2], encoding="utf-8"):
    if l.startswith("#") or l.startswith("name\t"):
        continue
    n, fams = l.split("\t")[:2]
    for f in fams.split(","):
        extra.setdefault(f, set()).add(n)
def stem(n):
    m = re.match(r"^(.+)_([0-9]+)_$", n)
    return (m.group(1), int(m.group(2))) if m and not m.group(1).endswith("_") else (n, 0)
def tags(f):
    # tag names by regex: the templates among them do not parse as XML
    t = open(os.path.join(d, f), encoding="utf-8", errors="replace").read()
    t = re.sub(r"<!--.*?-->", "", t, flags=re.S)
    t = re.sub(r"<router-configuration\b.*?</router-configuration\s*>", "", t, flags=re.S)
    return {m.group(1) for m in re.finditer(r"<([A-Za-z_][A-Za-z0-9_.\-]*)[\s/>]", t)}
known = {k: {stem(n)[0] + ("#" if stem(n)[1] else "") for f in v for n in tags(f)} | extra.get(k, set())
         for k, v in FAM.items()}
CASES = [("wazo__spa-phone.xml", "spa942", "spa9xx", 4), ("wazo__spa-phone.xml", "spa504g", "spa5xx", 4),
         ("wazo__spa-phone.xml", "spa509g", "spa5xx", 12), ("wazo__spa-ata.xml", "spa2102", "ata", 2),
         ("wazo__spa-ata.xml", "spa8000", "ata", 8), ("wazo__spa-ata.xml", "spa122", "spa1xx", 2),
         ("provisioner__cisco-spa__model.cfg", "spa962", "spa9xx", 6),
         ("provisioner__cisco-spa5xx__model.cfg", "spa509g", "spa5xx", 12),
         ("provisioner__cisco-linksysata__model.cfg", "spa2102", "ata", 2),
         ("jonpulsifer-infra__cathy.xml", "spa504g", "spa5xx", 4)]
for f, model, fam, lines in CASES:
    root = ET.parse(os.path.join(d, f)).getroot()
    names = set()
    for fp in root.iter("flat-profile"):
        for e in fp:
            if not len(e):
                names.add(e.tag)
    out = []
    for n in sorted(names):
        s, i = stem(n)
        if (i and (s + "#") in known[fam] and 1 <= i <= lines) or (not i and n in known[fam]):
            continue
        out.append(n)
    print(f, model, " ".join(out) or "-")
PY
while read -r f model want; do
	"$PROVSCOPE" profile --model "$model" --format json "$CORPUS/$f" >c.json 2>/dev/null
	t_eq "corpus $f as the $model: no unknown_parameter" 0 \
		"$(json_get c.json 'sum(1 for x in d["findings"] if x["id"] == "profile.unknown_parameter")')"
	t_eq "corpus $f as the $model: the other models' names are those the family's dumps lack" \
		"$want" \
		"$(json_get c.json '" ".join(sorted(p["name"] for p in d["profile"]["parameters"] if p.get("problem", {}).get("finding") == "profile.not_for_model")) or "-"')"
	n=$(echo "$want" | wc -w)
	[ "$want" = - ] && n=0
	[ "$n" -gt 100 ] && n="100 + 1 ($((n - 100)) more like these)"
	t_eq "corpus $f as the $model: the findings, at most 100 and one for the rest" "$n" \
		"$(json_get c.json 'str(sum(1 for x in d["findings"] if x["id"] == "profile.not_for_model" and " more like these" not in x["detail"])) + "".join(" + 1 (" + x["detail"].split(": ")[1].split(",")[0] + ")" for x in d["findings"] if x["id"] == "profile.not_for_model" and " more like these" in x["detail"])')"
	t_eq "corpus $f as the $model: no value misread, no name set twice" 0 \
		"$(json_get c.json 'sum(1 for x in d["findings"] if x["id"] in ("profile.bad_value", "profile.duplicate"))')"
done <corpus.expect
# SPA525-auto-detect-sccp and SPA525-readonly: WAZO sets them for the
# SPA525G; no dump or guide lists them (data/params/names.tsv), so they
# are the family's, with the note that this is uncertain.
t_eq "corpus: the SPA525G's names of WAZO are the SPA3xx/5xx family's" yes \
	"$(grep -q '"SPA525-readonly", .*PS_PD_UNCERTAIN' "$TOP_SRCDIR/src/profile/dict_data.c" && echo yes)"

# --- every choice the device dumps offer (their "options:" comments) fits
# its parameter's type: a profile per dump sets each name to each choice.
# Date_Format's choices hold the separator ("month/day/day/month" is
# month/day and day/month).
python3 - "$CORPUS" >options.count <<'PY' || t_bail "python3 failed"
import os, re, sys
from xml.sax.saxutils import escape
d = sys.argv[1]
for f, model in (("provisioner__cisco-spa__model.cfg", "spa962"),
                 ("provisioner__cisco-spa5xx__model.cfg", "spa509g"),
                 ("provisioner__cisco-linksysata__model.cfg", "spa2102")):
    t = open(os.path.join(d, f), encoding="utf-8").read()
    out = ["<flat-profile>"]
    n = 0
    for m in re.finditer(r"<([A-Za-z][\w.\-]*)[^>]*>[^<]*</\1>\s*<!--\s*options:\s*(.*?)\s*-->", t):
        name, opts = m.group(1), m.group(2)
        words = opts.split("/")
        if opts == "month/day/day/month":
            words = ["month/day", "day/month"]
        for w in words:
            out.append("<%s>%s</%s>" % (name, escape(w.strip()), name))
            n += 1
    out.append("</flat-profile>")
    open("options-%s.xml" % model, "w").write("\n".join(out) + "\n")
    print(model, n)
PY
for model in spa962 spa509g spa2102; do
	"$PROVSCOPE" profile --model "$model" --format json "options-$model.xml" >opt.json 2>/dev/null
	t_eq "every choice the $model's device dump offers fits its type" "" \
		"$(json_get opt.json '" ".join(x["detail"].split(": ")[1].split(",")[0] for x in d["findings"] if x["id"] == "profile.bad_value")')"
done

# --- --list-params: the dictionary of a model, as the checks use it
"$PROVSCOPE" --list-params --model spa942 >params.txt 2>&1
t_eq "--list-params: exit 0" 0 $?
t_eq "--list-params: Upgrade_Rule is a rule, empty by default" yes \
	"$(grep -qE '^Upgrade_Rule +rule +\(empty\)$' params.txt && echo yes)"
t_eq "--list-params: a line's parameter as NAME_n_, lines 1 to 4 on the SPA942" yes \
	"$(grep -qE '^Line_Enable_n_ +Yes/No +Yes$' params.txt && grep -q 'NAME_n_ is line n: 1 to 4\.$' params.txt && echo yes)"
t_eq "--list-params: what an integer takes" yes \
	"$(grep -A1 -E '^SIP_Port_n_ ' params.txt | grep -q 'takes: a whole number from 0 to 65535' && echo yes)"
t_eq "--list-params: every name the SPA942's checks know, and no other family's" \
	"yes no" \
	"$(grep -q '^Text_Logo ' params.txt && echo yes || echo no) $(grep -q '^FXS_Port_Impedance ' params.txt && echo yes || echo no)"
"$PROVSCOPE" --list-params --model spa2102 -v fxs_port_imp >params2.txt 2>&1
t_eq "--list-params WORD -v: the ATA's name, in any letter case, with the files that list it" yes \
	"$(grep -q '^FXS_Port_Impedance ' params2.txt && grep -q 'listed by: PROV ata' params2.txt && echo yes)"
"$PROVSCOPE" --list-params --model spa942 No_Such_Word >/dev/null 2>params3.err
t_eq "--list-params WORD that no name holds: exit 2 with a sentence" "2 yes" \
	"$? $(grep -q "no parameter of the SPA942 holds 'No_Such_Word'" params3.err && echo yes)"
"$PROVSCOPE" --list-params --model spa999 >/dev/null 2>&1
t_eq "--list-params with a model not in the catalogue: exit 2" 2 $?

# --- the dictionary in the tree is what tools/mkdict.py makes
python3 "$TOP_SRCDIR/tools/mkdict.py" "$TOP_SRCDIR" >dict_data.c 2>mkdict.err
t_check "the dictionary is made from the corpus and data/params as committed" \
	cmp dict_data.c "$TOP_SRCDIR/src/profile/dict_data.c"

# --- a live run and a scan against nginx: the same checks on the fetched file
if command -v "$NGINX" >/dev/null && mk_pki && start_phone_nginx lint; then
	P=$T_DIR/pki
	cp issue.xml "$WWW/spa000e08aabbcc.xml"
	ID=(--ca "$P/server-ca.pem" --cert "$P/device.pem" --key "$P/device.key")
	run_ps live.json "${ID[@]}" "$BASE/spa\$MA.xml"
	t_eq "live: exit 0 (warnings)" 0 "$PS_RC"
	t_eq "live: the checks on the fetched file, with its URL and line" \
		"bad_value@4:Resync_Periodic bad_value@5:Line_Enable_1_ unknown_parameter@3:Upgrade_Rulle" \
		"$(ids live.json)"
	t_eq "live: the finding names the URL" yes \
		"$(detail live.json unknown_parameter Upgrade_Rulle | grep -q "^$BASE/spa000e08aabbcc.xml line 3: " && echo yes)"
	schema_ok "live" live.json
	run_ps live8.json --strict "${ID[@]}" "$BASE/spa\$MA.xml"
	t_eq "live --strict: exit 8" 8 "$PS_RC"
	"$PROVSCOPE" scan --batch --format json --timeout 5 --models spa942,spa504g \
		--mac 000e08aabbcc "${ID[@]}" \
		"$BASE/spa\$MA.xml" >scan.json 2>scan.err
	t_eq "scan: each model's checks" "spa504g:3 spa942:3" \
		"$(json_get scan.json '" ".join(sorted(m["model"] + ":" + str(sum(1 for f in m["findings"] if f["id"] in ("profile.unknown_parameter", "profile.bad_value"))) for m in d["scan"]["models"]))')"
else
	t_skip "live and scan against nginx" "nginx or certtool missing"
fi

t_done
