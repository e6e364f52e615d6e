#!/bin/sh
# demo.sh - what shmtools is for, in a dozen commands: make a System V
# segment, a POSIX object and a shared file, and meet a memfd that a
# process holds; write, list, read and remove them with the same programs
# and the same ADDRESS grammar.
#
# usage: sh tests/demo.sh BINDIR MEMFD_HOLDER    (make demo runs it on the
#        build, with tests/clients/memfd_holder)

set -eu

if [ $# -ne 2 ] || [ ! -x "$1/shmmk" ] || [ ! -x "$2" ]; then
	echo "usage: sh tests/demo.sh BINDIR MEMFD_HOLDER  (the directory" \
	    "holding shmmk, and tests/clients/memfd_holder)" >&2
	exit 2
fi
PATH=$1:$PATH
holder_prog=$2
export PATH LC_ALL=C

# Names no one else is using: this shell's pid is in each.
posix=/shmtools-demo-$$
file=file:${TMPDIR:-/tmp}/shmtools-demo-$$
sysv=
holder=
ready=${TMPDIR:-/tmp}/shmtools-demo-$$.ready

# Whatever happens, leave nothing behind.
cleanup() {
	shmrm -f ${sysv:+"$sysv"} "$posix" "$file" 2>/dev/null || :
	[ -z "$holder" ] || kill "$holder" 2>/dev/null || :
	rm -f "$ready"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# Print a command the way one would type it, then run it.
quote() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=+,@%-]*)
		printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*)
		printf '%s' "$1" ;;
	esac
}
show() {
	printf '$'
	for arg; do
		printf ' '
		quote "$arg"
	done
	printf '\n'
}
run() {
	show "$@"
	"$@"
}
say() {
	echo
	for line; do
		printf '# %s\n' "$line"
	done
}

say "Make a System V segment (key IPC_PRIVATE), a POSIX object and a" \
    "shared file, 4 KiB each.  shmmk prints the ADDRESS it made."
show shmmk --private -s 4K
sysv=$(shmmk --private -s 4K)
echo "$sysv"
run shmmk -s 4K "$posix"
run shmmk -s 4K "$file"

say "A memfd has no name outside the process that made it and holds it" \
    "(here a small test client): its ADDRESS is memfd:PID:FD."
"$holder_prog" shmtools-demo 4096 '' "$ready" &
holder=$!
while [ ! -s "$ready" ]; do
	kill -0 "$holder" 2>/dev/null || { echo "demo: the memfd holder died" >&2; exit 1; }
	sleep 0.05
done
read -r pid fd <"$ready"
memfd=memfd:$pid:$fd
echo "$memfd"

say "Write into each of them."
run shmput -d 'hello from System V' "$sysv"
run shmput -d 'hello from POSIX' "$posix"
run shmput -d 'hello from a file' "$file"
run shmput -d 'hello from a memfd' "$memfd"

say "List them: one table for every kind, and ADDRESSes to paste."
run shmls "$sysv" "$posix" "$file" "$memfd"

say "Read them back (-s: up to the first NUL byte, as a C string)."
for addr in "$sysv" "$posix" "$file" "$memfd"; do
	run shmcat -s "$addr"
	echo
done

say "Remove them.  A memfd cannot be removed: it goes when its process" \
    "lets go of it."
run shmrm -v "$sysv" "$posix" "$file"
sysv=
show kill "$holder"
kill "$holder"
wait "$holder" 2>/dev/null || :
holder=

say "Gone: listing them now fails."
show shmls "$posix" "$memfd"
if shmls "$posix" "$memfd" 2>&1; then
	echo "demo: $posix or $memfd still exists" >&2
	exit 1
fi
