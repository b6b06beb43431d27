#!/bin/bash
# The TUI's fallbacks: ASCII glyphs when the locale is not UTF-8; no
# colours with NO_COLOR (attributes only, usable on a monochrome
# terminal); a terminal too small; and the batch report instead of the
# TUI for --batch, a pipe, --format json, --output and TERM=dumb.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need
tui_nginx
URL=$BASE/spa000e08aabbcc.xml

# --- ASCII -------------------------------------------------------------------
tui_start 80 24 LANG=C
tui_run "${DEV[@]}" --timeout 10 "$URL"
t_screen "LANG=C: ASCII marks in the header" '^\+ OK exit 0  '
t_screen "LANG=C: ASCII marks in the list" '^\+ tls\.chain +[0-9.]+ m?s \|'
t_screen "LANG=C: ASCII key hints" '^arrows move .* q quit'
if tui_screen | LC_ALL=C grep -q '[^[:print:][:space:]]'; then
	t_fail "LANG=C: nothing but ASCII on screen" "$(tui_screen)"
else
	t_ok "LANG=C: nothing but ASCII on screen"
fi
tui_keys Home j j j j
t_screen "LANG=C: check marks in the chain view" '\|   \+ the SPA942 accepts'
tui_keys m
t_screen "LANG=C: the model picker in an ASCII box" '\+- Phone model .*-+\+'
t_screen "LANG=C: the current model marked" '\|> spa942 '
tui_keys Escape
t_screen "LANG=C: Esc closes the picker" '^\+ tls\.chain '
t_quits "LANG=C" q 0

# --- TERM=vt100 and TERM=linux in a UTF-8 terminal ---------------------------------
# Their line-drawing sets (\E(0, SO/SI) are not honoured in a UTF-8
# terminal: the boxes are drawn with Unicode lines, never as "lqqqk".
for term in vt100 linux; do
	tui_start 80 24 TERM=$term
	tui_run "${DEV[@]}" --timeout 10 "$URL"
	tui_wait '^✔ OK exit 0 '
	tui_keys m
	t_screen "TERM=$term: the model picker's box in Unicode lines" '┌─ Phone model .*─┐'
	if tui_screen | grep -qE 'lqqq|qqqk|mqqq'; then
		t_fail "TERM=$term: no line-drawing letters on screen" "$(tui_screen)"
	else
		t_ok "TERM=$term: no line-drawing letters on screen"
	fi
	tui_keys Escape
	t_quits "TERM=$term" q 0
done

# --- colours -------------------------------------------------------------------
# SGR foreground colours 30-37 (39 is the default colour, not one).
has_colour() { tui_screen_attrs | grep -qE $'\033\\[([0-9]+;)*3[0-7](;[0-9]+)*m'; }
tui_start 80 24
tui_run "${DEV[@]}" --timeout 10 "$URL"
tui_wait '^✔ OK exit 0 '
if has_colour; then t_ok "colours by default"; else t_fail "colours by default" "$(tui_screen_attrs | cat -v)"; fi
t_quits "colours" q 0
tui_start 80 24 NO_COLOR=1
tui_run "${DEV[@]}" --timeout 10 "$URL"
t_screen "NO_COLOR: the same screen" '^✔ OK exit 0 '
if has_colour; then
	t_fail "NO_COLOR: no colour" "$(tui_screen_attrs | cat -v)"
else
	t_ok "NO_COLOR: no colour"
fi
if tui_screen_attrs | grep -qE $'\033\\[([0-9]+;)*7(;[0-9]+)*m'; then
	t_ok "NO_COLOR: reverse video still marks the selection and the bars"
else
	t_fail "NO_COLOR: reverse video" "$(tui_screen_attrs | cat -v)"
fi
t_quits "NO_COLOR" q 0

# --- a terminal too small ------------------------------------------------------
tui_start 36 8
tui_run "${DEV[@]}" --timeout 10 "$URL"
t_screen "36x8: says the terminal is too small" 'too small'
tui_resize 80 24
t_screen "36x8 grown to 80x24: the view comes back" '^✔ OK exit 0 '
t_quits "small" q 0

# --- batch instead of the TUI --------------------------------------------------
tui_start 80 24
tui_run --batch "${DEV[@]}" --timeout 10 "$URL"
t_screen "--batch in a terminal: the text report" '^Verdict: ok: '
t_quits "--batch" "" 0
tui_start 80 24
tui_type "\"$PROVSCOPE\" ${DEV[*]} --timeout 10 $URL | tail -n 1; echo \"[exit \${PIPESTATUS[0]}]\""
tui_keys Enter
t_screen "stdout a pipe: the text report" '^Verdict: ok: '
t_screen "stdout a pipe: its exit status" '^\[exit 0\]'
tui_type "clear; \"$PROVSCOPE\" ${DEV[*]} --timeout 10 --format json $URL | grep -c provscope/1"
tui_keys Enter
t_screen "--format json in a terminal: JSON" '^1$'
tui_type "clear; \"$PROVSCOPE\" ${DEV[*]} --timeout 10 --output $T_DIR/out.txt $URL; echo \"[exit \$?]\"; tail -n 1 $T_DIR/out.txt"
tui_keys Enter
t_screen "--output in a terminal: the report in the file" '^Verdict: ok: '
tui_type "clear; TERM=dumb \"$PROVSCOPE\" ${DEV[*]} --timeout 10 $URL 2>$T_DIR/dumb.err; echo \"[dumb exit \$?]\""
tui_keys Enter
t_screen "TERM=dumb on a terminal: the text report" '^Verdict: ok: '
t_screen "TERM=dumb on a terminal: its exit status" '^\[dumb exit 0\]'
t_eq "TERM=dumb on a terminal: no message about it" "" "$(cat "$T_DIR/dumb.err")"
t_done
