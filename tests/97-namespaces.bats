#!/usr/bin/env bats
# 97-namespaces.bats - places: the System V segments of another IPC
# namespace and the POSIX objects of another /dev/shm, reached with -N PID
# by every program and listed all at once by shmls -A and shmrm -A.
#
# The suite makes its own "containers" inside run-bats's namespaces: a
# sleep in a new IPC and mount namespace with its own tmpfs on /dev/shm
# (or a shared one bind-mounted, or a hostile /dev/shm it planted).  The
# same shmid and the same name in two places must never be confused: not
# by -N, not in who is attached, not in what bulk removal removes.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1), as
# root: the tests make namespaces and mount tmpfs.

load test_helper

setup() {
	require_hermetic "makes IPC and mount namespaces"
	need_root
	unshare --ipc --mount --propagation private true 2>/dev/null ||
	    skip "cannot make an IPC and mount namespace"
	NCONTAINERS=0
}

teardown() {
	stop_clients
	cleanup_segments
	cleanup_nobody
	cleanup_cgroups
	if mountpoint -q "$BATS_TEST_TMPDIR/shared" 2>/dev/null; then
		umount "$BATS_TEST_TMPDIR/shared"
	fi
	return 0
}

# --- containers ----------------------------------------------------------

# start_container VAR [HOW]: a "container": a sleep in a new IPC and mount
# namespace; VAR is its pid, once its /dev/shm is set up.  HOW says what
# its /dev/shm is:
#   own (default)  a tmpfs of its own
#   bind:DIR       DIR bind-mounted (a /dev/shm shared by containers)
#   ipc            the caller's (only the IPC namespace is new)
#   symlink:PATH   a symbolic link to PATH, on a tmpfs over /dev
#   fifo, file     a FIFO or a regular file, on a tmpfs over /dev
#   none           nothing: an empty tmpfs over /dev
#   pidns [CMD]    a tmpfs of its own, and a PID namespace of its own, as
#                  Docker makes: VAR is its PID 1 (as we number it); CMD
#                  runs in the background inside
# stop_clients kills it, and with it its namespaces and what they held.
start_container() {
	local _var=$1 how=${2:-own} setup _c ready pidns=()
	NCONTAINERS=$(( NCONTAINERS + 1 ))
	ready=$BATS_TEST_TMPDIR/container$NCONTAINERS.ready
	case $how in
	own)	setup='mount -t tmpfs -o size=16m,mode=1777 shmt-c /dev/shm' ;;
	pidns)	setup="mount -t tmpfs -o size=16m,mode=1777 shmt-c /dev/shm${3:+ && { ($3) & true; \}}"
		pidns=(--pid --fork --kill-child --mount-proc) ;;
	bind:*)	setup="mount --bind '${how#bind:}' /dev/shm" ;;
	ipc)	setup=: ;;
	symlink:*)
		setup="mount -t tmpfs shmt-dev /dev && ln -s '${how#symlink:}' /dev/shm" ;;
	fifo)	setup='mount -t tmpfs shmt-dev /dev && mkfifo /dev/shm' ;;
	file)	setup='mount -t tmpfs shmt-dev /dev && echo planted >/dev/shm' ;;
	none)	setup='mount -t tmpfs shmt-dev /dev' ;;
	*)	fail "start_container: unknown HOW $how" ;;
	esac
	if (( ${#pidns[@]} == 0 )); then
		start_client _c unshare --ipc --mount --propagation private \
		    sh -c "$setup && : >'$ready' && exec sleep 1000"
		wait_for "$ready" || fail "container $NCONTAINERS ($how) did not start"
		wait_until 5 _runs "$_c" sleep || fail "container $_c did not exec sleep"
		printf -v "$_var" '%s' "$_c"
		return
	fi
	# PID 1 of a PID namespace ignores the signals it has no handler for,
	# and unshare ignores SIGTERM while it waits: PID 1 is a shell that
	# exits on SIGTERM, and stop_clients stops it before unshare.
	unshare --ipc --mount "${pidns[@]}" --propagation private \
	    sh -c "$setup && : >'$ready' && trap 'exit 0' TERM && { sleep 1000 & wait; }" 3>&- &
	local unshare=$!
	wait_until 5 _has_child "$unshare" || fail "unshare $unshare did not fork"
	_c=$(cat "/proc/$unshare/task/$unshare/children")
	_c=${_c%% *}
	printf '%s\n' "$_c" "$unshare" >>"$BATS_TEST_TMPDIR/.shmt-clients"
	wait_for "$ready" || fail "container $NCONTAINERS ($how) did not start"
	printf -v "$_var" '%s' "$_c"
}

# _has_child PID: has PID a child yet?  (A file of /proc has size 0.)
_has_child() {
	[[ -n $(cat "/proc/$1/task/$1/children" 2>/dev/null) ]]
}

# shared_tmpfs: a tmpfs at $SHARED, to bind-mount into containers.
shared_tmpfs() {
	SHARED=$BATS_TEST_TMPDIR/shared
	mkdir -p "$SHARED"
	mount -t tmpfs -o size=16m,mode=1777 shmt-shared "$SHARED"
}

# in_c PID CMD...: run CMD in the place of PID (its IPC and mount
# namespaces), without the tools' -N: the witness.
in_c() {
	local pid=$1
	shift
	nsenter_at "$pid" --ipc --mount -- "$@"
}

# c_field PID KEY|id:N FIELD: sysv_field, in the IPC namespace of PID.
c_field() {
	in_c "$1" bash -c "$(declare -f sysv_field); sysv_field \"\$@\"" \
	    c_field "$2" "$3"
}

# c_exists PID ADDRESS: segment_exists, in the place of PID.
c_exists() {
	case $2 in
	/*) [[ -e /proc/$1/root/dev/shm$2 || -L /proc/$1/root/dev/shm$2 ]] ;;
	*) [[ -n $(c_field "$1" "$2" shmid) ]] ;;
	esac
}

# c_devshm PID: the /dev/shm of PID, as the caller reaches it.
c_devshm() {
	printf '/proc/%s/root/dev/shm\n' "$1"
}

# next_shmid [PID] ID: the next System V segment made in the IPC namespace
# of PID (default: ours) gets shmid ID (kernel.shm_next_id).
next_shmid() {
	if (( $# == 2 )); then
		in_c "$1" sh -c "echo $2 >/proc/sys/kernel/shm_next_id"
	else
		echo "$1" >/proc/sys/kernel/shm_next_id
	fi
}

# ns_ino PID ipc|mnt: the inode number of a namespace of PID, as lsns
# prints it.
ns_ino() {
	local l
	l=$(readlink "/proc/$1/ns/$2") || return 1
	l=${l#*[}
	printf '%s\n' "${l%]}"
}

# start_sysv_in PID KEY TEXT: a sysv_writer attached to KEY in the IPC
# namespace of PID; PID and ECHO as start_sysv sets them.
start_sysv_in() {
	_next_client
	start_client PID nsenter -t "$1" --root --wd="$PWD" --ipc --mount -- \
	    sysv_writer "${2#0x}" 4096 "$3" "$READY" "$ECHO"
	wait_for "$READY"
}

# start_posix_in PID /NAME TEXT: a posix_writer mapping /NAME of the
# /dev/shm of PID, itself in that place.
start_posix_in() {
	_next_client
	start_client PID nsenter -t "$1" --root --wd="$PWD" --ipc --mount -- \
	    posix_writer "$2" 8192 "$3" "$READY" "$ECHO"
	wait_for "$READY"
}

# orphan_in PID ADDRESS: a 1K segment at ADDRESS in the place of PID that
# no process uses, whose creator (shmmk) has exited.
orphan_in() {
	in_c "$1" shmmk -s 1K "$2" >/dev/null
}

# put_in PID ADDRESS TEXT: the segment holds TEXT (and its NUL), written in
# the place of PID without -N.
put_in() {
	printf '%s\0' "$3" | in_c "$1" shmput "$2"
}

# same_in_both: a container C, and a System V segment $key and a POSIX
# object $name of 1K both here and there.
same_in_both() {
	start_container C
	key=$(new_key) name=$(new_name)
	orphan_in $$ "$key"
	orphan_in $$ "$name"
	orphan_in "$C" "$key"
	orphan_in "$C" "$name"
}

# rows_of ADDRESS: how many rows of shmls -J in $output have ADDRESS.
rows_of() {
	jq --arg a "$1" '[.shm[] | select(.address == $a)] | length' <<<"$output"
}

# --- cgroups (CONTAINER) ---------------------------------------------------

# cgroup_as PID PATH: move PID into a new cgroup PATH under a scratch
# directory of the cgroup v2 (or name=systemd v1) hierarchy, so that its
# /proc/PID/cgroup names PATH; skip where no hierarchy is writable.
cgroup_as() {
	local pid=$1 path=$2 base h
	for h in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do
		[[ -w $h/cgroup.procs ]] || continue
		base=$h/shmt-test-$$-$BATS_TEST_NUMBER
		mkdir -p "$base/$path" 2>/dev/null || continue
		printf '%s\n' "$base" >>"$BATS_TEST_TMPDIR/.cgroups"
		echo "$pid" >"$base/$path/cgroup.procs" 2>/dev/null ||
		    fail "cannot move $pid into $base/$path"
		CGROUP_ROOT=$h
		return 0
	done
	skip "no writable cgroup hierarchy to name a container in"
}

# cleanup_cgroups: remove the scratch cgroups (after stop_clients emptied
# them).
cleanup_cgroups() {
	local base
	[[ -f $BATS_TEST_TMPDIR/.cgroups ]] || return 0
	while IFS= read -r base; do
		find "$base" -depth -type d -exec rmdir {} + 2>/dev/null
	done <"$BATS_TEST_TMPDIR/.cgroups"
	rm -f -- "$BATS_TEST_TMPDIR/.cgroups"
}

# --- -N: the same shmid and the same name in two places --------------------

@test "same shmid here and in a container: shmcat -N reads the container's, shmcat ours" {
	start_container C
	next_shmid 7
	shmmk -s 1K "$(new_key)" >/dev/null
	put_in $$ id:7 host
	next_shmid "$C" 7
	in_c "$C" shmmk -s 1K "$(new_key)" >/dev/null
	put_in "$C" id:7 container
	run --separate-stderr -0 shmcat -s id:7
	assert_output host
	run --separate-stderr -0 shmcat -s -N "$C" id:7
	assert_output container
	assert_equal "$stderr" ""
	# Every spelling of the option.
	run -0 shmcat -s --namespace="$C" id:7
	assert_output container
	run -0 shmcat -s --namespace "$C" id:7
	assert_output container
	run -0 shmcat -s -N"$C" id:7
	assert_output container
}

@test "same POSIX name here and in a container: shmcat -N reads the container's" {
	start_container C
	name=$(new_name)
	shmmk -s 1K "$name" >/dev/null
	put_in $$ "$name" host
	in_c "$C" shmmk -s 1K "$name" >/dev/null
	put_in "$C" "$name" container
	run --separate-stderr -0 shmcat -s -N "$C" "$name"
	assert_output container
	run -0 shmcat -s "$name"
	assert_output host
	# A name only the container has is not ours, and the reverse.
	only=$(new_name)
	in_c "$C" shmmk -s 1K "$only" >/dev/null
	run --separate-stderr -1 shmcat "$only"
	assert_output ""
	run --separate-stderr -0 shmcat -N "$C" "$only"
}

@test "shmls -N lists the container's segments and none of ours" {
	start_container C
	ours_key=$(new_key) ours_name=$(new_name)
	shmmk -s 1K "$ours_key" >/dev/null
	shmmk -s 1K "$ours_name" >/dev/null
	theirs_key=$(new_key) theirs_name=$(new_name)
	in_c "$C" shmmk -s 2K "$theirs_key" >/dev/null
	in_c "$C" shmmk -s 3K "$theirs_name" >/dev/null
	run --separate-stderr -0 shmls -N "$C" -rn -b -o TYPE,ADDRESS,SIZE
	assert_output "sysv $theirs_key 2048"$'\n'"posix $theirs_name 3072"
	# Without -N, ours only.
	run -0 shmls -rn -b -o TYPE,ADDRESS,SIZE
	assert_output "sysv $ours_key 1024"$'\n'"posix $ours_name 1024"
	# An ADDRESS of the container's.
	run -0 shmls -N "$C" -rn -o ADDRESS "$theirs_key" "$theirs_name"
	assert_output "$theirs_key"$'\n'"$theirs_name"
	run --separate-stderr -1 shmls -N "$C" -rn -o ADDRESS "$ours_name"
	assert_output ""
}

@test "shmmk -N creates in the container's IPC namespace and /dev/shm, not ours" {
	start_container C
	key=$(new_key) name=$(new_name)
	run --separate-stderr -0 shmmk -N "$C" -s 4K "$key"
	assert_output "$key"
	run --separate-stderr -0 shmmk -N "$C" -s 4K "$name"
	assert_output "$name"
	assert_equal "$(c_field "$C" "$key" size)" 4096
	[[ -f $(c_devshm "$C")$name ]] || fail "$name is not in the container's /dev/shm"
	assert_gone "$key" "$name"
	# A private segment: its id:N is the container's.
	run --separate-stderr -0 shmmk -N "$C" -p -s 8K
	[[ $output == id:* ]] || fail "shmmk -p printed $output"
	assert_equal "$(c_field "$C" "$output" size)" 8192
	assert_equal "$(sysv_count)" 0
	# Exclusive: the container's existing segment is an error.
	run --separate-stderr -1 shmmk -N "$C" -s 4K "$name"
	assert_output ""
}

@test "shmput -N writes the container's segment, not ours with the same shmid and name" {
	start_container C
	name=$(new_name)
	next_shmid 11
	shmmk -s 1K "$(new_key)" >/dev/null
	shmmk -s 1K "$name" >/dev/null
	put_in $$ id:11 host
	put_in $$ "$name" host
	next_shmid "$C" 11
	in_c "$C" shmmk -s 1K "$(new_key)" >/dev/null
	in_c "$C" shmmk -s 1K "$name" >/dev/null
	run --separate-stderr -0 shmput -N "$C" -d 'new data' id:11
	run --separate-stderr -0 shmput -N "$C" -d 'new data' "$name"
	assert_equal "$(in_c "$C" shmcat -s id:11)" "new data"
	assert_equal "$(in_c "$C" shmcat -s "$name")" "new data"
	assert_equal "$(shmcat -s id:11)" host
	assert_equal "$(shmcat -s "$name")" host
}

@test "shmrm -N removes the container's segment with a key and a name we have too" {
	same_in_both
	run --separate-stderr -0 shmrm -v -N "$C" "$key" "$name"
	assert_line "removed $key"
	assert_line "removed $name"
	! c_exists "$C" "$key" || fail "the container's $key is still there"
	! c_exists "$C" "$name" || fail "the container's $name is still there"
	assert_kept "$key" "$name"
	# Now missing there: an error, ours still kept.
	run --separate-stderr -1 shmrm -N "$C" "$name"
	assert_kept "$name"
}

@test "shmresize -N resizes the container's segment, not ours" {
	same_in_both
	put_in "$C" "$key" 'keep me'
	run --separate-stderr -0 shmresize -N "$C" "$name" 8K
	assert_output "$name"
	assert_equal "$(stat -c %s "$(c_devshm "$C")$name")" 8192
	assert_equal "$(stat -c %s "/dev/shm$name")" 1024
	run --separate-stderr -0 shmresize -N "$C" "$key" 8K
	assert_equal "$(c_field "$C" "$key" size)" 8192
	assert_equal "$(in_c "$C" shmcat -s "$key")" 'keep me'
	assert_equal "$(sysv_field "$key" size)" 1024
}

@test "shmrm -N PID --orphans removes the container's orphans only" {
	# The same key and name here, orphans too: kept.
	same_in_both
	# In use in the container: by a process inside, and by a process
	# of ours that maps the container's object through its root.
	used_key=$(new_key) used_name=$(new_name) ours_maps=$(new_name)
	start_sysv_in "$C" "$used_key" inside
	start_posix_in "$C" "$used_name" inside
	orphan_in "$C" "$ours_maps"
	start_file "$(c_devshm "$C")$ours_maps" outside 1024
	run --separate-stderr -0 shmrm -v -N "$C" --orphans
	assert_output "removed $key"$'\n'"removed $name"
	! c_exists "$C" "$key" || fail "the container's orphan $key was kept"
	! c_exists "$C" "$name" || fail "the container's orphan $name was kept"
	c_exists "$C" "$used_key" || fail "$used_key, attached in the container, was removed"
	c_exists "$C" "$used_name" || fail "$used_name, mapped in the container, was removed"
	c_exists "$C" "$ours_maps" || fail "$ours_maps, mapped from here, was removed"
	assert_kept "$key" "$name"
}

# --- users are matched by (IPC namespace, shmid), (device, inode) ------------

@test "attached in a container only: PIDS and NATTCH on the container's row, not on ours with the same shmid" {
	need_sysv_writer
	start_container C
	next_shmid 5
	shmmk -s 4K "$(new_key)" >/dev/null
	next_shmid "$C" 5
	start_sysv_in "$C" "$(new_key)" inside
	writer=$PID
	assert_equal "$(c_field "$C" id:5 nattch)" 1
	run --separate-stderr -0 shmls -J -o ID,NATTCH,PIDS,COMMAND id:5
	jq -e '.shm[0] | .id == 5 and .nattch == 0 and .pids == [] and
	    .command == []' <<<"$output" || fail "our id:5: $output"
	run --separate-stderr -0 shmls -N "$C" -J -o ID,NATTCH,PIDS,COMMAND id:5
	jq -e --argjson p "$writer" '.shm[0] | .id == 5 and .nattch == 1 and
	    .pids == [$p] and .command == ["sysv_writer"]' <<<"$output" ||
	    fail "the container's id:5: $output"
	# Not an orphan, not unused, there; ours is unused.
	run -0 shmls -N "$C" -rn -o ID --unused
	assert_output ""
	run -0 shmls -rn -o ID --unused
	assert_output 5
}

@test "attached here only: the container's segment with the same shmid has no users" {
	need_sysv_writer
	start_container C
	next_shmid 9
	start_sysv "$(new_key)" here
	writer=$PID
	next_shmid "$C" 9
	theirs=$(new_key)
	in_c "$C" shmmk -s 4K "$theirs" >/dev/null
	run --separate-stderr -0 shmls -N "$C" -rn -o ID,NATTCH,PIDS id:9
	assert_output "9 0 "
	run --separate-stderr -0 shmls -rn -o ID,NATTCH,PIDS id:9
	assert_output "9 1 $writer"
	# The container's is unused, and removed as such; ours is kept.
	run --separate-stderr -0 shmrm -v -N "$C" --unused
	assert_output "removed $theirs"
	! c_exists "$C" "$theirs" || fail "the container's $theirs was kept"
	assert_kept id:9
}

@test "POSIX: a process of ours mapping the container's object is its user; our object of that name has none" {
	need_full_scan
	start_container C
	name=$(new_name)
	shmmk -s 1K "$name" >/dev/null
	orphan_in "$C" "$name"
	start_file "$(c_devshm "$C")$name" mapped 1024
	mapper=$PID
	run --separate-stderr -0 shmls -N "$C" -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $mapper"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 0 "
}

@test "a container with its own PID namespace, as Docker makes: reached by our PID for it, users and orphans judged from here" {
	need_sysv_writer
	need_full_scan
	used=$(new_key) orphan=$(new_key) name=$(new_name)
	ready=$BATS_TEST_TMPDIR/inside.ready
	start_container C pidns "exec sysv_writer ${used#0x} 4096 inside '$ready'"
	wait_for "$ready"
	writer=
	for p in $(cat "/proc/$C/task/$C/children"); do
		! _runs "$p" sysv_writer || writer=$p
	done
	[[ -n $writer ]] || fail "no sysv_writer among the children of $C"
	# Made by processes of its PID namespace, which have exited.
	nsenter_at "$C" --pid --ipc --mount -- shmmk -s 1K "$orphan" >/dev/null
	nsenter_at "$C" --pid --ipc --mount -- shmmk -s 1K "$name" >/dev/null
	run --separate-stderr -0 shmls -N "$C" -J -o ADDRESS,NATTCH,PIDS,NSPID
	jq -e --arg u "$used" --argjson w "$writer" --argjson c "$C" '
	    .shm[] | select(.address == $u) |
	    .nattch == 1 and .pids == [$w] and .nspid == $c' <<<"$output" ||
	    fail "$output"
	run --separate-stderr -0 shmls -A -J -o ADDRESS,NSPID
	nspid=$(jq -r --arg u "$used" '.shm[] | select(.address == $u) | .nspid' <<<"$output")
	assert_equal "$(ns_ino "$nspid" ipc)" "$(ns_ino "$C" ipc)"
	run -0 shmcat -s -N "$nspid" "$used"
	assert_output inside
	run --separate-stderr -0 shmrm -v -A --orphans
	assert_line "removed -N $nspid $orphan"
	assert_line "removed -N $nspid $name"
	refute_listed --partial "$used"
	c_exists "$C" "$used" || fail "$used, attached inside, was removed"
	! c_exists "$C" "$orphan" || fail "orphan $orphan was kept"
}

# --- -A: every place, once --------------------------------------------------

# many_places: our place, a container A with its own /dev/shm (and a
# second process in it), containers B and C with their own IPC
# namespaces sharing one bind-mounted tmpfs, and D with its own IPC
# namespace and our /dev/shm.  One System V segment in each IPC namespace
# (KH KA KB KC KD, all with shmid 3), POSIX objects /dup here and in A,
# NA in A and NS in the shared tmpfs; each holds its own text.
many_places() {
	shared_tmpfs
	start_container A
	start_client A2 nsenter -t "$A" --root --wd="$PWD" --ipc --mount -- sleep 1000
	wait_until 5 _runs "$A2" sleep
	start_container B "bind:$SHARED"
	start_container C "bind:$SHARED"
	start_container D ipc
	KH=$(new_key) KA=$(new_key) KB=$(new_key) KC=$(new_key) KD=$(new_key)
	DUP=$(new_name) NA=$(new_name) NS=$(new_name)
	local p k
	for p in $$:"$KH" "$A:$KA" "$B:$KB" "$C:$KC" "$D:$KD"; do
		k=${p#*:}
		next_shmid "${p%%:*}" 3
		in_c "${p%%:*}" shmmk -s 1K "$k" >/dev/null
		put_in "${p%%:*}" "$k" "sysv $k"
	done
	orphan_in $$ "$DUP"
	put_in $$ "$DUP" "ours"
	orphan_in "$A" "$DUP"
	put_in "$A" "$DUP" "A's"
	orphan_in "$A" "$NA"
	put_in "$A" "$NA" "A's own"
	orphan_in "$B" "$NS"
	put_in "$C" "$NS" "shared"
}

@test "shmls -A lists every place once: a /dev/shm bind-mounted into two containers is one" {
	many_places
	run --separate-stderr -0 shmls -A -J -o TYPE,ADDRESS,ID,IPCNS,MNTNS,NSPID,CONTAINER
	jq -e . >/dev/null <<<"$output" || fail "not JSON: $output"
	for k in "$KH" "$KA" "$KB" "$KC" "$KD" "$NA" "$NS"; do
		assert_equal "$k: $(rows_of "$k")" "$k: 1"
	done
	assert_equal "$DUP: $(rows_of "$DUP")" "$DUP: 2"
	assert_equal "$(jq '.shm | length' <<<"$output")" 9
	# Each System V row is in the IPC namespace of its container, shmid 3.
	for p in $$:"$KH" "$A:$KA" "$B:$KB" "$C:$KC" "$D:$KD"; do
		jq -e --arg k "${p#*:}" --argjson ns "$(ns_ino "${p%%:*}" ipc)" '
		    .shm[] | select(.address == $k) | .ipcns == $ns and .id == 3
		' <<<"$output" || fail "${p#*:}: not in the IPC namespace of ${p%%:*}: $output"
	done
	# NSPID is a process of that place: its IPC namespace for System V,
	# its /dev/shm for POSIX, and MNTNS its mount namespace.
	while IFS=$'\t' read -r type addr ipcns mntns nspid; do
		assert_equal "$addr ipc: $(ns_ino "$nspid" ipc)" "$addr ipc: $ipcns"
		assert_equal "$addr mnt: $(ns_ino "$nspid" mnt)" "$addr mnt: $mntns"
		[[ $type == posix ]] || continue
		[[ -f /proc/$nspid/root/dev/shm$addr ]] ||
		    fail "$addr: not in the /dev/shm of NSPID $nspid"
	done < <(jq -r '.shm[] | [.type, .address, .ipcns, .mntns, .nspid] | @tsv' <<<"$output")
	# The shared tmpfs, by B or C; A's own objects, by A or its second
	# process; our place first.
	jq -e --argjson b "$B" --argjson c "$C" --arg n "$NS" '
	    .shm[] | select(.address == $n) | .nspid == $b or .nspid == $c
	' <<<"$output"
	jq -e --argjson a "$A" --argjson a2 "$A2" --arg n "$NA" '
	    .shm[] | select(.address == $n) | .nspid == $a or .nspid == $a2
	' <<<"$output"
	jq -e --argjson ns "$(ns_ino $$ ipc)" '.shm[0].ipcns == $ns' <<<"$output"
}

@test "shmls -A in JSON: ipcns, mntns and nspid are numbers, container a string or null" {
	many_places
	run --separate-stderr -0 shmls -A -J -o ADDRESS,IPCNS,MNTNS,NSPID,CONTAINER
	jq -e '.shm | length > 0 and all(.[];
	    (.ipcns | type) == "number" and (.mntns | type) == "number" and
	    (.nspid | type) == "number" and
	    (.container == null or (.container | type) == "string"))
	' <<<"$output" || fail "$output"
	# No cgroup names a container here: CONTAINER is null, and empty
	# in the other formats.
	jq -e 'all(.shm[]; .container == null)' <<<"$output" || fail "$output"
	run -0 shmls -A -rn -o CONTAINER,ADDRESS
	assert_line " $NA"
}

@test "shmls -A: the default columns gain NSPID and CONTAINER after TYPE" {
	many_places
	run --separate-stderr -0 shmls -A
	read -ra head <<<"${lines[0]}"
	assert_equal "${head[*]:0:4}" "TYPE NSPID CONTAINER ADDRESS"
	# Without -A, not.
	run -0 shmls
	read -ra head <<<"${lines[0]}"
	assert_equal "${head[*]:0:2}" "TYPE ADDRESS"
}

@test "every shmls -A row round-trips: shmcat -N NSPID ADDRESS reads that segment" {
	many_places
	run --separate-stderr -0 shmls -A -J -o ADDRESS,NSPID
	n=0
	while IFS=$'\t' read -r addr nspid; do
		want=$(in_c "$nspid" shmcat -s "$addr")
		run --separate-stderr -0 shmcat -s -N "$nspid" "$addr"
		assert_equal "$addr by $nspid: $output" "$addr by $nspid: $want"
		n=$(( n + 1 ))
	done < <(jq -r '.shm[] | [.address, .nspid] | @tsv' <<<"$output")
	assert_equal "$n" 9
	# And the texts are the ones put there: not all the same place.
	run -0 shmls -A -J -o ADDRESS,NSPID
	texts=$(jq -r --arg d "$DUP" '.shm[] | select(.address == $d) |
	    [.address, .nspid] | @tsv' <<<"$output" |
	    while IFS=$'\t' read -r a p; do shmcat -s -N "$p" "$a"; echo; done |
	    sort | tr '\n' ' ')
	assert_equal "$texts" "A's ours "
}

@test "shmls -A: IPCNS and MNTNS are the inode numbers lsns prints" {
	command -v lsns >/dev/null || skip "needs lsns"
	start_container A
	key=$(new_key)
	in_c "$A" shmmk -s 1K "$key" >/dev/null
	run --separate-stderr -0 shmls -A -rn -o ADDRESS,IPCNS,MNTNS,NSPID
	read -r _ ipcns mntns nspid < <(grep "^$key " <<<"$output")
	assert_equal "$nspid" "$A"
	assert_equal "$ipcns" "$(lsns -n -o NS -t ipc -p "$A")"
	assert_equal "$mntns" "$(lsns -n -o NS -t mnt -p "$A")"
}

# start_unlinked_in PID map|fd /NAME TEXT: a posix_writer in the place of
# PID that creates /NAME there, unlinks it and keeps only its mapping
# (map) or only its descriptor (fd); ADDR is its deleted: address.
start_unlinked_in() {
	local opt=--unlink pid where
	[[ $2 == fd ]] && opt=--unlink-fd
	_next_client
	start_client PID nsenter -t "$1" --root --wd="$PWD" --ipc --mount -- \
	    posix_writer "$opt" "$3" 8192 "$4" "$READY" "$ECHO"
	wait_for "$READY"
	read -r pid where <"$READY"
	[[ $pid == "$PID" ]] || fail "posix_writer $PID says it is $pid"
	ADDR=deleted:$PID:$where
	! c_exists "$1" "$3" || fail "$3 was not unlinked in $1"
}

@test "shmls -A lists an object unlinked inside a container in the container's place, and shmrm -A --orphans keeps it" {
	start_container C
	name=$(new_name)
	start_unlinked_in "$C" map "$name" "still mapped"
	addr=$ADDR
	# Ours has the same name, live: not the unlinked one.
	orphan_in $$ "$name"
	run --separate-stderr -0 shmls -A -rn -o ADDRESS,STATUS,NSPID
	assert_line "$addr deleted $C"
	assert_equal "$(grep -c ' deleted ' <<<"$output")" 1
	run --separate-stderr -0 shmls -A -J -o ADDRESS,STATUS,NSPID,IPCNS,MNTNS
	jq -e --arg a "$addr" --argjson c "$C" --argjson i "$(ns_ino "$C" ipc)" \
	    --argjson m "$(ns_ino "$C" mnt)" '[.shm[] | select(.address == $a)] |
	    length == 1 and .[0].status == "deleted" and .[0].nspid == $c and
	    .[0].ipcns == $i and .[0].mntns == $m' <<<"$output" || fail "$output"
	run --separate-stderr -0 shmcat -s -N "$C" "$addr"
	assert_output "still mapped"
	# Our own place has no unlinked object.
	run --separate-stderr -0 shmls -rn -o ADDRESS,STATUS
	refute_line --partial " deleted"
	# Bulk removal keeps it, and says why; our orphan of that name goes.
	run --separate-stderr -0 shmrm -A --orphans
	assert_stderr_has "$addr: kept: unlinked already, and still mapped or held by PID $PID"
	assert_stderr_has "1 unlinked object still held"
	assert_gone "$name"
	run --separate-stderr -0 shmcat -s -N "$C" "$addr"
	assert_output "still mapped"
}

@test "shmls -A: an object only held open inside a container is listed by its descriptor, in the container's place" {
	start_container C
	start_container D
	start_unlinked_in "$C" fd "$(new_name)" "held in C"
	inc=$ADDR
	start_unlinked_in "$D" map "$(new_name)" "mapped in D"
	ind=$ADDR
	[[ $inc =~ ^deleted:[0-9]+:[0-9]+$ ]] || fail "$inc"
	run --separate-stderr -0 shmls -A -rn -o ADDRESS,STATUS,NSPID
	assert_line "$inc deleted $C"
	assert_line "$ind deleted $D"
	assert_equal "$(grep -c ' deleted ' <<<"$output")" 2
	run --separate-stderr -0 shmcat -s -N "$C" "$inc"
	assert_output "held in C"
	run --separate-stderr -0 shmcat -s -N "$D" "$ind"
	assert_output "mapped in D"
	# Each is on its place's /dev/shm only: not reached by the other.
	run --separate-stderr shmcat -s -N "$D" "$inc"
	assert_failure
	run --separate-stderr shmcat -s "$ind"
	assert_failure
}

@test "shmrm -A --orphans removes the orphans of every place and keeps those in use" {
	need_sysv_writer
	many_places
	# In use: a holder inside A holds $NA open; a writer inside B is
	# attached to a segment of B; one of ours maps a shared object.
	start_client holder nsenter -t "$A" --root --wd="$PWD" --ipc --mount -- sleep 1000 \
	    5<"$(c_devshm "$A")$NA"
	wait_until 5 _runs "$holder" sleep
	used_key=$(new_key) used_name=$(new_name)
	start_sysv_in "$B" "$used_key" inside
	orphan_in "$B" "$used_name"
	start_file "$SHARED$used_name" mapped 1024
	run --separate-stderr -0 shmrm -v -A --orphans
	for p in $$:"$KH" "$A:$KA" "$B:$KB" "$C:$KC" "$D:$KD" $$:"$DUP" \
	    "$A:$DUP" "$B:$NS"; do
		! c_exists "${p%%:*}" "${p#*:}" ||
		    fail "orphan ${p#*:} of ${p%%:*} was kept"$'\n'"$output"
	done
	c_exists "$A" "$NA" || fail "$NA, held inside A, was removed"
	c_exists "$B" "$used_key" || fail "$used_key, attached inside B, was removed"
	c_exists "$C" "$used_name" || fail "$used_name, mapped from here, was removed"
	# Each removal said once, those of another place as -N PID ADDRESS
	# with a PID of that place, as the other programs take it.
	assert_line "removed $DUP"
	assert_line --regexp "^removed -N ($A|$A2) $DUP\$"
	assert_line --regexp "^removed -N ($B|$C) $NS\$"
	assert_line --regexp "^removed -N $D $KD\$"
	assert_line "removed $KH"
	assert_equal "$(grep -c "^removed " <<<"$output")" 8
}

@test "shmrm -A -n removes nothing, and -A with an ADDRESS is a usage error" {
	many_places
	before=$(for p in $$ "$A" "$B" "$D"; do in_c "$p" ipcs -m; ls "$(c_devshm "$p")"; done)
	run --separate-stderr -0 shmrm -n -A --orphans
	[[ -n $output ]] || fail "shmrm -n -A --orphans said nothing"
	after=$(for p in $$ "$A" "$B" "$D"; do in_c "$p" ipcs -m; ls "$(c_devshm "$p")"; done)
	assert_equal "$after" "$before"
	run --separate-stderr -2 shmrm -A "$NA"
	assert_output ""
	c_exists "$A" "$NA" || fail "$NA removed"
}

# --- a hostile /dev/shm is never followed ---------------------------------

# make_secret: a directory of the test with a file "victim" that looks
# like a POSIX object; SECRET and SECRET_PRINT (its fingerprint).
make_secret() {
	SECRET=$BATS_TEST_TMPDIR/secret
	mkdir -p "$SECRET"
	printf 'precious data\n' >"$SECRET/victim"
	SECRET_PRINT=$(_secret_print)
}

# _secret_print: what must not change: SECRET (its entries, its own
# times) and the victim.
_secret_print() {
	stat -c '%F %a %i %y %z' -- "$SECRET"
	ls -lA --time-style=full-iso "$SECRET"
	fingerprint "$SECRET/victim"
}

assert_secret_untouched() {
	local now
	now=$(_secret_print)
	assert_equal "$1: $now" "$1: $SECRET_PRINT"
}

@test "a container whose /dev/shm is a symlink to our directory: every -N refused, nothing listed, read or removed" {
	make_secret
	start_container C "symlink:$SECRET"
	[[ -L $(c_devshm "$C") ]] || fail "the container's /dev/shm is not a symlink"
	while IFS= read -r line; do
		eval "set -- $line"
		run --separate-stderr timeout 5 "$@"
		assert_equal "$line: $status" "$line: 1"
		assert_equal "$line: stdout: $output" "$line: stdout: "
		assert_stderr_has "$C"
		[[ $stderr != *precious* ]] ||
		    fail "$line told what is there: $stderr"
		assert_secret_untouched "$line"
	done <<-EOF
	shmls -N $C
	shmls -N $C --posix
	shmls -N $C /victim
	shmcat -N $C /victim
	shmput -N $C -d overwritten /victim
	shmresize -N $C /victim 0
	shmrm -N $C /victim
	shmrm -N $C --orphans
	shmrm -N $C -f --all
	shmmk -N $C -s 1K /planted
	EOF
	[[ ! -e $SECRET/planted ]] || fail "shmmk -N made $SECRET/planted"
}

@test "shmls -A and shmrm -A skip a /dev/shm that is a symlink, with a note, and never follow it" {
	make_secret
	start_container C "symlink:$SECRET"
	name=$(new_name)
	orphan_in $$ "$name"
	run --separate-stderr shmls -A -rn -o ADDRESS,NSPID
	[[ $output != *victim* ]] || fail "shmls -A listed the symlink's target: $output"
	assert_line --partial "$name"
	assert_stderr_has "$C"
	run --separate-stderr shmrm -v -A --orphans
	[[ $output != *victim* ]] || fail "shmrm -A: $output"
	assert_stderr_has "$C"
	assert_secret_untouched "shmrm -A --orphans"
	assert_gone "$name"
}

@test "a container whose /dev/shm is a FIFO or a file: refused at once, never blocks" {
	for how in fifo file; do
		start_container C "$how"
		run --separate-stderr timeout 5 shmls -N "$C"
		assert_equal "$how: $status" "$how: 1"
		assert_output ""
		assert_stderr_has "$C"
		run --separate-stderr timeout 5 shmmk -N "$C" -s 1K /x
		assert_equal "$how: $status" "$how: 1"
		run --separate-stderr timeout 5 shmls -A -rn -o ADDRESS
		(( status != 124 )) || fail "shmls -A blocked on the $how"
		assert_stderr_has "$C"
	done
}

@test "a container without /dev/shm: its System V segments, no POSIX object, and nothing created elsewhere" {
	start_container C none
	key=$(new_key)
	in_c "$C" shmmk -s 1K "$key" >/dev/null
	run --separate-stderr -0 shmls -N "$C" -rn -o TYPE,ADDRESS
	assert_output "sysv $key"
	run --separate-stderr -1 shmmk -N "$C" -s 1K /nowhere
	assert_output ""
	[[ ! -e $(c_devshm "$C") ]] || fail "shmmk -N made the container a /dev/shm"
	assert_gone /nowhere
}

@test "-N and -A exclude each other; shmls -A takes no ADDRESS and no --limits" {
	start_container C
	name=$(new_name)
	orphan_in "$C" "$name"
	orphan_in "$C" "$(new_key)"
	for cmd in "shmls -A -N $C" "shmrm -A -N $C --orphans" \
	    "shmls -A --limits" "shmls -A $name" "shmrm -A $name"; do
		# shellcheck disable=SC2086
		run --separate-stderr $cmd
		assert_equal "$cmd: $status" "$cmd: 2"
		assert_equal "$cmd: stdout: $output" "$cmd: stdout: "
	done
	c_exists "$C" "$name" || fail "$name was removed"
	# -N takes --limits: that IPC namespace's own.
	in_c "$C" sysctl -q -w kernel.shmmni=77
	run --separate-stderr -0 shmls -N "$C" --limits -J
	jq -e '.shm[] | select(.limit == "kernel.shmmni") | .value == 77 and
	    .used == 1' <<<"$output" || fail "not the container's: $output"
}

# --- who may enter, and which PIDs -------------------------------------------

@test "-N as nobody: an error that names CAP_SYS_ADMIN, exit 1, no partial listing" {
	need_nobody
	start_container C
	in_c "$C" shmmk -s 1K "$(new_key)" >/dev/null
	orphan_in "$C" "$(new_name)"
	for cmd in "shmls -N $C" "shmls -N $C --sysv" "shmrm -N $C --orphans" \
	    "shmmk -N $C -s 1K /nobody"; do
		# shellcheck disable=SC2086
		run --separate-stderr as_nobody $cmd
		assert_equal "$cmd: $status" "$cmd: 1"
		assert_equal "$cmd: stdout: $output" "$cmd: stdout: "
		assert_stderr_has "CAP_SYS_ADMIN"
		assert_stderr_has "$C"
	done
	# -A too: nothing, rather than our place alone.
	for cmd in "shmls -A" "shmrm -A --orphans"; do
		# shellcheck disable=SC2086
		run --separate-stderr as_nobody $cmd
		assert_equal "$cmd: $status" "$cmd: 1"
		assert_equal "$cmd: stdout: $output" "$cmd: stdout: "
		assert_stderr_has "CAP_SYS_ADMIN"
	done
	assert_equal "$(in_c "$C" ipcs -m | grep -c 0x)" 1
	assert_equal "$(ls "$(c_devshm "$C")" | wc -l)" 1
}

@test "-N as nobody on a process in nobody's own place needs no setns" {
	need_nobody
	key=$(new_key)
	shmmk -m 644 -s 1K "$key" >/dev/null
	start_client mine setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000
	wait_until 5 _runs "$mine" sleep
	run --separate-stderr as_nobody shmls -N "$mine" -rn -o ADDRESS --sysv
	assert_equal "$status: $stderr" "0: "
	assert_output "$key"
}

@test "-N on a PID that has exited: 'PID N: no such process', exit 1, for every program" {
	sleep 0 &
	gone=$!
	wait "$gone"
	[[ ! -e /proc/$gone ]] || skip "PID $gone was reused at once"
	for cmd in "shmls -N $gone" "shmcat -N $gone /x" "shmput -N $gone -d x /x" \
	    "shmmk -N $gone -s 1K /x" "shmrm -N $gone /x" "shmresize -N $gone /x 1K" \
	    "shmrm -N $gone --orphans"; do
		# shellcheck disable=SC2086
		run --separate-stderr $cmd
		assert_equal "$cmd: $status" "$cmd: 1"
		assert_equal "$cmd: stdout: $output" "$cmd: stdout: "
		assert_stderr_has "PID $gone: no such process"
	done
	assert_equal "$(devshm_count)" 0
}

@test "-N on a zombie: 'PID N is a zombie', exit 1" {
	start_zombie
	z=$ZOMBIE
	for cmd in "shmls -N $z" "shmcat -N $z /x" "shmrm -N $z --orphans"; do
		# shellcheck disable=SC2086
		run --separate-stderr $cmd
		assert_equal "$cmd: $status" "$cmd: 1"
		assert_equal "$cmd: stdout: $output" "$cmd: stdout: "
		assert_stderr_has "PID $z is a zombie"
	done
}

@test "-N with what is not a PID: a usage error, nothing done" {
	name=$(new_name)
	orphan_in $$ "$name"
	for pid in abc '' -1 0 1x 99999999999999999999; do
		# A usage error (exit 2) that says what it expected.
		run --separate-stderr shmls -N "$pid"
		assert_equal "shmls -N '$pid': $status" "shmls -N '$pid': 2"
		assert_output ""
		assert_stderr_has "shmls: --namespace '$pid': expected a PID"
		run --separate-stderr shmrm -N "$pid" --orphans
		assert_equal "shmrm -N '$pid': $status" "shmrm -N '$pid': 2"
		assert_kept "$name"
	done
	run --separate-stderr shmls -N
	assert_equal "$status" 2
}

@test "-N with our own PID is our place" {
	key=$(new_key) name=$(new_name)
	shmmk -s 1K "$key" >/dev/null
	shmmk -s 1K "$name" >/dev/null
	run --separate-stderr -0 shmls -N $$ -rn -o ADDRESS
	assert_output "$key"$'\n'"$name"
}

# --- CONTAINER ----------------------------------------------------------------

@test "CONTAINER: the id a cgroup names (docker-ID.scope), empty where none" {
	start_container C
	start_container E
	id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	cgroup_as "$C" "system.slice/docker-$id.scope"
	grep -q "docker-$id.scope" "/proc/$C/cgroup" ||
	    fail "the cgroup is not in /proc/$C/cgroup: $(cat "/proc/$C/cgroup")"
	key=$(new_key) other=$(new_key)
	in_c "$C" shmmk -s 1K "$key" >/dev/null
	in_c "$E" shmmk -s 1K "$other" >/dev/null
	run --separate-stderr -0 shmls -A -J -o ADDRESS,NSPID,CONTAINER
	jq -e --arg k "$key" --arg id "$id" '
	    .shm[] | select(.address == $k) | .container == $id' <<<"$output" ||
	    fail "$output"
	jq -e --arg k "$other" '
	    .shm[] | select(.address == $k) | .container == null' <<<"$output" ||
	    fail "$output"
	run -0 shmls -N "$C" -rn -o CONTAINER,ADDRESS
	assert_output "$id $key"
}
