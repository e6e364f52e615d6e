#!/usr/bin/env bats
# 47-scan.bats - the /proc scan of who uses a segment never takes "cannot
# see" for "nobody uses it": hidepid, another user's processes, a child
# PID namespace and a main thread that exited make use unknown (NATTCH ?)
# and bulk removal keeps the object; descriptors and mappings count by
# device and inode, whatever path reaches the object, MAP_PRIVATE too.

load test_helper

teardown() {
	stop_clients
	if [[ -n ${BIND:-} ]]; then
		umount -l "$BIND" 2>/dev/null
	fi
	cleanup_segments
	cleanup_nobody
}

# --- local helpers -------------------------------------------------------

# start_leader_exit map|hold /NAME TEXT: a leader_exit whose main thread
# has exited; PID is the process (the zombie leader's pid).
start_leader_exit() {
	_next_client
	start_client PID leader_exit "$1" "$2" 8192 "$3" "$READY" "$ECHO"
	wait_for "$READY"
}

# start_private PATH TEXT [SIZE]: a private_mapper mapping PATH MAP_PRIVATE.
start_private() {
	_next_client
	start_client PID private_mapper "$1" "${3:-8192}" "$2" "$READY" "$ECHO"
	wait_for "$READY"
}

# with_proc OPTIONS CMD...: run CMD in a mount namespace of its own whose
# /proc is a new instance mounted with OPTIONS (e.g. hidepid=2).
with_proc() {
	local opts=$1
	shift
	unshare --mount --propagation private sh -c \
	    'mount -t proc -o "$1" proc /proc || exit 99; shift; exec "$@"' \
	    sh "$opts" "$@"
}

# in_child_pidns CMD...: run CMD in a new PID namespace below the suite's,
# with its own /proc, where the suite's processes cannot be seen, and
# without SHMTOOLS_PIDNS_PRIVATE.
in_child_pidns() {
	env -u SHMTOOLS_PIDNS_PRIVATE unshare --pid --fork --mount-proc \
	    --propagation private "$@"
}

need_pidns() {
	need_root
	unshare --pid --fork --mount-proc true 2>/dev/null ||
	    skip "cannot make a PID namespace"
}

need_hidepid() {
	need_root
	with_proc hidepid=2 true 2>/dev/null ||
	    skip "cannot mount a proc with hidepid here"
}

# --- #3: hidepid and unreadable processes ----------------------------------

@test "hidepid=invisible: as nobody, a POSIX object root's posix_writer maps has NATTCH ?" {
	need_full_scan
	need_nobody
	need_hidepid
	name=$(new_name)
	start_posix "$name" "root's"
	run --separate-stderr -0 with_proc hidepid=2 \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmls" -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name ? ?"
	assert_stderr_has "cannot"
	run --separate-stderr -0 with_proc hidepid=invisible \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmls" -J -o ADDRESS,NATTCH "$name"
	jq -e '.shm[0].nattch == null' <<<"$output" || fail "$output"
}

@test "hidepid=invisible: as nobody, bulk removal keeps an object of nobody's that it cannot know is unused" {
	need_full_scan
	need_nobody
	need_hidepid
	theirs=$(new_name)
	as_nobody shmmk -s 1K "$theirs"
	# Root's process maps nobody's object: nobody cannot see that.
	start_posix "$theirs" "root maps it"
	run --separate-stderr -0 with_proc hidepid=2 \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmls" -rn -o ADDRESS --orphans
	refute_listed "$theirs"
	run --separate-stderr -0 with_proc hidepid=2 \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmrm" -v --orphans
	assert_kept "$theirs"
	run --separate-stderr -0 with_proc hidepid=2 \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmrm" -v --unused
	assert_kept "$theirs"
	run --separate-stderr -0 with_proc hidepid=2 \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmrm" -v -u nobody
	assert_stderr_has "shmrm: $theirs: kept: who uses it cannot be seen"
	assert_kept "$theirs"
}

@test "hidepid=noaccess: as nobody, processes listed but not readable make use unknown" {
	need_full_scan
	need_nobody
	need_hidepid
	theirs=$(new_name)
	as_nobody shmmk -s 1K "$theirs"
	start_posix "$theirs" "root maps it"
	run --separate-stderr -0 with_proc hidepid=1 \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmls" -rn -o ADDRESS,NATTCH "$theirs"
	assert_output "$theirs ?"
	run --separate-stderr -0 with_proc hidepid=1 \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmrm" --orphans
	assert_kept "$theirs"
}

@test "hidepid: root, who may inspect every process, still sees who maps an object" {
	need_full_scan
	need_hidepid
	name=$(new_name)
	start_posix "$name" "root's"
	run --separate-stderr -0 with_proc hidepid=2 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $PID"
	assert_equal "$stderr" ""
}

