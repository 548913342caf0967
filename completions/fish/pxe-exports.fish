# fish completion for pxe-exports(8), from pxekit.

set -l subcommands line check add remove ganesha
set -l export '__fish_seen_subcommand_from line add'
set -l edit '__fish_seen_subcommand_from add remove'

complete -c pxe-exports -f
complete -c pxe-exports -n "not __fish_seen_subcommand_from $subcommands" -a line -d 'Print one exports(5) line'
complete -c pxe-exports -n "not __fish_seen_subcommand_from $subcommands" -a check -d 'Check exports files'
complete -c pxe-exports -n "not __fish_seen_subcommand_from $subcommands" -a add -d 'Add or update exports in a managed file'
complete -c pxe-exports -n "not __fish_seen_subcommand_from $subcommands" -a remove -d 'Remove exports that pxe-exports added'
complete -c pxe-exports -n "not __fish_seen_subcommand_from $subcommands" -a ganesha -d 'Print exports as NFS-Ganesha EXPORT blocks'

# Common options
complete -c pxe-exports -s h -l help -d 'Print help and exit'
complete -c pxe-exports -s V -l version -d 'Print the version and exit'
complete -c pxe-exports -s v -l verbose -d 'Print more detail on stderr (repeatable)'
complete -c pxe-exports -s q -l quiet -d 'Print only errors'

# line and add
complete -c pxe-exports -n $export -l rw -d 'Read-write'
complete -c pxe-exports -n $export -l ro -d 'Read-only (the default)'
complete -c pxe-exports -n $export -l root-squash -d 'Map root to the anonymous user (the default)'
complete -c pxe-exports -n $export -l no-root-squash -d 'Keep the client root as root'
complete -c pxe-exports -n $export -l all-squash -d 'Map every user to the anonymous user'
complete -c pxe-exports -n $export -l sync -d 'Reply after data is on disk (the default)'
complete -c pxe-exports -n $export -l async -d 'Reply before data is on disk'
complete -c pxe-exports -n $export -l subtree-check -d 'Check that files are inside the exported tree'
complete -c pxe-exports -n $export -l fsid -x -a 'root 0' -d 'File system id: N, root or UUID'
complete -c pxe-exports -n $export -l sec -x -a 'sys krb5 krb5i krb5p' -d 'Security flavours'
complete -c pxe-exports -n $export -l option -x -d 'Any other exports option (repeatable)'

# add and remove
complete -c pxe-exports -n $edit -l file -r -F -d 'The exports file to edit'
complete -c pxe-exports -n $edit -l dry-run -d 'Print what would change; write nothing'
complete -c pxe-exports -n $edit -l reload -d 'Run exportfs -ra after writing'
complete -c pxe-exports -n '__fish_seen_subcommand_from add check' -l no-path-check -d 'Do not require the paths to be directories'

# check
complete -c pxe-exports -n '__fish_seen_subcommand_from check' -l strict -d 'Exit 1 on warnings'
complete -c pxe-exports -n '__fish_seen_subcommand_from check ganesha' -F
