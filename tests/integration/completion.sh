#!/bin/bash
# Shell completion: completion/provscope.bash in bash (with bash-completion
# and without it) and completion/_provscope in zsh (typed into a zsh in a
# pseudo-terminal through zsh/zpty) complete the options of the command
# being typed, the commands, the models, the faults and the formats, read
# from the provscope first on PATH when the TAB is pressed.
. "$TOP_SRCDIR/tests/integration/lib.sh"
set -o pipefail
export LC_ALL=C

BASH_FILE=$TOP_SRCDIR/completion/provscope.bash
ZSH_DIR=$TOP_SRCDIR/completion
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
PATH=$(cd "$(dirname "$PROVSCOPE")" && pwd):$PATH
export PATH

# The long options of the table in src/cli/options.c, which `provscope
# --help` lists in full (test_options checks the table against --help).
TABLE_OPTIONS=$(sed -n "s/^[[:space:]]*{ \"\([a-z][a-z-]*\)\", \(0\|'.'\), .*/--\1/p" \
	"$TOP_SRCDIR/src/cli/options.c" | sort | xargs)
[ -n "$TABLE_OPTIONS" ] || t_bail "no option table in src/cli/options.c"

# help_options [COMMAND] [PREFIX]: the long options `provscope [COMMAND]
# --help` lists, starting with PREFIX, sorted.
help_options() {
	provscope ${1:+"$1"} --help | grep -o '^  \(-[A-Za-z], \)\?--[a-z-]*' |
		sed 's/.*--/--/' | grep -- "^${2:---}" | sort | xargs
}