@test "without hidepid, as nobody, root's unreadable maps make use unknown; bulk removal keeps nobody's object" {
	need_full_scan
	need_nobody
	theirs=$(new_name)
	as_nobody shmmk -s 1K "$theirs"
	start_posix "$theirs" "root maps it"
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS,NATTCH "$theirs"
	assert_output "$theirs ?"
	run --separate-stderr -0 as_nobody shmrm -v --orphans
	assert_kept "$theirs"
	run --separate-stderr -0 as_nobody shmrm -v -u nobody
	assert_stderr_has "shmrm: $theirs: kept: who uses it cannot be seen"
	assert_kept "$theirs"
}

# --- #9: PID namespaces ---------------------------------------------------------

@test "outside the initial PID namespace, without SHMTOOLS_PIDNS_PRIVATE, use is unknown and bulk removal keeps" {
	need_full_scan
	name=$(new_name)
	shmmk -s 1K "$name"
	# The suite's own namespace is a child of the machine's.
	run --separate-stderr -0 env -u SHMTOOLS_PIDNS_PRIVATE \
	    shmls -rn -o ADDRESS,NATTCH "$name"
	assert_output "$name ?"
	run --separate-stderr -0 env -u SHMTOOLS_PIDNS_PRIVATE shmrm --orphans
	assert_kept "$name"
	run --separate-stderr -0 env -u SHMTOOLS_PIDNS_PRIVATE shmrm --unused
	assert_kept "$name"
	run --separate-stderr -0 env SHMTOOLS_PIDNS_PRIVATE=0 \
	    shmls -rn -o ADDRESS,NATTCH "$name"
	assert_output "$name ?"
	# Said private, it is trusted: the object is unused.
	run --separate-stderr -0 env SHMTOOLS_PIDNS_PRIVATE=1 \
	    shmls -rn -o ADDRESS,NATTCH "$name"
	assert_output "$name 0"
}

@test "from a child PID namespace, an object a process of the parent maps is of unknown use and kept" {
	need_full_scan
	need_pidns
	name=$(new_name)
	start_posix "$name" "parent's"
	run --separate-stderr -0 in_child_pidns shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name ? ?"
	run --separate-stderr -0 in_child_pidns shmrm -v --orphans
	assert_kept "$name"
	run --separate-stderr -0 in_child_pidns shmrm -v --unused
	assert_kept "$name"
	run --separate-stderr -0 in_child_pidns shmrm -v --all
	assert_stderr_has "shmrm: $name: kept: who uses it cannot be seen"
	assert_kept "$name"
}

@test "from a child PID namespace, a System V segment keeps the kernel's NATTCH; its PIDS are unknown" {
	need_full_scan
	need_pidns
	key=$(new_key)
	start_sysv "$key" "parent's"
	run --separate-stderr -0 in_child_pidns shmls -rn -o ADDRESS,NATTCH,PIDS "$key"
	assert_output "$key 1 ?"
	run --separate-stderr -0 in_child_pidns shmls -J -o NATTCH,PIDS "$key"
	jq -e '.shm[0].nattch == 1' <<<"$output" || fail "$output"
}

@test "from a sibling PID namespace, an object another namespace's process maps is kept" {
	need_full_scan
	need_pidns
	name=$(new_name)
	_next_client
	unshare --pid --fork --kill-child --mount-proc \
	    posix_writer "$name" 8192 "sibling's" "$READY" "$ECHO" 3>&- &
	sib=$!
	wait_for "$READY"
	# unshare ignores SIGTERM while it waits: stop_clients stops its
	# child, pid 1 of the sibling namespace, first.
	printf '%s\n' "$(cat "/proc/$sib/task/$sib/children")" "$sib" \
	    >>"$BATS_TEST_TMPDIR/.shmt-clients"
	# The suite's namespace is their parent: it sees the mapper.
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,COMMAND "$name"
	assert_output "$name 1 posix_writer"
	run --separate-stderr -0 in_child_pidns shmls -rn -o ADDRESS,NATTCH "$name"
	assert_output "$name ?"
	run --separate-stderr -0 in_child_pidns shmrm --orphans
	assert_kept "$name"
}

# --- #10: a main thread that exited -------------------------------------------

@test "a process whose main thread exited still maps its object: NATTCH 1, kept, not shrunk" {
	need_full_scan
	name=$(new_name)
	start_leader_exit map "$name" "threads live on"
	assert_equal "$(awk '{ print $3 }' "/proc/$PID/stat")" Z
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $PID"
	run -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$name"
	run --separate-stderr -0 shmrm --orphans
	assert_kept "$name"
	run --separate-stderr -1 shmresize "$name" 4K
	assert_stderr_has "not shrunk"
	client_sees
	assert_output "threads live on"
}

@test "a process whose main thread exited still holds its object open: NATTCH 1" {
	need_full_scan
	name=$(new_name)
	start_leader_exit hold "$name" "held by a thread"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $PID"
	run --separate-stderr -0 shmrm --unused
	assert_kept "$name"
}

# --- #11: descriptors by device and inode --------------------------------------------

