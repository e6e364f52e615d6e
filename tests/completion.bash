# completion.bash - loaded by the bats files that test completion
# (85-completion.bats, 15-readme.bats): each complete_SHELL LINE prints
# what that shell offers at the end of LINE.  With $COMPLETIONS set, from
# the files in that tree; with it empty, from the installed files, found
# as the shell finds them for a user (bash-completion's loader, fish's
# configuration, zsh's default fpath).

# complete_bash LINE: complete at the end of LINE as bash does, with the
# completion file of LINE's command, and print COMPREPLY, one a line.
complete_bash() {
	bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion || exit 99
		line=$2
		# the file, or the installed one as bash-completion finds it
		if [[ -n $1 ]]; then
			. "$1" || exit 99
		else
			_completion_loader "${line%% *}"
		fi
		read -ra blanks <<<"$line"
		[[ -z $line || $line == *" " ]] && blanks+=("")
		# readline also breaks words before and after : and =
		COMP_WORDS=()
		for w in "${blanks[@]}"; do
			orig=$w
			while [[ $w =~ ^([^:=]*)([:=])(.*)$ ]]; do
				[[ -n ${BASH_REMATCH[1]} ]] &&
					COMP_WORDS+=("${BASH_REMATCH[1]}")
				COMP_WORDS+=("${BASH_REMATCH[2]}")
				w=${BASH_REMATCH[3]}
			done
			[[ -n $w || -z $orig ]] && COMP_WORDS+=("$w")
		done
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line COMP_POINT=${#line}
		read -r _ _ func _ < <(complete -p "${COMP_WORDS[0]}")
		# compopt complains outside of a real completion
		"$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
		((${#COMPREPLY[@]} == 0)) || printf "%s\n" "${COMPREPLY[@]}"
	' complete_bash "${COMPLETIONS:+$COMPLETIONS/bash/${1%% *}}" "$1"
}

# complete_fish LINE: what fish offers at the end of LINE, one
# "value<TAB>description" a line, with only our completion file loaded
# (and our functions autoloadable, as from vendor_functions.d).
complete_fish() {
	if [[ -z $COMPLETIONS ]]; then
		# installed: fish's own configuration finds the files
		fish -c 'complete -C $argv[1]' "$1"
		return
	fi
	fish --no-config -c '
		set -g fish_complete_path $argv[1]
		set -g fish_function_path $argv[1]/functions $fish_function_path
		source $argv[1]/$argv[2].fish; and complete -C $argv[3]
	' "$COMPLETIONS/fish" "${1%% *}" "$1"
}

# complete_zsh LINE [shown]: what zsh's completion system offers at the
# end of LINE, one a line: a real interactive zsh in a pseudo-terminal,
# whose compadd prints what it is given.  With "shown", the lines zsh
# would list for matches given with their own display strings (-d).
complete_zsh() {
	cat >"$BATS_TEST_TMPDIR/complete.zsh" <<'EOF'
zmodload zsh/zpty || exit 99
zpty z zsh -f -i
zpty -w z "PATH=${(q)PATH}; SHOWN=${(q)3}"
[[ -n $1 ]] && zpty -w z "fpath=(${(q)1} \$fpath)"
zpty -w z 'autoload -Uz compinit; compinit -u -D; bindkey "^I" complete-word'
zpty -w z 'null-line() { echo -E - $'"'"'\0'"'"' }
compprefuncs=(null-line); comppostfuncs=(null-line exit)'
zpty -w z 'compadd() {
  [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]] && { builtin compadd "$@"; return }
  local -a hits; builtin compadd -A hits "$@"
  if [[ $SHOWN == shown ]] && (( ${@[(I)-d]} )); then
    local d=${@[${@[(I)-d]}+1]}; print -rl -- ${(P)d}; return
  fi
  local h; for h in $hits; do echo -E - "$IPREFIX$apre$hpre$h$hsuf$asuf"; done
}'
zpty -n -w z "$2"$'\t'
integer seen=0
while zpty -r z; do :; done | while IFS= read -r line; do
  if [[ $line == *$'\0\r' ]]; then (( seen++ )) && exit 0 || continue; fi
  (( seen )) && print -r -- "${line%$'\r'}"
done
EOF
	timeout 30 zsh -f "$BATS_TEST_TMPDIR/complete.zsh" \
	    "${COMPLETIONS:+$COMPLETIONS/zsh}" "$1" \
	    "${2:-}"
}

