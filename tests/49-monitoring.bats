#!/usr/bin/env bats
# 49-monitoring.bats - shmtools as node_exporter's textfile source: the
# systemd units pass systemd-analyze verify and keep to least privilege,
# the metrics script writes its file atomically, a real node_exporter
# serves what it wrote over 127.0.0.1 with no textfile error, and the
# README's example alerts pass promtool.
#
# The tools come from Debian packages that .ci/run installs; elsewhere a
# missing one skips its test, saying which, but under .ci/run (SHMT_CI=1)
# a missing tool is a failure: CI must run these tests.

load test_helper

setup() {
	UNITS=$BATS_TEST_TMPDIR/units
	TEXTFILE=$BATS_TEST_TMPDIR/textfile
	mkdir -p "$UNITS" "$TEXTFILE"
	# The units and the script as installed, but naming the build's
	# programs, so that systemd-analyze verify finds every ExecStart.
	local f
	for f in "$SHMT_SRCDIR"/systemd/*.in "$SHMT_SRCDIR"/systemd/*.timer; do
		sed -e "s|@bindir@|$SHMT_BINDIR|g" \
		    -e "s|@pkglibexecdir@|$UNITS|g" \
		    -e "s|@textfiledir@|$TEXTFILE|g" \
		    -e "s|@sysconfdir@|$UNITS/etc|g" \
		    "$f" >"$UNITS/$(basename "$f" .in)"
	done
	chmod +x "$UNITS/shmtools-metrics"
}

teardown() {
	if [[ -f $BATS_TEST_TMPDIR/exporter.pid ]]; then
		kill "$(cat "$BATS_TEST_TMPDIR/exporter.pid")" 2>/dev/null
		wait "$(cat "$BATS_TEST_TMPDIR/exporter.pid")" 2>/dev/null
	fi
	stop_clients
	cleanup_segments
}

need_hermetic() {
	[[ $SHMT_HERMETIC == 1 ]] ||
	    skip "needs the private namespaces of tests/run-bats (exact counts)"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# readme_rules: the rules file README.md shows, its first yaml block.
readme_rules() {
	awk '/^```yaml$/ { on = 1; next } on && /^```$/ { exit } on' \
	    "$SHMT_SRCDIR/README.md"
}

# --- the systemd units ---------------------------------------------------------

@test "systemd-analyze verify passes for each unit, with no warning" {
	need_tool systemd-analyze systemd
	# Documentation=man:... is checked too: the pages of this tree.
	mkdir -p "$BATS_TEST_TMPDIR/man/man1"
	cp "$SHMT_SRCDIR"/man/*.1 "$BATS_TEST_TMPDIR/man/man1/"
	for u in shmtools-metrics.service shmtools-metrics.timer \
	    shmtools-cleanup.service shmtools-cleanup.timer; do
		run env MANPATH="$BATS_TEST_TMPDIR/man" \
		    systemd-analyze verify "$UNITS/$u"
		[[ $status -eq 0 && -z $output ]] ||
		    fail "systemd-analyze verify $u: $status: $output"
	done
}

@test "the units run with the least privilege that works, in the host's IPC namespace and /dev/shm" {
	for u in shmtools-metrics.service shmtools-cleanup.service; do
		f=$UNITS/$u
		for want in NoNewPrivileges=yes ProtectSystem=strict \
		    PrivateNetwork=yes RestrictAddressFamilies=AF_UNIX \
		    ProtectHome=yes IPAddressDeny=any Type=oneshot; do
			grep -qx "$want" "$f" || fail "$u: no $want"
		done
		grep -q '^CapabilityBoundingSet=' "$f" || fail "$u: all capabilities"
		# They must see the host's segments and every process.
		for never in PrivateIPC PrivateDevices ProtectProc ProcSubset \
		    DynamicUser RemoveIPC; do
			run ! grep -q "^$never=" "$f"
		done
	done
	grep -qx "ReadWritePaths=-$TEXTFILE" "$UNITS/shmtools-metrics.service"
	run ! grep -q '^PrivateTmp=' "$UNITS/shmtools-cleanup.service"
	grep -qx "ExecStart=$SHMT_BINDIR/shmrm -v --orphans --older-than 1d --exclude-from=-$UNITS/etc/shmtools/keep" \
	    "$UNITS/shmtools-cleanup.service"
	grep -qx 'OnCalendar=minutely' "$UNITS/shmtools-metrics.timer"
	grep -qx 'OnCalendar=daily' "$UNITS/shmtools-cleanup.timer"
	if command -v systemd-analyze >/dev/null; then
		for u in shmtools-metrics.service shmtools-cleanup.service; do
			# An exposure of 3.0 or less ("OK") out of 10.
			run systemd-analyze security --offline=yes --threshold=30 \
			    "$UNITS/$u"
			[[ $status -eq 0 ]] || fail "$u: ${lines[-1]}"
		done
	fi
}

# --- the script the metrics timer runs --------------------------------------

@test "shmtools-metrics writes shmls --metrics beside the file and renames it over" {
	need_hermetic
	shmmk -s 4K /a >/dev/null
	echo old >"$TEXTFILE/shmtools.prom"
	old=$(stat -c %i "$TEXTFILE/shmtools.prom")
	"$UNITS/shmtools-metrics" "$TEXTFILE"
	# A new file (renamed over the old), readable by node_exporter's user.
	[[ $(stat -c %i "$TEXTFILE/shmtools.prom") != "$old" ]]
	[[ $(stat -c %a "$TEXTFILE/shmtools.prom") == 644 ]]
	# the same, but for the kernel's Shmem, which is the whole machine's
	# and moves between two runs while anything else runs beside us
	diff <(shmls --metrics | grep -v '^shm_kernel_shmem') \
	    <(grep -v '^shm_kernel_shmem' "$TEXTFILE/shmtools.prom")
	# Nothing left beside it.
	run ls -A "$TEXTFILE"
	assert_output shmtools.prom
}

@test "shmtools-metrics: when shmls fails, the last good file stays and nothing is left beside it" {
	echo good >"$TEXTFILE/shmtools.prom"
	run --separate-stderr -1 env SHMLS=false "$UNITS/shmtools-metrics" "$TEXTFILE"
	assert_stderr_has "shmls --metrics failed"
	[[ $(cat "$TEXTFILE/shmtools.prom") == good ]]
	run ls -A "$TEXTFILE"
	assert_output shmtools.prom
}

# --- a real node_exporter ----------------------------------------------------

@test "a real node_exporter serves the file over 127.0.0.1 with no textfile error" {
	need_hermetic
	need_tool prometheus-node-exporter prometheus-node-exporter
	need_tool curl curl
	need_tool python3 python3
	need_sysv_writer
	start_sysv "$(new_key)" used 8192
	shmmk -s 10000 /orphan >/dev/null
	"$UNITS/shmtools-metrics" "$TEXTFILE"
	port=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
	    --collector.disable-defaults --collector.textfile \
	    --collector.textfile.directory="$TEXTFILE" \
	    >"$BATS_TEST_TMPDIR/exporter.log" 2>&1 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/exporter.pid"
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/metrics" \
		    >"$BATS_TEST_TMPDIR/scrape" && break
		sleep 0.1
	done
	run cat "$BATS_TEST_TMPDIR/scrape"
	assert_line 'node_textfile_scrape_error 0'
	assert_line 'shm_segments{type="sysv"} 1'
	assert_line 'shm_segments{type="posix"} 1'
	assert_line 'shm_orphan_segments{type="posix"} 1'
	assert_line 'shm_orphan_bytes{type="posix"} 10000'
	assert_line 'shm_unused_segments{type="sysv"} 0'
	assert_line 'shm_unknown_use_segments{type="posix"} 0'
	assert_line 'shm_owner_bytes{owner="root",type="sysv",uid="0"} 8192'
	assert_line --regexp '^shm_sysv_limit_pages [0-9.e+]+$'
	assert_line 'shm_sysv_used_pages 2'
	assert_line --regexp '^shm_devshm_free_bytes [0-9.e+]+$'
	assert_line --regexp "^node_textfile_mtime_seconds\\{file=\"$TEXTFILE/shmtools.prom\"\\} "
	# No error, and no warning about the textfile (it warns that it runs
	# as root, which the test does).
	run grep -E 'level=error|level=warn.*textfile|textfile.*level=warn' \
	    "$BATS_TEST_TMPDIR/exporter.log"
	assert_failure
}

# --- the example alerts ---------------------------------------------------------

@test "README's example alert rules are contrib/shmtools.rules.yml, and promtool checks and tests them" {
	diff <(readme_rules) "$SHMT_SRCDIR/contrib/shmtools.rules.yml" ||
	    fail "README.md's rules and contrib/shmtools.rules.yml differ"
	need_tool promtool prometheus
	cd "$SHMT_SRCDIR/contrib"
	run promtool check rules shmtools.rules.yml
	assert_success
	assert_line --partial 'SUCCESS: 2 rules found'
	run promtool test rules shmtools.rules.test.yml
	assert_success
	assert_line --partial SUCCESS
	# The rules name metrics that shmls prints.
	for m in $(grep -oE '\bshm_[a-z_]+' shmtools.rules.yml | sort -u); do
		grep -q "^\.It .*Li $m\b" "$SHMT_SRCDIR/man/shmls.1" ||
		    fail "the rules use $m, which shmls does not print"
	done
}