@test "an object held open only through a bind mount of /dev/shm is in use" {
	need_full_scan
	need_root
	name=$(new_name)
	shmmk -s 4K "$name"
	BIND=$BATS_TEST_TMPDIR/bind
	mkdir "$BIND"
	mount --bind /dev/shm "$BIND"
	start_holder holder "$BIND/${name#/}"
	[[ $(readlink "/proc/$holder/fd/5") == "$BIND/"* ]] ||
	    fail "the descriptor reads $(readlink "/proc/$holder/fd/5")"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $holder"
	run --separate-stderr -0 shmrm --orphans
	assert_kept "$name"
	run --separate-stderr -1 shmresize "$name" 1K
	assert_stderr_has "not shrunk"
}

# --- #12: files held by a descriptor or mapped MAP_PRIVATE ------------------------------

@test "a file: held only by an open descriptor is in use, and shmresize will not shrink it" {
	need_full_scan
	path=$BATS_TEST_TMPDIR/held
	shmmk -s 8K "file:$path"
	start_holder holder "$path"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "file:$path"
	assert_output "file:$path 1 $holder"
	run --separate-stderr -1 shmresize "file:$path" 4K
	assert_stderr_has "not shrunk"
	assert_equal "$(stat -c %s "$path")" 8192
	# Growing is harmless.
	shmresize "file:$path" 16K >/dev/null
	assert_equal "$(stat -c %s "$path")" 16384
}

@test "a file: a process maps MAP_PRIVATE is in use; shmresize will not shrink it under the mapper" {
	need_full_scan
	path=$BATS_TEST_TMPDIR/private
	start_private "$path" "private view"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS,COMMAND "file:$path"
	assert_output "file:$path 1 $PID private_mapper"
	run --separate-stderr -1 shmresize "file:$path" 10
	assert_stderr_has "not shrunk"
	assert_equal "$(stat -c %s "$path")" 8192
	# The mapper lives and still reads its pages.
	client_sees
	assert_output "private view"
}

@test "a POSIX object mapped only MAP_PRIVATE is in use" {
	need_full_scan
	name=$(new_name)
	shmmk -s 8K "$name"
	start_private "/dev/shm$name" "private" 8192
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $PID"
	run --separate-stderr -0 shmrm --orphans
	assert_kept "$name"
}

@test "libraries every process maps privately do not make an unrelated file used" {
	need_full_scan
	path=$BATS_TEST_TMPDIR/alone
	shmmk -s 4K "file:$path"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "file:$path"
	assert_output "file:$path 0 "
}

# --- errors never become "unused" ----------------------------------------------------

@test "a /proc that is not a proc shows no process: use is unknown, not none" {
	need_full_scan
	need_root
	name=$(new_name)
	shmmk -s 1K "$name"
	# A sanitizer build reads its options and runs its leak checker
	# through /proc: without one it fails at exit, whatever it is told.
	if ldd "$SHMT_BINDIR/shmls" 2>/dev/null | grep -q libasan; then
		skip "a sanitizer build needs a real /proc"
	fi
	run --separate-stderr -0 unshare --mount --propagation private sh -c '
		mount -t tmpfs -o size=1m,mode=0755 notproc /proc || exit 99
		shmls -rn -o ADDRESS,NATTCH "$1"
		shmrm --orphans' sh "$name"
	assert_output "$name ?"
	assert_kept "$name"
}

@test "from a child PID namespace, a System V segment whose creator it cannot number is no orphan" {
	need_full_scan
	need_pidns
	key=$(new_key)
	# Creates the segment and stays, never attaching it: NATTCH 0.
	start_creator "$key"
	run -0 in_child_pidns shmls -rn -o ADDRESS,NATTCH,CPID "$key"
	# The creator is not numbered in this namespace: no CPID.
	assert_output "$key 0 "
	run -0 in_child_pidns shmls -rn -o ADDRESS --orphans
	refute_listed "$key"
	run --separate-stderr -0 in_child_pidns shmrm --orphans
	assert_kept "$key"
	# Where the creator can be numbered, it is seen to run; once it is
	# gone, the segment is an orphan.
	run -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$key"
	stop_clients
	run -0 shmls -rn -o ADDRESS --orphans
	assert_line "$key"
}

@test "a /proc that cannot be read at all: bulk removal fails and removes nothing" {
	need_full_scan
	need_nobody
	if ldd "$SHMT_BINDIR/shmls" 2>/dev/null | grep -q libasan; then
		skip "a sanitizer build needs a real /proc"
	fi
	theirs=$(new_name)
	as_nobody shmmk -s 1K "$theirs"
	run --separate-stderr -1 unshare --mount --propagation private sh -c '
		mount -t tmpfs -o size=1m,mode=0700 closed /proc || exit 99
		exec "$@" --orphans' sh \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmrm"
	assert_stderr_has "shmrm: cannot list segments"
	assert_kept "$theirs"
}
