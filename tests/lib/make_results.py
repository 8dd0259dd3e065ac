#!/usr/bin/env python3
"""Write a synthetic results document (findings.json) for the report tests and bench.

Shapes follow docs/findings.md (findings, scores, consolidation).  The numbers are
made up but consistent (counts, issues, groups come from the findings), so the
report can be checked against what this file holds.

usage: make_results.py OUT.json [--findings N] [--no-scores] [--seed S]
"""
import argparse
import hashlib
import json
import random

DOMAINS = ["vulnerabilities", "identity-access", "network-exposure", "data-protection",
           "logging-detection", "kubernetes-hardening", "supply-chain"]
SEVS = ["critical", "high", "medium", "low", "info", "unknown"]
PRIOS = ["defer", "scheduled", "out-of-cycle", "immediate"]


def fid(*parts):
    return "VF-" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def level(x):
    return 1 if x <= 0.2 else 2 if x <= 0.4 else 3 if x <= 0.6 else 4 if x <= 0.8 else 5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--findings", type=int, default=400)
    ap.add_argument("--no-scores", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    companies = [
        {"id": "zurich", "name": "Zürich Ålesund Łódź AG", "role": "acquirer"},
        {"id": "kestrel", "name": "Kestrel Payments", "role": "target"},
    ]
    assets = {}
    for c in companies:
        lst = []
        for i in range(12):
            host = f"registry.{c['id']}-secret-{i}.example.com/app-{i}:1.{i}"
            lst.append({"kind": "image", "key": host + "@sha256:" + hashlib.sha256(host.encode()).hexdigest(),
                        "name": host})
        for i in range(4):
            acct = f"{rnd.randrange(10**11, 10**12):012d}"
            lst.append({"kind": "account", "key": f"aws:{acct}", "name": f"{c['id']}-prod-account-{acct}"})
        lst.append({"kind": "cluster", "key": f"k8s:{c['id']}-cluster-prod", "name": f"{c['id']}-cluster-prod.internal.example.net"})
        assets[c["id"]] = lst
    findings = []
    for n in range(a.findings):
        c = companies[n % 2]
        asset = assets[c["id"]][rnd.randrange(len(assets[c["id"]]))]
        kind = rnd.choice(["vulnerability"] * 6 + ["misconfiguration"] * 3 + ["secret", "gap"])
        sev = "unknown" if kind == "gap" else rnd.choice(SEVS[:5])
        rule = f"CVE-2024-{1000 + n % 97}" if kind == "vulnerability" else \
            f"k8s.rule.{n % 13}" if kind == "misconfiguration" else \
            "aws-access-key" if kind == "secret" else rnd.choice(["coverage-gap", "not-assessable"])
        comp = f"openssl-{n % 17}" if kind == "vulnerability" else \
            f"/srv/app/config/secret-{n}.env" if kind == "secret" else ""
        f = {"id": fid(c["id"], asset["kind"], asset["key"], rule, comp, str(n)), "company": c["id"], "kind": kind,
             "rule": rule, "title": f"{rule} in {comp or 'the configuration'} (#{n})", "severity": sev,
             "severity_source": "test", "asset": dict(asset), "component": comp,
             "status": "open" if n % 23 else rnd.choice(["waived", "false-positive", "accepted"])}
        if kind == "gap":
            f["reason"] = f"the registry refused access to {asset['name']} (HTTP 403)"
            f["source"] = f"{c['id']}-images"
        else:
            f["domain"] = rnd.choice(DOMAINS) if kind == "misconfiguration" else \
                "vulnerabilities" if kind == "vulnerability" else "supply-chain"
            f["fix"] = f"Upgrade {comp}" if kind == "vulnerability" else "Apply the rule's remediation"
        if n == 5:
            f["kind"] = "manual"
            f["manual"] = {"by": "A. Consultant", "date": "2026-11-01", "basis": "Interview with the CISO"}
        if n == 7:
            # Outside text of any length must stay on the page.
            f["title"] = "A very long advisory title " * 400 + "x" * 3000
            f["description"] = "Ünïcödé wörds " * 500
        if n == 9:
            f["override"] = {"by": "A. Consultant", "date": "2026-11-02", "reason": "Compensating control seen"}
        if f["status"] == "open" and kind != "gap":
            L = round(rnd.random(), 4)
            I = round(rnd.random(), 4)
            f["risk"] = {"likelihood": L, "likelihood_level": level(L), "impact": I, "impact_level": level(I),
                         "score": round(L * I, 4), "priority": rnd.choice(PRIOS), "domain": f.get("domain")}
        findings.append(f)
    findings.sort(key=lambda f: f["id"])
    res = {
        "schema": "vetter.findings/1",
        "engagement": {"name": "Project Łódź Ålesund", "client": "Zürich Holding", "as_of": "2026-11-15",
                       "currency": "EUR", "marking": "Privileged & Confidential"},
        "companies": [dict(c) for c in companies],
        "sources": [{"id": f"{c['id']}-images", "company": c["id"], "type": "registry", "live": True,
                     "status": "done", "name": f"registry.{c['id']}-secret-0.example.com", "tls_verify": True,
                     "authorization": {"by": "CISO of " + c["name"], "scope": "read-only", "date": "2026-11-01",
                                       "reference": "AUTH-1"}} for c in companies]
        + [{"id": "kestrel-aws", "company": "kestrel", "type": "aws", "live": True, "status": "failed",
            "error": "AccessDenied for account 123456789012 at 10.20.30.40", "tls_verify": False}],
        "findings": findings,
    }
    if not a.no_scores:
        sc = []
        for ci, c in enumerate(companies):
            mine = [f for f in findings if f["company"] == c["id"] and "risk" in f]
            issues = {}
            for f in mine:
                key = (f["rule"], f["component"].split("-")[0])
                it = issues.setdefault(key, {"id": fid("issue", c["id"], *key), "kind": f["kind"], "rule": f["rule"],
                                             "title": f["title"].split(" (#")[0], "severity": f["severity"],
                                             "domain": f.get("domain"), "priority": "defer", "likelihood": 0,
                                             "impact": 0, "risk": 0, "findings": [], "assets": [], "groups": []})
                it["findings"].append(f["id"])
                if not any(x["key"] == f["asset"]["key"] for x in it["assets"]):
                    it["assets"].append(dict(f["asset"]))
                it["likelihood"] = max(it["likelihood"], f["risk"]["likelihood"])
                it["impact"] = max(it["impact"], f["risk"]["impact"])
                it["risk"] = max(it["risk"], f["risk"]["score"])
                if PRIOS.index(f["risk"]["priority"]) > PRIOS.index(it["priority"]):
                    it["priority"] = f["risk"]["priority"]
                if SEVS.index(f["severity"]) < SEVS.index(it["severity"]):
                    it["severity"] = f["severity"]
            issues = sorted(issues.values(), key=lambda i: (-PRIOS.index(i["priority"]), -i["risk"], i["id"]))
            groups = []
            for i, it in enumerate(issues[:30]):
                h = 2.0 * len(it["assets"])
                groups.append({"id": f"RG-{i:012d}", "type": "package", "about": it["rule"], "title": "Fix " + it["title"],
                               "fix": "Upgrade", "findings": it["findings"], "issues": [it["id"]],
                               "assets": len(it["assets"]), "effort_per_asset": 2, "hours": h, "cost": h * 150,
                               "priority": it["priority"], "recommended": it["priority"] in ("immediate", "out-of-cycle")})
            cost = sum(g["cost"] for g in groups)
            rcost = sum(g["cost"] for g in groups if g["recommended"])
            rated = ci == 0
            dom = {d: ({"status": "rated", "score": 40 + 7 * k + ci, "grade": "F", "coverage": 0.9} if (k + ci) % 4
                       else {"status": "insufficient-evidence", "score": None, "grade": None, "coverage": 0.3,
                             "reason": "too little"}) for k, d in enumerate(DOMAINS)}
            sc.append({
                "company": c["id"], "name": c["name"], "role": c["role"],
                "rating": {"status": "rated", "score": 72, "grade": "C", "coverage": 0.875, "weakest": []} if rated else
                {"status": "insufficient-evidence", "score": None, "grade": None, "coverage": 0.5,
                 "reason": "coverage 50.0% is below the threshold 70.0%", "weakest": []},
                "domains": dom,
                "coverage": {"units": 8, "credit": 7 if rated else 4, "ratio": 0.875 if rated else 0.5, "threshold": 0.7,
                             "list": [{"kind": "account", "key": assets[c["id"]][12]["key"], "name": assets[c["id"]][12]["name"],
                                       "state": "not-assessed", "credit": 0, "domains": ["identity-access"],
                                       "reason": "the account was not collected"}]},
                "asset_count": len(assets[c["id"]]) + 1,
                "assets": [],
                "issues": issues,
                "remediation": {"currency": "EUR", "rate": 150, "hours": sum(g["hours"] for g in groups), "cost": cost,
                                "recommended_hours": sum(g["hours"] for g in groups if g["recommended"]),
                                "recommended_cost": rcost, "groups": groups},
                "compliance": [{"framework": fw, "passed": 10 + ci * 3 + k, "checks": 20 + k, "controls": 5 + k,
                                "failed": 10 - ci * 3, "waived": 0, "errors": 0,
                                "text": f"automated checks: {10 + ci * 3 + k} passed of {20 + k}, covering {5 + k} mapped controls"}
                               for k, fw in enumerate(["cis", "nist_800_53_r5", "soc2", "pci_dss_4"])],
                "loss": {"currency": "USD", "illustrative": True, "iterations": 10000, "seed": 1, "scenarios": [],
                         "before": {"p10": 0, "p50": 1234567 + ci * 1000, "p90": 9876543 + ci, "mean": 2000000},
                         "after": {"p10": 0, "p50": 734567 + ci * 1000, "p90": 5876543 + ci, "mean": 1000000}},
                "red_flags": ([{"id": "kev-internet-facing", "title": "Actively exploited vulnerability on an internet-facing workload",
                                "criterion": "KEV and exposure open", "findings": [mine[0]["id"]],
                                "assets": [dict(mine[0]["asset"])]}] if ci == 1 else []),
                "manual": {"findings": [], "overrides": []},
            })
        res["scores"] = {
            "schema": "vetter.scores/1",
            "parameters": {"coverage_threshold": 0.7, "rating": {"penalty": 1.5}, "blended_rate": 150, "currency": "EUR",
                           "loss": {"seed": 1, "iterations": 10000, "illustrative": True}, "defaults": ["loss"]},
            "companies": sc,
            "deal": {"red_flags": [dict(rf, company=s["company"], role=s["role"]) for s in sc for rf in s["red_flags"]],
                     "conditions": [{"id": "fix-before-close", "company": "kestrel", "role": "target",
                                     "text": "Consider requiring Kestrel Payments to fix the actively exploited vulnerability before close.",
                                     "because": ["kev-internet-facing"]}],
                     "day1": [], "note": "Input for counsel, not legal advice."},
            "comparison": {"columns": [{"company": c["id"], "name": c["name"], "role": c["role"]} for c in companies],
                           "rows": [{"figure": "rating", "unit": "0-100", "values": [72, None]},
                                    {"figure": "coverage", "unit": "ratio", "values": [0.875, 0.5]},
                                    {"figure": "remediation cost", "unit": "EUR",
                                     "values": [sc[0]["remediation"]["cost"], sc[1]["remediation"]["cost"]]}]},
        }
        res["consolidation"] = {
            "schema": "vetter.consolidation/1", "as_of": "2026-11-15", "currency": "EUR",
            "companies": [dict(c) for c in companies],
            "tools": {"inventory": [], "matrix": [{"category": "runtime-security", "title": "Runtime security", "state": "overlap",
                                                   "companies": [{"company": "zurich", "tools": ["falco"]},
                                                                 {"company": "kestrel", "tools": ["sysdig"]}],
                                                   "gaps": [], "recommendation": {"text": "Keep Falco; retire Sysdig at Kestrel Payments."}}],
                      "saving": {"currency": "EUR", "total": 85000, "priced": [], "unpriced": []}},
            "estate": {"rows": [{"aspect": "kubernetes", "title": "Kubernetes versions", "values": ["1.29 (2 clusters)", "1.24 (1 cluster)"]}],
                       "end_of_life": []},
            "network": {"ranges": [], "pair_count": 1, "pairs_listed": 1, "truncated": False,
                        "pairs": [{"a": {"company": "zurich", "kind": "vpc", "cidr": "10.20.0.0/16", "name": "zurich-core-vpc"},
                                   "b": {"company": "kestrel", "kind": "vpc", "cidr": "10.20.1.0/24", "name": "kestrel-pay-vpc"},
                                   "overlap": "10.20.1.0/24", "relation": "a-contains-b", "family": 4}],
                        "default_vpcs": None},
            "third_party": {"entries": [], "counts": [], "truncated": False},
            "checklist": {"summary": {"items": 3, "ready": 1, "blocked": 1, "waiting": 1}, "gates": [],
                          "items": [{"order": 1, "id": "d0-freeze", "title": "Freeze changes to identity providers", "phase": "day-0",
                                     "phase_title": "Day 0", "owner": "CISO", "status": "ready", "blocked_by": [], "waiting_on": []},
                                    {"order": 2, "id": "d1-vpn", "title": "Connect the networks through a VPN", "phase": "day-1",
                                     "phase_title": "Day 1", "owner": "Network", "status": "blocked", "blocked_by": ["overlap"],
                                     "blocking_findings": [findings[0]["id"]], "waiting_on": []},
                                    {"order": 3, "id": "d30-sso", "title": "Federate single sign-on", "phase": "day-30",
                                     "phase_title": "First 30 days", "owner": "IAM", "status": "waiting", "blocked_by": [],
                                     "waiting_on": ["d1-vpn"]}]},
        }
    with open(a.out, "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
