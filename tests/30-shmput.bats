#!/usr/bin/env bats
# 30-shmput.bats - shmput writes stdin, -d DATA or -i FILE into every kind
# of segment at an offset, never past the end, never truncating silently.

load test_helper

teardown() {
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

# make_kind KIND SIZE: create a segment of KIND (sysv, private, posix, file)
# filled with the byte '.', and print its ADDRESS.
make_kind() {
	local kind=$1 size=$2 a
	# (in $(...) errexit is off: every step checks itself)
	case $kind in
	sysv)	 a=$(new_key) && shmmk -s "$size" "$a" >/dev/null ;;
	private) a=$(shmmk --private -s "$size") && track "$a" ;;
	posix)	 a=$(new_name) && shmmk -s "$size" "$a" >/dev/null ;;
	file)	 a=file:$BATS_TEST_TMPDIR/seg-$RANDOM$RANDOM &&
		 shmmk -s "$size" "$a" >/dev/null ;;
	esac || return 1
	head -c "$size" /dev/zero | tr '\0' . | shmput "$a" || return 1
	printf '%s\n' "$a"
}

KINDS=(sysv private posix file)

# --- writing ---------------------------------------------------------------

@test "stdin is written at offset 0 of every kind, the rest untouched" {
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 32)
		printf 'from stdin' | shmput "$a"
		expect_bytes "$a" <(printf 'from stdin'; printf '%.0s.' {1..22})
	done
}

@test "-d DATA is written at an offset of every kind, exactly, without a newline" {
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 16)
		run --separate-stderr -0 shmput -o 5 -d 'DATA' "$a"
		assert_output ""
		assert_equal "$stderr" ""
		expect_bytes "$a" <(printf '.....DATA.......')
	done
}

@test "-d takes the data as given: backslashes and % are not interpreted" {
	a=$(make_kind posix 16)
	shmput --data 'a\nb%sc' "$a"
	expect_bytes "$a" <(printf '%s' 'a\nb%sc'; printf '.........')
}

@test "-i FILE with binary data is written at an offset of every kind" {
	head -c 3000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 4096)
		shmput -o 1000 -i "$BATS_TEST_TMPDIR/in" "$a"
		expect_bytes "$a" <(head -c 1000 /dev/zero | tr '\0' .
		    cat "$BATS_TEST_TMPDIR/in"
		    head -c 96 /dev/zero | tr '\0' .)
	done
}

@test "-o takes SIZE suffixes" {
	a=$(make_kind sysv 2K)
	shmput --offset 1K -d X "$a"
	run -0 shmcat -o 1023 -n 3 "$a"
	assert_output .X.
}

@test "input that exactly fills the segment is accepted (stdin pipe, file, -d)" {
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 4096)
		head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/in"
		cat "$BATS_TEST_TMPDIR/in" | shmput "$a"
		expect_bytes "$a" "$BATS_TEST_TMPDIR/in"
		head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/in"
		shmput -i "$BATS_TEST_TMPDIR/in" "$a"
		expect_bytes "$a" "$BATS_TEST_TMPDIR/in"
		shmput -o 4094 -d ZZ "$a"
		run -0 shmcat -o 4094 "$a"
		assert_output ZZ
	done
}

@test "empty input writes nothing and succeeds" {
	a=$(make_kind posix 8)
	shmput "$a" </dev/null
	shmput -d '' "$a"
	shmput -o 8 -d '' "$a"
	expect_bytes "$a" <(printf '........')
}

@test "stdin redirected from a regular file read from its current position" {
	a=$(make_kind posix 20)
	printf '0123456789abcdefghijABCDEFGHIJ' >"$BATS_TEST_TMPDIR/in"
	# 10 bytes already consumed: the 20 left fit exactly.
	{ head -c 10 >/dev/null; shmput "$a"; } <"$BATS_TEST_TMPDIR/in"
	expect_bytes "$a" <(printf 'abcdefghijABCDEFGHIJ')
}

# --- input that does not fit -----------------------------------------------

@test "-d that does not fit: exit 1, message, segment unchanged (every kind)" {
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 16)
		shmcat "$a" >"$BATS_TEST_TMPDIR/before"
		run --separate-stderr -1 shmput -o 10 -d 'seven!!' "$a"
		assert_output ""
		assert_stderr_has "shmput: $a: "
		assert_stderr_has "does not fit"
		expect_bytes "$a" "$BATS_TEST_TMPDIR/before"
	done
}

