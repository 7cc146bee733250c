#!/usr/bin/env python3
"""Fills CVE ids and CVSS v3 scores of Asterisk advisories from Greenbone's NVT feed.

Greenbone's vulnerability tests (NVTs, `.nasl` files; a public mirror is
https://github.com/qweasader/gbn) name, for an Asterisk advisory, the
advisory's URL (`script_xref(name:"URL", value:".../AST-2017-007.html")`), the
CVE ids (`script_cve_id(...)`) and NVD's CVSS v3 vector
(`severity_vector`, with `severity_origin` "NVD").

Only NVTs about one advisory count: an NVT that covers several advisories
does not say which CVE belongs to which. An NVT's CVSS vector is used only
when it names exactly one CVE (the vector is that CVE's). The base score is
computed from the vector with the CVSS v3.0/v3.1 formulas. Every value keeps
the URL of the NVT it was read from (`cve_source`, `cvss_source`).

Fields already filled in an entry (from another source) are kept.

Usage: nvt_cves.py GITDIR cves.json   (rewrites cves.json; see lib/data/README.md)
"""
import json
import math
import re
import subprocess
import sys

ID_RE = re.compile(r"(AST-20\d\d-\d{3}|GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})")
MIRROR = "https://github.com/qweasader/gbn/blob/%s/%s"

W = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "CIA": {"H": 0.56, "L": 0.22, "N": 0.0},
}


def roundup(x, v31):
    if not v31:
        return math.ceil(x * 10 - 1e-9) / 10.0
    i = int(round(x * 100000))
    return i / 100000.0 if i % 10000 == 0 else (math.floor(i / 10000) + 1) / 10.0


def base_score(vector):
    """CVSS v3.x base score of a vector (CVSS v3.1 specification, section 7.1)."""
    m = dict(p.split(":") for p in vector.split("/")[1:])
    v31 = vector.startswith("CVSS:3.1")
    changed = m["S"] == "C"
    pr = {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[m["PR"]]
    iss = 1 - (1 - W["CIA"][m["C"]]) * (1 - W["CIA"][m["I"]]) * (1 - W["CIA"][m["A"]])
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    expl = 8.22 * W["AV"][m["AV"]] * W["AC"][m["AC"]] * pr * W["UI"][m["UI"]]
    if impact <= 0:
        return 0.0
    return roundup(min((1.08 if changed else 1) * (impact + expl), 10), v31)


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir] + list(args), check=True,
                          capture_output=True, text=True).stdout


def read_nvts(gitdir):
    """(advisory id -> [(cves, vector or None, url)] from NVTs about that one advisory,
    CVE -> every advisory of every NVT, single or not, that names it)."""
    commit = git(gitdir, "rev-parse", "HEAD").strip()
    pattern = r"pub/security/AST-20|asterisk/asterisk/security/advisories/GHSA"
    found = subprocess.run(["git", "--git-dir", gitdir, "grep", "-l", "-E", pattern, commit,
                            "--", "*.nasl"], capture_output=True, text=True).stdout
    single, listed = {}, {}
    for line in found.split():
        path = line.split(":", 1)[1]
        text = git(gitdir, "show", "%s:%s" % (commit, path))
        urls = re.findall(r'script_xref\s*\(\s*name\s*:\s*"URL"\s*,\s*value\s*:\s*"([^"]+)"',
                          text)
        ids = {i for u in urls
               if re.search(r"asterisk\.org/pub/security/|digium\.com/pub/security/|"
                            r"github\.com/asterisk/asterisk/security/advisories/", u)
               for i in ID_RE.findall(u)}
        cves = sorted(set(re.findall(r"CVE-\d{4}-\d{4,7}", " ".join(
            re.findall(r"script_cve_id\s*\(([^)]*)\)", text)))))
        for c in cves:
            listed.setdefault(c, set()).update(ids)
        if len(ids) != 1 or not cves:
            continue
        vec = re.search(r'name\s*:\s*"severity_vector"\s*,\s*value\s*:\s*"(CVSS:3\.[01]/[^"]+)"',
                        text)
        origin = re.search(r'name\s*:\s*"severity_origin"\s*,\s*value\s*:\s*"([^"]+)"', text)
        vector = vec.group(1) if vec and origin and origin.group(1) == "NVD" else None
        single.setdefault(ids.pop(), []).append((cves, vector, MIRROR % (commit, path)))
    return single, listed


def dump(d):
    lines = ["{"]
    for k in d:
        if k != "entries":
            lines.append(" %s: %s," % (json.dumps(k), json.dumps(d[k])))
    lines.append(' "entries": [')
    for i, e in enumerate(d["entries"]):
        lines.append("  " + json.dumps(e) + ("," if i < len(d["entries"]) - 1 else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    gitdir, path = sys.argv[1], sys.argv[2]
    nvts, listed = read_nvts(gitdir)
    # A CVE belongs to advisory A when an NVT about A alone names only that CVE
    # (and no other advisory's NVT does so), or when no NVT of any other
    # advisory, single or combined, names it.
    sole = {}
    for aid, lst in nvts.items():
        for cves, _, _ in lst:
            if len(cves) == 1:
                sole.setdefault(cves[0], set()).add(aid)

    def owns(aid, c):
        if c in sole:
            return sole[c] == {aid}
        return listed.get(c) == {aid}

    d = json.load(open(path))
    for e in d["entries"]:
        if e["product"] != "Asterisk" or e["id"] not in nvts:
            continue
        lst = sorted(nvts[e["id"]], key=lambda t: (len(t[0]), t[2]))
        cves = [c for c in lst[-1][0] if owns(e["id"], c)]
        if cves and not e.get("cves"):
            e["cves"] = cves
            e["cve_source"] = lst[-1][2]
        if "cvss" not in e and len(e.get("cves", [])) == 1:
            for nc, vector, url in lst:
                if vector and nc == e["cves"]:
                    e["cvss"] = base_score(vector)
                    e["cvss_vector"] = vector
                    e["cvss_source"] = url
                    break
    open(path, "w").write(dump(d))


if __name__ == "__main__":
    main()