# --- bash ------------------------------------------------------------------
# bcomp MODE LINE: the words _provscope offers at the end of LINE, sorted,
# in `bash --norc` with bash-completion sourced (MODE bc) or not (plain).
# The words are split as bash splits them, "--model=sp" into "--model",
# "=", "sp".
bcomp() {
	bash --norc --noprofile -c '
		[ "$1" = bc ] && . "$2"
		. "$3"
		COMP_LINE=$4 COMP_POINT=${#4} COMP_WORDS=()
		for w in $COMP_LINE; do
			while [[ $w == *=* ]]; do COMP_WORDS+=("${w%%=*}" "="); w=${w#*=}; done
			[[ -n $w ]] && COMP_WORDS+=("$w")
		done
		[[ $COMP_LINE == *" " || ${COMP_WORDS[-1]} == "=" ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_provscope
		printf "%s\n" "${COMPREPLY[@]}"' _ "$1" "$BASH_COMPLETION" "$BASH_FILE" "$2" |
		sort | xargs
}

mkdir -p "$T_DIR/files/pki.d"
: >"$T_DIR/files/ca.pem"

MODES="plain"
if [ -f "$BASH_COMPLETION" ]; then
	MODES="bc plain"
else
	t_skip "bash with bash-completion" "no $BASH_COMPLETION"
fi
for m in $MODES; do
	t_eq "bash[$m]: provscope -- offers every option of the table" \
		"$TABLE_OPTIONS" "$(bcomp "$m" 'provscope --')"
	t_eq "bash[$m]: provscope -- offers what provscope --help lists" \
		"$(help_options)" "$(bcomp "$m" 'provscope --')"
	# --models is listed by the whole --help, and only scan takes it.
	t_eq "bash[$m]: provscope --mo" "$(help_options '' --mo)" "$(bcomp "$m" 'provscope --mo')"
	t_eq "bash[$m]: provscope --mo (today)" "--model --model-file --models --modern-ca" \
		"$(bcomp "$m" 'provscope --mo')"
	t_eq "bash[$m]: provscope scan --mod: scan's own" "--model-file --models --modern-ca" \
		"$(bcomp "$m" 'provscope scan --mod')"
	t_eq "bash[$m]: provscope lab -- is lab --help's" "$(help_options lab)" \
		"$(bcomp "$m" 'provscope lab --')"
	out=$(bcomp "$m" 'provscope lab --')
	case " $out " in
	*" --listen "*" --audit "* | *" --audit "*) t_fail "bash[$m]: lab offers no --audit" "$out" ;;
	*" --listen "*) t_ok "bash[$m]: lab offers --listen and no --audit" ;;
	*) t_fail "bash[$m]: lab offers --listen" "$out" ;;
	esac
	t_eq "bash[$m]: provscope -" "$(echo "-V -h -o -q -v $TABLE_OPTIONS" | tr ' ' '\n' | sort | xargs)" \
		"$(bcomp "$m" 'provscope -')"
	t_eq "bash[$m]: commands" "cert help lab merge profile rule scan storm" "$(bcomp "$m" 'provscope ')"
	t_eq "bash[$m]: provscope help COMMAND" "cert lab merge profile rule scan storm" \
		"$(bcomp "$m" 'provscope help ')"
	t_eq "bash[$m]: nothing after provscope help COMMAND" "" "$(bcomp "$m" 'provscope help lab ')"
	t_eq "bash[$m]: provscope l" "lab" "$(bcomp "$m" 'provscope l')"
	t_eq "bash[$m]: no command after an option" "" "$(bcomp "$m" 'provscope --batch l')"
	t_eq "bash[$m]: --model spa50" "spa501g spa502g spa504g spa508g spa509g" \
		"$(bcomp "$m" 'provscope --model spa50')"
	t_eq "bash[$m]: --model=spa52" "spa525g" "$(bcomp "$m" 'provscope --model=spa52')"
	t_eq "bash[$m]: scan --models, the second item" "spa942,spa921 spa942,spa922" \
		"$(bcomp "$m" 'provscope scan --models spa942,spa92')"
	t_eq "bash[$m]: --fault mi" "mislabelled-image missing-intermediate" \
		"$(bcomp "$m" 'provscope --fault mi')"
	t_eq "bash[$m]: --fault expired,mis" "expired,missing-intermediate" \
		"$(bcomp "$m" 'provscope --fault expired,miss')"
	t_eq "bash[$m]: lab --fault=wr" "wrong-model-image wrong-name wrong-profile-key" \
		"$(bcomp "$m" 'provscope lab --fault=wr')"
	t_eq "bash[$m]: --format j" "json jsonl junit" "$(bcomp "$m" 'provscope --format j')"
	t_eq "bash[$m]: --format" "html json jsonl junit tap text" "$(bcomp "$m" 'provscope --format ')"
	t_eq "bash[$m]: --color" "always auto never" "$(bcomp "$m" 'provscope --color ')"
	t_eq "bash[$m]: rule --kind" "profile trigger upgrade" "$(bcomp "$m" "provscope rule 'x' --kind ")"
	t_eq "bash[$m]: cert --ca FILE" "$T_DIR/files/ca.pem" \
		"$(bcomp "$m" "provscope cert --ca $T_DIR/files/c")"
	t_eq "bash[$m]: -o FILE" "$T_DIR/files/ca.pem" "$(bcomp "$m" "provscope -o $T_DIR/files/c")"
	t_eq "bash[$m]: --pki DIR" "$T_DIR/files/pki.d" "$(bcomp "$m" "provscope --pki $T_DIR/files/")"
	t_eq "bash[$m]: cert's FILE operand" "$T_DIR/files/ca.pem" \
		"$(bcomp "$m" "provscope cert $T_DIR/files/c")"
	t_eq "bash[$m]: nothing for --timeout" "" "$(bcomp "$m" 'provscope --timeout ')"
done

# A stand-in provscope with the other output shapes the completion reads
# ("name  description" faults, continuation lines, --long=ARG, the
# description on its own line), first on PATH after a completion with the
# real one, in the same bash: the words follow the binary.
# The model ids, in the catalogue's order, as --list-models gives them.
ALL_MODELS=$("$PROVSCOPE" --list-models | awk '/^[a-z]/ { printf "%s%s", sep, $1; sep = " " }')
mkdir -p "$T_DIR/fake"
cat >"$T_DIR/fake/provscope" <<'EOT'
#!/bin/sh
case "$*" in
"--list-models") printf 'MODEL   VENDOR\nxa100   Acme\n        details: x\nxb200:  Acme\n' ;;
"--fault help") printf 'slow  the server is slow,\n      very slow\nbroken-chain: no chain\n\n' ;;
"lab --help") printf 'Usage: provscope lab [OPTIONS]\n\nLab:\n  --pki=DIR    the PKI\n' ;;
"--help")
	cat <<'EOH'
Usage: provscope [OPTIONS] URL
       provscope lab [OPTIONS]
       provscope probe FILE...

provscope itself is not a command: only the Usage lines name commands.

Options:
  --model MODEL
                 the model
  -f, --format=FORMAT  text, json or yaml
                 (default text)
  --fault NAME[,NAME]  a fault
  -x               a switch
                 -vv is no option, --devices: is none either
--devices and scan: not an option line
EOH
	;;
