#!/usr/bin/env bats
# 48-metrics.bats - shmls --metrics: the Prometheus text exposition format
# that node_exporter's textfile collector reads.  The numbers agree with
# what the listing and shmrm's bulk mode select, unknown use is a number
# of its own, the labels stay bounded, the filters apply, and promtool
# accepts the output without a lint warning.

load test_helper

setup() {
	# The counts are exact only when the test's segments are all there is.
	[[ $SHMT_HERMETIC == 1 ]] ||
	    skip "needs the private namespaces of tests/run-bats (exact counts)"
	_in_private_namespace ||
	    fail "SHMT_HERMETIC=1 but not in run-bats's private namespaces"
	PROM=$BATS_TEST_TMPDIR/shm.prom
}

teardown() {
	stop_clients
	cleanup_segments
	cleanup_nobody
}

# --- local helpers -------------------------------------------------------

# metrics [ARGS...]: shmls --metrics ARGS into $PROM; it must succeed
# with nothing on stderr.
metrics() {
	run --separate-stderr shmls --metrics "$@"
	[[ $status -eq 0 ]] || fail "shmls --metrics $*: exit $status: $stderr"
	[[ -z $stderr ]] || fail "shmls --metrics $* wrote to stderr: $stderr"
	printf '%s\n' "$output" >"$PROM"
}

# value SERIES: the value of the sample SERIES (NAME or NAME{LABELS}) in
# $PROM; fails unless there is exactly one.
value() {
	local n
	n=$(awk -v s="$1" '$1 == s { n++ } END { print n + 0 }' "$PROM")
	(( n == 1 )) || fail "$1: $n samples in:"$'\n'"$(cat "$PROM")"
	awk -v s="$1" '$1 == s { print $2 }' "$PROM"
}

# assert_value SERIES EXPECTED
assert_value() {
	local v
	v=$(value "$1") || return 1
	[[ $v == "$2" ]] || fail "$1 is $v, expected $2"$'\n'"$(cat "$PROM")"
}

# in_child_pidns CMD...: CMD in a new PID namespace below the suite's, where
# the suite's processes cannot be seen, without SHMTOOLS_PIDNS_PRIVATE.
in_child_pidns() {
	env -u SHMTOOLS_PIDNS_PRIVATE unshare --pid --fork --mount-proc \
	    --propagation private "$@"
}

need_pidns() {
	[[ $(id -u) -eq 0 ]] || skip "needs root to make a PID namespace"
	unshare --pid --fork --mount-proc true 2>/dev/null ||
	    skip "cannot make a PID namespace"
}

need_promtool() {
	command -v promtool >/dev/null ||
	    skip "promtool not found (Debian package prometheus; .ci/run installs it)"
}

PAGE=$(getconf PAGESIZE)

# --- the format ------------------------------------------------------------

@test "--metrics: one HELP and one TYPE gauge line per family, before its samples, all named shm_" {
	shmmk -s 4K /a >/dev/null
	metrics
	# Every sample belongs to the family whose TYPE line came last.
	awk '
	    /^# HELP / { if (help[$3]++) { print "two HELP for " $3; bad = 1 } next }
	    /^# TYPE / { if (type[$3]++) { print "two TYPE for " $3; bad = 1 }
	                 if ($4 != "gauge") { print $3 " is " $4; bad = 1 }
	                 if (!help[$3]) { print "TYPE before HELP: " $3; bad = 1 }
	                 fam = $3; next }
	    /^#/ { print "stray comment: " $0; bad = 1; next }
	    { name = $1; sub(/\{.*/, "", name)
	      if (name != fam) { print "sample " name " outside its family " fam; bad = 1 }
	      if (name !~ /^shm_/) { print "not shm_: " name; bad = 1 }
	      if (NF != 2) { print "timestamp or junk: " $0; bad = 1 }
	      if ($2 !~ /^[0-9]+$/) { print "not a number: " $0; bad = 1 } }
	    END { exit bad }' "$PROM" || fail "$(cat "$PROM")"
	# A trailing newline, and no empty line.
	[[ $(tail -c1 "$PROM" | od -An -c | tr -d ' ') == '\n' ]]
	run ! grep -qx '' "$PROM"
}

