# Install like a Debian tool: `cpack -G DEB` builds a package with the
# program, shared library, header, pkg-config file, man page, data files and
# bash completion; lintian (where installed) reports no error; unpacked into
# a temporary root (dpkg -x), the program runs from there and man -l reads
# its page.
source "$(dirname "$0")/lib.sh"
: "${SP_BUILD_DIR:?path to the build directory}"
need cpack
need dpkg-deb
need man
cpack -G DEB -B "$WORK/pkg" --config "$SP_BUILD_DIR/CPackConfig.cmake" >"$WORK/cpack.log" 2>&1 ||
    fail "cpack failed: $(tail -5 "$WORK/cpack.log")"
deb=$(ls "$WORK"/pkg/sipprobe_*.deb)
expect_eq "$(dpkg-deb -f "$deb" Package)" sipprobe "package name"
dpkg-deb -f "$deb" Depends | grep -q libosip2 || fail "no shared-library dependencies: $(dpkg-deb -f "$deb" Depends)"
if command -v lintian >/dev/null; then
    lintian --fail-on error "$deb" >"$WORK/lintian.log" 2>&1 || fail "lintian: $(grep '^E:' "$WORK/lintian.log")"
fi

root="$WORK/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/sipprobe usr/include/sipprobe/sipprobe.h usr/share/man/man1/sipprobe.1.gz \
    usr/share/sipprobe/fingerprints.json usr/share/sipprobe/cves.json \
    usr/share/bash-completion/completions/sipprobe usr/share/doc/sipprobe/copyright; do
    [ -s "$root/$f" ] || fail "the package lacks $f"
done
lib=$(find "$root/usr/lib" -name 'libsipprobe.so.0' | head -1)
[ -n "$lib" ] || fail "the package lacks libsipprobe.so.0"
pc=$(find "$root/usr/lib" -name sipprobe.pc | head -1)
grep -q '^Libs: .*-lsipprobe' "$pc" || fail "pkg-config file: $(cat "$pc")"

# The program from the package, with the package's library and nothing of the build.
export LD_LIBRARY_PATH="$(dirname "$lib")"
bin="$root/usr/bin/sipprobe"
ldd "$bin" | grep -q "libsipprobe.so.0 => $LD_LIBRARY_PATH/" || fail "not the packaged library: $(ldd "$bin")"
expect_eq "$("$bin" --version)" "sipprobe $(dpkg-deb -f "$deb" Version)" "version"
"$bin" --list-findings | grep -q '^seen-from-several-vantages ' || fail "--list-findings"
"$bin" --dry-run -q 127.0.0.1 | grep -q '^OPTIONS sip:100@127.0.0.1:5060 SIP/2.0' || fail "dry run"
MANWIDTH=100 man -l "$root/usr/share/man/man1/sipprobe.1.gz" 2>/dev/null >"$WORK/man.txt"
grep -q 'sipprobe report' "$WORK/man.txt" || fail "man -l does not show the page"
# The completion, with bash-completion's helpers stubbed (the package may be absent).
complete_words() { # complete_words WORD...: what completing the last word offers
    PATH="$root/usr/bin:$PATH" bash -c '
        _init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=${words[cword]}; prev=${words[cword-1]}; }
        _filedir() { :; }
        _available_interfaces() { :; }
        source "$1"; shift
        COMP_WORDS=(sipprobe "$@"); COMP_CWORD=$#
        _sipprobe sipprobe "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/sipprobe" "$@" | sort | tr '\n' ' '
}
expect_eq "$(complete_words --sha)" "--shard --shard-count " "completion of options"
expect_eq "$(complete_words re)" "reflect report " "completion of subcommands"
expect_eq "$(complete_words -f j)" "json junit " "completion of formats"
expect_eq "$(complete_words --fail-on h)" "high " "completion of severities"
echo "PASS"
