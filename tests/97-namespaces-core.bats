#!/usr/bin/env bats
# 97-namespaces-core.bats - what the places of -N and -A change besides the
# listing (tests/97-namespaces.bats has that): the facts of each place in
# --limits, --summary and --metrics, and an interrupted System V resize
# in another IPC namespace, its recovery file and its --recover.
#
# A "container" is a sleep in a new IPC and mount namespace with a tmpfs
# of its own on /dev/shm, made inside run-bats's private namespaces.

load test_helper

setup() {
	require_hermetic "makes IPC and mount namespaces"
	need_root
	unshare --ipc --mount --propagation private true 2>/dev/null ||
	    skip "cannot make an IPC and mount namespace"
}

teardown() {
	mount -o remount,hidepid=off /proc 2>/dev/null
	stop_clients
	cleanup_segments
	cleanup_nobody
	return 0
}

# saved KEY: has a resize of KEY left a recovery file in $TMPDIR?
saved() {
	compgen -G "$TMPDIR/shmresize-$1-*" >/dev/null
}

# inside PID CMD...: CMD in the IPC and mount namespaces of PID.
inside() {
	local pid=$1
	shift
	nsenter_at "$pid" --ipc --mount -- "$@"
}

@test "shmls -N PID --limits: the container's /dev/shm and System V use, not ours" {
	box c 3m
	shmmk -s 4096 0x00970001 >/dev/null
	inside "$c" shmmk -s 8192 0x00970002 >/dev/null
	inside "$c" shmmk -s 8192 0x00970003 >/dev/null
	run -0 shmls -N "$c" --limits -rnb
	assert_line --regexp '^/dev/shm\\x20size 3145728 '
	assert_line --regexp '^kernel.shmmni [0-9]+ 2 '
	run -0 shmls --limits -rnb
	assert_line --regexp '^kernel.shmmni [0-9]+ 1 '
	refute_line --regexp '^/dev/shm\\x20size 3145728 '
}

@test "shmls -A --summary counts the segments of every place" {
	box c 4m
	shmmk -s 4096 0x00970011 >/dev/null
	shmmk -s 100 /core-here >/dev/null
	inside "$c" shmmk -s 4096 0x00970011 >/dev/null
	inside "$c" shmmk -s 4096 0x00970012 >/dev/null
	inside "$c" shmmk -s 200 /core-there >/dev/null
	run -0 shmls -A --summary -rnb
	assert_line --regexp '^sysv 3 12288 '
	assert_line --regexp '^posix 2 300 '
	run -0 shmls --summary -rnb
	assert_line --regexp '^sysv 1 4096 '
}

@test "shmls --metrics -A: a series per place, labelled by its namespaces, with its own facts" {
	box c 5m
	shmmk -s 4096 0x00970021 >/dev/null
	inside "$c" shmmk -s 4096 0x00970021 >/dev/null
	inside "$c" shmmk -s 4096 0x00970022 >/dev/null
	ipc=$(stat -Lc %i "/proc/$c/ns/ipc")
	mnt=$(stat -Lc %i "/proc/$c/ns/mnt")
	ours="ipc:$(stat -Lc %i /proc/self/ns/ipc),mnt:$(stat -Lc %i /proc/self/ns/mnt)"
	run -0 shmls --metrics -A
	assert_line "shm_segments{place=\"ipc:$ipc,mnt:$mnt\",type=\"sysv\"} 2"
	assert_line "shm_segments{place=\"$ours\",type=\"sysv\"} 1"
	assert_line "shm_sysv_used_segments{place=\"ipc:$ipc,mnt:$mnt\"} 2"
	assert_line "shm_devshm_size_bytes{place=\"ipc:$ipc,mnt:$mnt\"} 5242880"
	# Without -A, no label says where.
	run -0 shmls --metrics -N "$c"
	assert_line 'shm_segments{type="sysv"} 2'
	assert_line 'shm_devshm_size_bytes 5242880'
}

@test "a resize killed in a container: shmls -N says how to put it back, shmresize -N --recover does" {
	box c 4m
	export TMPDIR=$BATS_TEST_TMPDIR
	shmmk -s 4096 0x00970031 >/dev/null
	shmput -d ours 0x00970031
	inside "$c" shmmk -s 4096 0x00970031 >/dev/null
	inside "$c" shmput -d theirs 0x00970031
	SHMTOOLS_TEST_PAUSE=copy:5000 shmresize -N "$c" 0x00970031 64K \
	    >/dev/null 2>&1 &
	pid=$!
	wait_until 5 saved 0x00970031
	sleep 0.3
	kill -9 "$pid"
	wait "$pid" || true
	run -0 --separate-stderr shmls -N "$c" --sysv
	[[ $stderr == *"'shmresize -N $c --recover 0x00970031' puts it back"* ]] ||
	    fail "no hint with -N: $stderr"
	# Not ours: our key has no pending resize.
	run -0 --separate-stderr shmls --sysv
	[[ $stderr != *recover* ]] || fail "our listing speaks of theirs: $stderr"
	run -1 shmresize --recover 0x00970031
	run -0 shmresize -N "$c" --recover 0x00970031
	assert_equal "$(shmcat -s -N "$c" 0x00970031)" theirs
	assert_equal "$(shmcat -s 0x00970031)" ours
}

@test "-A where /proc cannot show every process: refused, nothing listed or removed" {
	box c 1m
	inside "$c" shmmk -s 4096 0x00970041 >/dev/null
	# Below the host's PID namespace, unless told ours is private.
	SHMTOOLS_PIDNS_PRIVATE=0 run -1 --separate-stderr shmls -A
	assert_output ""
	[[ $stderr == *"-A: /proc does not show every process"* ]] ||
	    fail "no reason given: $stderr"
	SHMTOOLS_PIDNS_PRIVATE=0 run -1 shmrm -A --all
	run -0 shmls -N "$c" -rn -o ADDRESS
	assert_output 0x00970041
}

@test "-A with hidepid: refused for a user who cannot see everyone, root still sees all" {
	need_nobody
	box c 1m
	inside "$c" shmmk -s 4096 0x00970051 >/dev/null
	mount -o remount,hidepid=invisible /proc
	run -1 --separate-stderr as_nobody shmls -A
	assert_output ""
	[[ $stderr == *"-A: /proc does not show every process"* ]] ||
	    fail "no reason given: $stderr"
	run -0 shmls -A -rn -o NSPID,ADDRESS
	assert_line "$c 0x00970051"
	mount -o remount,hidepid=off /proc
}
