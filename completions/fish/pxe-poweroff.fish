# fish completion for pxe-poweroff(8), from pxekit.

set -l subcommands keygen listen local
set -l sender "not __fish_seen_subcommand_from $subcommands"

complete -c pxe-poweroff -f
complete -c pxe-poweroff -n $sender -a keygen -d 'Write a new Ed25519 key pair'
complete -c pxe-poweroff -n $sender -a listen -d 'Run the agent that powers this machine off on request'
complete -c pxe-poweroff -n $sender -a local -d 'Arm Wake-on-LAN and power this machine off'
complete -c pxe-poweroff -n $sender -a '(__fish_print_hostnames)' -d 'Host'

# Common options
complete -c pxe-poweroff -s h -l help -d 'Print help and exit'
complete -c pxe-poweroff -s V -l version -d 'Print the version and exit'
complete -c pxe-poweroff -s v -l verbose -d 'Print more detail on stderr'
complete -c pxe-poweroff -s q -l quiet -d 'Print only errors'

# The sender (no subcommand)
complete -c pxe-poweroff -n $sender -s k -l key -r -F -d 'Private key (default /etc/pxekit/poweroff.key)'
complete -c pxe-poweroff -n $sender -s p -l port -x -d 'Agents UDP port (default 7390)'
complete -c pxe-poweroff -n $sender -l action -x -a 'poweroff reboot' -d 'What the agents do'
complete -c pxe-poweroff -n $sender -l wait -x -d 'Seconds to wait for acknowledgements (default 10)'
complete -c pxe-poweroff -n $sender -s I -l interface -x -a '(__fish_print_interfaces)' -d 'Send from this interface only'
complete -c pxe-poweroff -n $sender -s f -l file -r -F -d 'Read HOST [MAC] lines from FILE'

# keygen
complete -c pxe-poweroff -n '__fish_seen_subcommand_from keygen' -l out -r -F -d 'Private key file; the public key goes to FILE.pub'
complete -c pxe-poweroff -n '__fish_seen_subcommand_from keygen' -l force -d 'Replace an existing key pair'

# listen
complete -c pxe-poweroff -n '__fish_seen_subcommand_from listen' -s k -l key -r -F -d 'Accept signatures of this public key (repeatable)'
complete -c pxe-poweroff -n '__fish_seen_subcommand_from listen' -s p -l port -x -d 'UDP port to listen on (default 7390)'
complete -c pxe-poweroff -n '__fish_seen_subcommand_from listen' -l interface -x -a '(__fish_print_interfaces)' -d 'Listen on this interface only'
complete -c pxe-poweroff -n '__fish_seen_subcommand_from listen local' -l wol-interface -x -a '(__fish_print_interfaces)' -d 'NIC to arm for Wake-on-LAN'
complete -c pxe-poweroff -n '__fish_seen_subcommand_from listen local' -l dry-run -d 'Say what would be done; do nothing'
complete -c pxe-poweroff -n '__fish_seen_subcommand_from listen' -l exec -x -d 'Run this shell command instead of powering off'

# local
complete -c pxe-poweroff -n '__fish_seen_subcommand_from local' -l action -x -a 'poweroff reboot' -d 'What to do'
