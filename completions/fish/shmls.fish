# fish completion for shmls(1)

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

function __fish_shmls_columns --description 'column names, after TYPE, or +TYPE,'
    set -l token (commandline -ct | string replace -r -- '^(-o|--output=)' '')
    set -l prefix (string match -r -- '^.*[,+]' $token)
    shmls --list-columns 2>/dev/null | string replace -r -- '^(\S+)\s+' "$prefix\$1\t"
end

complete -c shmls -f  # operands are addresses, not files
complete -c shmls -a '(__fish_shmtools_addresses)'
complete -c shmls -l sysv -d 'List System V segments'
complete -c shmls -l posix -d 'List POSIX objects'
complete -c shmls -s o -l output -x -a '(__fish_shmls_columns)' -d 'Columns to print (+COL,... adds to the default)'
complete -c shmls -l list-columns -d 'List the available columns and exit'
complete -c shmls -s J -l json -d 'Use JSON output format'
complete -c shmls -s r -l raw -d 'Use raw output format'
complete -c shmls -s e -l export -d 'Print NAME="value" pairs'
complete -c shmls -s n -l noheadings -d 'Do not print headings'
complete -c shmls -s b -l bytes -d 'Print sizes in bytes'
complete -c shmls -s P -l numeric-perms -d 'Print permissions in octal'
complete -c shmls -l time-format -x -a 'short full iso' -d 'Format of times'
complete -c shmls -s h -l help -d 'Display help and exit'
complete -c shmls -s V -l version -d 'Display version and exit'
