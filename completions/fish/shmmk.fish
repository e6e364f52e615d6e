# fish completion for shmmk(1)

function __fish_shmmk_address --description 'the forms of a new ADDRESS'
    set -l token (commandline -ct)
    if string match -q -- 'file:*' $token
        __fish_complete_path (string replace -- file: '' $token) | string replace -r -- '^' file:
        return
    end
    printf '%s\t%s\n' / 'POSIX object /NAME in /dev/shm' 0x 'System V key 0xHEX' \
        file: 'ordinary file, shared with MAP_SHARED'
end

function __fish_shmmk_huge_sizes --description 'the huge page sizes of this kernel'
    for d in /sys/kernel/mm/hugepages/hugepages-*kB
        set -l kb (string replace -r '.*-([0-9]+)kB$' '$1' -- $d)
        if test (math "$kb % 1048576") -eq 0
            printf '%sG\t%s\n' (math "$kb / 1048576") 'huge page size'
        else if test (math "$kb % 1024") -eq 0
            printf '%sM\t%s\n' (math "$kb / 1024") 'huge page size'
        else
            printf '%sK\t%s\n' $kb 'huge page size'
        end
    end
end

complete -c shmmk -f  # operands are addresses, not files
# The operand is a new ADDRESS, unless --private or --ftok names the segment.
complete -c shmmk -n 'not __fish_seen_argument -s p -l private -l ftok' -a '(__fish_shmmk_address)'
complete -c shmmk -s s -l size -x -d 'Size of the segment (bytes, K, M, G, ...)'
complete -c shmmk -s m -l mode -x -d 'Permissions, octal (default 0600)'
complete -c shmmk -s p -l private -d 'New System V segment with key IPC_PRIVATE'
complete -c shmmk -l reuse -d 'Accept an existing segment that is large enough'
complete -c shmmk -l reserve -d 'Back the memory now'
# PAGESIZE is optional (fish cannot say so): it is offered after --huge=.
complete -c shmmk -l huge -x -a '(__fish_shmmk_huge_sizes)' -d 'Huge pages of PAGESIZE (default: the kernel'\''s)'
complete -c shmmk -l ftok -r -F -d 'Derive the System V key from PATH[:PROJ] as ftok(3) does'
complete -c shmmk -s N -l namespace -x -a '(__fish_shmtools_namespaces)' -d 'Act in the place (IPC namespace, /dev/shm) of PID'
complete -c shmmk -s h -l help -d 'Display help and exit'
complete -c shmmk -s V -l version -d 'Display version and exit'
