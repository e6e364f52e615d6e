#!/usr/bin/env bats
# 42-shmls-output.bats - what shmls prints cannot hang, be steered or lose
# bytes: names that are not UTF-8, names with quotes fed to xargs, and
# JSON that keeps every byte (reliability findings 2, 4 and 19).

load test_helper

teardown() {
	stop_clients
	cleanup_segments
	cleanup_nobody
}

# --- 2: the cleanup pipeline cannot be steered ---------------------------------

# The attack: an in-use object /victim, held by a real client, and an
# orphan named /victim'' (made by another user).  xargs unquotes
# victim'' into victim.
setup_victim() {
	skip_unless_hermetic "names /victim in /dev/shm"
	need_nobody
	VICTIM=/victim
	BAIT="/victim''"
	start_posix "$VICTIM" "in use"
	as_nobody shmmk -s 1K "$BAIT" >/dev/null
	assert_kept "$VICTIM" "$BAIT"
	run -0 shmls --orphans -rn -o ADDRESS
	refute_listed "$VICTIM"
}

@test "2: the documented pipeline (shmls --orphans -0 | xargs -0 shmrm) keeps /victim and removes /victim''" {
	setup_victim
	shmls --orphans -0 -o ADDRESS | xargs -0 -r shmrm
	assert_kept "$VICTIM"
	assert_gone "$BAIT"
	run -0 shmcat -s "$VICTIM"
	assert_output "in use"
}

@test "2: raw output escapes quotes: the old pipeline no longer reaches /victim" {
	setup_victim
	run --separate-stderr -0 shmls --orphans -rn -o ADDRESS
	assert_output '/victim\x27\x27'
	assert_stderr_has "shown escaped"
	# The old, unsafe form no longer removes the victim.  (xargs takes
	# backslashes as quoting and gives shmrm /victimx27x27: raw output
	# is for the shell and for read -r, not for xargs; see shmls(1).)
	run -123 --separate-stderr bash -c \
	    'shmls --orphans -rn -o ADDRESS | xargs -r shmrm'
	assert_stderr_has 'shmrm: /victimx27x27: '
	assert_kept "$VICTIM" "$BAIT"
	# One word for the shell, and printf %b gives back the exact name,
	# as the completions do.
	# shellcheck disable=SC2046
	set -- $(shmls --orphans -rn -o ADDRESS)
	assert_equal "$#" 1
	printf -v a %b "$1"
	assert_equal "$a" "$BAIT"
	while IFS= read -r a; do
		printf -v a %b "$a"
		assert_equal "$a" "$BAIT"
	done < <(shmls --orphans -rn -o ADDRESS)
}

@test "2: shmrm --orphans itself keeps /victim and removes /victim''" {
	setup_victim
	shmrm --orphans
	assert_kept "$VICTIM"
	assert_gone "$BAIT"
}

@test "2: -0 prints one column, its exact bytes, each value ending in NUL" {
	skip_unless_hermetic "lists every POSIX object"
	names=("/a b" $'/new\nline' "/q'\"" $'/\xc3' '/back\slash')
	for n in "${names[@]}"; do
		shmmk -s 1K "$n"
	done
	run --separate-stderr -0 bash -c 'shmls --posix -0 -o ADDRESS | od -An -c'
	[[ -z $stderr ]] || fail "stderr: $stderr"
	mapfile -d '' got < <(shmls --posix -0 -o ADDRESS)
	assert_equal "${#got[@]}" "${#names[@]}"
	for n in "${names[@]}"; do
		found=0
		for g in "${got[@]}"; do
			[[ $g == "$n" ]] && found=1
		done
		(( found )) || fail "$(printf %q "$n") not in the -0 output"
	done
	# No heading, no newline after the last value: NUL ends every one.
	[[ $(shmls --posix -0 -o ADDRESS | tail -c 1 | od -An -tx1) == " 00" ]] ||
	    fail "the output does not end in NUL"
	# Other columns are exact too; -n changes nothing.
	run -0 bash -c 'shmls --posix -0 -n -o NAME | tr "\0" "|"'
	[[ $output == *"a b|"* ]] || fail "NAME not exact: $output"
}

@test "2: -0 needs exactly one column and excludes -J, -r, -e, --summary, --limits" {
	run --separate-stderr -2 shmls -0
	assert_stderr_has "--null needs exactly one column: -o ADDRESS"
	assert_stderr_has "Try 'shmls --help'."
	assert_output ""
	run --separate-stderr -2 shmls --null -o ADDRESS,SIZE
	assert_stderr_has "--null needs exactly one column"
	run --separate-stderr -2 shmls -o +SIZE -0
	assert_stderr_has "--null needs exactly one column"
	for o in -J -r -e; do
		run --separate-stderr -2 shmls -0 "$o" -o ADDRESS
		assert_stderr_has "exclude each other"
		run --separate-stderr -2 shmls "$o" -0 -o ADDRESS
		assert_stderr_has "exclude each other"
	done
	run --separate-stderr -2 shmls --summary -0 -o ADDRESS
	assert_stderr_has "exclude each other"
	run --separate-stderr -2 shmls --limits --null -o ADDRESS
	assert_stderr_has "exclude each other"
	# One column given with -o is enough.
	run -0 shmls -0 -o ADDRESS --posix
}

