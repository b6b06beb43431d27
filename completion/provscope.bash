# bash completion for provscope(1)                         -*- shell-script -*-
#
# Every word comes from the provscope being completed, read from its output
# each time (nothing is cached, so the words follow the binary):
#   provscope [COMMAND] --help   the options of COMMAND: lines that start with
#       one to four blanks, then "-x, --long ARG" or "--long ARG" (or
#       "--long=ARG"); the description follows after two blanks or on lines
#       indented deeper. ARG starts with a capital (FILE, DIR, NAME[,NAME]).
#       The commands: the word after "provscope" on the Usage lines (and
#       "help"), and the word after it tells whether the command takes files
#       ("FILE").
#       --format's values: the comma list in the description of --format.
#   provscope --list-models      the model ids: the first word of each line
#       that starts with a lowercase letter (the header starts with "MODEL",
#       details are indented)
#   provscope --fault help       the faults: the same, up to a ':' or a blank
# It works with bash-completion (_init_completion, _filedir) or without it.

# _provscope_run ARGS...: the standard output of the provscope being completed.
_provscope_run()
{
	local ps=${_provscope_bin:-provscope}
	LC_ALL=C command "$ps" "$@" </dev/null 2>/dev/null
}

# _provscope_help_parse: reads --help on stdin and prints a line per option
# name, "NAME<tab>ARG<tab>DESCRIPTION" (ARG empty for a switch), then a line
# per command of the Usage lines (the first paragraph), "@COMMAND<tab>OPERAND".
_provscope_help_parse()
{
	local line rest sep arg desc="" re_opt re_name re_usage n usage=true
	local -a names=()
	re_opt='^ {1,4}(-[^ ].*)$'
	re_name='^(-[A-Za-z0-9]|--[A-Za-z0-9][A-Za-z0-9-]*)(, |[ =]|$)(.*)$'
	re_usage='^(Usage:)? *provscope ([a-z][a-z0-9-]*)( +([^ ]+))?'
	while IFS= read -r line; do
		if [[ $line =~ $re_opt ]] && [[ ${BASH_REMATCH[1]} =~ $re_name ]]; then
			for n in "${names[@]}"; do printf '%s\t%s\t%s\n' "$n" "$arg" "$desc"; done
			names=() arg="" desc=""
			rest=${line#"${line%%[! ]*}"}
			if [[ $rest == *"  "* ]]; then
				desc=${rest#*  }
				desc=${desc#"${desc%%[! ]*}"}
				rest=${rest%%  *}
			fi
			while [[ $rest =~ $re_name ]]; do
				names+=("${BASH_REMATCH[1]}")
				sep=${BASH_REMATCH[2]}
				rest=${BASH_REMATCH[3]}
				[[ $sep == ", " ]] || break
			done
			# An argument is a capitalised placeholder; anything else after
			# one blank is the description.
			if [[ $rest =~ ^([A-Z<][^ ]*)\ *(.*)$ ]]; then
				arg=${BASH_REMATCH[1]}
				rest=${BASH_REMATCH[2]}
			fi
			[[ -n $rest ]] && desc="$rest${desc:+ $desc}"
		elif ((${#names[@]})) && [[ $line =~ ^\ {5,}([^ ].*)$ ]]; then
			desc+="${desc:+ }${BASH_REMATCH[1]}"
		else
			for n in "${names[@]}"; do printf '%s\t%s\t%s\n' "$n" "$arg" "$desc"; done
			names=() arg="" desc=""
			[[ -z $line ]] && usage=false
			if [[ $usage == true && $line =~ $re_usage ]]; then
				printf '@%s\t%s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]}"
			fi
		fi
	done
	for n in "${names[@]}"; do printf '%s\t%s\t%s\n' "$n" "$arg" "$desc"; done
}

# _provscope_first_words ARGS...: the first word of each line of the output
# of provscope ARGS that starts with a lowercase letter, up to ':' or a blank.
_provscope_first_words()
{
	local line
	while IFS= read -r line; do
		[[ $line =~ ^([a-z][^[:space:]:,]*) ]] && printf '%s\n' "${BASH_REMATCH[1]}"
	done < <(_provscope_run "$@")
}

# _provscope_formats DESCRIPTION: the names of --format's description
# ("text, json, jsonl, tap, junit, html (default text)").
_provscope_formats()
{
	local d=${1%%(*} re='([a-z][a-z0-9]*(, [a-z][a-z0-9]*)+)'
	d=${d//, or /, }
	d=${d// or /, }
	if [[ $d =~ $re ]]; then
		d=${BASH_REMATCH[1]}
		local -a names
		read -ra names <<<"${d//,/}"
		printf '%s\n' "${names[@]}"
	else
		printf '%s\n' text json jsonl tap junit html
	fi
}

# _provscope_reply WORDS...: COMPREPLY, the words that start with $cur.
_provscope_reply()
{
	local w
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _provscope_reply_list WORDS...: COMPREPLY for the last item of a comma
# list in $cur; the items already in the list are not offered again.
_provscope_reply_list()
{
	local head="" last=$cur w
	if [[ $cur == *,* ]]; then
		head=${cur%,*},
		last=${cur##*,}
	fi
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$last"* && ,$head != *",$w,"* ]] && COMPREPLY+=("$head$w")
	done
}

# _provscope_files [-d]: COMPREPLY, file names (directories with -d).
_provscope_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir "$@"
		return
	fi
	compopt -o filenames 2>/dev/null
	if [[ ${1-} == -d ]]; then
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}

_provscope()
{
	local cur prev words cword split=false
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return
	else
		COMPREPLY=()
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${words[cword]}
		prev=${words[cword - 1]-}
		# bash splits "--model=spa" at '=': put the option back in prev.
		if [[ $cur == = && $prev == --* ]]; then
			cur="" split=true
		elif [[ $prev == = ]] && ((cword > 1)) && [[ ${words[cword - 2]} == --* ]]; then
			prev=${words[cword - 2]} split=true
		fi
	fi

	local _provscope_bin=${words[0]}
	if [[ $_provscope_bin == */* ]]; then
		_provscope_bin=${_provscope_bin/#\~/$HOME}
		[[ -x $_provscope_bin ]] || _provscope_bin=provscope
	else
		_provscope_bin=provscope
	fi

	# The commands, from the Usage lines of the whole --help; one is a
	# command only as the first word, as provscope reads it.
	local sub="" line name arg desc
	local -a commands=() options=()
	local -A operand=() optarg=()
	while IFS=$'\t' read -r name arg desc; do
		if [[ $name == @* ]]; then
			name=${name#@}
			[[ $name == help ]] && continue # "help [COMMAND]": offered below
			[[ -n ${operand[$name]+set} ]] || commands+=("$name")
			operand[$name]=$arg
		fi
	done < <(_provscope_run --help | _provscope_help_parse)
	if ((cword > 1)) && [[ -n ${words[1]} && -n ${operand[${words[1]}]+set} ]]; then
		sub=${words[1]}
	fi

	local format_desc=""
	while IFS=$'\t' read -r name arg desc; do
		[[ $name == -* ]] || continue
		options+=("$name")
		optarg[$name]=$arg
		[[ $name == --format ]] && format_desc=$desc
	done < <(_provscope_run ${sub:+"$sub"} --help | _provscope_help_parse)

	# "provscope help [COMMAND]".
	if [[ ${words[1]} == help ]] && ((cword > 1)); then
		((cword == 2)) && _provscope_reply "${commands[@]}"
		return
	fi

	# The argument of an option.
	local -a values
	case $prev in
	--model | --models)
		mapfile -t values < <(_provscope_first_words --list-models)
		if [[ $prev == --model ]]; then
			_provscope_reply "${values[@]}"
		else
			_provscope_reply_list "${values[@]}"
		fi
		return
		;;
	--fault)
		mapfile -t values < <(_provscope_first_words --fault help)
		_provscope_reply_list "${values[@]}"
		return
		;;
	--format)
		mapfile -t values < <(_provscope_formats "$format_desc")
		_provscope_reply "${values[@]}"
		return
		;;
	--color)
		_provscope_reply auto always never
		return
		;;
	--kind)
		_provscope_reply profile upgrade trigger
		return
		;;
	esac
	if [[ -n ${optarg[$prev]-} ]]; then
		case ${optarg[$prev]} in
		FILE*) _provscope_files ;;
		DIR*) _provscope_files -d ;;
		esac
		return
	fi
	[[ $split == true ]] && return

	if [[ $cur == -* ]]; then
		_provscope_reply "${options[@]}"
	elif ((cword == 1)); then
		_provscope_reply "${commands[@]}" help
	elif [[ -n $sub && ${operand[$sub]-} == FILE* ]]; then
		_provscope_files
	fi
}
complete -F _provscope provscope
