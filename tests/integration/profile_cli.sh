#!/bin/bash
# provscope profile and provscope rule from the command line: the Wazo
# SPA504G staged upgrade, encrypted and gzip'd profiles made with the real
# openssl, secrets kept out of every output, errors with their findings.
. "$TOP_SRCDIR/tests/integration/lib.sh"
D=$TOP_SRCDIR/tests/data/profiles

# The Wazo SPA504G template's Upgrade_Rule, rendered as the server does.
WAZO_RULE=$(sed -n 's/.*(\$SWVER lt 7.5.2b) ? {{ XX_fw_url }}\([^ ]*\) | {{ XX_fw_url }}\([^<]*\).*/($SWVER lt 7.5.2b) ? http:\/\/10.0.0.1\/firmware\1 | http:\/\/10.0.0.1\/firmware\2/p' "$D/wazo__SPA504G.tpl" 2>/dev/null)
[ -n "$WAZO_RULE" ] || WAZO_RULE=$(grep -o '(\$SWVER lt 7.5.2b)[^<]*' "$D/wazo__SPA504G.tpl" | sed 's/{{[^}]*}}/http:\/\/10.0.0.1/g')
t_check "the Wazo SPA504G template holds the staged Upgrade_Rule" test -n "$WAZO_RULE"

"$PROVSCOPE" rule --format json --kind upgrade --model spa504g --firmware 7.4.9 "$WAZO_RULE" >"$T_DIR/r1.json"
t_eq "Wazo rule, firmware 7.4.9: the 7.5.2b image" "0 spa50x-30x-7-5-2b.bin" \
	"$(json_get "$T_DIR/r1.json" 'str(d["rule"]["fired"])+" "+d["rule"]["url"].rsplit("/",1)[1]')"
"$PROVSCOPE" rule --format json --kind upgrade --model spa504g --firmware 7.5.3 "$WAZO_RULE" >"$T_DIR/r2.json"
t_eq "Wazo rule, firmware 7.5.3: the 7.5.5 image" "1 spa50x-30x-7-5-5.bin" \
	"$(json_get "$T_DIR/r2.json" 'str(d["rule"]["fired"])+" "+d["rule"]["url"].rsplit("/",1)[1]')"

# The same rule in a profile: the upgrade analysis.
cat >"$T_DIR/fw.xml" <<EOT
<flat-profile>
  <Upgrade_Enable>Yes</Upgrade_Enable>
  <Upgrade_Error_Retry_Delay>1800+300,3600</Upgrade_Error_Retry_Delay>
  <Upgrade_Rule>$WAZO_RULE</Upgrade_Rule>
</flat-profile>
EOT
"$PROVSCOPE" profile --format json --model spa504g --firmware 7.4.9 "$T_DIR/fw.xml" >"$T_DIR/p1.json"
t_eq "profile, 7.4.9: would upgrade to 7.5.2b" "true 7.5.2b 0" \
	"$(json_get "$T_DIR/p1.json" 'json.dumps(d["upgrade"]["would_upgrade"])+" "+d["upgrade"]["target_version"]+" "+str(d["upgrade"]["alternative"])')"
t_check "profile, 7.4.9: the note names the next stage (7.5.5)" \
	grep -q 'selects http://10.0.0.1:80/firmware/spa50x-30x-7-5-5.bin next' "$T_DIR/p1.json"
t_eq "profile: the retry schedule is spelled out" \
	"after 30 min plus up to 5 min at random, then every 1 hour" \
	"$(json_get "$T_DIR/p1.json" 'd["upgrade"]["retry_schedule"]')"
"$PROVSCOPE" profile --format json --model spa504g --firmware 7.5.5 "$T_DIR/fw.xml" >"$T_DIR/p2.json"
t_eq "profile, 7.5.5: no upgrade, the same version" "false upgrade.same_version" \
	"$(json_get "$T_DIR/p2.json" 'json.dumps(d["upgrade"]["would_upgrade"])+" "+[f["id"] for f in d["findings"] if f["id"].startswith("upgrade.")][0]')"
cat >"$T_DIR/fw-limit.xml" <<EOT
<flat-profile>
  <Downgrade_Rev_Limit>7.5.3</Downgrade_Rev_Limit>
  <Upgrade_Rule>$WAZO_RULE</Upgrade_Rule>
</flat-profile>
EOT
"$PROVSCOPE" profile --format json --model spa504g --firmware 7.4.9 "$T_DIR/fw-limit.xml" >"$T_DIR/p3.json"
t_eq "Downgrade_Rev_Limit 7.5.3 blocks the 7.5.2b image" "false upgrade.downgrade_blocked" \
	"$(json_get "$T_DIR/p3.json" 'json.dumps(d["upgrade"]["would_upgrade"])+" "+[f["id"] for f in d["findings"] if f["id"].startswith("upgrade.")][0]')"