@test "--metrics lists every metric the man page promises, with its labels" {
	metrics
	for t in sysv posix memfd; do
		for m in shm_segments shm_bytes shm_resident_bytes \
		    shm_orphan_segments shm_orphan_bytes shm_unused_segments \
		    shm_unknown_use_segments; do
			assert_value "$m{type=\"$t\"}" 0
		done
	done
	assert_value 'shm_swapped_bytes{type="sysv"}' 0
	# No orphan: no time, never 0 (1970).
	run ! grep -q '^shm_oldest_orphan_timestamp_seconds' "$PROM"
	run ! grep -q 'shm_swapped_bytes{type="posix"}' "$PROM"
	run ! grep -q 'type="file"' "$PROM"
	assert_value shm_sysv_limit_segments "$(cat /proc/sys/kernel/shmmni)"
	assert_value shm_sysv_limit_pages "$(cat /proc/sys/kernel/shmall)"
	assert_value shm_sysv_limit_segment_bytes "$(cat /proc/sys/kernel/shmmax)"
	assert_value shm_sysv_used_segments 0
	assert_value shm_sysv_used_pages 0
	assert_value shm_sysv_page_size_bytes "$PAGE"
	assert_value shm_devshm_size_bytes "$(( $(stat -f -c '%b * %S' /dev/shm) ))"
	assert_value shm_devshm_free_bytes "$(( $(stat -f -c '%a * %S' /dev/shm) ))"
	for m in shm_owner_segments shm_owner_bytes; do
		grep -qx "# TYPE $m gauge" "$PROM" || fail "no $m family"
	done
	# Every family is in the man page's METRICS section.
	for m in $(awk '/^# TYPE/ { print $3 }' "$PROM"); do
		grep -q "^\.It .*Li $m\b" "$SHMT_SRCDIR/man/shmls.1" ||
		    fail "$m is not in man/shmls.1"
	done
}

@test "promtool check metrics accepts the output with no lint warning" {
	need_promtool
	need_sysv_writer
	key=$(new_key)
	start_sysv "$key" hello
	shmmk -s 4K /a >/dev/null
	shmmk -s 5000 --private >/dev/null
	metrics
	run promtool check metrics <"$PROM"
	assert_success
	assert_output ''
}

# --- the numbers -------------------------------------------------------------

@test "counts and bytes per type; System V pages as the kernel counts them against shmall" {
	shmmk -s 5000 "$(new_key)" >/dev/null
	shmmk -s 1 --private >/dev/null
	shmmk -s "$PAGE" --private >/dev/null
	shmmk -s 10000 /a >/dev/null
	metrics
	assert_value 'shm_segments{type="sysv"}' 3
	assert_value 'shm_bytes{type="sysv"}' $(( 5000 + 1 + PAGE ))
	assert_value 'shm_segments{type="posix"}' 1
	assert_value 'shm_bytes{type="posix"}' 10000
	# Each segment whole pages: 5000 B is 2 pages of 4K, 1 B is 1.
	pages=$(( (5000 + PAGE - 1) / PAGE + 1 + 1 ))
	assert_value shm_sysv_used_pages "$pages"
	assert_value shm_sysv_used_segments 3
	# The kernel's own count agrees (ipcs -u: "pages allocated").
	run ipcs -m -u
	assert_line --regexp "^pages allocated +$pages\$"
}

@test "resident bytes: what the memory holds, per type" {
	shmmk -s 64K /a >/dev/null
	head -c 20000 /dev/zero | tr '\0' x | shmput /a
	metrics
	want=$(( $(stat -c '%b * %B' /dev/shm/a) ))
	assert_value 'shm_resident_bytes{type="posix"}' "$want"
	(( want >= 20000 )) || fail "only $want bytes resident"
}

@test "orphan, unused and unknown use agree with shmrm's filters and never overlap" {
	need_sysv_writer
	# System V: one attached (used), one whose creator runs (unused, not
	# an orphan), one whose creator is gone (unused and an orphan).
	start_sysv "$(new_key)" used
	start_creator "$(new_key)"
	shmmk -s 4096 "$(new_key)" >/dev/null
	# POSIX: one mapped (used), one nobody maps (unused and an orphan).
	start_posix /mapped hi
	shmmk -s 3000 /alone >/dev/null
	metrics
	assert_value 'shm_segments{type="sysv"}' 3
	assert_value 'shm_unused_segments{type="sysv"}' 2
	assert_value 'shm_orphan_segments{type="sysv"}' 1
	assert_value 'shm_orphan_bytes{type="sysv"}' 4096
	assert_value 'shm_unknown_use_segments{type="sysv"}' 0
	assert_value 'shm_segments{type="posix"}' 2
	assert_value 'shm_unused_segments{type="posix"}' 1
	assert_value 'shm_orphan_segments{type="posix"}' 1
	assert_value 'shm_orphan_bytes{type="posix"}' 3000
	assert_value 'shm_unknown_use_segments{type="posix"}' 0
	# The oldest orphan's CTIME, the time --older-than ages it by.
	ctime=$(shmls -rn -o CTIME --time-format iso /alone)
	assert_value 'shm_oldest_orphan_timestamp_seconds{type="posix"}' \
	    "$(date -d "$ctime" +%s)"
	run ! grep -q 'shm_oldest_orphan_timestamp_seconds{type="memfd"}' "$PROM"
	# The same segments as the filters select.
	[[ $(shmls -rn --orphans -o ADDRESS | wc -l) -eq 2 ]]
	[[ $(shmls -rn --unused -o ADDRESS | wc -l) -eq 3 ]]
	run --separate-stderr -0 shmrm -n --orphans
	assert_stderr_has "would remove 2 segments, 7096 bytes"
}

