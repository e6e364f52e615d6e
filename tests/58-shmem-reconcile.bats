#!/usr/bin/env bats
# 58-shmem-reconcile.bats - "free says shared: where is it?"  shmls
# --summary (and --metrics, JSON, -A) ends with the kernel's Shmem and
# what each kind, the other tmpfs mounts and the unattributed rest hold of
# it.  The delta test creates 64 MiB of every kind it can name, touches
# every page, and checks each row grows by its 64 MiB (exact: a row is
# read from the objects), and the rows together by what Shmem grows (not
# exact: Shmem is the whole host's, and other processes move it), then
# that they shrink back when the objects go.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1): the
# test mounts a tmpfs, and the rows count every segment there is.

load test_helper

MIB64=$(( 64 * 1024 * 1024 ))

setup() {
	require_hermetic
	T=$BATS_TEST_TMPDIR
	MNT=
}

teardown() {
	stop_clients || true	# a holder killed by SIGTERM is 143
	cleanup_nobody
	cleanup_segments
	if [[ -n ${FUSE:-} ]]; then
		kill "$FUSE" 2>/dev/null
		umount -l "$T/f" 2>/dev/null
	fi
	if [[ -n $MNT ]]; then
		umount "$T/again" "$T/nolimit" 2>/dev/null
		umount "$MNT" 2>/dev/null
	fi
	if [[ -n ${SHM_SIZE:-} ]]; then
		mount -o remount,size="$SHM_SIZE" /dev/shm
	fi
}

# snap FILE [ARGS]: shmls --summary -J ARGS into FILE; it must succeed.
snap() {
	local f=$1
	shift
	shmls --summary -J "$@" >"$f" || fail "shmls --summary -J $* failed"
}

# row FILE TYPE: the SHMEM of row TYPE in FILE (null when unknown).
row() {
	jq -r --arg t "$2" '.shm[] | select(.type == $t) | .shmem' "$1"
}

# within A B PERMILLE: |A - B| <= B * PERMILLE / 1000.
within() {
	local d=$(( $1 - $2 ))
	(( d < 0 )) && d=$(( -d ))
	(( d * 1000 <= $2 * $3 ))
}

# fill ADDRESS: write 64 MiB of zeros into it, every page touched.
fill() {
	head -c "$MIB64" /dev/zero | shmput "$1" || fail "shmput $1 failed"
}

# sums FILE: the rows add up to Shmem exactly (one reading of it).
sums() {
	jq -e '([.shm[] | select(.type != "Shmem") | .shmem] | add) ==
	    (.shm[] | select(.type == "Shmem") | .shmem)' "$1" >/dev/null ||
	    fail "the rows do not add up to Shmem: $(cat "$1")"
}

# deltas BEFORE AFTER SIGN: each row moved by SIGN 64 MiB per object
# within 1%; prints the sum of the rows' moves and Shmem's.
deltas() {
	local t want d sum=0
	for t in sysv posix memfd tmpfs; do
		want=$MIB64
		[[ $t == posix ]] && want=$(( 2 * MIB64 ))	# one unlinked
		d=$(( ($(row "$2" $t) - $(row "$1" $t)) * $3 ))
		within "$d" "$want" 10 ||
		    fail "$t moved by $d, not ${want}: $(cat "$1" "$2")"
		sum=$(( sum + d ))
	done
	echo "$sum $(( ($(row "$2" Shmem) - $(row "$1" Shmem)) * $3 ))"
}

