#!/usr/bin/env python3
"""Merges generated advisories (asterisk_advisories.py output) into cves.json.

Usage: merge.py cves.json generated.json   (rewrites cves.json; see lib/data/README.md)

Generated entries replace earlier generated entries of the same id; fields a
person filled in from another source (cves, cve_source, cvss, cvss_vector,
cvss_source, condition) are kept, and so are the ranges of an entry with a
ranges_source; hand-entered entries of the same id become the generated entry plus
those fields, their source kept as cve_source.
"""
import json
import sys

KEEP = ("cves", "cve_source", "cvss", "cvss_vector", "cvss_source", "condition", "ranges_source")


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
    path, gen_path = sys.argv[1], sys.argv[2]
    d = json.load(open(path))
    gen = json.load(open(gen_path))
    old = {e["id"]: e for e in d["entries"]}
    out = []
    gen_ids = set()
    for g in gen:
        gen_ids.add(g["id"])
        o = old.get(g["id"])
        if o:
            hand = "derived_from" not in o
            for k in KEEP:
                if o.get(k):
                    if k == "cves":
                        g[k] = sorted(set(g.get(k, [])) | set(o[k]))
                    else:
                        g[k] = o[k]
            if o.get("ranges_source"):
                # ranges a person corrected from the advisory's CVE record
                # (a lower bound later than the branch's first release)
                g["affected"] = o["affected"]
            if hand and o.get("cves") and "cve_source" not in g:
                g["cve_source"] = o["source"]
        out.append(g)
    generated = "https://github.com/asterisk/asterisk/commit/"
    rest = [e for e in d["entries"] if e["id"] not in gen_ids
            and not e.get("derived_from", "").startswith(generated)]
    d["entries"] = out + rest
    open(path, "w").write(dump(d))


main()
