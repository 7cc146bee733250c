# Outputs write into what they name and say when they cannot:
# 4. devices and FIFOs are written in place, symlinks followed (the file
#    they name is replaced, the link stays), never replaced by a file;
# 5. bad or repeated output paths are refused before the first probe
#    (exit 2, one line naming the path), and results that cannot be renamed
#    into place are kept, and the message says where;
# 6. write errors give exit 3 and the real cause (ndjson and --write-pcap
#    on a full device);
# 7. a reader that goes away (| head -1) ends the scan promptly and quietly.
# Only /dev/full and /dev/null are written among the machine's devices, and
# each is checked to be a character device still; a copy of /dev/full made
# inside $WORK goes first, so that a regression shows there and cannot
# replace the real node.
source "$(dirname "$0")/lib.sh"
need jq
PORT=25180
echo "127.45.0.0/20 kamailio" >"$WORK/lab.conf"
start_lab "$WORK/lab.conf" $PORT

scan() { "$SIPPROBE" -q -p $PORT --wait 300 --resume-file "$WORK/scan.resume" "$@"; }
run() { # run STATUS ARGS...: scans three lab hosts; stderr in $WORK/err
    local want=$1
    shift
    set +e
    scan "$@" 127.45.0.1-127.45.0.3 >"$WORK/out" 2>"$WORK/err"
    local status=$?
    set -e
    expect_eq "$status" "$want" "exit status of: sipprobe $*"
}
one_line() { # one_line NEEDLE: stderr is one line, and holds NEEDLE
    grep -qF -- "$1" "$WORK/err" || fail "stderr lacks \"$1\": $(cat "$WORK/err")"
    expect_eq "$(wc -l <"$WORK/err")" 1 "lines on stderr ($(cat "$WORK/err"))"
}
chardev() { [ -c "$1" ] || fail "$1 is no longer a character device"; }
services() { jq '.services | length' "$1"; }
no_temporary() { # no temporary file left in $WORK or below
    local left
    left=$(find "$WORK" -name '*.tmp.*' -o -name '*.partial')
    [ -z "$left" ] || fail "temporary files left: $left"
}

# 4. Devices in place: the copy first (if this file system allows device
# nodes), then /dev/full and /dev/null themselves.
if mknod "$WORK/full" c 1 7 2>/dev/null; then
    for opt in -o --write-pcap; do
        set +e
        scan $opt "$WORK/full" -o "$WORK/guard.json" 127.45.0.1 2>/dev/null
        set -e
        [ -c "$WORK/full" ] || fail "$opt replaced a device node with a file"
    done
fi
run 3 -o /dev/full
one_line "cannot write output '/dev/full': No space left on device"
chardev /dev/full
run 0 -o /dev/null -o "$WORK/a.json"
chardev /dev/null
expect_eq "$(services "$WORK/a.json")" 3 "the file next to /dev/null"

# A FIFO: the document goes through it (timeout: a FIFO replaced by a file
# would leave its reader waiting).
mkfifo "$WORK/fifo.json"
timeout 20 cat "$WORK/fifo.json" >"$WORK/from-fifo.json" &
reader=$!
PIDS+=("$reader")
run 0 -o "$WORK/fifo.json"
wait "$reader" || fail "the FIFO's reader got nothing"
[ -p "$WORK/fifo.json" ] || fail "the FIFO was replaced by a file"
expect_eq "$(services "$WORK/from-fifo.json")" 3 "the json document through the FIFO"

# Symlinks: the file they name is replaced (atomically, keeping its mode),
# the link stays; a dangling link gets its file.
mkdir "$WORK/real"
echo old >"$WORK/real/r.json"
chmod 600 "$WORK/real/r.json"
ln -s real/r.json "$WORK/link.json"
run 0 -o "$WORK/link.json"
[ -L "$WORK/link.json" ] || fail "the symlink was replaced by a file"
expect_eq "$(services "$WORK/real/r.json")" 3 "the file the symlink names"
expect_eq "$(stat -c %a "$WORK/real/r.json")" 600 "mode of the replaced file"
ln -s real/new.csv "$WORK/dangling.csv"
run 0 -o "$WORK/dangling.csv"
[ -L "$WORK/dangling.csv" ] && [ -f "$WORK/real/new.csv" ] || fail "a dangling symlink did not get its file"
no_temporary

