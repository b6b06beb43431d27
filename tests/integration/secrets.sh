#!/bin/bash
# Secrets stay hidden in every output: a table of secrets in every spelling
# the rule grammar accepts (--key, --KEY, --Pwd...) and in URLs
# (user:password@), through every format (text, JSON, TAP, JUnit; JSONL,
# TAP, JUnit and text records of a device list), the expectations and the
# error messages; and they do show with --show-secrets, so that a redaction
# that hides everything is caught too. No server: offline runs, and live
# runs that fail before or at the connect (port 9 of 127.0.0.1, closed).
. "$TOP_SRCDIR/tests/integration/lib.sh"

# leaks OUTPUT-FILE: the secrets (s3cret1..s3cret9) found in it.
leaks() { grep -o 's3cret[0-9]' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }

RULE='( $SWVER lt 7.0 )? [--KEY s3cret1 --Pwd s3cret2] https://h/x | [--kEy "s3cret4 phrase"] http://u:s3cret3@h/y'
EXPECTS=(--expect 'param:Profile_Rule=[--pWd s3cret5] http://h/z'
	--expect 'tls.version=https://a:s3cret6@h/')
for fmt in text json tap junit; do
	"$PROVSCOPE" rule --format "$fmt" "${EXPECTS[@]}" "$RULE" >"$T_DIR/rule.$fmt" 2>&1
	t_eq "rule, $fmt: no secret of the rule or the expectations shows" "" "$(leaks "$T_DIR/rule.$fmt")"
	# with --show-secrets they show (TAP has no rule text, only the
	# expectations' diagnostics)
	want="s3cret1 s3cret2 s3cret3 s3cret4 s3cret5 s3cret6"
	[ "$fmt" = tap ] && want="s3cret5 s3cret6"
	"$PROVSCOPE" rule --show-secrets --format "$fmt" "${EXPECTS[@]}" "$RULE" >"$T_DIR/shown.$fmt" 2>&1
	t_eq "rule, $fmt, --show-secrets: they show" "$want" "$(leaks "$T_DIR/shown.$fmt")"
done

# A live run: the target's key in the report; a URL with a password is a
# usage error whose message keeps the password hidden.
for fmt in text json tap junit; do
	"$PROVSCOPE" --batch --timeout 2 --format "$fmt" --expect 'param:Profile_Rule=[--Key s3cret7]' \
		'[--KEY s3cret7] https://127.0.0.1:9/x' >"$T_DIR/live.$fmt" 2>&1
	t_eq "live, $fmt: exit 3 and no secret in the report" "3 " \
		"$? $(leaks "$T_DIR/live.$fmt")"
done
"$PROVSCOPE" --batch 'https://alice:s3cret8@127.0.0.1:9/x' >"$T_DIR/userinfo.out" 2>&1
t_eq "a URL with user:password@: usage error, the password hidden in the message" \
	"2 yes " "$? $(grep -q 'alice:\*\*\*\*\*\*\*\*@' "$T_DIR/userinfo.out" && echo yes) $(leaks "$T_DIR/userinfo.out")"

# A device list: a row's URL with a password (refused), a row's rule with a key.
cat >"$T_DIR/devices.csv" <<'EOT'
mac,url
000e08aabbcc,https://u:s3cret8@h/x
000e08aabbcd,[--Key s3cret9] https://127.0.0.1:9/x
EOT
for fmt in text jsonl tap junit; do
	"$PROVSCOPE" --batch --timeout 2 --format "$fmt" --devices "$T_DIR/devices.csv" \
		>"$T_DIR/dev.$fmt" 2>&1
	t_eq "devices, $fmt: no secret of a row" "" "$(leaks "$T_DIR/dev.$fmt")"
done
"$PROVSCOPE" --batch --timeout 2 --format jsonl --show-secrets --devices "$T_DIR/devices.csv" \
	>"$T_DIR/dev.shown" 2>&1
t_eq "devices, --show-secrets: they show" "s3cret8 s3cret9" "$(leaks "$T_DIR/dev.shown")"
t_done
