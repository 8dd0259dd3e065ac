#!/usr/bin/env python3
"""An independent reference implementation of docs/scoring.md.

Reads a findings.json written by `vetter run` (or the tests), recomputes from
the findings' inputs what the score stage computed -- likelihood, impact and
risk per finding, the SSVC decision (from CERT/CC's published CSV tables, not
from vetter's template), domains, priorities, issues, remediation groups with
effort and cost, asset scores, ratings per company and domain with coverage,
the deterministic parts of the money model and the Monte Carlo itself, the
candidate conditions and Day-1 notes -- and compares every figure with the
`scores` section.  Graph facts (exposure, whether an image runs, asset
criticality) are taken from each finding's `risk` as inputs.

Usage: score_reference.py [--templates DIR] [--deployer CSV] [--human CSV] findings.json
Exit status 0 when everything agrees, 1 with the differences listed.
"""
import argparse
import csv
import fnmatch
import hashlib
import json
import math
import sys

import score_reference_extra

DOMAINS = ["vulnerabilities", "identity-access", "network-exposure", "data-protection",
           "logging-detection", "kubernetes-hardening", "supply-chain"]
EXPLOIT = {"none": 0.3, "public poc": 0.6, "active": 1.0}
EXPOSURE = {"small": 0.3, "controlled": 0.6, "open": 1.0}
SEVERITIES = ["unknown", "info", "low", "medium", "high", "critical"]
SEVERITY = {"unknown": 0.5, "info": 0.05, "low": 0.2, "medium": 0.5, "high": 0.8, "critical": 1.0}
CRIT = {"low": 0.5, "medium": 0.7, "high": 0.85, "critical": 1.0}
PRIOS = ["defer", "scheduled", "out-of-cycle", "immediate"]
MISSION = {"low": "degraded", "medium": "mef support crippled", "high": "mef failure",
           "critical": "mission failure"}
EFFORT_KIND = {"vulnerability": "vulnerability", "secret": "secret", "misconfiguration": "misconfiguration",
               "exposure": "exposure", "threat": "threat"}
KIND_DOMAINS = [
    ("image", 6), ("k8s.role", 1), ("k8s.binding", 1), ("k8s.subject", 1), ("k8s.serviceaccount", 1),
    ("rbac-role", 1), ("rbac-binding", 1), ("rbac-subject", 1), ("serviceaccount", 1),
    ("k8s.service", 2), ("k8s.ingress", 2), ("k8s.networkpolicy", 2), ("service", 2), ("ingress", 2),
    ("networkpolicy", 2), ("k8s.*", 5), ("workload", 5), ("pod", 5), ("namespace", 5), ("node", 5),
    ("cluster", 5), ("aws.account", 1), ("aws.iam.*", 1), ("gcp.project", 1), ("gcp.iam.*", 1),
    ("account", 1), ("project", 1), ("aws.s3.*", 3), ("aws.rds.*", 3), ("aws.kms.*", 3), ("aws.efs.*", 3),
    ("azure.storage.*", 3), ("azure.keyvault.*", 3), ("azure.sql.*", 3), ("gcp.storage.*", 3),
    ("gcp.sql.*", 3), ("gcp.kms.*", 3), ("aws.cloudtrail.*", 4), ("aws.ec2.vpc", 4),
    ("azure.subscription", 4), ("subscription", 4), ("aws.ec2.*", 2), ("azure.network.*", 2),
    ("gcp.compute.*", 2),
]
RED_FLAGS = ["kev-internet-facing", "root-without-mfa", "public-data-store", "evidence-of-compromise"]
UNIT_CREDIT = {"assessed": 1.0, "partial": 0.5, "not-assessed": 0.0}
MASK64 = (1 << 64) - 1


def rnd(x, d):
    return math.floor(x * 10 ** d + 0.5) / 10 ** d


def money(x):
    return int(rnd(x, 0))


def level(v):
    return 1 if v <= 0.2 else 2 if v <= 0.4 else 3 if v <= 0.6 else 4 if v <= 0.8 else 5


def s(v):
    return v if isinstance(v, str) else ""


