#!/bin/bash
# Encrypted profiles made by the real openssl enc, as provisioning servers
# make them: -md md5 (what SPA-era firmware expects) and the default digest
# (SHA-256 since OpenSSL 1.1.0), gzip'd first or not. Each decrypts with
# the right key to the same parameters as the clear file; a wrong key gives
# profile.decrypt_failed, no key profile.key_missing. Secret values never
# appear in the output unless --show-secrets is given. The same for
# -nosalt, which writes no Salted__ header (the old pipeline called such a
# file a compiled SPC binary): it decrypts with a warning, profile.nosalt,
# and without the key it is named for what it most likely is.
. "$TOP_SRCDIR/tests/integration/lib.sh"

DUMP=${PROFILE_DUMP:-${TOP_BUILDDIR:-.}/tests/helpers/profile_dump}
[ -x "$DUMP" ] || t_bail "no $DUMP (make check builds it)"
OPENSSL=${OPENSSL:-openssl}
if ! command -v "$OPENSSL" >/dev/null; then
	t_skip "openssl enc" "openssl is not installed"
	t_done
	exit 0
fi

KEY='provisioning key 4711'
SA_SECRET='sa-Secret-94e1'
PW_SECRET='pw-Secret-7d02'
D=$T_DIR
cat >"$D/p.xml" <<EOT
<?xml version="1.0" encoding="UTF-8"?>
<flat-profile>
  <Profile_Rule_B ua="na">[--key \$SA] https://prov.example.net/\$MA.cfg</Profile_Rule_B>
  <GPP_SA>$SA_SECRET</GPP_SA>
  <Password_1_ ua="na">$PW_SECRET</Password_1_>
  <User_ID_1_>1001</User_ID_1_>
  <Upgrade_Enable>No</Upgrade_Enable>
  <Resync_Periodic>86400</Resync_Periodic>
</flat-profile>
EOT
gzip -9 -c "$D/p.xml" >"$D/p.xml.gz"

# params FILE: the parameter records without the source column.
params() { grep -v '^#' "$1" | cut -f1,2,3,5; }

"$DUMP" "$D/p.xml" >"$D/clear.out" 2>&1
t_eq "clear profile: exit 0" 0 $?
"$DUMP" --show-secrets "$D/p.xml" >"$D/clear.show" 2>&1
t_eq "clear profile: 6 parameters" 6 "$(params "$D/clear.out" | wc -l)"

enc() { # enc OUT IN [openssl options...]
	local out=$1 in=$2
	shift 2
	"$OPENSSL" enc -aes-256-cbc -salt "$@" -k "$KEY" -in "$in" -out "$out" 2>"$out.err"
}

# name, input, -md option ("default": none), expected kdf, expected gzip
while read -r name in md kdf gz; do
	f=$D/$name
	mdopt=()
	[ "$md" = default ] || mdopt=(-md "$md")
	if ! enc "$f" "$D/$in" "${mdopt[@]}"; then
		t_fail "$name: openssl enc" "$(cat "$f.err")"
		continue
	fi
	t_eq "$name: starts with Salted__" "Salted__" "$(head -c 8 "$f")"

	"$DUMP" --key "$KEY" "$f" >"$f.out" 2>&1
	rc=$?
	t_eq "$name: right key, exit 0" 0 "$rc"
	t_eq "$name: kdf $kdf, compressed $gz" "kdf=$kdf compressed=$gz" \
		"$(awk -F'\t' '$1 == "#file" { print $5 " " $6 }' "$f.out")"
	t_eq "$name: same parameters as the clear file" "$(params "$D/clear.out")" "$(params "$f.out")"
	if [ "$kdf" = sha256 ]; then
		t_check "$name: warns profile.kdf_sha256" grep -q "^#finding	profile.kdf_sha256" "$f.out"
	else
		t_eq "$name: no finding" "" "$(grep '^#finding' "$f.out")"
	fi
	if grep -qF -e "$SA_SECRET" -e "$PW_SECRET" "$f.out"; then
		t_fail "$name: secrets redacted without --show-secrets" "$(grep -F -e "$SA_SECRET" -e "$PW_SECRET" "$f.out")"
	else
		t_ok "$name: secrets redacted without --show-secrets"
	fi
	t_eq "$name: GPP_SA shows as eight stars" "********" \
		"$(awk -F'\t' '$1 == "GPP_SA" { print $2 }' "$f.out")"

	"$DUMP" --show-secrets --key "$KEY" "$f" >"$f.show" 2>&1
	t_eq "$name: --show-secrets shows GPP_SA" "$SA_SECRET" \
		"$(awk -F'\t' '$1 == "GPP_SA" { print $2 }' "$f.show")"
	t_eq "$name: --show-secrets shows Password_1_" "$PW_SECRET" \
		"$(awk -F'\t' '$1 == "Password_1_" { print $2 }' "$f.show")"
	t_eq "$name: --show-secrets, same parameters as the clear file" \
		"$(params "$D/clear.show")" "$(params "$f.show")"

	"$DUMP" --key "not the key" "$f" >"$f.wrong" 2>&1
	rc=$?
	t_eq "$name: wrong key, exit 8" 8 "$rc"
	t_check "$name: wrong key gives profile.decrypt_failed" \
		grep -q "^#finding	profile.decrypt_failed" "$f.wrong"
	t_eq "$name: wrong key, no parameter" 0 "$(grep -vc '^#' "$f.wrong")"

	"$DUMP" "$f" >"$f.nokey" 2>&1
	t_check "$name: no key gives profile.key_missing" \
		grep -q "^#finding	profile.key_missing" "$f.nokey"
