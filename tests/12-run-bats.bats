#!/usr/bin/env bats
# 12-run-bats.bats - tests/run-bats in a chroot whose / is not a mount
# point, as on a debootstrap machine: where it can, it still isolates the
# bats files (and nothing it mounts shows outside the chroot's namespace);
# where it cannot, it says why on make check's console (fd 9), once, not
# only in the .log.

load test_helper

setup() {
	require_hermetic "mounts a chroot of its own"
	need_root
	need_tool chroot coreutils
	SIM=$BATS_TEST_TMPDIR/sim
	R=$SIM/root
	PEER=$BATS_TEST_TMPDIR/peer
	mkdir -p "$SIM" "$PEER"
	# The chroot's own directory is on a shared mount with a peer
	# outside: a mount made inside that leaked would show in the peer.
	mount -t tmpfs shmt-sim "$SIM"
	mount --make-shared "$SIM"
	mount --bind "$SIM" "$PEER"
	mkdir -p "$R"/{usr,etc,proc,dev,tmp,run/lock,build,src}
	local l
	for l in bin lib lib64 sbin; do
		ln -s "usr/$l" "$R/$l"
	done
	mount --rbind /usr "$R/usr"
	mount --rbind /etc "$R/etc"
	mount --rbind /dev "$R/dev"
	mount -t proc proc "$R/proc"
	mount --bind "$SHMT_SRCDIR" "$R/src"
	mount --bind "$SHMT_BUILDDIR" "$R/build"
	chmod 1777 "$R/tmp" "$R/run/lock"
	# A bats file that says what it found ("@" apart: bats would take
	# the line for one of its own tests).
	printf '%s\n' "@""test probe {" \
	    "echo \"# hermetic=\$SHMT_HERMETIC shm=\$(awk '\$2 == \"/dev/shm\" { s = \$1 } END { print s }' /proc/self/mounts)\" >&3" \
	    "}" >"$R/tmp/probe.bats"
}

teardown() {
	[[ -n ${SIM:-} ]] || return 0
	umount -R -l "$PEER" 2>/dev/null
	umount -R -l "$SIM" 2>/dev/null
	return 0
}

# in_chroot: run tests/run-bats on the probe in the chroot, fd 9 (the
# console) into $BATS_TEST_TMPDIR/console; its TAP in $output.
in_chroot() {
	# a clean environment, as a login in the chroot would have: none of
	# this bats's own variables
	run chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    SHMT_SRCDIR=/src SHMT_BUILDDIR=/build sh -c 'exec 9>/tmp/console; /src/tests/run-bats /tmp/probe.bats'
	CONSOLE=$(cat "$R/tmp/console")
}

# peer_mounts: the mounts the peer sees (what run-bats mounted in the
# chroot would show here, had it leaked).
peer_mounts() {
	awk -v p="$PEER/" 'index($2, p) == 1' /proc/self/mounts
}

@test "in a chroot with /dev/shm and /run/lock mount points, the bats files still run isolated, and nothing shows outside" {
	mountpoint -q "$R/dev/shm" || skip "/dev/shm is not a mount point here"
	mount --bind "$R/run/lock" "$R/run/lock"
	[[ $(stat -c %m "$R/.") != "$R" ]] || fail "the chroot's / is a mount point"
	before=$(peer_mounts)
	in_chroot
	assert_success
	assert_output --partial "# hermetic=1 shm=shmtools-test"
	assert_equal "$CONSOLE" ""
	assert_equal "$(peer_mounts)" "$before"
}

@test "in a chroot where it cannot isolate, run-bats says why on the console, once, and runs the tests unisolated" {
	# /run/lock is a plain directory of the chroot: a tmpfs on it
	# would show in the peer, so it does not mount one.
	before=$(peer_mounts)
	in_chroot
	assert_success
	assert_output --partial "# hermetic=0"
	[[ $CONSOLE == "run-bats: "*"/run/lock"*"SHMT_HERMETIC=0"* ]] ||
	    fail "console: '$CONSOLE'"
	assert_equal "$(wc -l <<<"$CONSOLE")" 1
	assert_output --partial "# $CONSOLE"
	assert_equal "$(peer_mounts)" "$before"
	# said once a make check run: a second file says nothing more
	in_chroot
	assert_equal "$CONSOLE" ""
	rm -f "$SHMT_BUILDDIR/tests/.no-namespace-told"
}