class Checker:
    def __init__(self):
        self.n = 0
        self.errors = []

    def eq(self, what, got, want):
        self.n += 1
        if got != want:
            self.errors.append("%s: vetter has %r, the reference %r" % (what, got, want))

    def near(self, what, got, want, tol):
        self.n += 1
        if got is None or abs(got - want) > tol:
            self.errors.append("%s: vetter has %r, the reference %r" % (what, got, want))


# ---- SSVC from CERT/CC's tables ----

def load_ssvc(deployer, human):
    tree, hi = {}, {}
    if deployer:
        with open(deployer, newline="") as fp:
            for row in list(csv.reader(fp))[1:]:
                tree[tuple(row[1:5])] = row[5]
    if human:
        with open(human, newline="") as fp:
            for row in list(csv.reader(fp))[1:]:
                hi[(row[1], row[2])] = row[3]
    return tree, hi


# ---- per finding ----

def read_score(v):
    if isinstance(v, bool):
        return -1.0
    if isinstance(v, (int, float)):
        x = float(v)
    elif isinstance(v, str) and len(v.encode()) < 32:
        try:
            x = float(v)
        except ValueError:
            return -1.0
    else:
        return -1.0
    if not math.isfinite(x) or x < 0:
        return -1.0
    return 1.0 if x > 1 else x


def vuln_inputs(f):
    parts = [f]
    if isinstance(f.get("cves"), list):
        parts += f["cves"][:1000]
    kev, adp, auto, epss = False, 0, 0, 0.0
    for p in parts:
        if not isinstance(p, dict):
            continue
        k = p.get("kev")
        if isinstance(k, dict) or k is True:
            kev = True
        ssvc = p.get("ssvc") if isinstance(p.get("ssvc"), dict) else {}
        e = s(ssvc.get("exploitation"))
        if e == "active":
            adp = 2
        elif e in ("poc", "public poc") and adp < 1:
            adp = 1
        if s(ssvc.get("automatable")) == "yes":
            auto = 1
        ep = p.get("epss")
        x = read_score(ep.get("score")) if isinstance(ep, dict) else -1.0
        if x > epss:
            epss = x
    names = ["none", "public poc", "active"]
    if kev:
        return "active", "KEV", kev, auto, epss
    if adp:
        return names[adp], "CISA SSVC", kev, auto, epss
    return "none", "no exploitation evidence", kev, auto, epss


def exploitation(f):
    kind = s(f.get("kind"))
    if kind == "vulnerability":
        return vuln_inputs(f)
    if kind in ("secret", "exposure"):
        return "public poc", "kind", False, 0, 0.0
    if kind == "threat" or f.get("compromise") is True:
        return "active", "kind", False, 0, 0.0
    if kind == "manual" and s(f.get("exploitation")) in EXPLOIT:
        return f["exploitation"], "consultant", False, 0, 0.0
    return "none", "kind", False, 0, 0.0


def kind_domain(kind):
    if not isinstance(kind, str):
        return None
    for pat, d in KIND_DOMAINS:
        if fnmatch.fnmatchcase(kind, pat):
            return d
    return None


def domain_of(f):
    kind = s(f.get("kind"))
    if s(f.get("domain")) in DOMAINS:
        return f["domain"], "finding"
    fixed = {"vulnerability": 0, "secret": 6, "threat": 4, "exposure": 2}
    if kind in fixed:
        return DOMAINS[fixed[kind]], "kind"
    res = f.get("resource")
    rk = res if isinstance(res, str) else res.get("kind") if isinstance(res, dict) else None
    if kind_domain(rk) is not None:
        return DOMAINS[kind_domain(rk)], "resource kind"
    ak = (f.get("asset") or {}).get("kind")
    if kind_domain(ak) is not None:
        return DOMAINS[kind_domain(ak)], "asset kind"
    return None, "unmapped"


class F:
    """One counted finding, recomputed."""