@test "2: export output cannot make the shell run anything" {
	skip_unless_hermetic "lists every POSIX object"
	cd "$BATS_TEST_TMPDIR"
	n='/x"$(touch pwned)`touch pwned2`\'
	shmmk -s 1K "$n"
	run --separate-stderr -0 shmls -e -o ADDRESS,NAME --posix
	eval "$output"
	[[ ! -e pwned && ! -e pwned2 ]] || fail "eval of shmls -e ran a command"
	printf -v a %b "$ADDRESS"
	assert_equal "$a" "$n"
	printf -v a %b "$NAME"
	assert_equal "$a" "${n#/}"
}

@test "2: no man page, README or completion pipes the table or -r into xargs" {
	run grep -rnE 'shmls[^|]*\| *xargs( +-r)? +shm' \
	    "$SHMT_SRCDIR/man" "$SHMT_SRCDIR/README.md" \
	    "$SHMT_SRCDIR/completions"
	(( status == 1 )) || fail "an unsafe pipeline is documented: $output"
	grep -q 'xargs -0' "$SHMT_SRCDIR/man/shmls.1" ||
	    fail "shmls(1) does not show the -0 pipeline"
}

# --- 4: names that are not UTF-8 cannot hang shmls -----------------------------

BAD_NAMES=($'/\xc3' $'/a\xc3' $'/\xe2\x82' $'/\xc3z' $'/\xff\xfe' $'/\xed\xa0\x80' $'/\xc0\xaf')
BAD_ESCAPED=('/\303' '/a\303' '/\342\202' '/\303z' '/\377\376' '/\355\240\200' '/\300\257')

make_bad_names() {
	skip_unless_hermetic "counts every POSIX object"
	local n
	for n in "${BAD_NAMES[@]}"; do
		shmmk -s 1K "$n"
	done
}

@test "4: names that are not UTF-8 do not hang shmls, in any mode (UTF-8 locale)" {
	make_bad_names
	for args in "" "-r" "-e" "-n" "-J" "-o NAME,ADDRESS" "--sort NAME" \
	    "-r -o NAME,ADDRESS" "-e --sort NAME" "--posix" "--orphans" \
	    "-o +PIDS,COMMAND"; do
		# shellcheck disable=SC2086
		run --separate-stderr timeout 10 env LC_ALL=C.UTF-8 shmls $args
		(( status == 0 )) ||
		    fail "'shmls $args' exited $status (124: it hung)"
	done
}

@test "4: the table prints a name that is not UTF-8 escaped, as valid UTF-8" {
	make_bad_names
	for loc in C.UTF-8 C; do
		run --separate-stderr -0 timeout 10 env LC_ALL=$loc shmls -n \
		    -o ADDRESS
		for e in "${BAD_ESCAPED[@]}"; do
			assert_line "$e"
		done
		assert_stderr_has "shown escaped"
		iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null ||
		    fail "LC_ALL=$loc: the table is not valid UTF-8: $output"
	done
	run -0 timeout 10 env LC_ALL=C.UTF-8 shmls -n -o NAME --sort NAME
	assert_line '\303'
	# Raw output escapes every byte outside ASCII, whatever the locale.
	run -0 timeout 10 env LC_ALL=C.UTF-8 shmls -rn -o ADDRESS
	assert_line '/\xc3'
	assert_line '/a\xc3'
	assert_line '/\xe2\x82'
}

@test "4: valid UTF-8 is shown as is in a UTF-8 locale, escaped in C" {
	skip_unless_hermetic "lists every POSIX object"
	shmmk -s 1K $'/\xc3\x83'
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmls -n -o ADDRESS
	assert_output $'/\xc3\x83'
	[[ -z $stderr ]] || fail "a note for a valid name: $stderr"
	run --separate-stderr -0 env LC_ALL=C shmls -n -o ADDRESS
	assert_output '/\303\203'
	# C1 controls and bidirectional overrides are escaped even in UTF-8.
	shmmk -s 1K $'/c1\xc2\x9b2J'
	shmmk -s 1K $'/rlo\xe2\x80\xae'
	run -0 env LC_ALL=C.UTF-8 shmls -n -o ADDRESS
	assert_line '/c1\302\2332J'
	assert_line '/rlo\342\200\256'
}

