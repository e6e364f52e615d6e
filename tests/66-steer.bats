#!/usr/bin/env bats
# 66-steer.bats - cleanup a user can steer, and a df of /dev/shm per place:
# --name and --exclude (fnmatch globs over names, paths and keys as
# printed), the cleanup unit's keep-list (--exclude-from), shmls -A
# --summary's row per place, the fullest first, and what shmrm's bulk
# modes say of what they keep.

load test_helper

setup() {
	require_hermetic "bulk removals and namespaces"
	P=shmt66-$$-$RANDOM
}

teardown() {
	stop_clients
	cleanup_segments
	rm -f /dev/shm/"$P"* 2>/dev/null
	return 0
}

# mk NAME...: POSIX objects /NAME of 1K, that nobody uses (orphans).
mk() {
	local n
	for n in "$@"; do
		shmmk -s 1K "/$n" >/dev/null || fail "shmmk /$n"
		track "/$n"
	done
}

# names ARGS...: the exact names shmls --posix ARGS lists, one a line.
names() {
	shmls --posix -n -0 -o ADDRESS "$@" | tr '\0' '\n' | sort
}

@test "--name matches a POSIX object's name with or without its slash, --exclude wins, several --name: any" {
	mk "${P}_psm_a" "${P}_psm_b" "${P}_keep"
	assert_equal "$(names --name "${P}_psm_*")" \
	    "$(printf '/%s\n' "${P}_psm_a" "${P}_psm_b")"
	assert_equal "$(names --name "/${P}_psm_*")" \
	    "$(printf '/%s\n' "${P}_psm_a" "${P}_psm_b")"
	assert_equal "$(names --name "/${P}_*" --exclude "${P}_psm_a" \
	    --exclude "/*_keep")" "/${P}_psm_b"
	assert_equal "$(names --name "${P}_psm_a" --name "/${P}_keep")" \
	    "$(printf '/%s\n' "${P}_keep" "${P}_psm_a" | sort)"
	# A glob that only the slash-less name would match: no match.
	assert_equal "$(names --name "/${P}_psm_a/")" ""
}

@test "--name: names with [ * ? quotes and backslash, and bytes that are not UTF-8" {
	mk "${P}[x]" "${P}*star" "${P}?q" "${P}'sq\"dq" "${P}\\bs" $'\xff'"${P}"$'\xfe'
	assert_equal "$(names --name "${P}[[]x]")" "/${P}[x]"
	assert_equal "$(names --name "${P}\\[x\\]")" "/${P}[x]"
	assert_equal "$(names --name "${P}\\*star")" "/${P}*star"
	assert_equal "$(names --name "${P}\\?q")" "/${P}?q"
	assert_equal "$(names --name "${P}'*\"dq")" "/${P}'sq\"dq"
	assert_equal "$(names --name "${P}\\\\bs")" "/${P}\\bs"
	assert_equal "$(names --name $'\xff'"${P}?")" "/"$'\xff'"${P}"$'\xfe'
	assert_equal "$(names --name "?${P}*")" "/"$'\xff'"${P}"$'\xfe'
	# In a UTF-8 locale too.
	assert_equal "$(LC_ALL=C.UTF-8 names --name "?${P}?")" "/"$'\xff'"${P}"$'\xfe'
	# ...and shmrm removes by the same match, that one alone.
	run --separate-stderr -0 shmrm -v --all --name $'\xff'"${P}*"
	assert_equal "$(names --name "*${P}*" | wc -l)" 5
	[[ ! -e /dev/shm/$'\xff'"${P}"$'\xfe' ]] || fail "not removed"
}

@test "a bad glob is a usage error that names it, and nothing is removed" {
	mk "${P}_a"
	run --separate-stderr -2 shmrm --all --name "${P}[a"
	assert_stderr_has "shmrm: --name '${P}[a': unclosed ["
	run --separate-stderr -2 shmls --exclude "${P}\\"
	assert_stderr_has "ends in a backslash"
	run --separate-stderr -2 shmls --name '[[:nope:]]'
	assert_stderr_has "unknown character class"
	run --separate-stderr -2 shmrm --all --name ''
	assert_stderr_has "empty pattern"
	assert_kept "/${P}_a"
}

@test "--name takes System V keys as printed, whatever the case" {
	key=$(new_key)
	other=$(new_key)
	shmmk -s 1K "$key"
	shmmk -s 1K "$other"
	run -0 shmls --sysv -rn -o ADDRESS --name "$key"
	assert_output "$key"
	run -0 shmls -rn -o ADDRESS --name "${key^^}"
	assert_output "$key"
	run -0 shmls --sysv -rn -o ADDRESS --name '0x5e*' --exclude "$other"
	assert_line "$key"
	refute_line "$other"
	run --separate-stderr -0 shmrm -v --orphans --name "$key"
	assert_output "removed $key"
	assert_gone "$key"
	assert_kept "$other"
}

@test "--exclude protects an orphan from shmrm --orphans; --name removes only those" {
	mk "${P}_psm_1" "${P}_psm_2" "${P}_lock"
	run --separate-stderr -0 shmrm -v --orphans --name "${P}_psm_1" \
	    --name "/${P}_lock" --exclude "${P}_lock"
	assert_output "removed /${P}_psm_1"
	assert_kept "/${P}_psm_2" "/${P}_lock"
	printf '%s\n' "/${P}_lock" >"$BATS_TEST_TMPDIR/keep"
	run --separate-stderr -0 shmrm -v --orphans --name "${P}_*" \
	    --exclude-from "$BATS_TEST_TMPDIR/keep"
	assert_output "removed /${P}_psm_2"
	assert_kept "/${P}_lock"
}

# unit_cmd ETC: the cleanup unit's ExecStart, with the build's programs and
# ETC for its sysconfdir, into $cmd (an array).  The one change: objects made
# now are not a day old, so --older-than 1d becomes 0s.
unit_cmd() {
	local line
	line=$(sed -e "s|@bindir@|$SHMT_BINDIR|g" -e "s|@sysconfdir@|$1|g" \
	    "$SHMT_SRCDIR/systemd/shmtools-cleanup.service.in" |
	    sed -n 's/^ExecStart=//p')
	[[ $line == *" --older-than 1d "* && $line == *"--exclude-from=-$1/shmtools/keep"* ]] ||
	    fail "ExecStart changed: $line"
	read -r -a cmd <<<"${line/--older-than 1d/--older-than 0s}"
}

@test "the cleanup unit's keep-list keeps what it names; missing, it keeps nothing; bad, nothing is removed" {
	etc=$BATS_TEST_TMPDIR/etc
	mkdir -p "$etc/shmtools"
	unit_cmd "$etc"
	mk "${P}_libpod_lock" "${P}_psm_x"
	printf '# podman rebuilds its locks without it\n\n  /%s_libpod_lock  \n%s\n' \
	    "$P" "/nothing-*" >"$etc/shmtools/keep"
	run --separate-stderr -0 "${cmd[@]}"
	assert_line "removed /${P}_psm_x"
	refute_line --partial "_libpod_lock"
	assert_kept "/${P}_libpod_lock"
	# A bad glob in it: a usage error, before anything is removed.
	mk "${P}_psm_y"
	printf '%s\n' "/${P}_libpod_lock" "psm_[" >"$etc/shmtools/keep"
	run --separate-stderr -2 "${cmd[@]}"
	assert_stderr_has "$etc/shmtools/keep, line 2"
	assert_kept "/${P}_libpod_lock" "/${P}_psm_y"
	# No keep file: nothing kept, not an error.
	rm "$etc/shmtools/keep"
	run --separate-stderr -0 "${cmd[@]}"
	assert_line "removed /${P}_libpod_lock"
	assert_gone "/${P}_libpod_lock" "/${P}_psm_y"
	# Given without the '-', a missing file is an error.
	run --separate-stderr -2 shmrm --orphans --exclude-from "$etc/shmtools/keep"
	assert_stderr_has "No such file"
}

@test "shmls -A --summary: a row per place, the nearly full 1 MiB /dev/shm first, in JSON too" {
	need_root
	unshare --ipc --mount --propagation private true 2>/dev/null ||
	    skip "cannot make an IPC and mount namespace"
	box full 1m
	box roomy 8m
	nsenter -t "$full" --ipc --mount -- sh -c \
	    'head -c 900K /dev/zero >/dev/shm/fill' || fail "cannot fill"
	nsenter -t "$roomy" --ipc --mount -- shmmk -s 8K 0x00660001 >/dev/null
	nsenter -t "$roomy" --ipc --mount -- shmmk -s 4K /small >/dev/null
	run -0 shmls -A --summary -rb
	assert_line --index 0 'NSPID CONTAINER SIZE USED FREE USE% SYSV SYSV_SIZE POSIX POSIX_SIZE'
	assert_line --index 1 --regexp "^$full [^ ]* 1048576 92[0-9]{4} [0-9]+ 8[0-9]% 0 0 1 921600$"
	assert_line --regexp "^$roomy [^ ]* 8388608 [0-9]+ [0-9]+ 0% 1 8192 1 4096$"
	# The rows per kind still follow, for all places together.
	assert_line --regexp '^sysv [0-9]+ '
	run -0 shmls -A --summary -J
	jq -e --argjson full "$full" --argjson roomy "$roomy" '
	    .places[0].nspid == $full and .places[0]["use%"] > 80 and
	    .places[0].size == 1048576 and .places[0].posix == 1 and
	    (.places | map(select(.nspid == $roomy))[0] |
	        .sysv == 1 and .sysv_size == 8192 and .free > 0) and
	    (.shm | map(.type) | index("sysv")) != null' <<<"$output" >/dev/null ||
	    fail "$output"
	# -N PID: that place's row.
	run -0 shmls -N "$full" --summary -rnb --posix
	assert_line --index 0 --regexp "^$full [^ ]* 1048576 [0-9]+ [0-9]+ 8[0-9]%   1 921600$"
}

# in_child_pidns CMD...: CMD in a new PID namespace below the suite's,
# where the suite's processes cannot be seen.
in_child_pidns() {
	env -u SHMTOOLS_PIDNS_PRIVATE unshare --pid --fork --mount-proc \
	    --propagation private "$@"
}

@test "shmrm --orphans says what it keeps: each and why under -v, how many of unknown use and what would see without" {
	need_root
	unshare --pid --fork --mount-proc true 2>/dev/null ||
	    skip "cannot make a PID namespace"
	name=$(new_name)
	start_posix "$name" "parent's"
	run --separate-stderr -0 in_child_pidns shmrm -v -n --orphans --name "$name"
	assert_stderr_has "shmrm: $name: kept: who uses it cannot be seen"
	assert_stderr_has "shmrm: kept 1 of unknown use: processes of another PID namespace may use them; run shmrm in the host's PID namespace, or set SHMTOOLS_PIDNS_PRIVATE=1"
	run --separate-stderr -0 in_child_pidns shmrm --orphans --name "$name"
	[[ $stderr != *": kept: "* ]] || fail "kept notes without -v: $stderr"
	assert_stderr_has "shmrm: kept 1 of unknown use: processes of another PID namespace"
	assert_stderr_has "shmrm: removed 0 segments, 0 bytes (0B); kept 1 in use, of unknown use or not orphans"
	assert_kept "$name"
	# In the host's PID namespace it is seen, in use.
	run --separate-stderr -0 shmrm -v --orphans --name "$name"
	assert_stderr_has "shmrm: $name: kept: in use"
	[[ $stderr != *"of unknown use:"* ]] || fail "unknown in the host: $stderr"
	# A System V segment whose creator runs: not an orphan, and said why.
	key=$(new_key)
	start_creator "$key"
	run --separate-stderr -0 shmrm -v --orphans --name "$key"
	assert_stderr_has "shmrm: $key: kept: not an orphan: its creator, PID $PID, runs"
	assert_kept "$key"
	# From a child PID namespace its creator has no number there.
	run --separate-stderr -0 in_child_pidns shmrm -v --orphans --name "$key"
	assert_stderr_has "shmrm: $key: kept: its creator is of another PID namespace"
	assert_stderr_has "shmrm: kept 1 of unknown use"
}

@test "shmrm -v --orphans: a removed System V segment still attached is not told as kept" {
	key=$(new_key)
	start_sysv "$key" "attached"
	id=$(sysv_id "$key")
	shmrm "$key" 2>/dev/null
	run --separate-stderr -0 shmrm -v -n --orphans --sysv
	[[ $stderr != *"id:$id: kept"* ]] || fail "told as kept: $stderr"
	# Attached and not removed: told, in use.
	key2=$(new_key)
	start_sysv "$key2" "attached"
	run --separate-stderr -0 shmrm -v -n --orphans --sysv
	assert_stderr_has "shmrm: $key2: kept: in use"
}