# Upgrades that regress or are for another model: upgrade.downgrade and
# upgrade.wrong_model, by the image's name (model designators, 'x' for any
# digit; version from the name).
up_ids() { # MODEL FIRMWARE IMAGE: the exit status and the upgrade.* finding ids
	printf '<flat-profile><Upgrade_Enable>Yes</Upgrade_Enable><Upgrade_Rule>http://10.0.0.1/%s</Upgrade_Rule></flat-profile>\n' \
		"$3" >"$T_DIR/img.xml"
	"$PROVSCOPE" profile --format json --model "$1" --firmware "$2" "$T_DIR/img.xml" >"$T_DIR/img.json"
	echo "$? $(json_get "$T_DIR/img.json" '" ".join(f["id"] for f in d["findings"] if f["id"].startswith("upgrade."))')"
}
t_eq "an SPA504G pointed at an SPA942 image: wrong model (exit 9), no version verdict" \
	"9 upgrade.wrong_model" "$(up_ids spa504g 7.4.9 spa942-6-1-5b.bin)"
t_eq "...and the decision: no upgrade, the phone should refuse it" "False yes" \
	"$(json_get "$T_DIR/img.json" 'str(d["upgrade"]["would_upgrade"])+" "+("yes" if "should refuse" in d["upgrade"]["reason"] else d["upgrade"]["reason"])')"
t_eq "an SPA504G and an SPA508G image: the SPA50x take one image" "0 " \
	"$(up_ids spa504g 7.4.9 spa508g-7-6-2.bin)"
t_eq "an SPA303 and an SPA301 image: the SPA30x too" "0 " "$(up_ids spa303 7.4.9 spa301-7-6-2.bin)"
t_eq "an SPA525G and an SPA504G image: another family" "9 upgrade.wrong_model" \
	"$(up_ids spa525g 7.4.9 spa504g-7-6-2.bin)"
t_eq "an SPA303 and the SPA50x/30x image: its own, an upgrade (exit 0)" "0 " \
	"$(up_ids spa303 7.4.9 spa50x-30x-7-5-5.bin)"
t_eq "an SPA508G and the SPA50x/30x image, older: a downgrade" "0 upgrade.downgrade" \
	"$(up_ids spa508g 7.5.5 spa50x-30x-7-5-2b.bin)"
t_eq "an SPA525G and the SPA50x/30x image: wrong model" "9 upgrade.wrong_model" \
	"$(up_ids spa525g 7.4.9 spa50x-30x-7-5-5.bin)"
t_eq "an SPA942 and a 9x2 image: its own" "0 " "$(up_ids spa942 6.1.3 SPA9x2-6-1-5a.bin)"
t_eq "an SPA942 and an image named for no model: not judged" "0 " \
	"$(up_ids spa942 6.1.3 firmware-6-1-5a.bin)"
t_eq "an image older than Downgrade_Rev_Limit: blocked, not a downgrade warning" \
	"upgrade.downgrade_blocked" \
	"$(json_get "$T_DIR/p3.json" '" ".join(f["id"] for f in d["findings"] if f["id"].startswith("upgrade."))')"

# Encrypted and gzip'd with the real openssl, old (MD5) and new (SHA-256) KDF.
cat >"$T_DIR/secret.xml" <<'EOT'
<flat-profile>
  <GPP_SA>sekrit-register-value</GPP_SA>
  <Admin_Passwd>hunter2-admin</Admin_Passwd>
  <Profile_Rule_B>[--key keyphrase-in-rule] http://10.0.0.1/$MA.xml.enc</Profile_Rule_B>
  <Resync_Periodic>86400</Resync_Periodic>
</flat-profile>
EOT
gzip -9 -c "$T_DIR/secret.xml" >"$T_DIR/secret.xml.gz"
openssl enc -aes-256-cbc -md md5 -k right-key -in "$T_DIR/secret.xml.gz" -out "$T_DIR/md5.enc" 2>/dev/null
openssl enc -aes-256-cbc -k right-key -in "$T_DIR/secret.xml" -out "$T_DIR/sha.enc" 2>/dev/null
"$PROVSCOPE" profile --format json --profile-key right-key "$T_DIR/md5.enc" >"$T_DIR/e1.json"
t_eq "encrypted (-md md5) and gzip'd: decodes with the right key" "0 true md5 true 86400" \
	"$? $(json_get "$T_DIR/e1.json" 'json.dumps(d["profile"]["encrypted"])+" "+d["profile"]["sources"][0]["kdf"]+" "+json.dumps(d["profile"]["compressed"])+" "+[p["value"] for p in d["profile"]["parameters"] if p["name"]=="Resync_Periodic"][0]')"