def assess(f, params, ssvc_tree, ssvc_human, ck):
    r = f["risk"]
    x = F()
    x.f, x.id, x.company, x.kind, x.rule = f, f["id"], f["company"], s(f.get("kind")), s(f.get("rule"))
    x.expl, basis, x.kev, x.auto, x.epss = exploitation(f)
    ck.eq(x.id + " exploitation", r.get("exploitation"), x.expl)
    ck.eq(x.id + " exploitation_basis", r.get("exploitation_basis"), basis)
    ck.eq(x.id + " epss", r.get("epss"), x.epss)
    # Graph facts are inputs; the consultant's exposure wins over the graph.
    x.expo, x.crit = r["exposure"], r["criticality"]
    if x.kind == "manual" and s(f.get("exposure")) in EXPOSURE:
        ck.eq(x.id + " consultant exposure", x.expo, f["exposure"])
    sev = f.get("severity") if f.get("severity") in SEVERITIES else "unknown"
    x.sev = SEVERITIES.index(sev)
    x.L = max(x.epss, EXPLOIT[x.expl]) * EXPOSURE[x.expo]
    x.I = SEVERITY[sev] * CRIT[x.crit]
    x.r = x.L * x.I
    ck.eq(x.id + " likelihood", r.get("likelihood"), rnd(x.L, 4))
    ck.eq(x.id + " likelihood_level", r.get("likelihood_level"), level(x.L))
    ck.eq(x.id + " impact", r.get("impact"), rnd(x.I, 4))
    ck.eq(x.id + " impact_level", r.get("impact_level"), level(x.I))
    ck.eq(x.id + " score", r.get("score"), rnd(x.r, 4))
    x.ssvc = None
    if x.kind == "vulnerability":
        human = ssvc_human.get((params["safety_impact"], MISSION[x.crit]))
        auto = "yes" if x.auto else "no"
        x.ssvc = ssvc_tree.get((x.expl, x.expo, auto, human))
        got = r.get("ssvc") or {}
        ck.eq(x.id + " ssvc inputs", (got.get("exploitation"), got.get("exposure"), got.get("automatable")),
              (x.expl, x.expo, auto))
        if ssvc_human:
            ck.eq(x.id + " ssvc human impact", got.get("human_impact"), human)
        if ssvc_tree:
            ck.eq(x.id + " ssvc decision", got.get("decision"), x.ssvc)
        else:
            x.ssvc = got.get("decision")
    else:
        ck.eq(x.id + " ssvc", r.get("ssvc"), None)
    x.dom, dbasis = domain_of(f)
    ck.eq(x.id + " domain", (r.get("domain"), r.get("domain_basis")), (x.dom, dbasis))
    if x.ssvc is not None:
        x.prio, pbasis = PRIOS.index(x.ssvc), "ssvc"
    else:
        band = 2 if x.r >= 0.4 else 1 if x.r >= 0.1 else 0
        floor_ = 2 if x.sev == 5 else 1 if x.sev == 4 else 0
        x.prio, pbasis = (band, "risk") if band >= floor_ else (floor_, "severity")
    x.flags = r.get("red_flags", [])
    if x.flags:
        x.prio, pbasis = 3, "red-flag"
    ck.eq(x.id + " priority", (r.get("priority"), r.get("priority_basis")), (PRIOS[x.prio], pbasis))
    x.rated = (r["rated_asset"]["kind"], r["rated_asset"]["key"])
    x.asset = (f["asset"]["kind"], f["asset"]["key"])
    x.group, x.issue = r["group"], r["issue"]
    return x


def detector(f, name):
    tool = s((f.get("origin") or {}).get("tool")) if isinstance(f.get("origin"), dict) else ""
    if isinstance(f.get("detector"), str):
        return f["detector"] == name
    return s(f.get("rule")).startswith(name + ":") or tool == name or (name == "securityhub" and tool == "asff")


def compromise(x):
    """Evidence of compromise: an active detection, medium or above (docs/scoring.md, Deal view)."""
    f = x.f
    if f.get("compromise") is True:
        return True
    if s(f.get("detector_status")).lower() in ("archived", "resolved", "suppressed", "dismissed") or x.sev < 3:
        return False
    if detector(f, "guardduty") or detector(f, "defender"):
        return True
    if not detector(f, "securityhub"):
        return False
    types = f.get("types") if isinstance(f.get("types"), list) else []
    return any(isinstance(t, str) and t.startswith(("TTPs", "Effects", "Unusual Behaviors")) for t in types[:50])


