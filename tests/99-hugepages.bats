#!/usr/bin/env bats
# 99-hugepages.bats - everything else that holds shared memory: System V
# segments of huge pages (shmmk --huge, STATUS hugetlb, shmresize keeps
# them), swapped pages of POSIX objects (SWAP, --summary), and POSIX
# semaphores and other files in /dev/shm, which no program takes for a
# segment.
#
# Huge pages: as root, setup_file reserves four 2 MiB pages on top of
# what the machine has (vm.nr_hugepages is the machine's, not the
# namespace's) and teardown_file puts the old count back.  Tests that need
# them skip, saying why, where they cannot be reserved.  Swap: where no
# swap is in use and we are root, a test adds a small swap file of its
# own for as long as it runs, and removes it.

load test_helper

HUGE_NR=/proc/sys/vm/nr_hugepages
HUGE_2M=/sys/kernel/mm/hugepages/hugepages-2048kB
HUGE_1G=/sys/kernel/mm/hugepages/hugepages-1048576kB

setup_file() {
	local old
	export HUGE_SKIP=""
	if [[ $(id -u) -ne 0 ]]; then
		HUGE_SKIP="needs root to reserve huge pages"
	elif [[ $(awk '$1 == "Hugepagesize:" { print $2 }' /proc/meminfo) != 2048 ]]; then
		HUGE_SKIP="the default huge page size is not 2 MiB here"
	elif ! old=$(cat "$HUGE_NR") || ! echo "$old" >"$BATS_FILE_TMPDIR/nr_hugepages"; then
		HUGE_SKIP="cannot read $HUGE_NR"
	elif ! echo $(( old + 4 )) >"$HUGE_NR" 2>/dev/null; then
		HUGE_SKIP="cannot write $HUGE_NR (not the initial user namespace?)"
	elif (( $(cat "$HUGE_2M/free_hugepages") < 4 )); then
		HUGE_SKIP="the kernel reserved fewer than 4 huge pages (memory fragmented?)"
	fi
}

teardown_file() {
	if [[ -f $BATS_FILE_TMPDIR/nr_hugepages ]]; then
		cat "$BATS_FILE_TMPDIR/nr_hugepages" >"$HUGE_NR"
	fi
}

setup() {
	require_hermetic "plants files in /dev/shm, counts every segment"
}