@test "-i FILE that does not fit: exit 1, segment byte-for-byte unchanged (every kind)" {
	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 4096)
		shmcat "$a" >"$BATS_TEST_TMPDIR/before"
		run --separate-stderr -1 shmput -i "$BATS_TEST_TMPDIR/in" "$a"
		assert_stderr_has "shmput: $a: "
		expect_bytes "$a" "$BATS_TEST_TMPDIR/before"
	done
}

@test "stdin from a regular file that does not fit: exit 1, nothing written (every kind)" {
	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 4096)
		shmcat "$a" >"$BATS_TEST_TMPDIR/before"
		run --separate-stderr -1 shmput -o 100 "$a" <"$BATS_TEST_TMPDIR/in"
		assert_stderr_has "shmput: $a: "
		expect_bytes "$a" "$BATS_TEST_TMPDIR/before"
	done
}

@test "streamed input that does not fit: exit 1, exactly the bytes that fit are written, message says how many" {
	head -c 10000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 4096)
		run --separate-stderr -1 \
		    bash -c 'cat "$1" | shmput -o 96 "$2"' _ \
		    "$BATS_TEST_TMPDIR/in" "$a"
		assert_stderr_has "shmput: $a: "
		assert_stderr_has "4000 bytes"
		expect_bytes "$a" <(head -c 96 /dev/zero | tr '\0' .
		    head -c 4000 "$BATS_TEST_TMPDIR/in")
	done
}

@test "streamed random input from head -c N /dev/urandom that does not fit" {
	a=$(make_kind posix 1000)
	run --separate-stderr -1 \
	    bash -c 'head -c 200000 /dev/urandom | tee "$1" | shmput "$2"' _ \
	    "$BATS_TEST_TMPDIR/in" "$a"
	assert_stderr_has "1000 bytes"
	assert_equal "$(stat -c %s "/dev/shm$a")" 1000
	cmp "/dev/shm$a" <(head -c 1000 "$BATS_TEST_TMPDIR/in")
}

# --- --grow -------------------------------------------------------------------

@test "--grow extends a POSIX object to offset + input length (-d, -i, pipe)" {
	a=$(make_kind posix 8)
	run -0 shmput --grow -o 4 -d 'abcdefgh' "$a"
	assert_equal "$(stat -c %s "/dev/shm$a")" 12
	expect_bytes "$a" <(printf '....abcdefgh')

	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	shmput -g -o 10 -i "$BATS_TEST_TMPDIR/in" "$a"
	assert_equal "$(stat -c %s "/dev/shm$a")" 5010
	cmp <(head -c 10 "/dev/shm$a") <(printf '....abcdef')
	cmp <(tail -c +11 "/dev/shm$a") "$BATS_TEST_TMPDIR/in"

	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/in2"
	cat "$BATS_TEST_TMPDIR/in2" | shmput -g -o 1 "$a"
	assert_equal "$(stat -c %s "/dev/shm$a")" 100001
	cmp <(tail -c +2 "/dev/shm$a") "$BATS_TEST_TMPDIR/in2"
}

@test "--grow extends a file to offset + input length" {
	f=$BATS_TEST_TMPDIR/seg
	printf 'head' >"$f"
	shmput --grow -o 2 -d 'TAIL-TAIL' "file:$f"
	assert_equal "$(stat -c %s "$f")" 11
	assert_equal "$(cat "$f")" 'heTAIL-TAIL'
	printf 'piped' | shmput -g -o 11 "file:$f"
	assert_equal "$(cat "$f")" 'heTAIL-TAILpiped'
}

@test "--grow never shrinks: input that fits leaves the size alone" {
	a=$(make_kind posix 100)
	shmput -g -d abc "$a"
	assert_equal "$(stat -c %s "/dev/shm$a")" 100
}

@test "--grow may start past the end: the gap reads as zeros" {
	a=$(make_kind posix 4)
	shmput -g -o 8 -d XY "$a"
	expect_bytes "$a" <(printf '....\0\0\0\0XY')
}

@test "--grow with empty input past the end: size is offset + 0 whatever the input" {
	: >"$BATS_TEST_TMPDIR/empty"
	a=$(make_kind posix 4)
	shmput -g -o 10 -d '' "$a"
	assert_equal "$(stat -c %s "/dev/shm$a")" 10
	b=$(make_kind posix 4)
	shmput -g -o 10 -i "$BATS_TEST_TMPDIR/empty" "$b"
	assert_equal "$(stat -c %s "/dev/shm$b")" 10
	c=$(make_kind posix 4)
	cat "$BATS_TEST_TMPDIR/empty" | shmput -g -o 10 "$c"
	assert_equal "$(stat -c %s "/dev/shm$c")" 10
}

