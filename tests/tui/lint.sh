#!/bin/bash
# The profile checks in the interactive view (issue 23), against nginx with
# client certificates: a live run that fetches a profile with a typo, a bad
# number, a bad Yes/No and another model's line opens on the warning step;
# the parameter table marks those rows with what was found and lists them
# under it; n goes to each marked parameter in turn (in reverse video, the
# status line counting), then on to the next step that is not ok; N goes
# back. --strict fails the step.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need
tui_nginx
cat >"$WWW/spa000e08aabbcc.xml" <<'EOT'
<flat-profile>
  <Station_Name>reception-desk</Station_Name>
  <Upgrade_Rulle>http://fw.example.net/spa942-6-1-5b.bin</Upgrade_Rulle>
  <Resync_Periodic>abc</Resync_Periodic>
  <Line_Enable_1_>Maybe</Line_Enable_1_>
  <Line_Enable_5_>Yes</Line_Enable_5_>
</flat-profile>
EOT

tui_start 120 40
tui_run "${DEV[@]}" --timeout 10 "$BASE/spa000e08aabbcc.xml"
t_screen "the run is ok (warnings only)" '^✔ OK exit 0'
t_screen "it opens on the parse step, which warns" '│ profile\.parse: Parse the profile'
t_screen "the parse step counts what to check" '^▲ profile\.parse .*│|│ 5 parameters set, 4 to check'
# n: the marked parameters in order, each in reverse video; the table in
# view with its marks
tui_keys n
t_screen "n: the first parameter to check" 'parameter 1 of 4 to check; n and N for the others'
t_screen "the unknown name's row is marked" '│   Upgrade_Rulle +-- http://fw\.example\.net/spa942-6-1-5b\.bin +▲ unknown name'
t_screen "the bad number's row is marked" '│   Resync_Periodic +-- abc +▲ bad value'
t_screen "the bad Yes/No's row is marked" '│   Line_Enable_1_ +-- Maybe +▲ bad value'
t_screen "the fifth line's row is marked" '│   Line_Enable_5_ +-- Yes +▲ not for this model'
t_no_screen "a right row is not marked" 'Station_Name +-- reception-desk +▲'
t_screen "the list under the table" '│   ▲ Upgrade_Rulle is not a parameter of the SPA942 '
t_screen "the list under the table: did you mean" '│ .*did you mean Upgrade_Rule\?'

t_eq "n: its row (the first in table order) in reverse video" yes \
	"$(tui_screen_attrs | grep -q $'\e\[[0-9;]*7m[^│]*Resync_Periodic' && echo yes)"
tui_keys n
t_screen "n again: the second" 'parameter 2 of 4 to check'
t_eq "n again: the bad Yes/No's row in reverse video, not the first's" "yes no" \
	"$(tui_screen_attrs | grep -q $'\e\[[0-9;]*7m[^│]*Line_Enable_1_' && echo yes || echo no) $(tui_screen_attrs | grep -q $'\e\[[0-9;]*7m[^│]*Resync_Periodic' && echo yes || echo no)"
tui_keys N
t_screen "N: back to the first" 'parameter 1 of 4 to check'
tui_keys n n n
t_screen "n: the last" 'parameter 4 of 4 to check'
tui_keys n
t_screen "n past the last: on to the next step that is not ok, or none" \
	'no later step that is not ok|│ upgrade\.'
t_quits "q" q 0

# --strict: the step fails, exit 8
tui_start 120 40
tui_run --strict "${DEV[@]}" --timeout 10 "$BASE/spa000e08aabbcc.xml"
t_screen "--strict: the run fails with exit 8" '^✘ FAIL exit 8'
t_screen "--strict: the parse step fails" '^✘ profile\.parse'
t_quits "--strict: q" q 8
t_done