teardown() {
	stop_clients
	# A hugetlbfs this test mounted over run-bats's /dev/shm.
	if [[ -n ${HUGE_DEVSHM:-} ]]; then
		rm -f /dev/shm/* 2>/dev/null
		umount /dev/shm
	fi
	cleanup_segments
	cleanup_nobody
	if [[ -n ${NOBODY_TMP:-} ]]; then
		rm -rf -- "$NOBODY_TMP"
	fi
	if [[ -f $BATS_TEST_TMPDIR/swapfile ]]; then
		swapoff "$BATS_TEST_TMPDIR/swapfile" 2>/dev/null
		rm -f -- "$BATS_TEST_TMPDIR/swapfile"
	fi
}

# --- local helpers -------------------------------------------------------

# need_huge N: skip unless N reserved 2 MiB huge pages are free.
need_huge() {
	[[ -z $HUGE_SKIP ]] || skip "$HUGE_SKIP"
	need_sysv_writer
	(( $(cat "$HUGE_2M/free_hugepages") >= $1 )) ||
	    skip "fewer than $1 free 2 MiB huge pages"
}

# with_no_huge_pages: an empty 2 MiB pool for this test: as it is (no
# root needed), or emptied of setup_file's pages (back_to_reserved puts
# them back, teardown_file the old count); skip if the machine had some
# of its own.
with_no_huge_pages() {
	[[ $(awk '$1 == "Hugepagesize:" { print $2 }' /proc/meminfo) == 2048 ]] ||
	    skip "the default huge page size is not 2 MiB here"
	(( $(cat "$HUGE_2M/nr_hugepages") != 0 )) || return 0
	[[ -z $HUGE_SKIP ]] || skip "$HUGE_SKIP"
	(( $(cat "$BATS_FILE_TMPDIR/nr_hugepages") == 0 )) ||
	    skip "the machine reserves huge pages of its own"
	echo 0 >"$HUGE_NR"
	(( $(cat "$HUGE_NR") == 0 )) || fail "cannot empty the huge page pool"
	EMPTIED=1
}

# back_to_reserved: the four pages of setup_file again, if we took them.
back_to_reserved() {
	[[ -z ${EMPTIED:-} ]] ||
	    echo $(( $(cat "$BATS_FILE_TMPDIR/nr_hugepages") + 4 )) >"$HUGE_NR"
}

# kernel_page_kb PID: the KernelPageSize of PID's System V mapping, as
# smaps shows it: the witness that does not use the tools under test.
kernel_page_kb() {
	awk '/SYSV/ { m = 1; next } m && $1 == "KernelPageSize:" { print $2; exit }' \
	    "/proc/$1/smaps"
}

# json_field ADDRESS COLUMN: the JSON value of one column of one segment.
json_field() {
	shmls -J -o "$2" "$1" | jq -c ".shm[0].${2,,}"
}

# sysv_size_is KEY SIZE: the segment with KEY has SIZE bytes now.
sysv_size_is() {
	[[ $(sysv_field "$1" size) == "$2" ]]
}

# add_swap: a 64 MiB swap file of this test's own; skip where there is
# swap already (its figures are not ours to predict) or none can be added.
add_swap() {
	local f=$BATS_TEST_TMPDIR/swapfile
	need_root
	[[ -z $(swapon --show --noheadings 2>/dev/null) ]] ||
	    skip "swap is in use here already"
	command -v mkswap >/dev/null && command -v swapon >/dev/null ||
	    skip "needs mkswap and swapon"
	{ dd if=/dev/zero of="$f" bs=1M count=64 status=none && chmod 600 "$f" &&
	    mkswap "$f" >/dev/null && swapon "$f"; } 2>/dev/null ||
	    { rm -f -- "$f"; skip "cannot add a swap file here"; }
}

# --- huge pages: shmmk --huge ----------------------------------------------

@test "shmmk --huge with no huge pages reserved names vm.nr_hugepages, exits 1, makes nothing" {
	with_no_huge_pages
	key=$(new_key)
	run --separate-stderr -1 shmmk --huge -s 2M "$key"
	assert_equal "$stderr" "shmmk: $key: no 2 MiB huge pages reserved (sysctl vm.nr_hugepages)"
	assert_output ""
	run --separate-stderr -1 shmmk --huge=2M -s 4M --private
	assert_equal "$stderr" "shmmk: --private: no 2 MiB huge pages reserved (sysctl vm.nr_hugepages)"
	assert_output ""
	assert_gone "$key"
	assert_equal "$(sysv_count)" 0
	back_to_reserved
}

@test "shmmk --huge=1G with none of that size names its pool's file" {
	[[ -d $HUGE_1G ]] || skip "no 1 GiB huge pages on this kernel"
	(( $(cat "$HUGE_1G/nr_hugepages") == 0 )) || skip "1 GiB pages are reserved here"
	run --separate-stderr -1 shmmk --huge=1G -s 1G --private
	assert_equal "$stderr" "shmmk: --private: no 1 GiB huge pages reserved ($HUGE_1G/nr_hugepages)"
	assert_equal "$(sysv_count)" 0
}

@test "shmmk --huge refuses a SIZE that is not whole huge pages, and a page size the kernel lacks" {
	[[ -d $HUGE_2M ]] || skip "no 2 MiB huge pages on this kernel"
	key=$(new_key)
	run --separate-stderr -2 shmmk --huge=2M -s 1M "$key"
	assert_equal "${stderr%%$'\n'*}" "shmmk: --size: huge pages come whole: SIZE must be a multiple of 2 MiB"
	run --separate-stderr -2 shmmk --huge=3M -s 3M "$key"
	assert_equal "${stderr%%$'\n'*}" "shmmk: --huge=3M: not a huge page size of this kernel (see /sys/kernel/mm/hugepages)"
	run --separate-stderr -2 shmmk --huge=lots -s 2M "$key"
	assert_equal "${stderr%%$'\n'*}" "shmmk: --huge=lots: malformed size: expected a number with an optional K, M, G, T, P or E suffix"
	assert_gone "$key"
	assert_equal "$(sysv_count)" 0
}

@test "shmmk --huge of a POSIX name or file not on hugetlbfs is refused and makes nothing" {
	[[ -d $HUGE_2M ]] || skip "no 2 MiB huge pages on this kernel"
	name=$(new_name)
	run --separate-stderr -1 shmmk --huge=2M -s 2M "$name"
	assert_equal "$stderr" "shmmk: $name: not on hugetlbfs of that page size: huge pages for a POSIX object or file need a hugetlbfs mount of them (use a System V key or --private)"
	run --separate-stderr -1 shmmk --huge=2M -s 2M "file:$BATS_TEST_TMPDIR/f"
	assert_equal "$stderr" "shmmk: file:$BATS_TEST_TMPDIR/f: not on hugetlbfs of that page size: huge pages for a POSIX object or file need a hugetlbfs mount of them (use a System V key or --private)"
	assert_gone "$name" "file:$BATS_TEST_TMPDIR/f"
	assert_equal "$(devshm_count)" 0
}

@test "shmmk --huge makes a segment of 2 MiB pages, as its attacher's smaps shows" {
	need_huge 1
	key=$(new_key)
	run --separate-stderr -0 shmmk --huge -s 2M "$key"
	assert_output "$key"
	start_sysv "$key" hello $(( 2 << 20 ))
	assert_equal "$(kernel_page_kb "$PID")" 2048
	client_sees
	assert_output hello
}

@test "shmmk --reuse --huge accepts a huge-page segment, refuses an ordinary one" {
	need_huge 1
	key=$(new_key)
	plain=$(new_key)
	shmmk --huge -s 2M "$key"
	shmmk -s 2M "$plain"
	run --separate-stderr -0 shmmk --reuse --huge -s 2M "$key"
	assert_output "$key"
	run --separate-stderr -1 shmmk --reuse --huge -s 2M "$plain"
	assert_equal "$stderr" "shmmk: $plain: exists, but not made of 2 MiB huge pages"
	assert_output ""
	assert_kept "$key" "$plain"
}

@test "shmmk --huge without CAP_IPC_LOCK says which privilege it needs" {
	need_huge 1
	need_nobody
	[[ $(cat /proc/sys/vm/hugetlb_shm_group) != 65534 ]] ||
	    skip "nobody's group may make huge pages here"
	run --separate-stderr -1 as_nobody shmmk --huge -s 2M --private
	assert_equal "$stderr" "shmmk: --private: huge pages need CAP_IPC_LOCK or the group of vm.hugetlb_shm_group"
	assert_equal "$(sysv_count)" 0
}

@test "a /dev/shm on hugetlbfs: shmmk --huge makes POSIX objects there, listed as hugetlb" {
	need_huge 2
	skip_unless_hermetic "mounts hugetlbfs over its /dev/shm"
	mount -t hugetlbfs -o pagesize=2M,mode=1777 shmtools-huge /dev/shm ||
	    skip "cannot mount hugetlbfs here"
	HUGE_DEVSHM=1
	run --separate-stderr -0 shmmk --huge -s 2M /big
	assert_output /big
	run --separate-stderr -0 shmls -rn -o ADDRESS,STATUS,SWAP
	assert_output "/big hugetlb 0B"
	assert_equal "$(json_field /big STATUS)" '"hugetlb"'
	# Another page size, a size not whole pages, write(2): each says why.
	if [[ -d $HUGE_1G ]]; then
		run --separate-stderr -1 shmmk --huge=1G -s 1G /other
		assert_equal "$stderr" "shmmk: /other: not on hugetlbfs of that page size: huge pages for a POSIX object or file need a hugetlbfs mount of them (use a System V key or --private)"
	fi
	run --separate-stderr -1 shmmk -s 1M /small
	assert_equal "$stderr" "shmmk: /small: on hugetlbfs, sizes are whole 2 MiB huge pages"
	run --separate-stderr -1 shmput -d x /big
	assert_equal "$stderr" "shmput: /big: on hugetlbfs (2 MiB pages), which has no write(2): only a mapping can write it"
	run --separate-stderr -1 shmresize /big 3M
	assert_equal "$stderr" "shmresize: /big: made of 2 MiB huge pages: the new size must be a multiple of 2 MiB; nothing changed"
	assert_equal "$(ls /dev/shm)" big
	assert_equal "$(stat -c %s /dev/shm/big)" $(( 2 << 20 ))
}

# --- huge pages: STATUS hugetlb ----------------------------------------------

@test "STATUS says hugetlb where an attacher maps huge pages, nothing for ordinary pages" {
	need_huge 1
	huge=$(new_key)
	plain=$(new_key)
	shmmk --huge -s 2M "$huge"
	shmmk -s 2M "$plain"
	start_sysv "$huge" big $(( 2 << 20 ))
	start_sysv "$plain" small $(( 2 << 20 ))
	run --separate-stderr -0 shmls --sysv -rn -o ADDRESS,STATUS
	assert_equal "$(sort <<<"$output")" "$(printf '%s hugetlb\n%s \n' "$huge" "$plain" | sort)"
	# Named, in JSON, and in the default columns too.
	assert_equal "$(json_field "$huge" STATUS)" '"hugetlb"'
	assert_equal "$(json_field "$plain" STATUS)" null
	run --separate-stderr -0 shmls "$huge"
	assert_line --index 1 --regexp "^sysv +$huge .* hugetlb "
}

@test "with no attacher STATUS does not guess hugetlb, and shmls never attaches" {
	need_huge 1
	key=$(new_key)
	shmmk --huge -s 2M "$key"
	lpid=$(sysv_field "$key" lpid)
	before=$(shmls -J -o LPID,ATIME,NATTCH "$key")
	run --separate-stderr -0 shmls -rn -o STATUS "$key"
	assert_output ""
	run --separate-stderr -0 shmls -rn -o ADDRESS,STATUS --sysv
	assert_output "$key "
	assert_equal "$(shmls -J -o LPID,ATIME,NATTCH "$key")" "$before"
	assert_equal "$(sysv_field "$key" lpid)" "$lpid"
	# Attached once and detached: still no attacher to tell it.
	start_sysv "$key" x $(( 2 << 20 ))
	assert_equal "$(json_field "$key" STATUS)" '"hugetlb"'
	stop_clients
	assert_equal "$(json_field "$key" STATUS)" null
}

@test "another user who cannot read the attacher's maps sees no hugetlb: unknown, not guessed" {
	need_huge 1
	need_nobody
	key=$(new_key)
	shmmk --huge -m 0644 -s 2M "$key"
	start_sysv "$key" x $(( 2 << 20 ))
	assert_equal "$(json_field "$key" STATUS)" '"hugetlb"'
	run --separate-stderr -0 as_nobody shmls -J -o ADDRESS,NATTCH,STATUS "$key"
	assert_equal "$(jq -c '.shm[0]' <<<"$output")" "{\"address\":\"$key\",\"nattch\":1,\"status\":null}"
}

@test "RSS of a huge-page segment is unknown where it is known to be one, and SWAP 0" {
	need_huge 1
	key=$(new_key)
	shmmk --huge -s 2M "$key"
	start_sysv "$key" x $(( 2 << 20 ))
	# The kernel's figure counts a 2 MiB page once per 4 KiB in it.
	run --separate-stderr -0 shmls -J -o RSS,SWAP,STATUS "$key"
	assert_equal "$(jq -c '.shm[0]' <<<"$output")" '{"rss":null,"swap":0,"status":"hugetlb"}'
	run --separate-stderr -0 shmls -rn -o RSS,SWAP "$key"
	assert_output "? 0B"
	run --separate-stderr -0 shmls --summary --sysv -r
	assert_line --regexp '^sysv 1 2\.0M \? 0B$'
}

@test "20: the RSS of a huge-page segment is never more than its size, where no attacher tells it is one (issue 19)" {
	need_huge 2
	need_nobody
	key=$(new_key)
	shmmk --huge -m 0644 -s 4M "$key"
	head -c $(( 4 << 20 )) /dev/zero | tr '\0' x | shmput "$key"
	# what the kernel says: each 2 MiB page counted once per 4 KiB in it
	rss=$(awk -v k="$(( key ))" 'NR > 1 && $1 == k { print $15 }' /proc/sysvipc/shm)
	(( rss > 4 << 20 )) || skip "this kernel counts huge pages right ($rss)"
	# nobody attaches it: nothing tells it is of huge pages
	run --separate-stderr -0 shmls -rnb -o ADDRESS,SIZE,RSS,STATUS "$key"
	assert_output "$key 4194304 ? "
	run --separate-stderr -0 shmls --summary -rnb --sysv
	assert_output "sysv 1 4194304 ? 0"
	run --separate-stderr -0 shmls --metrics --sysv
	refute_listed --partial 'shm_resident_bytes{type="sysv"}'
	assert_line 'shm_unknown_resident_segments{type="sysv"} 1'
	# attached by root's process, which another user cannot read
	start_sysv "$key" x $(( 4 << 20 ))
	run --separate-stderr -0 as_nobody shmls -J -o RSS,STATUS "$key"
	assert_equal "$(jq -c '.shm[0]' <<<"$output")" '{"rss":null,"status":null}'
	run --separate-stderr -0 as_nobody shmls --summary -rnb --sysv
	assert_output "sysv 1 4194304 ? 0"
}

# --- huge pages: shmresize -----------------------------------------------------

@test "shmresize of a huge-page segment keeps huge pages and the data" {
	need_huge 3
	key=$(new_key)
	shmmk --huge -s 2M "$key"
	shmput -d "kept in huge pages" "$key"
	run --separate-stderr -0 shmresize "$key" 4M
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" $(( 4 << 20 ))
	run -0 shmcat -s "$key"
	assert_output "kept in huge pages"
	start_sysv "$key" x $(( 4 << 20 ))
	assert_equal "$(kernel_page_kb "$PID")" 2048
	assert_equal "$(json_field "$key" STATUS)" '"hugetlb"'
	stop_clients
	run --separate-stderr -0 shmresize "$key" -2M
	assert_equal "$(sysv_field "$key" size)" $(( 2 << 20 ))
	start_sysv "$key" x $(( 2 << 20 ))
	assert_equal "$(kernel_page_kb "$PID")" 2048
}

@test "shmresize of a huge-page segment to a size not whole pages is refused; nothing changes" {
	need_huge 1
	key=$(new_key)
	shmmk --huge -s 2M "$key"
	shmput -d "same" "$key"
	id=$(sysv_id "$key")
	for size in 3M +1 -1K 1; do
		run --separate-stderr -1 shmresize "$key" "$size"
		assert_equal "$stderr" "shmresize: $key: made of 2 MiB huge pages: the new size must be a multiple of 2 MiB; nothing changed"
		assert_output ""
	done
	assert_equal "$(sysv_id "$key")" "$id"
	assert_equal "$(sysv_field "$key" size)" $(( 2 << 20 ))
	run -0 shmcat -s "$key"
	assert_output "same"
}

@test "shmresize with too few huge pages for the copy says so and keeps the data" {
	need_huge 4
	# Too few means setup_file's four alone: pages of the machine's own
	# could hold the copy (the original goes first where only one fits).
	[[ $(cat "$BATS_FILE_TMPDIR/nr_hugepages") == 0 ]] ||
	    skip "the machine reserves huge pages of its own"
	key=$(new_key)
	shmmk --huge -s 4M "$key"
	shmput -d "still here" "$key"
	run --separate-stderr -1 shmresize "$key" 16M
	assert_equal "${stderr%%:*}" "shmresize"
	assert_stderr_has "not enough free 2 MiB huge pages"
	assert_stderr_has "(sysctl vm.nr_hugepages)"
	assert_stderr_has "the data is intact in $key"
	run -0 shmcat -s "$key"
	assert_output "still here"
	start_sysv "$key" x $(( 4 << 20 ))
	assert_equal "$(kernel_page_kb "$PID")" 2048
}

@test "a memfd of huge pages says hugetlb; shmresize keeps it whole pages" {
	need_huge 2
	command -v memfd_holder >/dev/null || skip "tests/clients/memfd_holder is not built"
	MEMFD_HUGETLB=1 start_memfd big "in huge pages" $(( 2 << 20 ))
	big=$ADDR
	start_memfd small "in small pages" 4096
	run --separate-stderr -0 shmls --memfd -rn -o NAME,STATUS,SWAP
	assert_equal "$(sort <<<"$output")" "$(printf 'big hugetlb 0B\nsmall  0B\n')"
	run --separate-stderr -1 shmresize "$big" 3M
	assert_equal "$stderr" "shmresize: $big: made of 2 MiB huge pages: the new size must be a multiple of 2 MiB; nothing changed"
	run --separate-stderr -0 shmresize "$big" 4M
	assert_equal "$(json_field "$big" SIZE)" $(( 4 << 20 ))
	run -0 shmcat -s "$big"
	assert_output "in huge pages"
}

@test "SIGKILL during the copy of a huge-page segment: --recover puts the data back in huge pages" {
	need_huge 3
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	key=$(new_key)
	shmmk --huge -s 2M "$key"
	shmput -d "survives a crash" "$key"
	SHMTOOLS_TEST_PAUSE=copy:5000 shmresize "$key" 4M 3>&- &
	pid=$!
	wait_until 5 sysv_size_is "$key" $(( 4 << 20 ))
	kill -KILL "$pid"
	wait "$pid" || true
	[[ -n $(find "$TMPDIR" -name 'shmresize-*') ]] || fail "no recovery file"
	run --separate-stderr -0 shmresize --recover "$key"
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" $(( 4 << 20 ))
	run -0 shmcat -s "$key"
	assert_output "survives a crash"
	start_sysv "$key" x $(( 4 << 20 ))
	assert_equal "$(kernel_page_kb "$PID")" 2048
}

# --- huge pages are a privilege of their own (issue 19, finding 15) -----------

# need_huge_nobody: 2 MiB pages free, and nobody, who may not make them,
# able to run shmresize.
need_huge_nobody() {
	[[ -z $HUGE_SKIP ]] || skip "$HUGE_SKIP"
	(( $(cat "$HUGE_2M/free_hugepages") >= 3 )) ||
	    skip "fewer than 3 free 2 MiB huge pages"
	need_nobody
	[[ $(cat /proc/sys/vm/hugetlb_shm_group) != 65534 ]] ||
	    skip "nobody's group may make huge pages here"
	# A $TMPDIR nobody can reach: the test's own is under root's 0700.
	NOBODY_TMP=$(mktemp -d /tmp/shmt-nobody-tmp.XXXXXX)
	chown 65534 "$NOBODY_TMP"
	export TMPDIR=$NOBODY_TMP
}

# huge_for_nobody KEY: a 2 MiB huge-page segment root made, given to
# nobody (as a service with CAP_IPC_LOCK makes one for its user).
huge_for_nobody() {
	shmmk --huge -s 2M -m 600 "$1" >/dev/null
	shmput -d "in huge pages" "$1"
	set_sysv_owner "$(sysv_id "$1")" 65534 65534
}

@test "the owner of a huge-page segment without CAP_IPC_LOCK: refused before anything changes, the real cause named" {
	need_huge_nobody
	key=$(new_key)
	huge_for_nobody "$key"
	id=$(sysv_id "$key")
	run --separate-stderr -1 as_nobody shmresize "$key" 4M
	assert_output ""
	assert_stderr_has "huge pages need CAP_IPC_LOCK or the group of vm.hugetlb_shm_group"
	[[ $stderr != *owner* ]] || fail "blames ownership: $stderr"
	assert_equal "$(sysv_id "$key")" "$id"
	assert_equal "$(sysv_field "$key" size)" $(( 2 << 20 ))
	run -0 shmcat -s "$key"
	assert_output "in huge pages"
	assert_equal "$(find "$TMPDIR" -name 'shmresize-*')" ""
}

@test "--recover that may not make huge pages says why and keeps the file" {
	need_huge_nobody
	key=$(new_key)
	huge_for_nobody "$key"
	kill_at copy shmresize "$key" 4M
	file=$(recovery_file)
	# The half-filled copy is gone; the file is nobody's to recover.
	ipcrm -M "$key"
	chown 65534 "$file"
	run --separate-stderr -1 as_nobody shmresize --recover "$key"
	assert_stderr_has "huge pages need CAP_IPC_LOCK or the group of vm.hugetlb_shm_group"
	assert_stderr_has "the data stays in $file"
	[[ -e $file ]] || fail "the file went"
	[[ -z $(sysv_id "$key") ]] || fail "a segment was made"
	# Root, who may, puts it back (a file root trusts: its own).
	chown 0 "$file"
	run --separate-stderr -0 shmresize --recover "$key"
	assert_output "$key"
	run -0 shmcat -s "$key"
	assert_output "in huge pages"
}

# --- swap -------------------------------------------------------------------

@test "with no swap in use, SWAP of every kind is 0 and RSS a POSIX object's allocated bytes" {
	[[ -z $(swapon --show --noheadings 2>/dev/null) ]] || skip "swap is in use here"
	name=$(new_name)
	key=$(new_key)
	shmmk -s 64K "$name"
	shmmk -s 64K "$key"
	shmput -d "$(head -c 5000 /dev/zero | tr '\0' x)" "$name"
	allocated=$(( $(stat -c %b "/dev/shm$name") * $(stat -c %B "/dev/shm$name") ))
	(( allocated > 0 )) || fail "nothing allocated"
	run --separate-stderr -0 shmls -J -b -o RSS,SWAP "$name"
	assert_equal "$(jq -c '.shm[0]' <<<"$output")" "{\"rss\":$allocated,\"swap\":0}"
	run --separate-stderr -0 shmls -rn -b -o TYPE,SWAP
	assert_equal "$(sort <<<"$output")" "$(printf 'posix 0\nsysv 0\n' | sort)"
	run --separate-stderr -0 shmls --summary -r -b
	assert_line "sysv 1 65536 0 0 0"
	assert_line "posix 1 65536 $allocated 0 $allocated"
}

@test "swapped-out pages of a POSIX object show in SWAP as System V's do; the listing keeps its atime" {
	add_swap
	name=$(new_name)
	key=$(new_key)
	shmmk -s 8M "$name"
	shmmk -s 8M "$key"
	run pageout "/dev/shm$name" $(( 4 << 20 ))
	(( status != 3 )) || skip "no MADV_PAGEOUT in this kernel"
	assert_success
	run pageout "$(sysv_id "$key")" $(( 4 << 20 ))
	assert_success
	touch -a -d '2001-02-03 04:05:06' "/dev/shm$name"
	atime=$(stat -c %X "/dev/shm$name")
	sysv_swap=$(json_field "$key" SWAP)
	(( sysv_swap > 0 )) || skip "the kernel swapped nothing out"
	run --separate-stderr -0 shmls -J -o SIZE,RSS,SWAP "$name"
	rss=$(jq '.shm[0].rss' <<<"$output")
	swap=$(jq '.shm[0].swap' <<<"$output")
	(( swap > 0 )) || fail "SWAP of the POSIX object is $swap (System V: $sysv_swap)"
	(( rss + swap == $(stat -c %b "/dev/shm$name") * 512 )) ||
	    fail "RSS $rss + SWAP $swap is not its allocated bytes"
	# Half of each was paged out; the kernel may take a little more
	# (a large folio) or leave a little: about 4 MiB, as for System V.
	(( swap >= 2 << 20 && swap <= 8 << 20 )) ||
	    fail "SWAP of the POSIX object is $swap, not about 4 MiB (System V: $sysv_swap)"
	assert_equal "$(stat -c %X "/dev/shm$name")" "$atime"
	run --separate-stderr -0 shmls --summary -J
	assert_equal "$(jq '.shm[] | select(.type == "posix") | .swap' <<<"$output")" "$swap"
}

@test "another user's POSIX object: its SWAP is unknown while swap is in use, never 0" {
	add_swap
	need_nobody
	name=$(new_name)
	shmmk -m 0644 -s 64K "$name"
	run --separate-stderr -0 as_nobody shmls -J -o RSS,SWAP "$name"
	assert_equal "$(jq -c '.shm[0]' <<<"$output")" '{"rss":null,"swap":null}'
	run --separate-stderr -0 as_nobody shmls -rn -o SWAP "$name"
	assert_output "?"
	# nobody cannot see root's processes: the unlinked objects they may
	# hold make the whole row unknown (46-truthful.bats)
	run --separate-stderr -0 as_nobody shmls --summary -r --posix
	assert_line --regexp '^posix \? \? \? \?$'
	# Its owner sees the split.
	assert_equal "$(json_field "$name" SWAP)" 0
}

# --- semaphores and other files in /dev/shm ---------------------------------

@test "a POSIX semaphore's address is refused by every program, and the semaphore is untouched" {
	_next_client
	start_client PID sem_holder /shmt-sem "$READY"
	wait_for "$READY"
	[[ -f /dev/shm/sem.shmt-sem ]] || fail "sem_open made no /dev/shm/sem.shmt-sem"
	print=$(fingerprint /dev/shm/sem.shmt-sem)
	msg="sem.NAME is a POSIX semaphore (sem_open(3)), not shared memory: use sem_unlink(3), or rm it in /dev/shm"
	while read -r cmd; do
		for a in /sem.shmt-sem posix:sem.shmt-sem; do
			# shellcheck disable=SC2086
			run --separate-stderr -2 ${cmd/ADDR/$a}
			assert_equal "${stderr%%$'\n'*}" "${cmd%% *}: $a: $msg"
			assert_output ""
			assert_equal "$(fingerprint /dev/shm/sem.shmt-sem)" "$print"
		done
	done <<-EOF
	shmls ADDR
	shmls -o +PIDS ADDR
	shmcat ADDR
	shmput -d X ADDR
	shmresize ADDR 1M
	shmresize -f ADDR 0
	shmrm ADDR
	shmrm -f ADDR
	shmmk -s 1K ADDR
	shmmk --reuse ADDR
	EOF
	# One that does not exist is refused the same: it is the name.
	run --separate-stderr -2 shmmk -s 1K /sem.new
	assert_equal "${stderr%%$'\n'*}" "shmmk: /sem.new: $msg"
	[[ ! -e /dev/shm/sem.new ]] || fail "shmmk made /dev/shm/sem.new"
}

@test "listings, --summary and bulk removal never show or touch semaphores" {
	_next_client
	start_client PID sem_holder /shmt-held "$READY"
	wait_for "$READY"
	# One no process holds any more: an "orphan" if it were a segment.
	_next_client
	start_client closed sem_holder /shmt-closed "$READY"
	wait_for "$READY"
	kill -TERM "$closed"
	wait "$closed" || true
	held=$(fingerprint /dev/shm/sem.shmt-held)
	gone=$(fingerprint /dev/shm/sem.shmt-closed)
	name=$(new_name)
	shmmk -s 1K "$name"
	run --separate-stderr -0 shmls -rn -o ADDRESS
	assert_output "$name"
	run --separate-stderr -0 shmls -J --posix
	assert_equal "$(jq -c '[.shm[].address]' <<<"$output")" "[\"$name\"]"
	run --separate-stderr -0 shmls --summary -r --posix
	assert_output --regexp '^TYPE COUNT SIZE RSS SWAP
posix 1 1\.0K '
	for args in "--orphans" "--unused" "-f --all" "--orphans --posix"; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 shmrm -n $args
		refute_output --partial sem.
	done
	run --separate-stderr -0 shmrm -v --orphans
	assert_output "removed $name"
	run --separate-stderr -0 shmrm -f -v --all
	assert_output ""
	assert_equal "$(fingerprint /dev/shm/sem.shmt-held)" "$held"
	assert_equal "$(fingerprint /dev/shm/sem.shmt-closed)" "$gone"
}

@test "a directory or FIFO in /dev/shm: every program says what it is; nothing is entered or removed" {
	mkdir /dev/shm/dir
	touch /dev/shm/dir/inside
	mkfifo /dev/shm/fifo
	while read -r cmd; do
		# shellcheck disable=SC2086
		run --separate-stderr -1 timeout 5 ${cmd/ADDR//dir}
		assert_equal "$stderr" "${cmd%% *}: /dir: not a regular file (a directory: not entered)"
		# shellcheck disable=SC2086
		run --separate-stderr -1 timeout 5 ${cmd/ADDR//fifo}
		assert_equal "$stderr" "${cmd%% *}: /fifo: not a regular file (a FIFO: not opened)"
	done <<-EOF
	shmls ADDR
	shmcat ADDR
	shmrm ADDR
	shmrm -f ADDR
	shmresize -f ADDR 0
	shmput -d X ADDR
	EOF
	run --separate-stderr -0 shmrm -f --all
	[[ -d /dev/shm/dir && -f /dev/shm/dir/inside && -p /dev/shm/fifo ]] ||
	    fail "shmrm -f --all touched them"
}
