#!/usr/bin/env bats
# 94-places-hostile.bats - places made to mislead root: a rootless
# container (unshare -Urm as nobody) that mounts a directory of the host,
# or a root-owned tmpfs, over its own /dev/shm; a /dev/shm on a FUSE file
# system that never answers; a container whose main thread has exited;
# more places than descriptors; a container that names itself after
# another in a cgroup of its own.  Root's -A and -N must never act there
# with more authority than the place's owner, never hang, never leave a
# place out in silence, and never take one container for another.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1), as
# root: the tests make namespaces and mount file systems.

load test_helper

setup() {
	require_hermetic "makes namespaces and mounts"
	need_root
	unshare --ipc --mount --propagation private true 2>/dev/null ||
	    skip "cannot make an IPC and mount namespace"
	NPLACES=0
}

teardown() {
	stop_clients
	cleanup_segments
	if [[ -n ${CHROOTDIR:-} ]]; then
		mountpoint -q "$CHROOTDIR/dev/shm" && umount "$CHROOTDIR/dev/shm"
		rm -rf -- "$CHROOTDIR"
	fi
	if [[ -n ${HOSTDIR:-} ]]; then
		mountpoint -q "$HOSTDIR/run" && umount "$HOSTDIR/run"
		rm -rf -- "$HOSTDIR"
	fi
	if [[ -f $BATS_TEST_TMPDIR/.cgroups ]]; then
		while IFS= read -r base; do
			find "$base" -depth -type d -exec rmdir {} + 2>/dev/null
		done <"$BATS_TEST_TMPDIR/.cgroups"
	fi
	return 0
}