def finding_flags(x, deal, ck):
    """The red flags a finding raises by itself (asset-document criteria are not in findings.json)."""
    flags = set()
    if s(x.f.get("red_flag")) in RED_FLAGS:
        flags.add(x.f["red_flag"])
    in_store = x.rated == x.asset
    if (x.kind == "vulnerability" and x.kev and x.expo == "open" and in_store and
            (x.asset[0] in ("workload", "pod") or (x.asset[0] == "image" and x.f["risk"]["running"] == "yes"))):
        flags.add("kev-internet-facing")
    low = x.rule[:255].lower()
    for flag in ("root-without-mfa", "public-data-store"):
        if any(fnmatch.fnmatchcase(low, p) for p in deal["red_flags"][flag].get("rules", [])):
            flags.add(flag)
    if compromise(x):
        flags.add("evidence-of-compromise")
    ck.eq(x.id + " red flags", sorted(x.flags), sorted(flags))


# ---- issues and groups ----

def hash_id(prefix, n, parts):
    return prefix + "-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:n]


def package_of(f):
    p = f.get("package")
    if isinstance(p, dict) and isinstance(p.get("name"), str):
        return s(p.get("type")), p["name"]
    comp, typ = s(f.get("component")), ""
    if comp.startswith("pkg:") and "/" in comp[4:]:
        slash = comp.index("/", 4)
        typ, comp = comp[4:slash], comp[slash + 1:]
    at = comp.rfind("@")
    name = comp[:at] if at > 0 else comp
    if "?" in name:
        name = name[:name.index("?")]
    return typ, name


def vuln_id(f):
    best = f["rule"] if s(f.get("rule")).startswith("CVE-") else None
    for a in f.get("aliases") or []:
        if isinstance(a, str) and a.startswith("CVE-") and (best is None or a < best):
            best = a
    return best if best is not None else s(f.get("rule"))


def fingerprint(f):
    fp = (f.get("secret") or {}).get("fingerprint")
    if isinstance(fp, str):
        return fp
    comp = s(f.get("component"))
    return comp[comp.rfind(":") + 1:] if ":" in comp else comp


def issue_key(x):
    f = x.f
    if x.kind == "vulnerability":
        typ, name = package_of(f)
        return [x.company, x.kind, vuln_id(f), typ, name]
    if x.kind == "secret":
        return [x.company, x.kind, x.rule, fingerprint(f), ""]
    if x.kind == "misconfiguration":
        return [x.company, x.kind, x.rule, "", ""]
    return [x.company, x.kind, x.id, "", ""]


def effort_of(x, params):
    e = x.f.get("effort_hours")
    if isinstance(e, (int, float)) and not isinstance(e, bool) and 0 <= e <= 10000:
        return float(e)
    return params["effort"][EFFORT_KIND.get(x.kind, "manual")]


