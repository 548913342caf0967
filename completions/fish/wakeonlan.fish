# fish completion for wakeonlan(1), from pxekit.

# Host names from the second column of /etc/ethers, described by their MAC.
function __wakeonlan_ethers
    test -f /etc/ethers; or return
    while read -l mac name rest
        switch "$mac"
            case '' '#*'
                continue
        end
        switch "$name"
            case '' '#*'
                continue
        end
        printf '%s\t%s\n' $name $mac
    end </etc/ethers
end

# Positional arguments: MAC addresses or /etc/ethers names, never files.
complete -c wakeonlan -f -a '(__wakeonlan_ethers)'

complete -c wakeonlan -s h -l help -d 'Print help and exit'
complete -c wakeonlan -s i -l ip -x -a '(__fish_print_hostnames)' -d 'Destination IPv4 address or host name'
complete -c wakeonlan -s p -l port -x -d 'Destination UDP port (default 9)'
complete -c wakeonlan -s f -l file -r -F -d 'Read MAC [IP [PORT]] lines from FILE'
complete -c wakeonlan -s I -l interface -x -a '(__fish_print_interfaces)' -d 'Send out of interface IF (repeatable)'
complete -c wakeonlan -l all-interfaces -d 'Send out of every up, broadcast-capable IPv4 interface'
complete -c wakeonlan -s e -l ethernet -d 'Send raw Ethernet frames of ethertype 0x0842 (needs root)'
complete -c wakeonlan -s b -l broadcast -d 'With -e, send frames to ff:ff:ff:ff:ff:ff'
complete -c wakeonlan -s P -l password -x -d 'SecureOn password: 6 bytes or a.b.c.d'
complete -c wakeonlan -s c -l count -x -d 'Send each packet N times (default 1)'
complete -c wakeonlan -l interval -x -d 'Milliseconds between repeats with -c (default 100)'
complete -c wakeonlan -s n -l dry-run -d 'Print where each packet would go and its payload; send nothing'
complete -c wakeonlan -s v -s V -l version -d 'Print the version and exit'
complete -c wakeonlan -l verbose -d 'Print more detail on stderr (repeatable)'
complete -c wakeonlan -s q -l quiet -d 'Print only errors'
