#!/usr/bin/env bats
# 57-invisible-users.bats - users of a POSIX object that /proc/PID/fd and
# /proc/PID/maps do not show: a process that holds it only as an
# io_uring's registered (fixed) file, which only the ring's fdinfo names,
# and a loop device whose backing file it is, which no process stands
# for.  Either way the object is in use: NATTCH is never 0 for it, and
# shmrm --orphans keeps it.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1): the
# scan must see every process, and the loop device test binds a device.

load test_helper

setup() {
	require_hermetic
	need_full_scan
	T=$BATS_TEST_TMPDIR
}

teardown() {
	stop_clients
	[[ -z ${LOOPDEV:-} ]] || losetup -d "$LOOPDEV" 2>/dev/null
	cleanup_segments
}

# _ready_or_exited PID READY: the client wrote READY, or it is gone.
_ready_or_exited() {
	[[ -e $2 ]] || ! kill -0 "$1" 2>/dev/null
}

# start_uring NAME TEXT: a uring_holder that holds /NAME only as a fixed
# file of its io_uring; PID is its pid.  Skips where io_uring is off
# (the client exits 77 and says why), even under .ci/run: a kernel may
# leave it out.  Any other failure fails.
start_uring() {
	local ready=$T/uring.ready status
	if [[ $(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null) == 2 ]]; then
		skip "io_uring is disabled (kernel.io_uring_disabled=2)"
	fi
	start_client PID uring_holder "$1" 4096 "$2" "$ready" "$T/uring.echo" \
	    2>"$T/uring.err"
	wait_until 5 _ready_or_exited "$PID" "$ready" ||
	    fail "uring_holder neither got ready nor exited"
	if [[ ! -e $ready ]]; then
		status=0
		wait "$PID" || status=$?
		[[ $status -eq 77 ]] ||
		    fail "uring_holder failed ($status): $(cat "$T/uring.err")"
		skip "no io_uring here: $(cat "$T/uring.err")"
	fi
	read -r _ RING <"$ready"
	# The only trace of the object is in the ring's fdinfo.
	[[ -z $(find "/proc/$PID/fd" -lname "/dev/shm$1" 2>/dev/null) ]] ||
	    fail "uring_holder still has a descriptor of $1"
	grep -q "^ *0: /dev/shm$1\$" "/proc/$PID/fdinfo/$RING" ||
	    fail "the ring's fdinfo does not name $1: $(cat "/proc/$PID/fdinfo/$RING")"
}

# --- io_uring fixed files --------------------------------------------------------

@test "io_uring: an object held only as a fixed file has NATTCH 1 and its PID" {
	name=$(new_name)
	start_uring "$name" 'through the ring'
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $PID"
}

@test "io_uring: shmrm --orphans keeps an object held as a fixed file, and it is written through the ring" {
	name=$(new_name)
	start_uring "$name" 'written by the ring'
	run --separate-stderr -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$name"
	run --separate-stderr shmrm -v --orphans
	assert_kept "$name"
	# The holder writes and reads it through the ring: the same object.
	signal_echo "$PID" "$T/uring.echo"
	assert_equal "$(cat "$T/uring.echo")" 'written by the ring'
	run -0 shmcat "$name"
	assert_output 'written by the ring'
}

@test "io_uring: with a ring holding one object, the others' NATTCH stays known" {
	name=$(new_name)
	other=$(new_name)
	shmmk -s 1K "$other"
	start_uring "$name" 'x'
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH "$other"
	assert_output "$other 0"
}

# --- loop devices --------------------------------------------------------------

# bind_loop FILE: bind a free loop device to FILE (LOOPDEV; teardown
# unbinds it), or skip saying why it cannot be done here.
bind_loop() {
	need_root
	need_tool losetup mount
	LOOPDEV=$(losetup -f --show "$1" 2>"$T/losetup.err") ||
	    skip "losetup cannot bind a loop device here: $(cat "$T/losetup.err")"
}

@test "loop device: an object that backs one is in use by no process: NATTCH ?, kept by --orphans" {
	name=$(new_name)
	other=$(new_name)
	shmmk -s 1M "$name"
	shmmk -s 1K "$other"
	bind_loop "/dev/shm$name"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH "$name" "$other"
	assert_line "$name ?"
	# Only the object the loop device uses: the others' users are known.
	assert_line "$other 0"
	run --separate-stderr -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$name"
	assert_line "$other"
	run --separate-stderr shmrm -v --orphans
	assert_kept "$name"
	assert_gone "$other"
}