def check_issues(co, xs, params, ck):
    cid = co["company"]
    issues = {}
    for x in xs:
        iid = hash_id("VI", 16, issue_key(x))
        ck.eq(x.id + " issue", x.issue, iid)
        i = issues.setdefault(iid, {"id": iid, "L": 0.0, "I": 0.0, "r": 0.0, "sev": 0, "prio": 0, "findings": [],
                                    "assets": [], "groups": [], "first": x})
        i["L"], i["I"], i["r"] = max(i["L"], x.L), max(i["I"], x.I), max(i["r"], x.r)
        i["sev"], i["prio"] = max(i["sev"], x.sev), max(i["prio"], x.prio)
        i["findings"].append(x.id)
        if list(x.asset) not in i["assets"]:
            i["assets"].append(list(x.asset))
        if x.group not in i["groups"]:
            i["groups"].append(x.group)
    want = sorted(issues.values(), key=lambda i: (-i["prio"], -i["r"], i["id"]))
    got = co["issues"]
    ck.eq(cid + " issue order", [i["id"] for i in got], [i["id"] for i in want])
    for g, w in zip(got, want):
        ck.eq(w["id"] + " issue figures",
              (g["likelihood"], g["impact"], g["risk"], g["severity"], g["priority"], g["findings"],
               [[a["kind"], a["key"]] for a in g["assets"]], g["groups"], g["title"], g["domain"]),
              (rnd(w["L"], 4), rnd(w["I"], 4), rnd(w["r"], 4), SEVERITIES[w["sev"]], PRIOS[w["prio"]],
               w["findings"], w["assets"], w["groups"], w["first"].f.get("title"), w["first"].dom))

    # Remediation groups: the type comes from vetter (base images and charts need the graph); the
    # membership, ids of the types the findings decide alone, effort, hours and cost are recomputed.
    rem = co["remediation"]
    gtype = {g["id"]: g for g in rem["groups"]}
    groups = {}
    rate = params["blended_rate"]
    for x in xs:
        g = gtype.get(x.group)
        if g is None:
            ck.errors.append("%s: group %s is not listed" % (x.id, x.group))
            continue
        t = g["type"]
        if x.kind == "vulnerability":
            pkg = x.f.get("package") if isinstance(x.f.get("package"), dict) else {}
            layer = pkg.get("layer") if isinstance(pkg.get("layer"), str) else x.f.get("layer")
            if t == "base-image":
                label = layer
            else:
                typ, name = package_of(x.f)
                label = typ + ("/" if typ else "") + name
                ck.eq(x.id + " group type", t, "package")
        elif x.kind == "secret":
            label = fingerprint(x.f)
            ck.eq(x.id + " group type", t, "secret")
        elif x.kind in ("misconfiguration", "end-of-life"):
            label = g["about"] if t == "chart" else x.rule
            if t != "chart":
                ck.eq(x.id + " group type", t, "rule")
        else:
            label = x.id
            ck.eq(x.id + " group type", t, "finding")
        ck.eq(x.id + " group id", x.group, hash_id("RG", 12, [cid, t, s(label)]))
        e = params["effort"]["base_image"] if t == "base-image" else effort_of(x, params)
        ck.eq(x.id + " effort_hours", x.f["risk"]["effort_hours"], rnd(e, 1))
        w = groups.setdefault(x.group, {"id": x.group, "effort": 0.0, "prio": 0, "assets": set(), "findings": []})
        w["effort"] = max(w["effort"], e)
        w["prio"] = max(w["prio"], x.prio)
        w["assets"].add(x.asset)
        w["findings"].append(x.id)
        x.recommended_group = w
    for w in groups.values():
        w["hours"] = w["effort"] * len(w["assets"])
        w["recommended"] = PRIOS[w["prio"]] in params["recommend"]
    for x in xs:
        x.recommended = x.recommended_group["recommended"] if hasattr(x, "recommended_group") else False
    want = sorted(groups.values(), key=lambda w: (-w["prio"], -w["hours"], w["id"]))
    ck.eq(cid + " group order", [g["id"] for g in rem["groups"]], [w["id"] for w in want])
    hours = cost = rhours = rcost = 0.0
    for g, w in zip(rem["groups"], want):
        c = w["hours"] * rate
        ck.eq(w["id"] + " group figures",
              (g["findings"], g["assets"], g["effort_per_asset"], g["hours"], g["cost"], g["priority"],
               g["recommended"]),
              (w["findings"], len(w["assets"]), rnd(w["effort"], 1), rnd(w["hours"], 1), money(c),
               PRIOS[w["prio"]], w["recommended"]))
        hours, cost = hours + w["hours"], cost + c
        if w["recommended"]:
            rhours, rcost = rhours + w["hours"], rcost + c
    ck.eq(cid + " remediation totals",
          (rem["hours"], rem["cost"], rem["recommended_hours"], rem["recommended_cost"], rem["rate"]),
          (rnd(hours, 1), money(cost), rnd(rhours, 1), money(rcost), rate))


# ---- coverage and ratings ----

def owa(vals, n, q):
    vals = sorted(vals)
    num = den = 0.0
    w = 1.0
    for i in range(n):
        num += w * (vals[i] if i < len(vals) else 100.0)
        den += w
        w *= q
    return num / den if den > 0 else 100.0