done <<'EOT'
md5.enc p.xml md5 md5 no
default.enc p.xml default sha256 no
md5.gz.enc p.xml.gz md5 md5 yes
default.gz.enc p.xml.gz default sha256 yes
EOT

# -nosalt: no header; the key and IV come from the passphrase alone.
# name, input, -md option, expected kdf, expected gzip
while read -r name in md kdf gz; do
	f=$D/$name
	mdopt=()
	[ "$md" = default ] || mdopt=(-md "$md")
	if ! "$OPENSSL" enc -aes-256-cbc -nosalt "${mdopt[@]}" -k "$KEY" -in "$D/$in" -out "$f" 2>"$f.err"; then
		t_fail "$name: openssl enc -nosalt" "$(cat "$f.err")"
		continue
	fi
	t_check "$name: no Salted__ header" test "$(head -c 8 "$f")" != Salted__
	t_eq "$name: whole 16-byte blocks" 0 $(($(wc -c <"$f") % 16))

	"$DUMP" --key "$KEY" "$f" >"$f.out" 2>&1
	t_eq "$name: right key, exit 0" 0 $?
	t_eq "$name: xml, encrypted, kdf $kdf, compressed $gz" \
		"xml encrypted=yes kdf=$kdf compressed=$gz" \
		"$(awk -F'\t' '$1 == "#file" { print $3 " " $4 " " $5 " " $6 }' "$f.out")"
	t_eq "$name: same parameters as the clear file" "$(params "$D/clear.out")" "$(params "$f.out")"
	t_eq "$name: one finding, the warning profile.nosalt" "profile.nosalt" \
		"$(awk -F'\t' '$1 == "#finding" { print $2 }' "$f.out" | tr '\n' ' ' | sed 's/ $//')"
	if [ "$kdf" = sha256 ]; then
		t_check "$name: the warning says SHA-256 was needed" grep -q "^#finding	profile.nosalt	.*SHA-256" "$f.out"
	fi

	"$DUMP" "$f" >"$f.nokey" 2>&1
	t_eq "$name: no key, exit 8" 8 $?
	t_check "$name: no key gives profile.key_missing, not profile.spc_binary" \
		grep -q "^#finding	profile.key_missing	" "$f.nokey"
	t_check "$name: no key: named encrypted without a salt header, or compiled SPC" \
		grep -q "no Salted__ header.*most likely encrypted without a salt header (openssl enc -nosalt), or a compiled SPC profile; give the key with --profile-key" "$f.nokey"

	"$DUMP" --key "not the key" "$f" >"$f.wrong" 2>&1
	t_eq "$name: wrong key, exit 8" 8 $?
	t_check "$name: wrong key gives profile.decrypt_failed" \
		grep -q "^#finding	profile.decrypt_failed	.*-nosalt.*compiled SPC" "$f.wrong"
	t_eq "$name: wrong key, no parameter" 0 "$(grep -vc '^#' "$f.wrong")"
done <<'EOT'
nosalt-md5.enc p.xml md5 md5 no
nosalt-default.enc p.xml default sha256 no
nosalt-md5.gz.enc p.xml.gz md5 md5 yes
EOT

# The same through the profile command, with --profile-key.
N=$D/nosalt-md5.gz.enc
"$PROVSCOPE" profile --format json --profile-key "$KEY" "$N" >"$D/nosalt.json" 2>"$D/nosalt.json.err"
t_eq "provscope profile --profile-key, -nosalt: exit 0" 0 $?
t_eq "provscope profile, -nosalt: encrypted, md5, gzip, the one profile finding profile.nosalt" \
	"True md5 True profile.nosalt" \
	"$(json_get "$D/nosalt.json" 'str(d["profile"]["encrypted"])+" "+d["profile"]["sources"][0]["kdf"]+" "+str(d["profile"]["compressed"])+" "+" ".join(f["id"] for f in d["findings"] if f["id"].startswith("profile."))')"
t_eq "provscope profile, -nosalt: Resync_Periodic from the file" 86400 \
	"$(json_get "$D/nosalt.json" '[p["value"] for p in d["profile"]["parameters"] if p["name"] == "Resync_Periodic"][0]')"
"$PROVSCOPE" profile --format json "$N" >"$D/nosalt-nokey.json" 2>/dev/null
t_eq "provscope profile, -nosalt without a key: exit 8, profile.key_missing" \
	"8 profile.key_missing" "$? $(json_get "$D/nosalt-nokey.json" 'd["findings"][0]["id"]')"

# -pbkdf2 is a different key derivation that SPA firmware never knew: it
# must not pass for a profile.
if enc "$D/pbkdf2.enc" "$D/p.xml" -pbkdf2; then
	"$DUMP" --key "$KEY" "$D/pbkdf2.enc" >"$D/pbkdf2.out" 2>&1
	t_check "-pbkdf2: profile.decrypt_failed" grep -q "^#finding	profile.decrypt_failed" "$D/pbkdf2.out"
fi

# A file cut short in transit.
head -c 100 "$D/md5.enc" >"$D/cut.enc"
"$DUMP" --key "$KEY" "$D/cut.enc" >"$D/cut.out" 2>&1
t_check "cut short: profile.decrypt_failed" grep -q "^#finding	profile.decrypt_failed" "$D/cut.out"

t_done
