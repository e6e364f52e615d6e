#!/usr/bin/env bats
# 46-truthful.bats - numbers that tell the truth (issue 19, "Truthful
# numbers"): unknown is not zero in --summary, --metrics and the table; a
# sum with an unknown term is unknown (? in the table, null in JSON, an
# absent series with a gauge that says why in --metrics), never silently
# short; only real memfds count as memfds; owner series never collide;
# and invisible characters in a name are escaped.  (Resident memory
# never exceeding the size is tested in 99-hugepages.bats, which owns
# the huge page pool.)
#
# Only in the private namespaces of tests/run-bats: the tests count every
# segment there is.

load test_helper

setup() {
	require_hermetic "counts every segment"
	T=$BATS_TEST_TMPDIR
	PROM=$T/shm.prom
}

teardown() {
	stop_clients
	stop_bg
	if [[ -f $T/.passwd-bound ]]; then
		umount /etc/passwd /etc/group 2>/dev/null
	fi
	cleanup_segments
	cleanup_nobody
}

# --- local helpers -------------------------------------------------------

# metrics_to_prom CMD...: run CMD (a shmls --metrics), which must
# succeed, and keep its output in $PROM.
metrics_to_prom() {
	run --separate-stderr "$@"
	[[ $status -eq 0 ]] || fail "$*: exit $status: $stderr"
	printf '%s\n' "$output" >"$PROM"
}

# sample_count SERIES: how many samples SERIES has in $PROM.
sample_count() {
	awk -v s="$1" '$1 == s { n++ } END { print n + 0 }' "$PROM"
}

# assert_value SERIES EXPECTED: exactly one sample SERIES, of value EXPECTED.
assert_value() {
	local n v
	n=$(sample_count "$1")
	(( n == 1 )) || fail "$1: $n samples in:"$'\n'"$(cat "$PROM")"
	v=$(awk -v s="$1" '$1 == s { print $2 }' "$PROM")
	[[ $v == "$2" ]] || fail "$1 is $v, expected $2"$'\n'"$(cat "$PROM")"
}

# assert_absent SERIES: no sample SERIES in $PROM.
assert_absent() {
	local n
	n=$(sample_count "$1")
	(( n == 0 )) || fail "$1 is there:"$'\n'"$(cat "$PROM")"
}

# assert_no_duplicate_series: no series twice in $PROM (the exposition
# format forbids it; node_exporter drops one).
assert_no_duplicate_series() {
	local dup
	dup=$(awk '!/^#/ && seen[$1]++ { print $1 }' "$PROM")
	[[ -z $dup ]] || fail "series printed twice: $dup"$'\n'"$(cat "$PROM")"
}

# promtool_ok: promtool accepts $PROM, where promtool is installed.
promtool_ok() {
	command -v promtool >/dev/null || return 0
	run promtool check metrics <"$PROM"
	[[ $status -eq 0 ]] || fail "promtool: $output"$'\n'"$(cat "$PROM")"
}

# start_memfd: a memfd_holder of root's holding a 64 KiB memfd.
start_memfd() {
	start_client MFD memfd_holder wl-buffer 65536 hello "$T/mfd.ready"
	wait_for "$T/mfd.ready"
}

# need_nocap: NOCAP runs a command as root without CAP_SYS_ADMIN (and
# CAP_CHECKPOINT_RESTORE), as the metrics unit runs: it may not follow
# another process's /proc/PID/map_files.
need_nocap() {
	need_root
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	NOCAP=(setpriv --inh-caps=-all
	    --bounding-set=-sys_admin,-checkpoint_restore)
	"${NOCAP[@]}" true 2>/dev/null ||
	    skip "setpriv cannot drop CAP_SYS_ADMIN here"
}

# start_unlinked_map: a posix_writer that maps /gone (8 KiB), unlinked,
# with its descriptor closed: the commonest leak.
start_unlinked_map() {
	start_client W posix_writer --unlink /gone 8192 secret "$T/w.ready"
	wait_for "$T/w.ready"
}

# --- 16: memfds an unprivileged caller cannot see ---------------------------

@test "16: as nobody, --summary counts memfds and unlinked objects of processes it cannot see as ?, null in JSON, with a note" {
	need_nobody
	start_memfd
	# root sees it
	run -0 shmls --summary -rnb --memfd
	assert_output --regexp "^memfd 1 65536 [0-9]+ 0$"
	run --separate-stderr -0 as_nobody shmls --summary -rn
	assert_line "memfd ? ? ? ? ?"
	assert_line "posix ? ? ? ? ?"
	assert_line --regexp "^sysv 0 "
	assert_stderr_has "some processes cannot be seen"
	assert_stderr_has "count and sizes are shown as ?"
	run -0 as_nobody shmls --summary -J --memfd
	run jq -c '.shm[0] | [.type, .count, .size, .rss, .swap]' <<<"$output"
	assert_output '["memfd",null,null,null,null]'
}