"$PROVSCOPE" profile --format json --profile-key right-key "$T_DIR/sha.enc" >"$T_DIR/e2.json"
t_eq "encrypted with the default SHA-256 KDF: decodes, with the kdf_sha256 warning" "0 sha256 profile.kdf_sha256" \
	"$? $(json_get "$T_DIR/e2.json" 'd["profile"]["sources"][0]["kdf"]+" "+d["findings"][0]["id"]')"
"$PROVSCOPE" profile --format json --profile-key wrong-key "$T_DIR/md5.enc" >"$T_DIR/e3.json"
t_eq "a wrong key: exit 8, profile.decrypt_failed" "8 profile.decrypt_failed" \
	"$? $(json_get "$T_DIR/e3.json" 'd["findings"][0]["id"]')"
"$PROVSCOPE" profile --format json "$T_DIR/md5.enc" >"$T_DIR/e4.json"
t_eq "no key: exit 8, profile.key_missing" "8 profile.key_missing" \
	"$? $(json_get "$T_DIR/e4.json" 'd["findings"][0]["id"]')"

# No secret value in any output without --show-secrets.
for fmt in text json; do
	"$PROVSCOPE" profile --format "$fmt" --profile-key right-key "$T_DIR/md5.enc" >"$T_DIR/out.$fmt" 2>&1
	leaked=$(grep -o -e sekrit-register-value -e hunter2-admin -e keyphrase-in-rule -e right-key "$T_DIR/out.$fmt" | sort -u | tr '\n' ' ')
	t_eq "profile --format $fmt: no secret appears" "" "$leaked"
done
"$PROVSCOPE" rule --format json '[--key keyphrase-in-rule --uid bob --pwd pw-in-rule] https://p/$MA.xml' >"$T_DIR/rk.json" 2>&1
t_eq "rule --format json: --key and --pwd arguments are redacted" "" \
	"$(grep -o -e keyphrase-in-rule -e pw-in-rule "$T_DIR/rk.json" | sort -u | tr '\n' ' ')"
"$PROVSCOPE" rule '[--key keyphrase-in-rule] https://p/$MA.xml' >"$T_DIR/rk.txt" 2>&1
t_eq "rule (text): the --key argument is redacted" "" \
	"$(grep -o keyphrase-in-rule "$T_DIR/rk.txt" | sort -u)"
"$PROVSCOPE" profile --format json --show-secrets --profile-key right-key "$T_DIR/md5.enc" >"$T_DIR/shown.json"
t_eq "--show-secrets shows them" "hunter2-admin keyphrase-in-rule sekrit-register-value " \
	"$(grep -o -e sekrit-register-value -e hunter2-admin -e keyphrase-in-rule "$T_DIR/shown.json" | sort -u | tr '\n' ' ')"

# Rules: syntax errors name the column; macros expand for the identity.
"$PROVSCOPE" rule --format json '($SWVER lt 7.5.2b http://p/x' >"$T_DIR/bad.json"
t_eq "a rule syntax error: exit 8, rule.syntax with a column" "8 rule.syntax true" \
	"$? $(json_get "$T_DIR/bad.json" 'd["findings"][0]["id"]+" "+json.dumps(d["rule"]["error_column"] > 0)')"
"$PROVSCOPE" rule --format json --mac 00:0E:08:12:34:56 'https://prov.example.net/spa$MA.xml' >"$T_DIR/mac.json"
t_eq "rule: \$MA expands for --mac" "https://prov.example.net:443/spa000e08123456.xml" \
	"$(json_get "$T_DIR/mac.json" 'd["rule"]["url"]')"
"$PROVSCOPE" rule --format json '/spa$PSN.cfg' >"$T_DIR/tftp.json"
t_eq "rule: the factory Profile_Rule is TFTP to the DHCP server" "tftp 69" \
	"$(json_get "$T_DIR/tftp.json" 'd["rule"]["url"].split(":")[0]+" "+d["rule"]["url"].split(":")[2].split("/")[0]')"

# Bad input: a template, a missing file.
"$PROVSCOPE" profile --format json "$D/wazo__SPA504G.tpl" >"$T_DIR/tpl.json"
t_eq "an unrendered template: exit 8, profile.template" "8 profile.template" \
	"$? $(json_get "$T_DIR/tpl.json" 'd["findings"][0]["id"]')"
"$PROVSCOPE" profile /nonexistent/profile.xml >/dev/null 2>"$T_DIR/err"
t_eq "a missing file: exit 2" 2 $?
t_check "a missing file: the message names it" grep -q "/nonexistent/profile.xml" "$T_DIR/err"

t_done