# 5. Refused before the first probe: exit 2, one line naming the path and why,
# and no file written.
refused() { # refused NEEDLE ARGS...
    local needle=$1
    shift
    run 2 "$@"
    one_line "$needle"
}
mkdir "$WORK/somedir"
refused "cannot write output '$WORK/somedir': it is a directory" -o "$WORK/somedir"
refused "cannot write output '': the file name is empty" -o ''
refused "'$WORK/b.json': it is the same file as output '$WORK/b.json'" -o "$WORK/b.json" -o "$WORK/b.json"
refused "'$WORK/b.json': it is the same file as the packet capture '$WORK/b.json'" \
    --write-pcap "$WORK/b.json" -o "$WORK/b.json"
refused "it is the same file as output '$WORK/real/r.json'" -o "$WORK/real/r.json" -o "$WORK/link.json"
refused "it is the same file as the resume file" -o "$WORK/scan.resume"
refused "cannot write the packets to '$WORK/nodir/x.pcap': No such file or directory" \
    --write-pcap "$WORK/nodir/x.pcap"
refused "cannot write the packets to '$WORK/somedir': it is a directory" --write-pcap "$WORK/somedir"
(
    cd "$WORK"
    refused "cannot write output 'b.json': it is the same file as output './b.json'" -o ./b.json -o b.json
)
[ -e "$WORK/b.json" ] && fail "a refused command line wrote a file"
no_temporary

# A result that cannot be renamed into place (a directory took its name
# during the scan) is kept, and the message says where.
set +e
scan --rate 200 -o "$WORK/late.json" 127.45.0.0/24 2>"$WORK/err" &
pid=$!
sleep 0.5
mkdir "$WORK/late.json"
wait $pid
status=$?
set -e
expect_eq "$status" 3 "exit status when the rename fails"
kept=$(find "$WORK" -maxdepth 1 -name 'late.json.tmp.*')
[ -n "$kept" ] || fail "the results were deleted: $(cat "$WORK/err")"
one_line "results kept in '$kept' because the rename failed: Is a directory"
expect_eq "$(services "$kept")" 256 "the kept results"
rm -f "$kept"

# 6. Write errors: the real cause, exit 3.
run 3 -f ndjson -o /dev/full
one_line "cannot write output '/dev/full': No space left on device"
run 3 --write-pcap /dev/full -o "$WORK/p.json"
one_line "cannot write the packets to '/dev/full'"
chardev /dev/full
expect_eq "$(services "$WORK/p.json")" 3 "the outputs next to a failed pcap"
# A full file system (a 64 KiB tmpfs, in a mount namespace of its own).
if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
    mkdir "$WORK/small"
    set +e
    unshare --mount sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && shift && "$@"' sh "$WORK/small" \
        "$SIPPROBE" -q -p $PORT --wait 300 --rate 5000 --resume-file "$WORK/scan.resume" \
        --write-pcap "$WORK/small/x.pcap" -o "$WORK/small.json" 127.45.0.0/22 2>"$WORK/err"
    status=$?
    set -e
    expect_eq "$status" 3 "--write-pcap on a full file system"
    one_line "cannot write the packets to '$WORK/small/x.pcap'"
    expect_eq "$(services "$WORK/small.json")" 1024 "the outputs next to a failed pcap"
fi
no_temporary

# 7. A reader that goes away ends the scan at once, quietly, with status 3.
# Sending the /20 at 400 probes/s takes 10 s.
piped() { # piped ARGS...: sipprobe ARGS | head -1; sets status, elapsed, stderr in $WORK/err
    local t0
    t0=$(date +%s.%N)
    set +e
    timeout 20 "$SIPPROBE" -p $PORT --wait 300 --resume-file "$WORK/pipe.resume" "$@" 2>"$WORK/err" |
        head -1 >"$WORK/first"
    status=${PIPESTATUS[0]}
    set -e
    elapsed=$(echo "$(date +%s.%N) $t0" | awk '{print $1 - $2}')
    [ -s "$WORK/err" ] && fail "sipprobe $* | head -1 said: $(cat "$WORK/err")"
    [ -s "$WORK/first" ] || fail "sipprobe $* | head -1: no line"
}
piped --rate 400 -f ndjson 127.45.0.0/20
expect_eq "$status" 3 "exit status when the reader of ndjson goes away"
awk -v t="$elapsed" 'BEGIN { exit !(t < 4) }' || fail "the scan went on for $elapsed s after its reader left"
jq -e .host "$WORK/first" >/dev/null || fail "the first line: $(cat "$WORK/first")"
# A document the reader does not take whole (1,024 services, more than a pipe holds).
piped --rate 5000 -f json 127.45.0.0/22
expect_eq "$status" 3 "exit status when the reader of a json document goes away"
# A dry run stops showing probes when nobody reads them.
piped --dry-run 127.45.0.0/12
awk -v t="$elapsed" 'BEGIN { exit !(t < 4) }' || fail "the dry run went on for $elapsed s after its reader left"
echo "PASS"
