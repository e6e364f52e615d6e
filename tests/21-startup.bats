#!/usr/bin/env bats
# 21-startup.bats - what a program does before its work (issue 20): it
# opens only the parts of its place that the work needs, and loads only
# the locale categories the programs read.  Counted with strace, never
# timed: bench/README.md has the figures.

load test_helper

# Run under strace: LeakSanitizer cannot run under ptrace.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

setup() {
	need_tool strace strace
	TR=$BATS_TEST_TMPDIR/trace
}

teardown() {
	cleanup_segments
}

# files CMD...: run CMD under strace, the files it opens or looks at in $TR.
files() {
	strace -f -qq -o "$TR" -e trace=open,openat,stat,newfstatat,statx "$@"
}

@test "shmcat /NAME opens its /dev/shm and nothing else of its place" {
	local x
	x=$(new_name)
	shmmk -s 5 "$x" >/dev/null
	shmput -d hello "$x"
	files shmcat "$x" >"$BATS_TEST_TMPDIR/out"
	[[ $(cat "$BATS_TEST_TMPDIR/out") == hello ]]
	grep -q '"/dev/shm"' "$TR"
	run grep -E '"/proc"|ns/ipc|ns/mnt' "$TR"
	assert_failure
}

@test "shmrm 0xKEY looks at no /dev/shm and opens no /proc directory" {
	local k
	k=$(new_key)
	shmmk -s 4K "$k" >/dev/null
	files shmrm "$k"
	run segment_exists "$k"
	assert_failure
	run grep -E '"/dev/shm"|"/proc"' "$TR"
	assert_failure
}

@test "the programs load only the locale categories they read" {
	local prog
	[[ -e /usr/lib/locale/C.utf8/LC_CTYPE ]] ||
	    skip "no C.UTF-8 locale in /usr/lib/locale (libc-bin)"
	for prog in shmcat shmls shmmk; do
		LC_ALL= LANG=C.UTF-8 files "$prog" --version >/dev/null
		# Not vacuous: the locale is loaded from its files.
		grep -q 'C.utf8/LC_CTYPE' "$TR"
		run grep -E 'LC_(COLLATE|MONETARY|PAPER|NAME|ADDRESS|TELEPHONE|MEASUREMENT|IDENTIFICATION)' "$TR"
		assert_failure
	done
}

@test "the user's LC_CTYPE still holds: a UTF-8 name is printed as it is" {
	[[ -e /usr/lib/locale/C.utf8/LC_CTYPE ]] ||
	    skip "no C.UTF-8 locale in /usr/lib/locale (libc-bin)"
	LC_ALL= LANG=C.UTF-8 run --separate-stderr shmcat /shmt-nö-such-$$
	assert_failure 1
	[[ $stderr == *"/shmt-nö-such-$$"* ]]
	LC_ALL=C run --separate-stderr shmcat /shmt-nö-such-$$
	assert_failure 1
	[[ $stderr != *"/shmt-nö-such-$$"* ]]
}