@test "the rows grow by 64 MiB per object and add up to what Shmem grows, and shrink back" {
	local key name gone holder d1 d2
	# Room for two 64 MiB objects in this file's private /dev/shm.
	SHM_SIZE=$(( $(stat -f -c '%b * %S' /dev/shm) ))
	mount -o remount,size=256M /dev/shm
	snap "$T/before"
	sums "$T/before"
	key=$(new_key)
	shmmk -s 64M "$key"
	fill "$key"
	name=$(new_name)
	shmmk -s 64M "$name"
	fill "$name"
	gone=$(new_name)
	shmmk -s 64M "$gone"
	fill "$gone"
	start_holder holder "/dev/shm$gone"
	rm -- "/dev/shm$gone"
	start_memfd pool "" "$MIB64"
	fill "$ADDR"
	MNT=$T/mnt
	mkdir -- "$MNT"
	mount -t tmpfs -o size=128M shmt-test "$MNT"
	head -c "$MIB64" /dev/zero >"$MNT/file"
	snap "$T/during"
	sums "$T/during"
	read -r d1 s1 < <(deltas "$T/before" "$T/during" 1)
	[[ -n $d1 ]] || fail "the rows did not grow"
	# They go: the holder, the memfd's holder, the segments, the mount.
	stop_clients || true	# a holder killed by SIGTERM is 143
	shmrm "$key" "$name"
	umount "$MNT"
	MNT=
	snap "$T/after"
	sums "$T/after"
	read -r d2 s2 < <(deltas "$T/during" "$T/after" -1)
	[[ -n $d2 ]] || fail "the rows did not shrink back"
	# Shmem is the host's: another process may move it in one window,
	# hardly in both by the same chance.
	within "$s1" "$d1" 20 || within "$s2" "$d2" 20 ||
	    fail "Shmem moved by $s1 and $s2 while the rows moved by $d1 and $d2"
}

@test "--summary shows Shmem's rows, typed in JSON, and none where filters choose" {
	run -0 shmls --summary
	assert_line --regexp '^TYPE +COUNT +SIZE +RSS +SWAP +SHMEM$'
	assert_line --regexp '^tmpfs +[0-9]+ +- +- +- +[0-9.]+[BKMGTPE]$'
	assert_line --regexp '^unattributed +- +- +- +- +[0-9.]+[BKMGTPE]$'
	assert_line --regexp '^Shmem +- +- +- +- +[0-9.]+[BKMGTPE]$'
	snap "$T/j"
	jq -e '[.shm[].type] == ["sysv", "posix", "memfd", "tmpfs",
	    "unattributed", "Shmem"] and
	    ([.shm[] | .shmem | type] | unique) == ["number"] and
	    ([.shm[3:][] | .size, .rss, .swap] | unique) == [null] and
	    (.shm[3].count | type) == "number" and .shm[4].count == null' \
	    "$T/j" >/dev/null || fail "$(cat "$T/j")"
	# With -b, bytes; with -A, the same rows.
	run -0 shmls --summary -b
	assert_line --regexp '^Shmem +- +- +- +- +[0-9]+$'
	snap "$T/a" -A
	sums "$T/a"
	jq -e '[.shm[].type] | index("unattributed")' "$T/a" >/dev/null ||
	    fail "$(cat "$T/a")"
	# A filter or an operand accounts for part: no SHMEM, no rows.
	run -0 shmls --summary --sysv
	assert_line --index 0 --regexp '^TYPE +COUNT +SIZE +RSS +SWAP$'
	refute_line --partial unattributed
	run -0 shmls --summary -J --unused
	refute_output --partial '"shmem"'
}

@test "a tmpfs mounted twice counts once; one without a size limit by its files; another mount namespace's with -A" {
	local d M4=$(( 4 * 1024 * 1024 ))
	MNT=$T/mnt
	mkdir -- "$MNT" "$T/again" "$T/nolimit" "$T/ns"
	mount -t tmpfs -o size=16M shmt-test "$MNT"
	mount -t tmpfs -o size=0 shmt-test "$T/nolimit"
	snap "$T/before"
	head -c 4M /dev/zero >"$MNT/file"
	mount --bind "$MNT" "$T/again"
	mkdir -- "$T/nolimit/d"
	head -c 4M /dev/zero >"$T/nolimit/d/file"
	snap "$T/during"
	umount "$T/nolimit"
	d=$(( $(row "$T/during" tmpfs) - $(row "$T/before" tmpfs) ))
	within "$d" $(( 2 * M4 )) 10 || fail "tmpfs moved by $d"
	# A place of its own (IPC and mount namespaces) with a tmpfs of its
	# own: counted with -A, through its NSPID, not without.
	_next_client
	start_client PID unshare --ipc --mount --propagation private sh -c '
	    mount -t tmpfs -o size=8m shmt-ns "$1" &&
	    head -c 4M /dev/zero >"$1/file" && : >"$2" && exec sleep 1000' \
	    sh "$T/ns" "$READY"
	wait_for "$READY"
	snap "$T/one"
	snap "$T/all" -A
	sums "$T/all"
	d=$(( $(row "$T/all" tmpfs) - $(row "$T/one" tmpfs) ))
	within "$d" "$M4" 10 || fail "-A counted $d more of tmpfs"
}

