# fish completion for shmrm(1)

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

complete -c shmrm -f  # operands are addresses, not files
complete -c shmrm -a '(__fish_shmtools_addresses sysv posix file)'
complete -c shmrm -s n -l dry-run -d 'Say what would be removed, remove nothing'
complete -c shmrm -s v -l verbose -d 'Print each removed ADDRESS'
complete -c shmrm -s f -l force -d 'No error for a missing segment'
complete -c shmrm -s h -l help -d 'Display help and exit'
complete -c shmrm -s V -l version -d 'Display version and exit'
