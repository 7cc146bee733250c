#!/usr/bin/env python3
"""Turns CVE records (CVE JSON 5, as in https://github.com/CVEProject/cvelistV5)
into cves.json entries for one product.

The affected versions are read from the CNA container, in the two forms CNAs
such as GitHub use:

  "< 3.1.8"             -> branch "3.1 and earlier", from "0", fixed "3.1.8"
                           (the record gives no lower bound)
  ">= 3.2.0, < 3.2.5"   -> branch "3.2", from "3.2.0", fixed "3.2.5"
  {"version": "3.2.0", "lessThan": "3.2.5"}  -> the same

Versions given only as "= X" or "<= X" name no fixed release and are left
out (reported on stderr). The entry's id is the record's advisory
(source.advisory, e.g. a GHSA id) or else the CVE id; `source` is the
advisory's URL when the record references it, else the record; the CVSS v3
base score and vector are the CNA's. Every entry keeps the record's URL in
`cve_source` and `derived_from`.

Usage: cve_records.py PRODUCT RECORD.json... > entries.json
       cve_records.py --into cves.json PRODUCT RECORD.json...
         (adds the entries whose id cves.json does not have yet)

lib/data/tools/cve-records/ holds the subsets of the records this table was
built from (cveId, title, affected versions, CVSS, references, advisory),
copied from cvelistV5; a full record from a cvelistV5 checkout gives the
same entry.
"""
import json
import re
import sys

RECORD_URL = "https://github.com/CVEProject/cvelistV5/blob/main/cves/%s/%sxxx/%s.json"


def record_url(cve):
    year, num = cve.split("-")[1:]
    return RECORD_URL % (year, num[:-3], cve)


def branch_of(v):
    return ".".join(re.findall(r"\d+", v)[:2])


def ranges(versions):
    out, skipped = [], []
    for v in versions:
        if v.get("status", "affected") != "affected":
            continue
        text = v.get("version", "")
        lo, fixed = None, v.get("lessThan")
        if fixed:
            lo = text if text not in ("0", "*", "") else None
        else:
            m = re.fullmatch(r"\s*(?:>=\s*([\w.\-]+)\s*,\s*)?<\s*([\w.\-]+)\s*", text)
            if not m:
                skipped.append(text)
                continue
            lo, fixed = m.group(1), m.group(2)
        if lo is None:
            out.append({"branch": branch_of(fixed) + " and earlier", "from": "0", "fixed": fixed})
        else:
            b, bf = branch_of(lo), branch_of(fixed)
            out.append({"branch": b if b == bf else "%s to %s" % (b, bf), "from": lo,
                        "fixed": fixed})
    return out, skipped


def entry(product, rec):
    cve = rec["cveMetadata"]["cveId"]
    cna = rec["containers"]["cna"]
    rs, skipped = [], []
    for a in cna.get("affected", []):
        r, s = ranges(a.get("versions", []))
        rs += r
        skipped += s
    if skipped:
        print("%s: versions without a fixed release left out: %s" % (cve, skipped),
              file=sys.stderr)
    if not rs:
        return None
    advisory = (cna.get("source") or {}).get("advisory") or ""
    refs = [r["url"] for r in cna.get("references", [])]
    adv_url = next((u for u in refs if advisory and u.rstrip("/").endswith("/" + advisory)),
                   None)
    e = {"id": advisory if advisory.startswith("GHSA-") and adv_url else cve,
         "product": product, "cves": [cve], "title": cna.get("title", "")}
    for m in cna.get("metrics", []):
        c = m.get("cvssV3_1") or m.get("cvssV3_0")
        if c and "baseScore" in c:
            e["cvss"] = c["baseScore"]
            e["cvss_vector"] = c["vectorString"]
            e["cvss_source"] = record_url(cve)
            break
    e["affected"] = rs
    e["source"] = adv_url or record_url(cve)
    e["cve_source"] = record_url(cve)
    e["derived_from"] = record_url(cve)
    return e


def main():
    args = sys.argv[1:]
    into = None
    if args[:1] == ["--into"]:
        into, args = args[1], args[2:]
    product, files = args[0], args[1:]
    entries = [e for e in (entry(product, json.load(open(f))) for f in sorted(files)) if e]
    if not into:
        json.dump(entries, sys.stdout, indent=1)
        return
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from nvt_cves import dump
    d = json.load(open(into))
    have = {e["id"] for e in d["entries"]}
    d["entries"] += [e for e in entries if e["id"] not in have]
    open(into, "w").write(dump(d))


if __name__ == "__main__":
    main()