def grade(params, x):
    g = params["rating"]["grades"]
    for letter in "ABCD":
        if x >= g[letter]:
            return letter
    return "F"


def check_rating(what, got, score, cov, units, params, ck):
    if units and cov >= params["coverage_threshold"]:
        x = rnd(score, 0)
        ck.eq(what, (got["status"], got["score"], got["grade"], got["coverage"]),
              ("rated", int(x), grade(params, x), rnd(cov, 3)))
    else:
        ck.eq(what, (got["status"], got["score"], got["grade"], got["coverage"]),
              ("insufficient-evidence", None, None, rnd(cov, 3)))


def check_ratings(co, xs, params, ck):
    cid = co["company"]
    k, d, q = params["rating"]["penalty"], params["rating"]["finding_decay"], params["rating"]["asset_decay"]
    units = co["coverage"]["list"]

    def coverage(domain):
        us = [u for u in units if domain is None or domain in u["domains"]]
        credit = sum(UNIT_CREDIT[u["state"]] for u in us)
        return (credit / len(us) if us else 0.0), len(us), credit

    ratio, count, credit = coverage(None)
    ck.eq(cid + " coverage", (co["coverage"]["units"], co["coverage"]["credit"], co["coverage"]["ratio"]),
          (count, credit, rnd(ratio, 3)))
    for u in units:
        ck.eq(cid + " unit credit " + u["key"], u["credit"], UNIT_CREDIT[u["state"]])
    by_asset = {}
    for x in xs:
        by_asset.setdefault(x.rated, []).append(x)
    scores = {}
    for a, fs in by_asset.items():
        fs = sorted(fs, key=lambda x: -x.r)
        R, w, Rd, wd = 0.0, 1.0, [0.0] * 7, [1.0] * 7
        for x in fs:
            R += x.r * w
            w *= d
            if x.dom is not None:
                i = DOMAINS.index(x.dom)
                Rd[i] += x.r * wd[i]
                wd[i] *= d
        scores[a] = (100.0 * math.exp(-k * R), [100.0 * math.exp(-k * r) for r in Rd], len(fs))
    n = co["asset_count"]
    check_rating(cid + " rating", co["rating"], owa([v[0] for v in scores.values()], n, q), ratio, count, params, ck)
    for i, dom in enumerate(DOMAINS):
        r, c, _ = coverage(dom)
        check_rating(cid + " " + dom, co["domains"][dom], owa([v[1][i] for v in scores.values()], n, q), r, c,
                     params, ck)
    got = {(a["kind"], a["key"]): a for a in co["assets"]}
    ck.eq(cid + " rated assets", sorted(got), sorted(scores))
    for a, (sc, sd, nf) in scores.items():
        if a in got:
            want_d = {DOMAINS[i]: int(rnd(v, 0)) for i, v in enumerate(sd) if v < 100.0}
            ck.eq(cid + " asset " + a[1], (got[a]["score"], got[a]["domains"], got[a]["findings"]),
                  (int(rnd(sc, 0)), want_d, nf))
    if co["rating"]["status"] == "rated":
        ck.eq(cid + " weakest", [w["score"] for w in co["rating"]["weakest"]],
              sorted(int(rnd(v[0], 0)) for v in scores.values())[:5])
    for c in co["compliance"]:
        ck.eq(cid + " compliance " + c["framework"], (c["checks"], c["text"]),
              (c["passed"] + c["failed"] + c["waived"],
               "automated checks: %d passed of %d, covering %d mapped controls" %
               (c["passed"], c["passed"] + c["failed"] + c["waived"], c["controls"])))


# ---- money ----

