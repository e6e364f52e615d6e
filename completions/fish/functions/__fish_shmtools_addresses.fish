# fish function the shmtools completions share: fish autoloads it from
# its vendor_functions.d when completions/fish/shm*.fish first call it.

function __fish_shmtools_addresses --description 'ADDRESS of the segments shmls lists, of the TYPEs given'
    set -l token (commandline -ct)
    if string match -q -- 'file:*' $token
        __fish_complete_path (string replace -- file: '' $token) | string replace -r -- '^' file:
        return
    end
    # After -N PID, that place's segments.
    set -l place
    set -l words (commandline -opc)
    for i in (seq 2 (count $words))
        switch $words[$i]
            case -N --namespace
                set -q words[(math $i + 1)]; and set place -N $words[(math $i + 1)]
            case '--namespace=*'
                set place -N (string replace -- --namespace= '' $words[$i])
            case '-N?*'
                set place -N (string sub -s 3 -- $words[$i])
        end
    end
    # libsmartcols's raw output escapes blanks and backslashes as \xHH
    shmls $place --raw --noheadings -o ADDRESS,TYPE,SIZE 2>/dev/null |
        while read -l address type size
            # an unlinked POSIX object: shmrm, which cannot remove one,
            # asks for sysv posix file and leaves it out
            set -l desc $type
            if string match -q -- 'deleted:*' $address
                set type deleted
                set desc 'unlinked posix'
            end
            if test (count $argv) -eq 0; or contains -- $type $argv
                printf '%b\t%s, %s\n' $address $desc $size
            end
        end
    printf '%s\t%s\n' file: 'ordinary file, shared with MAP_SHARED'
end