@test "16: as nobody, --metrics has no memfd counts, and shm_listing_complete says why" {
	need_nobody
	start_memfd
	metrics_to_prom as_nobody shmls --metrics
	assert_value 'shm_listing_complete{type="memfd"}' 0
	assert_value 'shm_listing_complete{type="posix"}' 0
	assert_value 'shm_listing_complete{type="sysv"}' 1
	assert_absent 'shm_segments{type="memfd"}'
	assert_absent 'shm_bytes{type="memfd"}'
	assert_absent 'shm_resident_bytes{type="memfd"}'
	assert_value 'shm_segments{type="sysv"}' 0
	promtool_ok
	# root sees every process: all there, and complete
	metrics_to_prom shmls --metrics
	assert_value 'shm_listing_complete{type="memfd"}' 1
	assert_value 'shm_segments{type="memfd"}' 1
	assert_value 'shm_bytes{type="memfd"}' 65536
}

@test "16: as nobody, a listing that may miss memfds says so" {
	need_nobody
	start_memfd
	run --separate-stderr -0 as_nobody shmls --memfd -rn
	assert_output ""
	assert_stderr_has "the memfds, unlinked POSIX objects and anonymous shared memory they alone hold are not listed"
}

# --- 17: sizes --metrics cannot know ------------------------------------------

@test "17: without CAP_SYS_ADMIN, --metrics adds no unknown size: shm_bytes is absent and shm_unknown_size_segments counts it" {
	need_root
	need_nocap
	shmmk -s 4096 /named >/dev/null
	start_unlinked_map
	metrics_to_prom "${NOCAP[@]}" shmls --metrics
	assert_value 'shm_unknown_size_segments{type="posix"}' 1
	assert_value 'shm_segments{type="posix"}' 2
	assert_value 'shm_listing_complete{type="posix"}' 1
	assert_absent 'shm_bytes{type="posix"}'
	assert_absent 'shm_resident_bytes{type="posix"}'
	assert_value 'shm_unknown_size_segments{type="sysv"}' 0
	# the owner whose size is unknown has no bytes; the known one has
	assert_absent 'shm_owner_bytes{type="posix",owner="unknown",uid="unknown"}'
	assert_value 'shm_owner_segments{type="posix",owner="unknown",uid="unknown"}' 1
	assert_value 'shm_owner_bytes{type="posix",owner="root",uid="0"}' 4096
	promtool_ok
	# --summary agrees, and says why
	run --separate-stderr -0 "${NOCAP[@]}" shmls --summary -rnb --posix
	assert_output "posix 2 ? ? ?"
	assert_stderr_has "needs CAP_SYS_ADMIN"
	# with CAP_SYS_ADMIN every size is known, and summed
	metrics_to_prom shmls --metrics
	assert_value 'shm_unknown_size_segments{type="posix"}' 0
	assert_value 'shm_bytes{type="posix"}' 12288
}

# --- 18: a file that calls itself a memfd -----------------------------------

@test "18: an unlinked file named memfd:... on a tmpfs of a user's own is not a memfd" {
	need_root
	mkdir "$T/m"
	# A sparse 4 EiB file on a tmpfs of its own, unlinked, held, the
	# mount detached: its link reads "/memfd:wayland-shm (deleted)".
	bg unshare -m sh -c '
		mount -t tmpfs fake "$1" || exit 1
		truncate -s 4E "$1/memfd:wayland-shm" || exit 1
		exec 3<>"$1/memfd:wayland-shm"
		rm "$1/memfd:wayland-shm"
		umount -l "$1"
		: >"$2"
		exec sleep infinity' sh "$T/m" "$T/fake.ready"
	wait_for "$T/fake.ready" || skip "cannot mount a tmpfs here"
	[[ $(readlink "/proc/$BG_PID/fd/3") == "/memfd:wayland-shm (deleted)" ]] ||
	    skip "the link reads $(readlink "/proc/$BG_PID/fd/3")"
	start_memfd
	run -0 shmls --memfd -rnb -o ADDRESS,SIZE
	assert_output "memfd:$MFD:3 65536"
	run -0 shmls --summary -rnb --memfd
	assert_output --regexp "^memfd 1 65536 [0-9]+ 0$"
	metrics_to_prom shmls --metrics --memfd
	assert_value 'shm_bytes{type="memfd"}' 65536
	# named, it is refused as what it is not
	run --separate-stderr -1 shmls "memfd:$BG_PID:3"
	assert_stderr_has "not a memfd"
}

