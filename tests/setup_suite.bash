# setup_suite.bash - run once by bats before the first test.
#
# Fails loudly, with the reason on stderr, when the environment is wrong,
# instead of letting every test fail or skip for the same reason.

setup_suite() {
	local top prog missing=() shm_src

	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	: "${SHMT_BUILDDIR:=$top}"
	: "${SHMT_SRCDIR:=$top}"
	: "${SHMT_HERMETIC:=0}"
	export SHMT_BUILDDIR SHMT_SRCDIR SHMT_HERMETIC

	# SHMT_INSTALLED=1: the programs are the installed ones, on PATH
	# (test_helper.bash); the test clients are still the build's.
	for prog in src/shmmk src/shmcat src/shmput src/shmls src/shmrm \
	    src/shmresize tests/clients/sysv_writer tests/clients/posix_writer \
	    tests/clients/file_writer tests/clients/memfd_holder; do
		if [[ ${SHMT_INSTALLED:-} == 1 && $prog == src/* ]]; then
			command -v "${prog#src/}" >/dev/null ||
			    missing+=("${prog#src/} (on PATH, SHMT_INSTALLED=1)")
			continue
		fi
		[[ -x $SHMT_BUILDDIR/$prog ]] || missing+=("$prog")
	done
	if (( ${#missing[@]} > 0 )); then
		echo "setup_suite: not built in $SHMT_BUILDDIR:" \
		    "${missing[*]} ('make check TESTS=' builds the programs" \
		    "and the test clients without running the tests)" >&2
		return 1
	fi

	if ! (bats_load_library bats-support && bats_load_library bats-assert) \
	    >/dev/null 2>&1; then
		echo "setup_suite: the bats-support and bats-assert libraries" \
		    "are missing (Debian packages bats-support, bats-assert;" \
		    "or set BATS_LIB_PATH)" >&2
		return 1
	fi

	for prog in ipcrm ipcs; do
		if ! command -v "$prog" >/dev/null; then
			echo "setup_suite: $prog not found (util-linux)" >&2
			return 1
		fi
	done

	if [[ $SHMT_HERMETIC == 1 ]]; then
		if [[ $(stat -f -c %T /dev/shm 2>/dev/null) != tmpfs ]]; then
			echo "setup_suite: SHMT_HERMETIC=1 but /dev/shm is not" \
			    "a tmpfs" >&2
			return 1
		fi
		shm_src=$(awk '$2 == "/dev/shm" { s = $1 } END { print s }' \
		    /proc/self/mounts)
		if [[ $shm_src != shmtools-test ]]; then
			echo "setup_suite: SHMT_HERMETIC=1 but /dev/shm is" \
			    "'$shm_src', not run-bats's private tmpfs" >&2
			return 1
		fi
		if [[ -n $(find /dev/shm -mindepth 1 -print -quit) ]]; then
			echo "setup_suite: SHMT_HERMETIC=1 but /dev/shm is not" \
			    "empty" >&2
			return 1
		fi
		if [[ -z ${SHMT_HOST_IPCNS:-} ||
		    $(readlink /proc/self/ns/ipc) == "$SHMT_HOST_IPCNS" ]]; then
			echo "setup_suite: SHMT_HERMETIC=1 but this is not a" \
			    "private IPC namespace (run the suite with" \
			    "tests/run-bats)" >&2
			return 1
		fi
		if [[ $(awk 'NR > 1' /proc/sysvipc/shm | wc -l) -ne 0 ]]; then
			echo "setup_suite: SHMT_HERMETIC=1 but the IPC namespace" \
			    "already has System V segments" >&2
			return 1
		fi
	fi
}
