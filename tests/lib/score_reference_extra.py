"""Checks of score_reference.py that need more than the findings' own inputs: every money figure in
the engagement's currency (the default loss scenarios converted with scoring.fx), and the supply-chain
findings the score stage records (image age and end of life), both as docs/scoring.md states them.
"""
import datetime
import math


def money(x):
    return int(math.floor(x + 0.5))


def check_currency(scores, templates, ck):
    """One currency everywhere; the illustrative defaults converted from theirs with scoring.fx."""
    params = scores["parameters"]
    cur = params["currency"]
    ck.eq("loss currency", params["loss"]["currency"], cur)
    for co in scores["companies"]:
        ck.eq(co["company"] + " remediation currency", co["remediation"]["currency"], cur)
        ck.eq(co["company"] + " loss currency", co["loss"]["currency"], cur)
    if not templates or not params["loss"]["illustrative"]:
        return
    import json
    with open(templates + "/scoring/loss-scenarios.json") as fp:
        tpl = json.load(fp)
    src_cur = tpl.get("currency", "USD")
    fx = params.get("fx")
    by_id = {sc["id"]: sc for sc in tpl["scenarios"]}
    for sc in params["loss"]["scenarios"]:
        t = by_id.get(sc["id"])
        ck.eq("default scenario " + sc["id"], t is not None, True)
        if t is None:
            continue
        if src_cur == cur:
            ck.eq(sc["id"] + " magnitude", sc["magnitude"], {k: float(v) for k, v in t["magnitude"].items()})
            continue
        ck.eq("fx applied", (fx or {}).get("applied"), True)
        ck.eq("fx from/to", ((fx or {}).get("from"), (fx or {}).get("to")), (src_cur, cur))
        rate = (fx or {}).get("rate", 0.0)
        want = {k: float(money(v * rate)) for k, v in t["magnitude"].items()}
        ck.eq(sc["id"] + " converted magnitude", sc["magnitude"], want)
        src = dict(t["magnitude"])
        src["currency"] = src_cur
        ck.eq(sc["id"] + " magnitude_source", {k: v for k, v in sc["magnitude_source"].items()},
              {k: (float(v) if k != "currency" else v) for k, v in src.items()})


def days(text):
    d = datetime.date.fromisoformat(text[:10])
    return (d - datetime.date(1970, 1, 1)).days


def check_supply_chain(doc, ck):
    """Image-age and end-of-life findings against their own evidence and the as_of day."""
    scores = doc["scores"]
    as_of = doc.get("engagement", {}).get("as_of") or scores["parameters"].get("as_of")
    max_days = scores["parameters"]["supply_chain"]["max_image_age_days"]
    for f in doc["findings"]:
        if f.get("kind") == "image-age":
            ev = f["image_age"]
            age = days(as_of) - days(ev["created"])
            ck.eq(f["id"] + " image age", (ev["age_days"], ev["max_days"], ev["as_of"]), (age, max_days, as_of))
            ck.eq(f["id"] + " older than allowed", age > max_days, True)
            ck.eq(f["id"] + " image age severity", f["severity"], "medium" if age > 2 * max_days else "low")
            ck.eq(f["id"] + " image age domain", f.get("domain"), "supply-chain")
        elif f.get("kind") == "end-of-life" and f["asset"]["kind"] == "image":
            ev = f["end_of_life"]
            ended = days(ev["eol"]) <= days(as_of) if ev.get("eol") else True
            ck.eq(f["id"] + " eol reached", ended, True)
            ck.eq(f["id"] + " eol severity", f["severity"],
                  "medium" if ev["status"] == "extended-support-only" else "high")
    for co in scores["companies"]:
        sc = co.get("supply_chain")
        ck.eq(co["company"] + " supply_chain present", sc is not None, True)
        if sc is None:
            continue
        for what, kind in (("image_age", "image-age"), ("end_of_life", "end-of-life")):
            flagged = sorted({f["asset"]["key"] for f in doc["findings"]
                              if f.get("company") == co["company"] and f.get("kind") == kind
                              and f["asset"]["kind"] == "image"})
            part = sc[what]
            ck.eq(co["company"] + " " + what + " findings", sorted(part["findings"]), flagged)
            ck.eq(co["company"] + " " + what + " counts",
                  part["images"], part["judged"] + len(part["not_judged"]))
