#!/usr/bin/env python3
"""Derives Asterisk advisory ranges from the Asterisk git history.

For every commit whose message names an advisory (AST-YYYY-NNN or a GitHub
advisory GHSA-xxxx-xxxx-xxxx), the release tags that contain the commit are
listed; on each release branch the lowest such tag is that branch's first
fixed release, and the branch's first release is the lower bound. A branch
where the first release already contains the fix is not affected. Only the
branches the project released a fix on are listed ("affected only where the
advisory says so").

Usage: asterisk_advisories.py GITDIR > asterisk.json   (see lib/data/README.md)
"""
import json
import re
import subprocess
import sys

GIT = sys.argv[1]
ID_RE = re.compile(r"\b(AST-20\d\d-\d{3}|GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})\b")
CVE_RE = re.compile(r"\bCVE-\d{4}-\d{4,7}\b")


def git(*args):
    return subprocess.run(["git", "--git-dir", GIT] + list(args), check=True,
                          capture_output=True, text=True).stdout


def parse_tag(t):
    """(branch label, sort key, version text) for a release tag, else None."""
    m = re.fullmatch(r"(?:certified[-/])?(\d+\.\d+(?:\.\d+)?)-cert(\d+)", t)
    if m:
        base = m.group(1)
        return ("certified " + base, (1, tuple(map(int, base.split("."))), int(m.group(2))),
                "%s-cert%s" % (base, m.group(2)))
    if not re.fullmatch(r"\d+(\.\d+){2,3}", t):
        return None
    parts = tuple(map(int, t.split(".")))
    if parts[0] == 1:
        if parts[1] == 6:
            branch = "1.6.%d" % parts[2]
        else:
            branch = "1.%d" % parts[1]
    elif parts[0] >= 10:
        branch = str(parts[0])
    else:
        return None
    return (branch, (0, parts, 0), t)


def main():
    tags = {}
    for t in git("tag").split():
        p = parse_tag(t)
        if p:
            tags[t] = p
    first = {}
    for t, (branch, key, ver) in tags.items():
        if branch not in first or key < first[branch][0]:
            first[branch] = (key, ver)
    log = git("log", "--all", "--format=@@@%H%x00%s%x00%b")
    advisories = {}
    for rec in log.split("@@@")[1:]:
        h, subject, body = (rec.split("\x00") + ["", ""])[:3]
        # A commit fixes what it names in its subject, in a Resolves:/Fixes:
        # line, or in a line that starts with the id; other mentions (links to
        # pjproject's advisories, "as noted in AST-...") do not count.
        if re.match(r"(Create|Creating) tag|Importing|.*security (document|advisor)", subject, re.I):
            continue  # release bookkeeping, not the fix
        named = ID_RE.findall(subject)
        for line in body.splitlines():
            line = line.strip().lstrip("*- ").strip()
            if "pjproject" in line:
                continue  # pjproject's own advisories, not Asterisk's
            if re.match(r"(Resolves|Fixes|Closes)\b", line, re.I) or ID_RE.match(line):
                named += ID_RE.findall(line)
        ids = {i for i in named if not i.startswith("AST-") or int(i[4:8]) >= 2007}
        for i in ids:
            a = advisories.setdefault(i, {"commits": [], "titles": [], "cves": set()})
            a["commits"].append(h)
            a["titles"].append(subject.strip())
            a["cves"].update(CVE_RE.findall(subject + "\n" + body))
    # Which advisory ids each commit names, then, per branch, walk the release
    # tags in order: the commits new in a tag (previous..tag) fix what they name.
    by_commit = {}
    for aid, a in advisories.items():
        for h in a["commits"]:
            by_commit.setdefault(h, set()).add(aid)
    per_branch = {}
    for t, (branch, key, ver) in tags.items():
        per_branch.setdefault(branch, []).append((key, t, ver))
    fixed_at = {}  # id -> branch -> (key, version, commit)
    for branch, lst in per_branch.items():
        lst.sort()
        prev = None
        for key, t, ver in lst:
            spec = [t] if prev is None else [t, "^" + prev]
            for h in git("rev-list", *spec).split():
                for aid in by_commit.get(h, ()):
                    f = fixed_at.setdefault(aid, {})
                    if branch not in f or key < f[branch][0]:
                        f[branch] = (key, ver, h)
            prev = t
    out = []
    for aid in sorted(advisories):
        a = advisories[aid]
        fixed = fixed_at.get(aid, {})
        ranges = []
        for branch, (key, ver, h) in fixed.items():
            fkey, fver = first[branch]
            if key <= fkey:
                continue  # the branch's first release already had the fix
            ranges.append({"branch": branch, "from": fver, "fixed": ver,
                           "commit": h[:12], "_key": key})
        if not ranges:
            continue
        ranges.sort(key=lambda r: r.pop("_key"))
        title = ""
        # Oldest first (the original fix), subjects that name the id first.
        cands = list(reversed(a["titles"]))
        cands = [t for t in cands if aid in t] + [t for t in cands if aid not in t]
        for t in cands:
            if re.match(r"(Merge|Merged|Promote|Release|Update for|Importing)\b", t, re.I):
                continue
            t = re.sub(r"^-\s*", "", t)
            t = re.sub(r"^(?:\[?(?:AST-20\d\d-\d{3}|GHSA-[0-9a-z-]{14})\]?[:,]?\s*)+", "", t)
            t = re.sub(r"^[-:\s]+", "", t).strip()
            if len(t) > 8:
                title = t
                break
        if not title:
            title = "Asterisk security advisory " + aid
        title = re.split(r"(?<=[.!?])\s", title)[0][:140].rstrip(" .")
        if aid.startswith("GHSA"):
            src = "https://github.com/asterisk/asterisk/security/advisories/" + aid
        else:
            src = "https://downloads.asterisk.org/pub/security/%s.html" % aid
        out.append({"id": aid, "product": "Asterisk", "cves": sorted(a["cves"]),
                    "title": title, "affected": ranges, "source": src,
                    "derived_from": "https://github.com/asterisk/asterisk/commit/" + a["commits"][0]})
    json.dump(out, sys.stdout, indent=1)


main()