@test "4: the escape note comes only when a name was escaped, and says what it held" {
	skip_unless_hermetic "lists every POSIX object"
	shmmk -s 1K $'/caf\xc3\xa9'
	shmmk -s 1K '/a b'
	# nothing escaped in a UTF-8 table: no note
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmls -o ADDRESS
	[[ -z $stderr ]] || fail "a note with nothing escaped: $stderr"
	# in C, the accent is escaped: the note says why and how
	run --separate-stderr -0 env LC_ALL=C shmls -o ADDRESS
	assert_equal "$stderr" 'shmls: 1 name holds characters outside ASCII (the locale is not UTF-8); shown escaped as \NNN (--json or -0 give the exact bytes)'
	# raw output escapes blanks and everything past ASCII, in any locale
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmls -r -o ADDRESS
	assert_equal "$stderr" 'shmls: 2 names hold characters outside ASCII or a blank or quote; shown escaped as \xHH (--json or -0 give the exact bytes)'
	# a control character, bytes that are not UTF-8, a bidi override
	shmmk -s 1K $'/n\nl'
	shmmk -s 1K $'/x\xff'
	shmmk -s 1K $'/r\xe2\x80\xaeoi'
	shmmk -s 1K $'/m\xe2\x80\x8f'
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmls -o ADDRESS
	assert_line '/r\342\200\256oi'
	assert_line '/m\342\200\217'
	assert_equal "$stderr" 'shmls: 4 names hold a control character, bytes that are not UTF-8, or an invisible or bidirectional formatting character; shown escaped as \NNN (--json or -0 give the exact bytes)'
	# JSON and -0 escape nothing, and say nothing
	run --separate-stderr -0 env LC_ALL=C shmls -J
	[[ -z $stderr ]] || fail "a note with JSON: $stderr"
}

@test "4: shmrm -v and -n, and error messages, escape names that are not UTF-8" {
	skip_unless_hermetic "names objects in /dev/shm"
	shmmk -s 1K $'/\xc3'
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmrm -n $'/\xc3'
	assert_output 'would remove /\303'
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmrm -v $'/\xc3'
	assert_output 'removed /\303'
	run --separate-stderr -1 timeout 10 env LC_ALL=C.UTF-8 shmcat $'/\xc3'
	[[ $stderr == 'shmcat: /\303: '* ]] || fail "stderr: $stderr"
	run --separate-stderr -1 timeout 10 env LC_ALL=C.UTF-8 shmls $'/a\xc3'
	[[ $stderr == 'shmls: /a\303: '* ]] || fail "stderr: $stderr"
	iconv -f UTF-8 -t UTF-8 <<<"$stderr" >/dev/null ||
	    fail "the message is not valid UTF-8"
}

# --- 19: JSON keeps the exact bytes --------------------------------------------

@test "19: JSON tells /\\xc3 from /Ã: a string and an array of bytes" {
	skip_unless_hermetic "lists every POSIX object"
	shmmk -s 1K $'/\xc3'
	shmmk -s 1K $'/\xc3\x83'
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmls -J --posix \
	    -o ADDRESS,NAME
	[[ -z $stderr ]] || fail "JSON wrote a note: $stderr"
	json=$output
	run -0 jq -c '.shm[].address' <<<"$json"
	assert_line '[47,195]'
	assert_line $'"/\xc3\x83"'
	assert_equal "${#lines[@]}" 2
	run -0 jq -c '.shm[].name' <<<"$json"
	assert_line '[195]'
	assert_line $'"\xc3\x83"'
	run -0 jq '[.shm[].address] | unique | length' <<<"$json"
	assert_output 2
}

@test "19: the array form fed to shmrm never removes /Ã; its bytes remove /\\xc3" {
	skip_unless_hermetic "lists every POSIX object"
	shmmk -s 1K $'/\xc3'
	shmmk -s 1K $'/\xc3\x83'
	json=$(shmls -J --posix -o ADDRESS)
	# What a careless jq pipeline does with the array: not an address.
	jq -r '.shm[] | select(.address | type == "array") | .address' \
	    <<<"$json" | xargs -r shmrm 2>/dev/null || true
	jq -r '.shm[] | select(.address | type == "array") | .address | tostring' \
	    <<<"$json" | xargs -r -d '\n' shmrm 2>/dev/null || true
	assert_kept $'/\xc3\x83' $'/\xc3'
	# The bytes, turned back into the name, remove exactly that object.
	bytes=$(jq -r '.shm[] | select(.address | type == "array") |
	    .address | map("\\x" + ([(. / 16 | floor), . % 16] |
	    map("0123456789abcdef"[.:.+1]) | join(""))) | join("")' <<<"$json")
	assert_equal "$bytes" '\x2f\xc3'
	printf -v a %b "$bytes"
	shmrm "$a"
	assert_gone $'/\xc3'
	assert_kept $'/\xc3\x83'
}

@test "19: every text value of JSON is exact: NAME, COMMAND and memfd names" {
	skip_unless_hermetic "lists every memfd"
	start_memfd $'m\xc3' text
	run --separate-stderr -0 shmls -J --memfd -o ADDRESS,NAME,PIDS,COMMAND
	[[ -z $stderr ]] || fail "JSON wrote a note: $stderr"
	run -0 jq -c '.shm[0].name' <<<"$output"
	assert_output '[109,195]'
	run -0 shmls -J --memfd -o PIDS,COMMAND
	run -0 jq -e '(.shm[0].pids | length) == 1 and
	    (.shm[0].command | length) == 1 and
	    (.shm[0].command[0] | type) == "string"' <<<"$output"
	# A segment nobody uses: empty arrays, not [null].
	shmmk -s 1K /unused
	run -0 shmls -J -o PIDS,COMMAND /unused
	run -0 jq -c '.shm[0]' <<<"$output"
	assert_output '{"pids":[],"command":[]}'
}