@test "where the scan cannot see every process, use is unknown: a number of its own, not 0, not used" {
	need_pidns
	shmmk -s 3000 /alone >/dev/null
	shmmk -s 4096 "$(new_key)" >/dev/null
	run --separate-stderr -0 in_child_pidns shmls --metrics
	printf '%s\n' "$output" >"$PROM"
	# Unlinked objects only unseen processes hold may be more: no count.
	assert_value 'shm_listing_complete{type="posix"}' 0
	run ! grep -q '^shm_segments{type="posix"}' "$PROM"
	assert_value 'shm_listing_complete{type="sysv"}' 1
	assert_value 'shm_segments{type="sysv"}' 1
	assert_value 'shm_unknown_use_segments{type="posix"}' 1
	assert_value 'shm_unused_segments{type="posix"}' 0
	assert_value 'shm_orphan_segments{type="posix"}' 0
	# System V's NATTCH is the kernel's: known everywhere.
	assert_value 'shm_unknown_use_segments{type="sysv"}' 0
	assert_value 'shm_unused_segments{type="sysv"}' 1
}

# --- labels and filters --------------------------------------------------------

@test "owners: the largest by bytes per type by name, the rest as other; summed, they are shm_bytes" {
	need_nobody
	shmmk -s 8K /mine >/dev/null
	as_nobody shmmk -s 64K /theirs >/dev/null
	as_nobody shmmk -s 4K /theirs2 >/dev/null
	metrics
	assert_value 'shm_owner_bytes{type="posix",owner="nobody",uid="65534"}' $(( 68 * 1024 ))
	assert_value 'shm_owner_segments{type="posix",owner="nobody",uid="65534"}' 2
	assert_value 'shm_owner_bytes{type="posix",owner="root",uid="0"}' 8192
	metrics --metrics-owners 1
	assert_value 'shm_owner_bytes{type="posix",owner="nobody",uid="65534"}' $(( 68 * 1024 ))
	assert_value 'shm_owner_bytes{type="posix",owner="other",uid="other"}' 8192
	assert_value 'shm_owner_segments{type="posix",owner="other",uid="other"}' 1
	run ! grep -q 'owner="root"' "$PROM"
	sum=$(awk '/^shm_owner_bytes\{type="posix"/ { s += $2 } END { print s }' "$PROM")
	assert_value 'shm_bytes{type="posix"}' "$sum"
	metrics --metrics-owners=0
	run ! grep -q 'owner=' "$PROM"
	run ! grep -q 'shm_owner' "$PROM"
}

@test "the label set is bounded: 30 segments of one owner are one series, never a label per segment" {
	for i in $(seq 30); do
		shmmk -s 1K "/s$i" >/dev/null
	done
	metrics
	assert_value 'shm_segments{type="posix"}' 30
	assert_value 'shm_owner_segments{type="posix",owner="root",uid="0"}' 30
	# About a dozen series a kind (five), a dozen of the host's: a
	# label per segment would be 30 more.
	[[ $(grep -vc '^#' "$PROM") -lt 75 ]] || fail "$(cat "$PROM")"
	run ! grep -q '/s1' "$PROM"
}

@test "the filters apply: -u USER, --posix, --older-than" {
	need_nobody
	shmmk -s 8K /mine >/dev/null
	shmmk -s 4K "$(new_key)" >/dev/null
	as_nobody shmmk -s 64K /theirs >/dev/null
	metrics -u nobody
	assert_value 'shm_segments{type="posix"}' 1
	assert_value 'shm_bytes{type="posix"}' 65536
	assert_value 'shm_segments{type="sysv"}' 0
	# The limits' use is the whole table's: the kernel counts them all.
	assert_value shm_sysv_used_segments 1
	metrics --posix
	assert_value 'shm_segments{type="posix"}' 2
	run ! grep -q 'type="sysv"' "$PROM"
	run ! grep -q '^shm_sysv_' "$PROM"
	grep -q '^shm_devshm_size_bytes ' "$PROM"
	metrics --sysv
	run ! grep -q '^shm_devshm' "$PROM"
	metrics --older-than 1d
	assert_value 'shm_segments{type="posix"}' 0
}

# --- errors ---------------------------------------------------------------------

@test "--metrics with an output format, --summary, --limits or an ADDRESS is a usage error" {
	shmmk -s 1K /a >/dev/null
	for args in "-J" "-r" "-e" "-0 -o ADDRESS" "--summary" "--limits" "/a"; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 shmls --metrics $args
		assert_output ''
		assert_stderr_has "Try 'shmls --help'."
	done
	run --separate-stderr -2 shmls --metrics-owners 3
	assert_stderr_has "--metrics-owners needs --metrics"
	for n in x -1 1001 ''; do
		run --separate-stderr -2 shmls --metrics --metrics-owners "$n"
		assert_stderr_has "--metrics-owners '$n'"
	done
}

@test "--metrics >/dev/full exits 1" {
	run --separate-stderr -1 sh -c 'shmls --metrics >/dev/full'
	[[ -n $stderr ]]
}