@test "--grow does not grow a System V segment: exit 1, unchanged" {
	for kind in sysv private; do
		a=$(make_kind "$kind" 16)
		id=$(shmls -rn -o ID "$a")
		run --separate-stderr -1 shmput --grow -d 'seventeen bytes!!' "$a"
		assert_stderr_has "shmput: $a: "
		expect_bytes "$a" <(printf '................')
		run -0 shmls -rn -b -o ID,SIZE "$a"
		assert_output "$id 16"
		printf 'seventeen bytes!!' >"$BATS_TEST_TMPDIR/in"
		run -1 shmput -g "$a" <"$BATS_TEST_TMPDIR/in"
		expect_bytes "$a" <(printf '................')
	done
}

# --- --zero-rest ----------------------------------------------------------------

@test "--zero-rest clears the tail after the input and keeps the head (every kind)" {
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 64)
		shmput --zero-rest -o 10 -d hello "$a"
		expect_bytes "$a" <(printf '..........hello'; head -c 49 /dev/zero)
		run -0 bash -c 'shmcat -o 15 "$1" | od -An -v -tx1 | tr -s " \n" "\n\n" | sort -u | grep .' _ "$a"
		assert_output 00
	done
}

@test "-z with stdin clears after what was read" {
	a=$(make_kind posix 32)
	printf 'abc' | shmput -z -o 1 "$a"
	expect_bytes "$a" <(printf '.abc'; head -c 28 /dev/zero)
}

@test "-z without input clears from the offset to the end" {
	a=$(make_kind sysv 16)
	shmput -z -o 6 "$a" </dev/null
	expect_bytes "$a" <(printf '......'; head -c 10 /dev/zero)
}

# --- errors ----------------------------------------------------------------------

@test "-d and -i together are a usage error; nothing written" {
	a=$(make_kind posix 16)
	printf 'file' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr -2 shmput -d data -i "$BATS_TEST_TMPDIR/in" "$a"
	assert_output ""
	assert_stderr_has "Try 'shmput --help'."
	expect_bytes "$a" <(printf '................')
}

@test "usage errors: no ADDRESS, two ADDRESSes, bad address, bad offset" {
	a=$(make_kind posix 16)
	b=$(make_kind posix 16)
	for args in "" "$a $b" "bad/addr" "-o 1.5 $a" "-o -1 $a"; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 shmput -d x $args
		assert_output ""
		assert_stderr_has "Try 'shmput --help'."
	done
	expect_bytes "$a" <(printf '................')
	expect_bytes "$b" <(printf '................')
}

@test "an offset beyond the end exits 1 and writes nothing (-d, stdin, every kind)" {
	for kind in "${KINDS[@]}"; do
		a=$(make_kind "$kind" 16)
		run --separate-stderr -1 shmput -o 17 -d x "$a"
		assert_stderr_has "shmput: $a: "
		run --separate-stderr -1 bash -c 'printf x | shmput -o 17 "$1"' _ "$a"
		assert_stderr_has "shmput: $a: "
		expect_bytes "$a" <(printf '................')
	done
	p=$(backing_file "$a")
	assert_equal "$(stat -c %s "$p")" 16
}

@test "a missing segment exits 1 and is not created" {
	name=$(new_name)
	key=$(new_key)
	f=$BATS_TEST_TMPDIR/missing
	for a in "$name" "$key" "file:$f"; do
		run --separate-stderr -1 shmput -d x "$a"
		assert_output ""
		assert_stderr_has "shmput: $a: "
		run -1 shmput -g -d x "$a"
	done
	assert_gone "$name" "$key" "file:$f"
	run -1 shmls "$key"
}

@test "a missing input file exits 1, names it, and leaves the segment alone" {
	a=$(make_kind posix 16)
	run --separate-stderr -1 shmput -i "$BATS_TEST_TMPDIR/nope" "$a"
	assert_output ""
	assert_stderr_has "shmput: $BATS_TEST_TMPDIR/nope: "
	expect_bytes "$a" <(printf '................')
}

@test "writing into a symbolic link in /dev/shm is refused and the target untouched" {
	[[ $SHMT_HERMETIC == 1 ]] || skip "needs the private /dev/shm of tests/run-bats"
	printf 'target' >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" /dev/shm/link
	run --separate-stderr -1 shmput -d XXXXXX /link
	assert_stderr_has "symbolic link"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" target
}
