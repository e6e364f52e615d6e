# fish completion for shmput(1)

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

complete -c shmput -f  # operands are addresses, not files
complete -c shmput -a '(__fish_shmtools_addresses)'
complete -c shmput -s o -l offset -x -d 'Write at byte OFFSET'
complete -c shmput -s g -l grow -d 'Extend a POSIX object or file to fit the input'
complete -c shmput -s z -l zero-rest -d 'Clear the bytes after the input'
complete -c shmput -s d -l data -x -d 'Write the string DATA'
complete -c shmput -s i -l input -r -F -d 'Read from FILE instead of stdin'
complete -c shmput -s h -l help -d 'Display help and exit'
complete -c shmput -s V -l version -d 'Display version and exit'