class Rng:
    """xoshiro256** seeded by SplitMix64, as docs/scoring.md says."""

    def __init__(self, seed, company, scenario):
        h = 0xcbf29ce484222325
        for b in company.encode() + b"\0" + scenario.encode():
            h = ((h ^ b) * 0x100000001b3) & MASK64
        x = (seed ^ h) & MASK64
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK64

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def normal(self):
        for _ in range(1000):
            u = 2.0 * self.uniform() - 1.0
            v = 2.0 * self.uniform() - 1.0
            q = u * u + v * v
            if 0 < q < 1:
                return u * math.sqrt(-2.0 * math.log(q) / q)
        return 0.0

    def gamma(self, a):
        d = a - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        for _ in range(1000):
            x = self.normal()
            v = 1.0 + c * x
            if v <= 0:
                continue
            v = v * v * v
            u = self.uniform()
            if u < 1.0 - 0.0331 * (x * x) * (x * x):
                return d * v
            if math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
                return d * v
        return d

    def pert(self, r):
        a, m, b = r["min"], r["most_likely"], r["max"]
        if not b > a:
            return a
        alpha = 1.0 + 4.0 * (m - a) / (b - a)
        beta = 1.0 + 4.0 * (b - m) / (b - a)
        x = self.gamma(alpha)
        y = self.gamma(beta)
        return a + (b - a) * (x / (x + y))


def poisson(lam, u):
    p = math.exp(-lam)
    F, k = p, 0
    while u > F and k < 1000:
        k += 1
        p *= lam / k
        F += p
    return k


def pert_mean(r):
    return (r["min"] + 4.0 * r["most_likely"] + r["max"]) / 6.0