# --- 19: owner labels -----------------------------------------------------------

# with_users: users named "other" (4001), "4005" (4002) and "unknown"
# (4003) in an /etc/passwd of this test's mount namespace; uid 4005 has
# no name.
with_users() {
	need_root
	cp /etc/passwd "$T/passwd"
	cp /etc/group "$T/group"
	printf '%s\n' 'other:x:4001:4001::/:/bin/false' \
	    '4005:x:4002:4002::/:/bin/false' \
	    'unknown:x:4003:4003::/:/bin/false' >>"$T/passwd"
	mount --bind "$T/passwd" /etc/passwd || skip "cannot bind /etc/passwd"
	mount --bind "$T/group" /etc/group
	: >"$T/.passwd-bound"
	[[ $(id -un 4001) == other ]] || skip "getpwuid does not read /etc/passwd"
}

# object_of UID SIZE: a POSIX object of SIZE owned by UID.
object_of() {
	local name=/u$1
	shmmk -s "$2" "$name" >/dev/null
	chown "+$1" "/dev/shm$name"	# +: a number, even where a name is one
}

@test "19: users named other, 4005 and unknown never collide with the aggregates or a nameless uid" {
	with_users
	object_of 0 64K
	object_of 4001 8K
	object_of 4002 4K
	object_of 4005 2K
	object_of 4003 1K
	# two owners by name, root and the user "other": the rest is "other"
	metrics_to_prom shmls --metrics --metrics-owners 2
	assert_no_duplicate_series
	assert_value 'shm_owner_bytes{type="posix",owner="root",uid="0"}' 65536
	assert_value 'shm_owner_bytes{type="posix",owner="other",uid="4001"}' 8192
	assert_value 'shm_owner_bytes{type="posix",owner="other",uid="other"}' $(( 7 * 1024 ))
	promtool_ok
	# every owner by name: the user "other", the user "4005", uid 4005
	metrics_to_prom shmls --metrics --metrics-owners 10
	assert_no_duplicate_series
	assert_value 'shm_owner_bytes{type="posix",owner="other",uid="4001"}' 8192
	assert_value 'shm_owner_bytes{type="posix",owner="4005",uid="4002"}' 4096
	assert_value 'shm_owner_bytes{type="posix",owner="4005",uid="4005"}' 2048
	assert_value 'shm_owner_bytes{type="posix",owner="unknown",uid="4003"}' 1024
	promtool_ok
}

@test "19: an unknown owner and the user named unknown are two series" {
	with_users
	need_nocap
	object_of 4003 1K
	start_unlinked_map
	metrics_to_prom "${NOCAP[@]}" shmls --metrics
	assert_no_duplicate_series
	assert_value 'shm_owner_segments{type="posix",owner="unknown",uid="4003"}' 1
	assert_value 'shm_owner_segments{type="posix",owner="unknown",uid="unknown"}' 1
	promtool_ok
}

# --- 20: huge-page RSS ------------------------------------------------------------
#
# In tests/99-hugepages.bats ("20: the RSS of a huge-page segment ..."):
# the huge page pool is the machine's, and that file alone reserves and
# gives back pages, its tests one after another.

# --- 21: invisible characters ----------------------------------------------------

@test "21: a name holding a default-ignorable or format character is shown escaped, with the note" {
	local cp names=() n=0
	# U+1D173 U+1BCA0 U+13430 U+034F U+FE0F U+E0100 U+180B U+17B4
	# U+1160 U+3164 U+115F: glibc calls them printable, they show nothing
	for cp in 1D173 1BCA0 13430 034F FE0F E0100 180B 17B4 1160 3164 115F; do
		names+=("/app$(LC_ALL=C.UTF-8 printf "\\U$(printf %08X $(( 16#$cp )))")")
	done
	for n in "${names[@]}"; do
		shmmk -s 1 "$n" >/dev/null
	done
	[[ $(ls /dev/shm | wc -l) -eq 11 ]] || fail "not 11 objects: $(ls /dev/shm)"
	run --separate-stderr -0 env LC_ALL=C.UTF-8 shmls -o NAME --posix
	# 11 rows, each escaped, none plain
	[[ $(grep -c '^app\\' <<<"$output") -eq 11 ]] ||
	    fail "not every name is escaped:"$'\n'"$output"
	refute_listed "app"
	assert_stderr_has "11 names hold"
	assert_stderr_has "invisible or bidirectional formatting character"
	# the exact bytes are still there for a script
	run -0 env LC_ALL=C.UTF-8 shmls -J -o NAME --posix
	run jq -r '.shm[].name' <<<"$output"
	for n in "${names[@]}"; do
		assert_line "${n#/}"
	done
}
