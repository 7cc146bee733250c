# bash completion for sipprobe: options (from --help, so they never drift),
# subcommands, output formats (from --list-outputs), severities, probe methods
# (from --list-probes), transports, and result files after `report`.
_sipprobe()
{
    local cur prev words cword
    _init_completion || return
    case $prev in
    -f | --format)
        COMPREPLY=($(compgen -W "$("$1" --list-outputs 2>/dev/null | awk '{print $1}')" -- "$cur"))
        return
        ;;
    --fail-on)
        COMPREPLY=($(compgen -W "info low medium high critical never" -- "$cur"))
        return
        ;;
    -m | --method)
        COMPREPLY=($(compgen -W "$("$1" --list-probes 2>/dev/null | awk '{print $1}')" -- "$cur"))
        return
        ;;
    --transport)
        COMPREPLY=($(compgen -W "udp tcp tls udp,tcp udp,tcp,tls" -- "$cur"))
        return
        ;;
    --shard)
        COMPREPLY=($(compgen -W "auto" -- "$cur"))
        return
        ;;
    -i | --input-file | --exclude-file | --extensions-file | --fingerprints | --baseline | \
        --resume | --resume-file | --read | --write-pcap | -o | --output)
        _filedir
        return
        ;;
    --read-live)
        _available_interfaces
        return
        ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$1" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
        return
    fi
    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "alg-check reflect report" -- "$cur"))
    fi
    [[ ${words[1]} == report ]] && _filedir 'json|ndjson|jsonl'
}
complete -F _sipprobe sipprobe
