# fish completion for shmresize(1)

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

complete -c shmresize -f  # operands are addresses, not files
# ADDRESS, then [+|-]SIZE, which has nothing to complete
complete -c shmresize -n 'test (count (commandline -opc | string match -rv -- "^-")) -le 1' -a '(__fish_shmtools_addresses)'
complete -c shmresize -s f -l force -d 'Resize a System V segment even with processes attached'
complete -c shmresize -s h -l help -d 'Display help and exit'
complete -c shmresize -s V -l version -d 'Display version and exit'