esac
EOT
chmod +x "$T_DIR/fake/provscope"
for m in $MODES; do
	out=$(bash --norc --noprofile -c '
		[ "$1" = bc ] && . "$2"
		. "$3"
		c() {
			COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
			_provscope
			echo "${COMPREPLY[*]}"
		}
		c provscope --model ""
		PATH=$4:$PATH
		c provscope --model ""
		c provscope --fault ""
		c provscope --format ""
		c provscope -
		c provscope ""
		c provscope lab --
		c provscope probe "$5/files/c"' _ "$m" "$BASH_COMPLETION" "$BASH_FILE" "$T_DIR/fake" "$T_DIR")
	t_eq "bash[$m]: the words follow the binary, in its other shapes" \
		"$ALL_MODELS
xa100 xb200
slow broken-chain
text json yaml
--model -f --format --fault -x
lab probe help
--pki
$T_DIR/files/ca.pem" "$out"
done

if command -v shellcheck >/dev/null; then
	t_check "shellcheck completion/provscope.bash" shellcheck -s bash "$BASH_FILE"
else
	t_skip "shellcheck completion/provscope.bash" "no shellcheck"
fi

# --- zsh -------------------------------------------------------------------
if ! command -v zsh >/dev/null; then
	t_skip "zsh loads _provscope" "no zsh"
	t_done
	exit
fi
# shellcheck disable=SC2016 # zsh expands them
t_check "zsh: compinit finds _provscope and it loads" zsh -f -c '
	fpath=("$1" $fpath)
	autoload -Uz compinit && compinit -u -D || exit 1
	[[ $_comps[provscope] == _provscope ]] || { print "provscope -> $_comps[provscope]"; exit 1 }
	autoload -Uz +X _provscope' _ "$ZSH_DIR"

# zdrive LINE...: types each LINE and a TAB into an interactive `zsh -f` in a
# pseudo-terminal (zsh/zpty), and prints the edit buffer after each, which a
# widget shows with `zle -M` on Ctrl-X b.
cat >"$T_DIR/zdrive.zsh" <<'EOT'
zmodload zsh/zpty || exit 77
zpty -b z env -i HOME="$1" TERM=dumb COLUMNS=250 LINES=50 PATH="$PATH" zsh -f -i
shift
zpty -w z "PS1='%% ' PS2= RPS1=; unsetopt zle_bracketed_paste"
zpty -w z "fpath=(${(q)ZSH_DIR} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'show-buffer() { zle -M "BUF<$BUFFER>" }; zle -N show-buffer; bindkey "^Xb" show-buffer'
zpty -w z 'print RE""ADY'
got=
readuntil() {
	local chunk deadline=$((SECONDS + 10))
	while ((SECONDS < deadline)); do
		if zpty -rt z chunk; then
			got+=$chunk
			[[ $got == $~1 ]] && return 0
		else
			sleep 0.02
		fi
	done
	return 1
}
readuntil '*READY*' || { print -r -- "no prompt: ${(q+)got}"; exit 1 }
for line in "$@"; do
	got=
	zpty -w -n z "$line"$'\t\x18b'
	if readuntil '*BUF<*>*'; then
		print -r -- "${${got##*BUF<}%%>*}"
	else
		print -r -- "timeout: ${(q+)got}"
	fi
	zpty -w -n z $'\x15'
done
zpty -d z
EOT
if ! zsh -f -c 'zmodload zsh/zpty' 2>/dev/null; then
	t_skip "zsh: completion typed into zsh" "no zsh/zpty module"
	t_done
	exit
fi
# One line each: what is typed before the TAB, then what the line is after.
ZCASES=(
	'provscope --fau' 'provscope --fault='
	'provscope l' 'provscope lab '
	'provscope he' 'provscope help '
	'provscope help sc' 'provscope help scan '
	'provscope --model spa52' 'provscope --model spa525g '
	'provscope --fault missing-i' 'provscope --fault missing-intermediate,'
	'provscope --fault=expired,missing-i' 'provscope --fault=expired,missing-intermediate,'
	'provscope scan --models=spa942,spa52' 'provscope scan --models=spa942,spa525g,'
	'provscope lab --lis' 'provscope lab --listen='
	'provscope --lis' 'provscope --list'
	'provscope cert --audi' 'provscope cert --audi'
	'provscope --format jso' 'provscope --format json'
	'provscope rule x --kind tri' 'provscope rule x --kind trigger '
	"provscope --pki $T_DIR/files/pk" "provscope --pki $T_DIR/files/pki.d/"
	"provscope cert $T_DIR/files/c" "provscope cert $T_DIR/files/ca.pem "
)
typed=() want=()
for ((i = 0; i < ${#ZCASES[@]}; i += 2)); do
	typed+=("${ZCASES[i]}")
	want+=("${ZCASES[i + 1]}")
done
mapfile -t got < <(ZSH_DIR=$ZSH_DIR zsh -f "$T_DIR/zdrive.zsh" "$T_DIR" "${typed[@]}" 2>&1)
for i in "${!typed[@]}"; do
	t_eq "zsh: ${typed[i]}<TAB>" "${want[i]}" "${got[i]-${got[*]}}"
done
t_done