def percentiles(v):
    n = len(v)
    mean = 0.0
    for x in v:
        mean += x
    mean /= n
    v = sorted(v)
    return {"p10": money(v[(100 * n + 999) // 1000 - 1]), "p50": money(v[(500 * n + 999) // 1000 - 1]),
            "p90": money(v[(900 * n + 999) // 1000 - 1]), "mean": money(mean)}


def check_loss(co, xs, params, ck):
    cid = co["company"]
    loss = params["loss"]
    n = loss["iterations"]
    applying = [sc for sc in loss["scenarios"] if sc["companies"] is None or cid in sc["companies"]]
    got = co["loss"]
    ck.eq(cid + " loss scenarios", [sc["id"] for sc in got["scenarios"]], [sc["id"] for sc in applying])
    before, after = [0.0] * n, [0.0] * n
    for sc, g in zip(applying, got["scenarios"]):
        total = fixed = 0.0
        for x in xs:
            if x.dom is not None and x.dom in sc["domains"]:
                total += x.r
                if x.recommended:
                    fixed += x.r
        red = sc["max_reduction"] * fixed / total if total > 0 else 0.0
        fm, mm = pert_mean(sc["frequency"]), pert_mean(sc["magnitude"])
        ck.eq(cid + " " + sc["id"] + " deterministic",
              (g["risk_total"], g["risk_fixed"], g["reduction"], g["expected_before"], g["expected_after"]),
              (rnd(total, 4), rnd(fixed, 4), rnd(red, 4), money(fm * mm), money(fm * (1.0 - red) * mm)))
        rng = Rng(loss["seed"], cid, sc["id"])
        yb, ya = [0.0] * n, [0.0] * n
        for it in range(n):
            lam = rng.pert(sc["frequency"])
            u = rng.uniform()
            nb = poisson(lam, u)
            na = poisson(lam * (1.0 - red), u)
            lb = la = 0.0
            for k in range(nb):
                m = rng.pert(sc["magnitude"])
                lb += m
                if k < na:
                    la += m
            yb[it], ya[it] = lb, la
            before[it] += lb
            after[it] += la
        ck.eq(cid + " " + sc["id"] + " simulated", (g["before"], g["after"]), (percentiles(yb), percentiles(ya)))
    if applying:
        ck.eq(cid + " loss", (got["before"], got["after"]), (percentiles(before), percentiles(after)))


# ---- deal view ----

def triggered(co, trigger):
    for rf in co["red_flags"]:
        if rf["id"] == trigger:
            return True, len(rf["assets"])
    if trigger == "insufficient-evidence":
        return co["rating"]["status"] == "insufficient-evidence", 0
    if trigger.startswith("insufficient:"):
        dom = co["domains"].get(trigger[len("insufficient:"):])
        return bool(dom) and dom["status"] == "insufficient-evidence", 0
    if trigger.startswith("domain-below:"):
        name, _, n = trigger[len("domain-below:"):].partition(":")
        dom = co["domains"].get(name) or {}
        return isinstance(dom.get("score"), int) and dom["score"] < int(n), 0
    return False, 0


def notes(templates, co, targets_only):
    out = []
    if targets_only and co["role"] != "target":
        return out
    for t in templates:
        because, count = [], 0
        for w in t["when"]:
            hit, c = triggered(co, w)
            if hit:
                because.append(w)
                count += c
        if because:
            text = t["text"].replace("{company}", co["name"]).replace("{count}", str(count))
            out.append({"id": t["id"], "company": co["company"], "role": co["role"], "text": text,
                        "because": because})
    return out


def check_deal(scores, deal_tpl, ck):
    conds, day1 = [], []
    for co in scores["companies"]:
        conds += notes(deal_tpl["conditions"], co, True)
        day1 += notes(deal_tpl["day1"], co, False)
    ck.eq("conditions", scores["deal"]["conditions"], conds)
    ck.eq("day1", scores["deal"]["day1"], day1)
    cols = [c for role in ("acquirer", "target") for c in scores["companies"] if c["role"] == role]
    ck.eq("comparison columns", [c["company"] for c in scores["comparison"]["columns"]],
          [c["company"] for c in cols])
    rows = {r["figure"]: r["values"] for r in scores["comparison"]["rows"]}
    ck.eq("comparison rating", rows.get("rating"), [c["rating"]["score"] for c in cols])
    ck.eq("comparison coverage", rows.get("coverage"), [c["coverage"]["ratio"] for c in cols])
    ck.eq("comparison cost", rows.get("remediation cost"), [c["remediation"]["cost"] for c in cols])
    ck.eq("comparison loss", rows.get("annualised loss P90 before"),
          [c["loss"]["before"]["p90"] if c["loss"]["before"] else None for c in cols])
    for p in PRIOS:
        ck.eq("comparison issues " + p, rows.get("issues " + p),
              [sum(1 for i in c["issues"] if i["priority"] == p) for c in cols])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--templates", help="vetter's templates folder (for deal.json)")
    ap.add_argument("--deployer", help="CERT/CC deployer decision table (CSV)")
    ap.add_argument("--human", help="CERT/CC human impact table (CSV)")
    ap.add_argument("findings")
    a = ap.parse_args()
    with open(a.findings) as fp:
        doc = json.load(fp)
    scores = doc["scores"]
    params = scores["parameters"]
    tree, human = load_ssvc(a.deployer, a.human)
    deal_tpl = None
    if a.templates:
        with open(a.templates + "/scoring/deal.json") as fp:
            deal_tpl = json.load(fp)
    ck = Checker()
    companies = {c["company"]: c for c in scores["companies"]}
    xs = {cid: [] for cid in companies}
    for f in doc["findings"]:
        counted = f.get("status") == "open" and f.get("kind") != "gap" and f.get("company") in companies
        ck.eq(f["id"] + " has risk", "risk" in f, counted)
        if counted and "risk" in f:
            x = assess(f, params, tree, human, ck)
            if deal_tpl:
                finding_flags(x, deal_tpl, ck)
            xs[f["company"]].append(x)
    for cid, co in companies.items():
        for rf in co["red_flags"]:
            want = sorted(x.id for x in xs[cid] if rf["id"] in x.flags)
            ck.eq(cid + " red flag " + rf["id"], sorted(rf["findings"]), want)
        check_issues(co, xs[cid], params, ck)
        check_ratings(co, xs[cid], params, ck)
        check_loss(co, xs[cid], params, ck)
    if deal_tpl:
        check_deal(scores, deal_tpl, ck)
    score_reference_extra.check_currency(scores, a.templates, ck)
    score_reference_extra.check_supply_chain(doc, ck)
    if ck.errors:
        print("%d of %d checks differ:" % (len(ck.errors), ck.n))
        for e in ck.errors[:200]:
            print("  " + e)
        return 1
    print("scores: all %d checks agree" % ck.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
