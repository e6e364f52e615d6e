# fish completion for shmcat(1)

function __fish_shmtools_addresses --description 'ADDRESS of the segments shmls lists, of the TYPEs given'
    set -l token (commandline -ct)
    if string match -q -- 'file:*' $token
        __fish_complete_path (string replace -- file: '' $token) | string replace -r -- '^' file:
        return
    end
    # libsmartcols's raw output escapes blanks and backslashes as \xHH
    shmls --raw --noheadings -o ADDRESS,TYPE,SIZE 2>/dev/null |
        while read -l address type size
            if test (count $argv) -eq 0; or contains -- $type $argv
                printf '%b\t%s, %s\n' $address $type $size
            end
        end
    printf '%s\t%s\n' file: 'ordinary file, shared with MAP_SHARED'
end

complete -c shmcat -f  # operands are addresses, not files
complete -c shmcat -a '(__fish_shmtools_addresses)'
complete -c shmcat -s o -l offset -x -d 'Start at byte OFFSET'
complete -c shmcat -s n -l length -x -d 'Read at most LENGTH bytes'
complete -c shmcat -s s -l string -d 'Stop at the first NUL byte'
complete -c shmcat -s h -l help -d 'Display help and exit'
complete -c shmcat -s V -l version -d 'Display version and exit'