@test "--metrics has Shmem and its parts, and promtool accepts them" {
	run -0 shmls --metrics
	assert_line --regexp '^shm_kernel_shmem_bytes [0-9]+$'
	for t in sysv posix memfd tmpfs unattributed; do
		assert_line --regexp "^shm_kernel_shmem_part_bytes\\{type=\"$t\"\\} [0-9]+\$"
	done
	assert_line 'shm_kernel_shmem_unknown_parts 0'
	refute_line --partial 'type="file"'
	# The parts add up to Shmem.
	# (printf: mawk prints a sum past 2^31 as 4.30552e+09)
	sum=$(awk '/^shm_kernel_shmem_part_bytes/ { s += $2 } END { printf "%.0f\n", s }' \
	    <<<"$output")
	total=$(awk '/^shm_kernel_shmem_bytes/ { print $2 }' <<<"$output")
	(( sum == total )) || fail "parts $sum, Shmem $total"
	# A filter accounts for part: no parts.
	run -0 shmls --metrics --sysv
	refute_output --partial shm_kernel_shmem
	if command -v promtool >/dev/null; then
		shmls --metrics -A >"$T/m.prom"
		run promtool check metrics <"$T/m.prom"
		assert_success
		assert_output ''
	fi
}

@test "as nobody, another user's segments make the unattributed rest ?, with a note" {
	need_nobody
	name=$(new_name)
	shmmk -s 64K -m 600 "$name"
	head -c 64K /dev/zero | shmput "$name"
	run --separate-stderr as_nobody shmls --summary
	assert_success
	assert_line --regexp '^unattributed +- +- +- +- +\?$'
	assert_line --regexp '^Shmem +- +- +- +- +[0-9.]+[BKMGTPE]$'
	assert_stderr_has "the unattributed rest of Shmem is shown as ?"
	run -0 as_nobody shmls --summary -J
	jq -e '.shm[] | select(.type == "unattributed") | .shmem == null' \
	    <<<"$output" >/dev/null || fail "$output"
	run -0 as_nobody shmls --metrics
	refute_line --regexp '^shm_kernel_shmem_part_bytes\{type="unattributed"'
	refute_line 'shm_kernel_shmem_unknown_parts 0'
}

@test "a tmpfs under a FUSE mount that never answers: --summary finishes, that mount unknown" {
	command -v fuse_mute >/dev/null || fail "tests/clients/fuse_mute is not built"
	if [[ ! -c /dev/fuse ]]; then
		[[ ${SHMT_CI:-} != 1 ]] || fail "no /dev/fuse, but CI must run this test"
		skip "no /dev/fuse"
	fi
	# A tmpfs at f/x, then a mute FUSE over f: the path to x asks it.
	mkdir -p -- "$T/f/x"
	MNT=$T/f/x
	mount -t tmpfs -o size=1m shmt-test "$MNT"
	FUSE=
	start_client FUSE fuse_mute "$T/f" "$T/fuse.ready"
	wait_until 5 _up_or_gone "$FUSE" "$T/fuse.ready" ||
	    fail "fuse_mute $FUSE neither mounted nor exited"
	if [[ ! -e $T/fuse.ready ]]; then
		wait "$FUSE" && st=0 || st=$?
		FUSE=
		(( st == 3 )) || fail "fuse_mute failed ($st)"
		[[ ${SHMT_CI:-} != 1 ]] || fail "cannot mount FUSE, but CI must run this test"
		skip "cannot mount a FUSE file system here"
	fi
	export SHMTOOLS_PLACE_WAIT_MS=200
	# (timeout only keeps a regression from stopping the suite.)
	run --separate-stderr timeout 60 shmls --summary
	assert_equal "$status" 0
	assert_line --regexp '^tmpfs +[0-9]+ +- +- +- +\?$'
	assert_line --regexp '^unattributed +- +- +- +- +\?$'
	assert_stderr_has "a tmpfs mount cannot be read"
	run -0 timeout 60 shmls --metrics
	refute_line --regexp '^shm_kernel_shmem_part_bytes\{type="tmpfs"'
}

# _up_or_gone PID FILE: FILE is there, or PID has exited.
_up_or_gone() {
	[[ -e $2 ]] || ! kill -0 "$1" 2>/dev/null
}
