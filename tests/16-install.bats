#!/usr/bin/env bats
# 16-install.bats - what a release promises (issue 23): make install
# stays inside its prefix and DESTDIR, --without-X installs none of X (and
# no directory named "no"), every program's -V says the version, the
# Debian package puts each file where Debian's tools look and enables no
# timer (with SHMT_INSTALLED=1, after installing it), and the first
# things a user meets: --help within 80 columns, shmls's synopsis, the
# words for -N of no process, no zombie offered for -N.
#
# Each install runs as root in a mount namespace of its own where every
# file system is read-only but the build directory and the one directory
# the install may write to (ro_run): a write anywhere else, the live
# /lib/systemd/system, /usr/share/fish or a sibling "/tmp/stageno", fails
# the install itself, whatever the path.  The --prefix installs configure
# a build of their own (VPATH, in a temporary directory) from a clean copy
# of the source tree, as a packager does from the tarball.

load test_helper

# ro_run WRITABLE... -- CMD...: CMD in a mount namespace of its own where
# every file system but /proc, /sys and /dev is read-only, except the
# directories WRITABLE.  Exit 77 if that cannot be made here.
ro_run() {
	local w=()
	while [[ $1 != -- ]]; do
		w+=("$1")
		shift
	done
	shift
	unshare --mount --propagation private bash -c '
		n=$1; shift
		w=("${@:1:n}"); shift "$n"
		mapfile -t mps < <(awk "{ print \$5 }" /proc/self/mountinfo)
		for mp in "${mps[@]}"; do
			mp=$(printf "%b" "$mp")
			case $mp in
			/proc | /proc/* | /sys | /sys/* | /dev | /dev/*) continue ;;
			esac
			mount -o remount,bind,ro "$mp" 2>/dev/null || {
				echo "ro_run: cannot make $mp read-only" >&2
				exit 77
			}
		done
		for d in "${w[@]}"; do
			mount --bind "$d" "$d" &&
			    mount -o remount,bind,rw "$d" 2>/dev/null || {
				echo "ro_run: cannot make $d writable" >&2
				exit 77
			}
		done
		# the proof that it holds: the parent of the first is read-only
		if touch "$(dirname "${w[0]}")/.ro-run-probe" 2>/dev/null; then
			echo "ro_run: $(dirname "${w[0]}") is still writable" >&2
			exit 77
		fi
		exec "$@"' ro_run "${#w[@]}" "${w[@]}" "$@"
}

# installs WRITABLE... -- MAKE-ARGS...: make MAKE-ARGS (an install) under
# ro_run; skip where ro_run cannot be made, fail if the install fails.
installs() {
	local w=() log=$BATS_TEST_TMPDIR/install.log
	while [[ $1 != -- ]]; do
		w+=("$1")
		shift
	done
	shift
	mkdir -p "$BATS_TEST_TMPDIR/scratch"
	TMPDIR=$BATS_TEST_TMPDIR/scratch run ro_run "${w[@]}" \
	    "$BATS_TEST_TMPDIR/scratch" -- env -u MAKEFLAGS -u MFLAGS \
	    -u MAKELEVEL make "$@"
	printf '%s\n' "$output" >"$log"
	if (( status == 77 )) && [[ $output == *ro_run:* ]]; then
		skip "$(grep -m1 ro_run: "$log")"
	fi
	(( status == 0 )) ||
	    fail "make $* failed (status $status):"$'\n'"$(tail -20 "$log")"
}

# need_install_root: skip unless root can make namespaces here.
need_install_root() {
	[[ ${SHMT_INSTALLED:-} != 1 ]] ||
	    skip "SHMT_INSTALLED=1: the programs under test are installed already"
	need_root
	unshare --mount --propagation private true 2>/dev/null ||
	    skip "cannot make a mount namespace"
}

# need_configure: a VPATH build of our own needs the source tree's
# configure (a git checkout after autoreconf -fi, or the tarball's).
need_configure() {
	[[ -x $SHMT_SRCDIR/configure ]] ||
	    skip "no configure in $SHMT_SRCDIR (run autoreconf -fi)"
	command -v "$(make_var CC | cut -d' ' -f1)" >/dev/null ||
	    skip "the build's compiler is not here"
}

# own_build DIR CONFIGURE-ARGS...: configure a build in DIR from a clean
# source tree (the build's distdir where the source tree is configured
# in place, as a git checkout after ./configure is) and build it.  The
# build is shared by the tests of this file: setup_file makes it.
own_build() {
	local dir=$1 src=$SHMT_SRCDIR
	shift
	CONFIGURE=$src/configure
	if [[ -e $SHMT_SRCDIR/config.status ]]; then
		src=$BATS_FILE_TMPDIR/src
		CONFIGURE=$src/configure
		submake -s -C "$SHMT_BUILDDIR" distdir distdir="$src" \
		    >"$BATS_FILE_TMPDIR/distdir.log" 2>&1 || return 1
	fi
	mkdir -p "$dir" &&
	    (cd "$dir" && "$src/configure" -q "$@" && submake -s -j2) \
	    >"$BATS_FILE_TMPDIR/build.log" 2>&1
}

setup_file() {
	export PFX=$BATS_FILE_TMPDIR/p B=$BATS_FILE_TMPDIR/b
	export NOT_BUILT=$BATS_FILE_TMPDIR/not-built CONFIGURE=
	[[ ${SHMT_INSTALLED:-} != 1 && $(id -u) -eq 0 &&
	    -x $SHMT_SRCDIR/configure ]] || return 0
	mkdir -p "$PFX"
	own_build "$B" --prefix="$PFX" && export CONFIGURE ||
	    echo "the build with --prefix=$PFX failed: $(tail -5 \
	    "$BATS_FILE_TMPDIR"/*.log)" >"$NOT_BUILT"
}

# need_build: the install tests' needs, and setup_file's build.
need_build() {
	need_install_root
	need_configure
	[[ ! -f $NOT_BUILT ]] || fail "$(cat "$NOT_BUILT")"
}

# only_under DIR ROOT: every file (not directory) below ROOT is below DIR.
only_under() {
	run find "$2" ! -type d ! -path "$1/*"
	assert_output ""
}

@test "make check runs every bats file of the tree, and the tarball carries each" {
	[[ -f $SHMT_SRCDIR/Makefile.am ]] || skip "no Makefile.am: an installed run"
	local listed f missing=()
	listed=" $(make_var BATS_TESTS) "
	for f in "$SHMT_SRCDIR"/tests/*.bats; do
		[[ $listed == *" tests/${f##*/} "* ]] || missing+=("${f##*/}")
	done
	((${#missing[@]} == 0)) || fail "not in BATS_TESTS: ${missing[*]}"
}

@test "-V: every program says the package and configure's version; a git build says its commit" {
	local ver p want
	ver=$(make_var PACKAGE_VERSION)
	[[ $ver =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "version '$ver'"
	want="${ver//./\\.}"
	if [[ ${SHMT_INSTALLED:-} == 1 ]]; then
		# a package built from git or from the tarball
		want+="(-g[0-9a-f]{12}(-dirty)?)?"
	elif [[ -e $SHMT_SRCDIR/.git ]] && command -v git >/dev/null &&
	    git -C "$SHMT_SRCDIR" rev-parse HEAD >/dev/null 2>&1; then
		# built from git: the commit, unless it is the release's tag
		if git -C "$SHMT_SRCDIR" describe --exact-match --match "v$ver" \
		    >/dev/null 2>&1; then
			want+="(-dirty)?"
		else
			want+="-g$(git -C "$SHMT_SRCDIR" rev-parse --short=12 HEAD)(-dirty)?"
		fi
	fi
	for p in shmmk shmcat shmput shmls shmrm shmresize; do
		run -0 "$p" -V
		assert_output --regexp "^$p \\(shmtools\\) $want\$"
		run -0 "$p" --version
		assert_output --regexp "^$p \\(shmtools\\) $want\$"
	done
}

@test "make install DESTDIR=STAGE writes nothing outside STAGE, and everything under STAGE/PREFIX" {
	need_build
	local stage=$BATS_TEST_TMPDIR/stage prefix
	prefix=$(make_var prefix)
	mkdir -p "$stage"
	installs "$SHMT_BUILDDIR" "$stage" -- -s -C "$SHMT_BUILDDIR" install \
	    DESTDIR="$stage"
	only_under "$stage$prefix" "$stage"
	[[ -x $stage$prefix/bin/shmls ]] || fail "no $prefix/bin/shmls in the stage"
	# the pieces that pkg-config names go inside the prefix too
	run find "$stage" -name shmtools-cleanup.timer
	assert_output "$stage$prefix/lib/systemd/system/shmtools-cleanup.timer"
	run find "$stage" -name installed-dirs
	assert_output ""
}

@test "configure --prefix=P (VPATH): make install as root writes nothing outside P; make uninstall leaves no file" {
	need_build
	installs "$B" "$PFX" -- -s -C "$B" install
	only_under "$PFX" "$PFX"
	local f
	for f in bin/shmls bin/shmresize share/man/man1/shmls.1 \
	    share/man/man7/shmtools.7 \
	    share/bash-completion/completions/shmls \
	    share/fish/vendor_completions.d/shmls.fish \
	    share/fish/vendor_functions.d/__fish_shmtools_addresses.fish \
	    lib/systemd/system/shmtools-metrics.timer \
	    lib/systemd/system/shmtools-cleanup.service \
	    libexec/shmtools/shmtools-metrics; do
		[[ -f $PFX/$f ]] || fail "$PFX/$f was not installed"
	done
	compgen -G "$PFX/share/zsh/*/_shmls" >/dev/null ||
	    fail "no zsh completion under $PFX/share/zsh"
	grep -q "^ExecStart=$PFX/bin/shmrm -v --orphans --older-than 1d --exclude-from=-$PFX/etc/shmtools/keep\$" \
	    "$PFX/lib/systemd/system/shmtools-cleanup.service" ||
	    fail "the cleanup unit does not run $PFX/bin/shmrm"
	# the man pages' footer names the release, not "BSD"
	run -0 grep -x "\\.Os shmtools $(make_var PACKAGE_VERSION)" \
	    "$PFX/share/man/man1/shmls.1"
	# the tarball (no .git) says the plain version
	if [[ ! -e $SHMT_SRCDIR/.git || -e $SHMT_SRCDIR/config.status ]]; then
		run -0 "$PFX/bin/shmmk" -V
		assert_output "shmmk (shmtools) $(make_var PACKAGE_VERSION)"
	fi
	installs "$B" "$PFX" -- -s -C "$B" uninstall
	run find "$PFX" ! -type d
	assert_output ""
	[[ ! -e $PFX/libexec/shmtools ]] || fail "make uninstall left libexec/shmtools"
}

@test "--without-X installs none of X and no directory named 'no', inside or beside DESTDIR" {
	need_build
	local stage=$BATS_TEST_TMPDIR/y
	mkdir -p "$stage"
	local cfg=$CONFIGURE
	(cd "$B" && "$cfg" -q --prefix="$PFX" --without-bashcompletiondir \
	    --without-zshcompletiondir --without-fishcompletiondir \
	    --without-systemdsystemunitdir --without-textfiledir &&
	    submake -s -j2) >"$BATS_TEST_TMPDIR/reconf.log" 2>&1 ||
	    fail "configure --without-...: $(tail -5 "$BATS_TEST_TMPDIR/reconf.log")"
	installs "$B" "$stage" -- -s -C "$B" install DESTDIR="$stage"
	run find "$stage" "$B" -name no
	assert_output ""
	only_under "$stage$PFX" "$stage"
	[[ -x $stage$PFX/bin/shmls && -f $stage$PFX/share/man/man1/shmls.1 ]] ||
	    fail "the programs and man pages were not installed"
	run find "$stage" \( -path '*completion*' -o -path '*fish*' \
	    -o -path '*zsh*' -o -path '*systemd*' -o -name 'shmtools-metrics*' \)
	assert_output ""
	# configure refuses a relative directory rather than install into it
	run sh -c "cd '$B' && '$cfg' -q --with-zshcompletiondir=relative/dir"
	assert_failure
	assert_output --partial "--with-zshcompletiondir=relative/dir"
}

@test "configure --prefix=/usr: zsh's completions where Debian's zsh looks (vendor-completions), every piece under /usr" {
	need_build
	[[ -d /usr/share/zsh/vendor-completions ]] ||
	    skip "no /usr/share/zsh/vendor-completions here (zsh not installed)"
	local d=$BATS_TEST_TMPDIR/usr v
	mkdir -p "$d"
	(cd "$d" && "$CONFIGURE" -q --prefix=/usr) >"$d.log" 2>&1 ||
	    fail "configure --prefix=/usr: $(tail -5 "$d.log")"
	for v in zshcompletiondir bashcompletiondir fishcompletiondir \
	    fishfunctionsdir systemdsystemunitdir; do
		run -0 env -u MAKEFLAGS make -s --no-print-directory -C "$d" \
		    -f Makefile -f - shmt-print-var \
		    <<<"shmt-print-var: ; @echo \$($v)"
		[[ $output == /usr/* ]] || fail "$v is $output, outside /usr"
		[[ $v != zshcompletiondir ]] ||
		    assert_output /usr/share/zsh/vendor-completions
	done
}

@test "the Debian package: programs, man pages and completions where Debian's tools find them; no timer enabled" {
	[[ ${SHMT_INSTALLED:-} == 1 ]] &&
	    dpkg-query -W -f='${Status}' shmtools 2>/dev/null |
	    grep -q 'ok installed' ||
	    skip "needs SHMT_INSTALLED=1 and the Debian package installed"
	# libbsd is in the programs: the package needs no libbsd0, and says
	# which libbsd it carries
	run -0 dpkg-query -W -f='${Depends}' shmtools
	refute_output --partial libbsd
	run -0 dpkg-query -W -f='${Static-Built-Using}' shmtools
	assert_output --regexp '^libbsd \(= [^)]+\)$'
	run -0 dpkg -L shmtools
	local f
	for f in /usr/bin/shmls /usr/bin/shmresize \
	    /usr/share/man/man1/shmls.1.gz /usr/share/man/man7/shmtools.7.gz \
	    /usr/share/bash-completion/completions/shmls \
	    /usr/share/zsh/vendor-completions/_shmls \
	    /usr/share/fish/vendor_completions.d/shmls.fish \
	    /usr/share/fish/vendor_functions.d/__fish_shmtools_addresses.fish \
	    /lib/systemd/system/shmtools-cleanup.timer \
	    /lib/systemd/system/shmtools-metrics.timer; do
		assert_line "$f"
	done
	refute_line --partial installed-dirs
	run -0 man -w shmls
	assert_output /usr/share/man/man1/shmls.1.gz
	run -0 zcat /usr/share/man/man1/shmls.1.gz
	assert_line "$(printf '.Os shmtools %s' "$(make_var PACKAGE_VERSION)")"
	# shipped, not enabled: no unit of ours is linked into a target
	run find /etc/systemd/system -name 'shmtools-*'
	assert_output ""
	run -0 grep -x 'ExecStart=/usr/bin/shmrm -v --orphans --older-than 1d --exclude-from=-/etc/shmtools/keep' \
	    /lib/systemd/system/shmtools-cleanup.service
}

@test "the programs carry libbsd's few functions (libbsd.a where it is): no libbsd.so or libmd.so bound at every start" {
	command -v readelf >/dev/null || skip "no readelf (binutils)"
	local cc=${CC:-cc} p bin
	command -v "$cc" >/dev/null || skip "no C compiler to find libbsd.a"
	[[ $("$cc" -print-file-name=libbsd.a) == /* ]] ||
	    skip "no libbsd.a here: the programs link libbsd.so"
	if [[ ${SHMT_INSTALLED:-} != 1 ]] &&
	    "$SHMT_BUILDDIR/config.status" --config |
	    grep -q -e "--disable-static-libbsd"; then
		skip "configured --disable-static-libbsd"
	fi
	for p in shmmk shmcat shmput shmls shmrm shmresize; do
		bin=$(command -v "$p")
		run -0 readelf -d "$bin"
		assert_line --partial 'Shared library: [libc.so.6]'
		refute_output --partial libbsd.so
		refute_output --partial libmd.so
	done
	if [[ ${SHMT_INSTALLED:-} != 1 ]]; then
		assert_equal "$(make_var STATIC_LIBBSD)" yes
	fi
}

# --- what a release's user meets first: help, messages, synopsis ---------

@test "every program's --help fits 80 columns" {
	local p
	for p in shmmk shmcat shmput shmls shmrm shmresize; do
		run -0 "$p" --help
		run awk -v p="$p" 'length > 80 { print p ": " length ": " $0 }' \
		    <<<"$output"
		assert_output ""
	done
}

@test "shmls --help shows --summary with an ADDRESS; shmls(1)'s SYNOPSIS never allows -A with ADDRESS" {
	run -0 shmls --help
	assert_line --regexp '^ +shmls \[-N PID\] --summary .*ADDRESS\.\.\.$'
	run -2 shmls -A /x
	# each form of the SYNOPSIS: -A and ADDRESS never in one
	run awk '/^\.Sh SYNOPSIS/ { on = 1; next } /^\.Sh/ { on = 0 }
	    on && /^\.Nm$/ { n++ } on { form[n] = form[n] " " $0 }
	    END { for (i in form)
		if (form[i] ~ /Fl A/ && form[i] ~ /Ar ADDRESS/) print form[i] }' \
	    "$SHMT_SRCDIR/man/shmls.1"
	assert_output ""
	run -0 grep -c -x '\.Ar ADDRESS \.\.\.' "$SHMT_SRCDIR/man/shmls.1"
}

@test "-N PID of no process: 'no such process', not 'has exited'" {
	local pid max
	max=$(cat /proc/sys/kernel/pid_max)
	for pid in $((max - 1)) $((max - 2)) $((max - 3)); do
		[[ -e /proc/$pid ]] || break
	done
	[[ ! -e /proc/$pid ]] || skip "PIDs near pid_max are taken"
	run --separate-stderr -1 shmls -N "$pid"
	assert_equal "$stderr" "shmls: -N $pid: PID $pid: no such process"
}

@test "bash completion of -N offers no zombie: an unreadable namespace link is no other namespace" {
	load completion
	COMPLETIONS=$SHMT_SRCDIR/completions
	local zombie
	start_zombie
	zombie=$ZOMBIE
	run complete_bash "shmls -N $zombie"
	refute_listed "$zombie"
	stop_clients
}
