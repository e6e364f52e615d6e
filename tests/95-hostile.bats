#!/usr/bin/env bats
# 95-hostile.bats - a hostile /dev/shm and hostile names, as root: a
# symbolic link to a file outside /dev/shm, a FIFO, a directory, a device
# node and a socket in /dev/shm, names that climb out of it, and names
# full of control characters.  No program may follow the link, block on
# the FIFO, touch anything but a regular file directly in /dev/shm, or let
# a control character reach the terminal.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1): the
# tests plant these things in /dev/shm and run the programs as root.

load test_helper

setup() {
	require_hermetic "plants files in /dev/shm"
}

teardown() {
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

# make_target: a file outside /dev/shm with known content, mode and
# mtime; sets TARGET and TARGET_PRINT.
make_target() {
	TARGET=$BATS_TEST_TMPDIR/outside/target
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	printf 'precious data\n%.0s' {1..100} >"$TARGET"
	chmod 640 "$TARGET"
	touch -d '2001-02-03 04:05:06.789' "$TARGET"
	TARGET_PRINT=$(fingerprint "$TARGET")
}

assert_target_untouched() {
	local now
	now=$(fingerprint "$TARGET")
	[[ $now == "$TARGET_PRINT" ]] ||
	    fail "$1 changed $TARGET:"$'\n'"before: $TARGET_PRINT"$'\n'"after:  $now"
}

# run_each STATUS CMD...: each command line of the list on stdin (read
# into "$@" with eval, so that it may quote) must exit STATUS within 5
# seconds, print nothing on stdout, and say on stderr what it refused:
# each stderr line is "PROG: ..." or the usage hint.  After each, CHECK
# (a function) runs with the command line as its argument.
run_each() {
	local want=$1 check=$2 line prog
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		eval "set -- $line"
		prog=$1
		run --separate-stderr timeout 5 "$@" </dev/null
		(( status != 124 )) || fail "'$line' blocked (timeout)"
		(( status < 128 )) || fail "'$line' crashed: $status"$'\n'"$stderr"
		(( status == want )) ||
		    fail "'$line' exited $status, not $want"$'\n'"stderr: $stderr"$'\n'"stdout: $output"
		[[ -z $output ]] || fail "'$line' wrote to stdout: $output"
		[[ -n $stderr ]] || fail "'$line' said nothing on stderr"
		while IFS= read -r l; do
			[[ $l == "$prog: "* || $l == "Try '$prog --help'." ]] ||
			    fail "'$line': stray stderr line: $l"
		done <<<"$stderr"
		"$check" "$line"
	done
}

# assert_no_control TEXT WHAT: TEXT holds no control character but
# newline (a raw ESC, CR, BEL, TAB, ... would reach the terminal).
assert_no_control() {
	if LC_ALL=C grep -q '[[:cntrl:]]' <<<"$1"; then
		fail "$2: a raw control character:"$'\n'"$(printf '%s' "$1" | od -c | head -n 20)"
	fi
	return 0
}

# --- a symbolic link to a file outside /dev/shm -----------------------------

check_evil() {
	assert_target_untouched "$1"
	[[ -L /dev/shm/evil ]] || fail "'$1' removed the symbolic link /dev/shm/evil"
	[[ $(readlink /dev/shm/evil) == "$TARGET" ]] || fail "'$1' changed the link"
}

@test "a symlink in /dev/shm to a file outside: every program refuses it, the file is untouched" {
	make_target
	ln -s "$TARGET" /dev/shm/evil
	printf 'input data that would overwrite\n' >"$BATS_TEST_TMPDIR/input"
	run_each 1 check_evil <<-EOF
	shmcat /evil
	shmcat posix:evil
	shmcat posix:/evil
	shmcat -s -o 1 -n 3 /evil
	shmput -d X /evil
	shmput -d X -o 5 --zero-rest /evil
	shmput --grow -d 'far too much data for the target file, to make it grow' /evil
	shmput --grow -o 100000 -d X /evil
	shmput -i $BATS_TEST_TMPDIR/input /evil
	shmput --grow -i $BATS_TEST_TMPDIR/input /evil
	shmresize /evil 1M
	shmresize /evil 0
	shmresize /evil +1
	shmresize -f /evil -1K
	shmrm /evil
	shmrm -f /evil
	shmrm -v posix:evil
	shmmk --reuse /evil
	shmmk --reuse -s 10 /evil
	shmmk --reuse --reserve -s 1M /evil
	shmmk -s 10 /evil
	shmmk -m 666 --reuse -s 1 /evil
	shmls /evil
	shmls -o +PIDS,COMMAND /evil
	EOF
	# JSON output is still a JSON document, of no segment.
	run --separate-stderr -1 shmls -J /evil
	assert_equal "$(jq -c . <<<"$output")" '{"shm":[]}'
	check_evil "shmls -J /evil"
	# The refusal names the cause.
	run --separate-stderr -1 shmcat /evil
	assert_equal "$stderr" "shmcat: /evil: is a symbolic link (not followed)"
	run --separate-stderr -1 shmrm /evil
	[[ $stderr == *"symbolic link"* ]] || fail "shmrm: $stderr"
}

@test "data piped into shmput for a symlink in /dev/shm goes nowhere" {
	make_target
	ln -s "$TARGET" /dev/shm/evil
	run --separate-stderr -1 bash -c 'printf "overwritten" | shmput /evil'
	check_evil "printf | shmput /evil"
	run --separate-stderr -1 bash -c 'head -c 100000 /dev/zero | shmput --grow /evil'
	check_evil "shmput --grow /evil <zeros"
}

@test "bulk shmrm and shmls leave a symlink in /dev/shm and its target alone" {
	make_target
	ln -s "$TARGET" /dev/shm/evil
	name=$(new_name)
	shmmk -s 1K "$name"
	for args in "--all" "-f --all" "-f -u root" "--orphans" "--unused --posix" \
	    "-n -f --all"; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 shmrm $args
		check_evil "shmrm $args"
		[[ $output != *evil* && $stderr != *evil* ]] ||
		    fail "shmrm $args took /evil for a segment: $output $stderr"
	done
	run -0 shmls -rn -o ADDRESS
	refute_output --partial evil
	run -0 shmls --summary -rnb --posix
	assert_output --regexp '^posix 0 0 '
	check_evil "shmls"
}

@test "a dangling symlink in /dev/shm: nothing is created at its target" {
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	ghost=$BATS_TEST_TMPDIR/outside/ghost
	ln -s "$ghost" /dev/shm/dangling
	check_ghost() {
		[[ ! -e $ghost && ! -L $ghost ]] || fail "'$1' created $ghost"
		[[ -L /dev/shm/dangling ]] || fail "'$1' removed the link"
	}
	run_each 1 check_ghost <<-EOF
	shmmk -s 1K /dangling
	shmmk --reuse -s 1K /dangling
	shmmk --reserve -s 1K /dangling
	shmput --grow -d X /dangling
	shmput -d X /dangling
	shmresize /dangling 1K
	shmcat /dangling
	shmrm /dangling
	shmls /dangling
	EOF
}

@test "a symlink at the end of a file: path is refused by every program, its target untouched" {
	make_target
	link=$BATS_TEST_TMPDIR/outside/link
	ln -s "$TARGET" "$link"
	check_link() {
		assert_target_untouched "$1"
		[[ -L $link ]] || fail "'$1' removed $link"
	}
	run_each 1 check_link <<-EOF
	shmcat file:$link
	shmput -d X file:$link
	shmput --grow -d 'more data than there is' file:$link
	shmresize file:$link 0
	shmresize file:$link 1M
	shmrm file:$link
	shmmk --reuse -s 1 file:$link
	shmls file:$link
	EOF
}

@test "a symlink in /dev/shm to a POSIX object: every program refuses it, the object is untouched" {
	name=$(new_name)
	shmmk -s 100 "$name"
	shmput -d 'the real object' "$name"
	ln -s "/dev/shm$name" /dev/shm/alias
	TARGET=/dev/shm$name
	TARGET_PRINT=$(fingerprint "$TARGET")
	check_alias() {
		assert_target_untouched "$1"
		[[ -L /dev/shm/alias ]] || fail "'$1' removed the link"
	}
	run_each 1 check_alias <<-EOF
	shmcat /alias
	shmput -d X /alias
	shmput --grow -d 'longer than one hundred bytes, longer than one hundred bytes, longer than one hundred bytes!' /alias
	shmresize /alias 1
	shmrm /alias
	shmmk --reuse -s 1 /alias
	EOF
}

# --- a FIFO: no program blocks -------------------------------------------------

@test "a FIFO in /dev/shm: no program blocks, each refuses it with exit 1" {
	mkfifo -m 666 /dev/shm/fifo
	check_fifo() {
		[[ -p /dev/shm/fifo ]] || fail "'$1' removed or replaced the FIFO"
	}
	run_each 1 check_fifo <<-EOF
	shmcat /fifo
	shmcat -s posix:fifo
	shmput -d X /fifo
	shmput --grow -d XXXXXXXX /fifo
	shmput -i /etc/hostname /fifo
	shmresize /fifo 1M
	shmresize -f /fifo 0
	shmrm /fifo
	shmrm -f /fifo
	shmmk --reuse -s 1 /fifo
	shmmk --reuse /fifo
	shmmk -s 1 /fifo
	shmls /fifo
	shmls -o +PIDS,COMMAND /fifo
	EOF
	run --separate-stderr -1 timeout 5 shmcat /fifo
	assert_equal "$stderr" "shmcat: /fifo: not a regular file (a FIFO: not opened)"
	# Listing and bulk removal pass it by.
	for cmd in "shmls" "shmls --posix --unused" "shmls -o +PIDS" "shmls --summary" \
	    "shmrm --all" "shmrm -f --all" "shmrm -n -f --orphans"; do
		# shellcheck disable=SC2086
		run --separate-stderr timeout 5 $cmd
		(( status == 0 )) || fail "'$cmd' exited $status: $stderr"
		[[ $output != *fifo* ]] || fail "'$cmd' lists the FIFO: $output"
		check_fifo "$cmd"
	done
}

@test "a FIFO at a file: path: no program blocks" {
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	check_fifo() {
		[[ -p $fifo ]] || fail "'$1' removed the FIFO"
	}
	run_each 1 check_fifo <<-EOF
	shmcat file:$fifo
	shmput -d X file:$fifo
	shmput --grow -d X file:$fifo
	shmresize file:$fifo 1
	shmrm file:$fifo
	shmmk --reuse -s 1 file:$fifo
	shmls file:$fifo
	EOF
}

# --- a directory, a device node, a socket --------------------------------------

@test "a directory in /dev/shm is refused by every program and left alone" {
	mkdir /dev/shm/dir
	touch /dev/shm/dir/inside
	check_dir() {
		[[ -d /dev/shm/dir && -f /dev/shm/dir/inside ]] ||
		    fail "'$1' changed /dev/shm/dir"
	}
	run_each 1 check_dir <<-EOF
	shmcat /dir
	shmput -d X /dir
	shmput --grow -d X /dir
	shmresize /dir 1K
	shmrm /dir
	shmrm -f /dir
	shmmk --reuse -s 1 /dir
	shmmk -s 1 /dir
	shmls /dir
	EOF
	run --separate-stderr -1 shmcat /dir
	assert_equal "$stderr" "shmcat: /dir: not a regular file (a directory: not entered)"
	run --separate-stderr -0 shmrm -f --all
	check_dir "shmrm -f --all"
}

@test "a directory in /dev/shm: every program says it is a directory" {
	mkdir /dev/shm/dir
	for cmd in "shmcat /dir" "shmput -d X /dir" "shmput --grow -d X /dir" \
	    "shmresize /dir 1K" "shmrm /dir" "shmmk --reuse -s 1 /dir" "shmls /dir"; do
		# shellcheck disable=SC2086
		run --separate-stderr -1 $cmd
		assert_equal "$stderr" "${cmd%% *}: /dir: not a regular file (a directory: not entered)"
	done
}

@test "a device node in /dev/shm is refused by every program and left alone" {
	mknod -m 666 /dev/shm/null c 1 3 2>/dev/null ||
	    skip "cannot make a device node here"
	print=$(stat -c '%F %t:%T %a %y' /dev/shm/null)
	check_dev() {
		[[ $(stat -c '%F %t:%T %a %y' /dev/shm/null) == "$print" ]] ||
		    fail "'$1' changed /dev/shm/null"
	}
	run_each 1 check_dev <<-EOF
	shmcat /null
	shmput -d X /null
	shmput --grow -d X /null
	shmresize /null 1K
	shmrm /null
	shmrm -f /null
	shmmk --reuse -s 1 /null
	shmls /null
	EOF
	for prog in shmcat shmls shmrm; do
		run --separate-stderr -1 "$prog" /null
		assert_equal "$stderr" "$prog: /null: not a regular file (a device: not opened)"
	done
	run --separate-stderr -0 shmrm -f --all
	check_dev "shmrm -f --all"
	run -0 shmls -rn -o ADDRESS
	refute_output --partial null
}

@test "a socket in /dev/shm is refused by every program and left alone" {
	command -v python3 >/dev/null || skip "needs python3 to make a socket"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	    /dev/shm/sock
	check_sock() {
		[[ -S /dev/shm/sock ]] || fail "'$1' removed the socket"
	}
	run_each 1 check_sock <<-EOF
	shmcat /sock
	shmput -d X /sock
	shmresize /sock 1K
	shmrm /sock
	shmmk --reuse -s 1 /sock
	shmls /sock
	EOF
	run --separate-stderr -0 shmrm -f --all
	check_sock "shmrm -f --all"
}

@test "a socket in /dev/shm: the refusal says 'not a regular file'" {
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	    /dev/shm/sock
	for cmd in "shmcat /sock" "shmput -d X /sock" "shmresize /sock 1K" \
	    "shmmk --reuse -s 1 /sock"; do
		# shellcheck disable=SC2086
		run --separate-stderr -1 $cmd
		[[ $stderr == *"not a regular file"* ]] || fail "$cmd: $stderr"
	done
}

# --- names that climb out of /dev/shm ----------------------------------------------

@test "POSIX names with a slash, '.' or '..' are usage errors for every program" {
	passwd_print=$(fingerprint /etc/passwd)
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	before=$(ls -lA --time-style=full-iso /dev/shm "$BATS_TEST_TMPDIR/outside")
	check_nothing() {
		[[ $(fingerprint /etc/passwd) == "$passwd_print" ]] ||
		    fail "'$1' changed /etc/passwd"
		[[ $(ls -lA --time-style=full-iso /dev/shm "$BATS_TEST_TMPDIR/outside") == "$before" ]] ||
		    fail "'$1' changed /dev/shm"
	}
	local rows=() name prog
	for name in posix:../etc/passwd posix:/../etc/passwd /../etc/passwd \
	    /a/b posix:a/b /a/ posix:a/ // /.. /. posix:.. posix:. posix:/.. \
	    "posix:../..$BATS_TEST_TMPDIR/outside/x" "/..$BATS_TEST_TMPDIR/outside/x"; do
		rows+=("shmcat $name" "shmput -d X $name" "shmput --grow -d X $name"
		    "shmresize $name 1K" "shmrm $name" "shmrm -f $name"
		    "shmmk -s 1K $name" "shmmk --reuse -s 1K $name" "shmls $name")
	done
	run_each 2 check_nothing < <(printf '%s\n' "${rows[@]}")
	run --separate-stderr -2 shmcat posix:../etc/passwd
	assert_equal "${stderr%%$'\n'*}" "shmcat: posix:../etc/passwd: a POSIX name cannot contain '/'"
	run --separate-stderr -2 shmmk -s 1 /..
	assert_equal "${stderr%%$'\n'*}" "shmmk: /..: a POSIX name cannot be '.' or '..'"
}

# --- control characters in names ----------------------------------------------------

# Names that would move the cursor, clear the screen, forge a line of
# output or ring the bell if printed raw.
hostile_names() {
	HOSTILE=(
	    "/$(printf 'esc\033[2J\033[31mred')"
	    "/$(printf 'new\nline: forged')"
	    "/$(printf 'cr\rback')"
	    "/$(printf 'tab\tbel\a')"
	    "/$(printf 'del\177x')"
	)
	track "${HOSTILE[@]}"
}

@test "control characters in names are escaped in every table" {
	hostile_names
	for n in "${HOSTILE[@]}"; do
		shmmk -s 1K "$n" >/dev/null
	done
	start_client holder memfd_holder "$(printf 'memfd\033]0;title\a')" 4096 \
	    text "$BATS_TEST_TMPDIR/ready"
	wait_for "$BATS_TEST_TMPDIR/ready"
	for args in "" "-r" "-e" "-n" "--posix" "-o TYPE,ADDRESS,NAME" \
	    "-r -o NAME,ADDRESS" "-o +PIDS,COMMAND" "--memfd -o NAME,ADDRESS" \
	    "--sort NAME" "--unused" "--orphans -r"; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 shmls $args
		assert_no_control "$output" "shmls $args (stdout)"
		assert_no_control "$stderr" "shmls $args (stderr)"
	done
	# One line per segment: 5 POSIX objects and a memfd, and the header.
	run --separate-stderr -0 shmls
	assert_equal "${#lines[@]}" 7
	run --separate-stderr -0 shmls -r --posix
	assert_equal "${#lines[@]}" 6
	assert_line --partial 'new\x0aline:\x20forged'
	# JSON escapes them as JSON does, and has the exact bytes.
	run --separate-stderr -0 shmls -J
	assert_no_control "$output" "shmls -J"
	jq -e --arg n "${HOSTILE[1]}" '[.shm[].address] | index($n) != null' \
	    <<<"$output" || fail "shmls -J lost the exact name"
	# shmrm's dry run prints its rows as shmls -r does.
	run --separate-stderr -0 shmrm -n --all
	assert_no_control "$output" "shmrm -n --all (stdout)"
	assert_no_control "$stderr" "shmrm -n --all (stderr)"
	assert_equal "${#lines[@]}" 6
}

@test "control characters in names are escaped in every error message" {
	hostile_names
	shmmk -s 1K "${HOSTILE[0]}" >/dev/null
	shmmk -s 1K "${HOSTILE[1]}" >/dev/null
	local rows=() n
	for n in "${HOSTILE[@]}"; do
		m=${n}-missing
		rows+=("shmcat $(printf %q "$m")"
		    "shmput -d X $(printf %q "$m")"
		    "shmresize $(printf %q "$m") 1K"
		    "shmrm $(printf %q "$m")"
		    "shmls $(printf %q "$m")"
		    "shmcat $(printf %q "file:$BATS_TEST_TMPDIR/${n#/}")"
		    "shmcat $(printf %q "posix:${n#/}/x")"
		    "shmcat $(printf %q "${n#/}")"
		    "shmmk -s 1 $(printf %q "key:${n#/}")")
	done
	rows+=("shmmk -s 1K $(printf %q "${HOSTILE[0]}")"
	    "shmput -o 5000 -d X $(printf %q "${HOSTILE[0]}")"
	    "shmput -d X -i /nonexistent $(printf %q "${HOSTILE[1]}")"
	    "shmcat -o 2K $(printf %q "${HOSTILE[1]}")")
	check_quiet() {
		assert_no_control "$stderr" "$1"
	}
	while IFS= read -r row; do
		eval "set -- $row"
		run --separate-stderr "$@"
		(( status == 1 || status == 2 )) || fail "'$row' exited $status: $stderr"
		[[ -z $output ]] || fail "'$row' wrote to stdout: $output"
		assert_no_control "$stderr" "$row"
		while IFS= read -r l; do
			[[ $l == "$1: "* || $l == "Try '$1 --help'." ]] ||
			    fail "'$row': a forged stderr line: $l"
		done <<<"$stderr"
	done < <(printf '%s\n' "${rows[@]}")
}

@test "several hostile operands: each message is one line" {
	hostile_names
	run --separate-stderr -1 shmrm "${HOSTILE[@]}"
	assert_equal "$(grep -c . <<<"$stderr")" "${#HOSTILE[@]}"
	assert_no_control "$stderr" "shmrm"
	run --separate-stderr -1 shmcat "${HOSTILE[@]}"
	assert_equal "$(grep -c . <<<"$stderr")" "${#HOSTILE[@]}"
	assert_no_control "$stderr" "shmcat"
}

@test "control characters in names are escaped in shmrm -v and -n messages" {
	hostile_names
	for n in "${HOSTILE[@]}"; do
		shmmk -s 1K "$n" >/dev/null
	done
	run --separate-stderr -0 shmrm -n "${HOSTILE[@]}"
	assert_no_control "$output" "shmrm -n"
	assert_equal "${#lines[@]}" "${#HOSTILE[@]}"
	run --separate-stderr -0 shmrm -v "${HOSTILE[0]}" "${HOSTILE[1]}"
	assert_no_control "$output" "shmrm -v"
	assert_equal "${#lines[@]}" 2
	run --separate-stderr -0 shmrm -v --all
	assert_no_control "$output" "shmrm -v --all"
	assert_equal "${#lines[@]}" 3
}

@test "control characters in option arguments are escaped in usage errors" {
	e=$(printf '\033[2J')
	for cmd in "shmrm -u x$e --all" "shmrm --older-than 1$e --all" \
	    "shmmk -m 7$e /x" "shmls -o X$e" "shmls --sort X$e" \
	    "shmls --time-format $e" "shmls -u x$e"; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 $cmd
		assert_no_control "$stderr" "$cmd"
	done
}