# place VAR SETUP [AS...]: a process in a new IPC and mount namespace
# that runs the shell command SETUP there, then sleeps; VAR is its pid.
# With AS (setpriv ... unshare -Urm, say), SETUP runs under it instead.
place() {
	local _var=$1 setup=$2 _p ready
	shift 2
	NPLACES=$(( NPLACES + 1 ))
	ready=$READYDIR/place$NPLACES
	(( $# > 0 )) || set -- unshare --ipc --mount --propagation private
	start_client _p "$@" sh -c "$setup && : >'$ready' && exec sleep 1000"
	wait_for "$ready" || fail "place $NPLACES did not start ($setup)"
	wait_until 5 _runs "$_p" sleep || fail "place $_p did not exec sleep"
	printf -v "$_var" '%s' "$_p"
}

# ready_dir: where places (some of them nobody's) say they are ready.
ready_dir() {
	READYDIR=$BATS_TEST_TMPDIR/ready
	mkdir -p "$READYDIR"
	chmod 1777 "$READYDIR"
	chmod o+x "$BATS_TEST_TMPDIR" "$(dirname "$BATS_TEST_TMPDIR")" \
	    "$(dirname "$(dirname "$BATS_TEST_TMPDIR")")" 2>/dev/null
	return 0
}

# rootless VAR SETUP: a place of nobody's own user namespace
# (unshare -Urm): nobody is root there, and may mount what it can search.
rootless() {
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    unshare -Urm true 2>/dev/null ||
	    skip "nobody cannot make a user namespace here"
	place "$1" "$2" setpriv --reuid=65534 --regid=65534 --clear-groups \
	    unshare -Urm --ipc --propagation private
}

# host_files: HOSTDIR holds disk/passwd (on a file system that is not a
# tmpfs) and run/passwd (on a root-owned tmpfs, mode 0755, as /run is),
# both root's, mode 0644, that any user can search to.
host_files() {
	local base=/tmp
	[[ $(stat -f -c %T "$base") != tmpfs ]] || base=$SHMT_BUILDDIR/tests
	[[ $(stat -f -c %T "$base") != tmpfs ]] ||
	    skip "no file system but tmpfs to make a host directory on"
	HOSTDIR=$(mktemp -d "$base/shmt-94.XXXXXX")
	chmod 755 "$HOSTDIR"
	mkdir "$HOSTDIR/disk" "$HOSTDIR/run"
	mount -t tmpfs -o size=1m,mode=755 shmt-run "$HOSTDIR/run"
	echo 'root:x:0:0:root:/root:/bin/bash' >"$HOSTDIR/disk/passwd"
	echo 'root:x:0:0:root:/root:/bin/bash' >"$HOSTDIR/run/passwd"
	chmod 644 "$HOSTDIR/disk/passwd" "$HOSTDIR/run/passwd"
	DISK_PRINT=$(fingerprint "$HOSTDIR/disk/passwd")
	RUN_PRINT=$(fingerprint "$HOSTDIR/run/passwd")
}

# assert_host_files: both files of host_files are as they were.
assert_host_files() {
	[[ -f $HOSTDIR/disk/passwd ]] || fail "$1: $HOSTDIR/disk/passwd was removed"
	[[ -f $HOSTDIR/run/passwd ]] || fail "$1: $HOSTDIR/run/passwd was removed"
	assert_equal "$1: $(fingerprint "$HOSTDIR/disk/passwd")" "$1: $DISK_PRINT"
	assert_equal "$1: $(fingerprint "$HOSTDIR/run/passwd")" "$1: $RUN_PRINT"
	[[ ! -e $HOSTDIR/run/planted ]] || fail "$1: made $HOSTDIR/run/planted"
}

# --- 1. never act with more authority than the place's owner --------------

@test "a rootless place that mounts a host directory over its /dev/shm is no place: listed with a note, never removed" {
	ready_dir
	host_files
	rootless A "mount --bind '$HOSTDIR/disk' /dev/shm"
	[[ -f /proc/$A/root/dev/shm/passwd ]] || fail "the bind mount is not there"
	mine=$(new_name)
	shmmk -s 1K "$mine" >/dev/null
	run --separate-stderr -0 shmls -A -rn -o ADDRESS,NSPID
	refute_listed "/passwd $A"
	assert_line --regexp "^$mine [0-9]+$"
	assert_stderr_has "the /dev/shm of PID $A is not a tmpfs or hugetlbfs"
	run --separate-stderr -0 shmrm -v -A --orphans
	assert_stderr_has "PID $A is not a tmpfs"
	assert_host_files "shmrm -A --orphans"
	assert_gone "$mine"
	# -N on it: refused, with the reason, for every program.
	while IFS= read -r line; do
		eval "set -- $line"
		run --separate-stderr "$@"
		assert_equal "$line: $status" "$line: 1"
		assert_stderr_has "the /dev/shm of PID $A is not a tmpfs"
		assert_host_files "$line"
	done <<-EOF
	shmls -N $A
	shmrm -N $A --orphans
	shmrm -N $A /passwd
	shmresize -N $A /passwd 0
	shmput -N $A -d x /passwd
	EOF
}

@test "a rootless place that mounts a root-owned tmpfs over its /dev/shm: root acts there as its owner, and cannot remove, truncate or write root's files" {
	ready_dir
	host_files
	rootless B "mount --bind '$HOSTDIR/run' /dev/shm"
	[[ -f /proc/$B/root/dev/shm/passwd ]] || fail "the bind mount is not there"
	# A tmpfs: listed, as the file it is.
	run --separate-stderr -0 shmls -A -rn -o ADDRESS,NSPID,OWNER
	assert_line "/passwd $B root"
	# The dry run says what the real one does: nothing to remove there.
	run --separate-stderr -0 shmrm -n -N "$B" --orphans
	assert_output ""
	assert_stderr_has "would remove 0 segments"
	assert_stderr_has "skipped 1"
	run --separate-stderr -0 shmrm -v -N "$B" --orphans
	assert_stderr_has "removed 0 segments"
	assert_host_files "shmrm -N --orphans"
	run --separate-stderr -0 shmrm -v -A --orphans
	assert_host_files "shmrm -A --orphans"
	run --separate-stderr -1 shmrm -N "$B" /passwd
	assert_stderr_has "/passwd"
	assert_host_files "shmrm -N /passwd"
	run --separate-stderr -1 shmresize -N "$B" /passwd 0
	assert_stderr_has "/passwd"
	assert_host_files "shmresize -N /passwd 0"
	run --separate-stderr -1 shmput -N "$B" -d overwritten /passwd
	assert_host_files "shmput -N"
	run --separate-stderr -1 shmmk -N "$B" -s 1K /planted
	assert_host_files "shmmk -N"
}

@test "in a rootless place with a tmpfs of its own, root still removes its orphans and makes objects as its owner" {
	ready_dir
	rootless C "mount -t tmpfs -o size=1m,mode=1777 shmt-own /dev/shm && echo x >/dev/shm/left"
	run --separate-stderr -0 shmrm -v -N "$C" --orphans
	assert_stderr_has "removed 1 segment"
	[[ ! -e /proc/$C/root/dev/shm/left ]] || fail "its orphan is still there"
	run --separate-stderr -0 shmmk -N "$C" -s 1K /made
	assert_output /made
	# Made as the place's root would make it: nobody's, as we number it.
	assert_equal "$(stat -c %u "/proc/$C/root/dev/shm/made")" 65534
}

# --- 4. a /dev/shm that never answers ------------------------------------

@test "a container whose /dev/shm is a FUSE mount that never answers: -A finishes with a note and lists the others, -N refuses" {
	command -v fuse_mute >/dev/null || fail "tests/clients/fuse_mute is not built"
	if [[ ! -c /dev/fuse ]]; then
		[[ ${SHMT_CI:-} != 1 ]] || fail "no /dev/fuse, but CI must run this test"
		skip "no /dev/fuse"
	fi
	ready_dir
	start_client F unshare --ipc --mount --propagation private \
	    fuse_mute /dev/shm "$READYDIR/fuse"
	wait_until 5 _up_or_gone "$F" "$READYDIR/fuse" ||
	    fail "fuse_mute $F neither mounted nor exited"
	if [[ ! -e $READYDIR/fuse ]]; then
		wait "$F" && st=0 || st=$?
		(( st == 3 )) || fail "fuse_mute failed ($st)"
		[[ ${SHMT_CI:-} != 1 ]] || fail "cannot mount FUSE, but CI must run this test"
		skip "cannot mount a FUSE file system here"
	fi
	place E 'mount -t tmpfs -o size=1m,mode=1777 shmt-e /dev/shm'
	name=$(new_name)
	nsenter_at "$E" --ipc --mount -- shmmk -s 1K "$name" >/dev/null
	export SHMTOOLS_PLACE_WAIT_MS=200
	# (timeout only keeps a regression from stopping the suite.)
	run --separate-stderr timeout 60 shmls -A -rn -o ADDRESS,NSPID
	assert_equal "$status" 0
	assert_line "$name $E"
	assert_stderr_has "the /dev/shm of PID $F does not answer"
	run --separate-stderr timeout 60 shmls -N "$F"
	assert_equal "$status" 1
	assert_stderr_has "the /dev/shm of PID $F does not answer"
	run --separate-stderr timeout 60 shmrm -v -A --orphans
	assert_equal "$status" 0
	assert_stderr_has "PID $F does not answer"
	[[ ! -e /proc/$E/root/dev/shm$name ]] || fail "the orphan of $E was kept"
}

# _up_or_gone PID FILE: FILE is there, or PID has exited.
_up_or_gone() {
	[[ -e $2 ]] || ! kill -0 "$1" 2>/dev/null
}

# --- 5. a container whose main thread exited -----------------------------

@test "a container whose only process's main thread exited: -A lists its segments, -N reaches it" {
	ready_dir
	key=$(new_key) name=$(new_name)
	start_client L unshare --ipc --mount --propagation private sh -c "
	    mount -t tmpfs -o size=1m,mode=1777 shmt-l /dev/shm &&
	    shmmk -s 1K $key >/dev/null &&
	    exec leader_exit hold $name 8192 held '$READYDIR/leader'"
	wait_for "$READYDIR/leader" || fail "leader_exit did not start"
	read -r pid <"$READYDIR/leader"
	assert_equal "$pid" "$L"
	run --separate-stderr -0 shmls -A -rn -o ADDRESS,NSPID
	assert_line "$key $L"
	assert_line "$name $L"
	assert_equal "$stderr" ""
	run --separate-stderr -0 shmls -N "$L" -rn -o ADDRESS,NATTCH
	assert_line "$key 0"
	assert_line "$name 1"
	# In use by its live thread: bulk removal keeps it.
	run --separate-stderr -0 shmrm -v -A --orphans
	[[ -e /proc/$L/task/$(ls "/proc/$L/task" | tail -1)/root/dev/shm$name ]] ||
	    fail "the held object was removed"
}

# --- 8. out of descriptors, no place is left out -----------------------------

@test "with fewer descriptors than places, -A lists every place or fails and says why" {
	ready_dir
	names=()
	for i in $(seq 1 30); do
		place P 'mount -t tmpfs -o size=1m,mode=1777 shmt-p /dev/shm'
		n=$(new_name)
		nsenter_at "$P" --ipc --mount -- shmmk -s 1K "$n" >/dev/null
		names+=("$n")
	done
	for cmd in "shmls -A -rn -o ADDRESS" "shmls --metrics -A" \
	    "shmrm -n -A --orphans"; do
		run --separate-stderr bash -c "ulimit -n 40 && exec $cmd"
		if (( status == 0 )); then
			for n in "${names[@]}"; do
				[[ "$output$stderr" == *"$n"* ]] ||
				    [[ $cmd == *metrics* ]] ||
				    fail "$cmd: exit 0 without $n"
			done
			[[ $cmd != *metrics* ]] ||
			    fail "$cmd: exit 0 with 40 descriptors for 30 places"
		else
			assert_equal "$cmd: $status" "$cmd: 1"
			assert_stderr_has "Too many open files"
		fi
	done
}

# --- 9. CONTAINER names the runtime's, not a child cgroup's --------------------

@test "CONTAINER: a container that moves itself into a child cgroup named after another keeps its own id" {
	ready_dir
	place C 'mount -t tmpfs -o size=1m,mode=1777 shmt-c /dev/shm'
	id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	other=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
	path=system.slice/docker-$id.scope/docker-$other.scope
	moved=
	for h in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do
		[[ -w $h/cgroup.procs ]] || continue
		base=$h/shmt-94-$$-$BATS_TEST_NUMBER
		mkdir -p "$base/$path" 2>/dev/null || continue
		printf '%s\n' "$base" >>"$BATS_TEST_TMPDIR/.cgroups"
		echo "$C" >"$base/$path/cgroup.procs" 2>/dev/null && moved=1 && break
	done
	[[ -n $moved ]] || skip "no writable cgroup hierarchy to nest a cgroup in"
	grep -q "docker-$other.scope" "/proc/$C/cgroup" ||
	    fail "the cgroup is not in /proc/$C/cgroup: $(cat "/proc/$C/cgroup")"
	key=$(new_key)
	nsenter_at "$C" --ipc --mount -- shmmk -s 1K "$key" >/dev/null
	run --separate-stderr -0 shmls -N "$C" -rn -o CONTAINER,ADDRESS
	assert_output "$id $key"
	run --separate-stderr -0 shmls -A -rn -o CONTAINER,ADDRESS
	assert_line "$id $key"
	refute_listed --partial "$other"
}

@test "--metrics -A: a chroot with its own /dev/shm in our namespaces is its own place, and no series is printed twice" {
	# A build chroot: our IPC and mount namespace, another root, and a
	# tmpfs of its own on its /dev/shm.  -A tells it apart by its root;
	# its metrics must not take the label of our place (finding 3).
	CHROOTDIR=$BATS_TEST_TMPDIR/root
	mkdir -p "$CHROOTDIR/dev/shm"
	mount -t tmpfs -o mode=1777,size=1m chrootshm "$CHROOTDIR/dev/shm"
	printf x >"$CHROOTDIR/dev/shm/in-chroot"
	start_client c "$SHMT_BUILDDIR/tests/clients/chrooted" "$CHROOTDIR" \
	    "$BATS_TEST_TMPDIR/ready"
	wait_for "$BATS_TEST_TMPDIR/ready"
	run --separate-stderr shmls --metrics -A
	assert_success
	dups=$(grep -v '^#' <<<"$output" | awk '{ print $1 }' | sort | uniq -d)
	assert_equal "duplicate series: $dups" "duplicate series: "
	# Both places are there, told apart by their /dev/shm.
	assert_output --regexp 'place="ipc:[0-9]+,mnt:[0-9]+,shm:[0-9]+:[0-9]+:[0-9]+"'
	run --separate-stderr shmls -A -r -o NSPID,ADDRESS --posix
	assert_success
	assert_output --partial "$c /in-chroot"
}

@test "shmmk -N PID --ftok PATH: PATH is the place's, as nsenter --mount resolves it, not the host's" {
	# The same path names one file here and another in the container
	# (a tmpfs of its own over the directory): the key is the one the
	# container's program computes with ftok(3) (finding 7).
	ready_dir
	FTOKDIR=$BATS_TEST_TMPDIR/ftok
	mkdir -p "$FTOKDIR"
	: >"$FTOKDIR/app.conf"
	place C "mount -t tmpfs -o size=1m shmt-ftok '$FTOKDIR' && : >'$FTOKDIR/app.conf' && : >'$FTOKDIR/pad'"
	host_key=$(python3 -c 'import os,sys; st=os.stat(sys.argv[1]); print("0x%08x" % ((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) | (7 << 24)))' "$FTOKDIR/app.conf")
	their_key=$(nsenter_at "$C" -m python3 -c 'import os,sys; st=os.stat(sys.argv[1]); print("0x%08x" % ((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) | (7 << 24)))' "$FTOKDIR/app.conf")
	[[ $host_key != "$their_key" ]] || skip "the two files give one key by chance"
	run --separate-stderr -0 shmmk -N "$C" -s 1K --ftok "$FTOKDIR/app.conf:7"
	assert_output "$their_key"
	run --separate-stderr -0 shmls -N "$C" -r --noheadings -o ADDRESS "$their_key"
	assert_output "$their_key"
	# A file only the host has (the container's tmpfs hides it) is an
	# error, never the host's file.
	: >"$FTOKDIR/host-only"
	run --separate-stderr -1 shmmk -N "$C" -s 1K --ftok "$FTOKDIR/host-only"
	assert_output ""
	assert_stderr_has "No such file or directory"
	nsenter -t "$C" -i ipcrm -M "$their_key"
}
