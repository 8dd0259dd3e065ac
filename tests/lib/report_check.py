#!/usr/bin/env python3
"""Check a board report PDF against the findings.json it was made from, with poppler.

usage: report_check.py FINDINGS.json REPORT.pdf [--redacted FULL_REPORT.pdf]

Everything the report states is recomputed here from findings.json, independently
of the C code: open findings per severity and company, ratings, coverage, money.
Prints each failed check and exits 1 when any failed; prints "ok: N checks" when
all passed.  With --redacted, REPORT.pdf is the clean-team edition: it must not
contain any asset name or key, host, account id, address or secret location that
findings.json holds (and FULL_REPORT.pdf must, so the check means something).
"""
import json
import math
import re
import subprocess
import sys

SEVS = ["critical", "high", "medium", "low", "info", "unknown"]
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


def run(*argv):
    p = subprocess.run(argv, capture_output=True)
    check(p.returncode == 0, f"{argv[0]} exited {p.returncode}: {p.stderr.decode(errors='replace')[:300]}")
    check(not p.stderr.strip(), f"{argv[0]} {' '.join(argv[1:-1])}: poppler said: {p.stderr.decode(errors='replace')[:300]}")
    return p.stdout


def money(v, cur):
    if not isinstance(v, (int, float)):
        return "—"
    return f"{cur} {math.floor(v + 0.5):,}"


def rating(r):
    if not r:
        return "not rated"
    if r.get("status") == "rated" and isinstance(r.get("score"), (int, float)):
        return f"{int(r['score'])} ({r.get('grade', '')})"
    if r.get("status") == "insufficient-evidence":
        return "insufficient evidence"
    return "not rated"


def pct(x):
    return "—" if not isinstance(x, (int, float)) else f"{math.floor(x * 1000 + 0.5) / 10:.1f}%"


def row_re(label, values):
    return re.compile(r"^\s*" + re.escape(label) + "".join(r"\s{2,}" + re.escape(v) for v in values) + r"\s*$", re.M)


def pages_text(pdf, layout=True):
    out = run("pdftotext", *(["-layout"] if layout else []), pdf, "-").decode()
    return out.split("\f")


def pgm_pages(pdf, dpi, first=None, last=None):
    """Render to grey PGM (P5) and parse it here, without any imaging library."""
    args = ["pdftoppm", "-r", str(dpi), "-gray"]
    if first:
        args += ["-f", str(first), "-l", str(last)]
    data = run(*args, pdf)
    imgs = []
    i = 0
    while i < len(data):
        m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data[i:])
        if not m:
            break
        w, h = int(m.group(1)), int(m.group(2))
        start = i + m.end()
        imgs.append((w, h, data[start:start + w * h]))
        i = start + w * h
    return imgs


def variance(img, x0, y0, x1, y1):
    w, h, px = img
    vals = [px[y * w + x] for y in range(max(0, y0), min(h, y1)) for x in range(max(0, x0), min(w, x1), 2)]
    if not vals:
        return 0.0
    m = sum(vals) / len(vals)
    return sum((v - m) ** 2 for v in vals) / len(vals)


def words_bbox(pdf):
    html = run("pdftotext", "-bbox", pdf, "-").decode()
    pages = []
    for pg in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
                 re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>',
                            pg.group(3))]
        pages.append((float(pg.group(1)), float(pg.group(2)), words))
    return pages


def main():
    args = sys.argv[1:]
    redacted_full = summary = None
    if "--summary" in args:
        i = args.index("--summary")
        summary = open(args[i + 1], encoding="utf-8").read()
        del args[i:i + 2]
    if "--redacted" in args:
        i = args.index("--redacted")
        redacted_full = args[i + 1]
        del args[i:i + 2]
    res = json.load(open(args[0], encoding="utf-8"))
    pdf = args[1]
    companies = res["companies"]
    scores = {c["company"]: c for c in (res.get("scores") or {}).get("companies", [])}

    # Fonts: every font embedded, DejaVu.
    fonts = run("pdffonts", pdf).decode().splitlines()[2:]
    check(len(fonts) >= 2, f"pdffonts lists {len(fonts)} fonts")
    for f in fonts:
        cols = f.split()
        check("DejaVu" in cols[0], f"font not DejaVu: {f}")
        check(cols[-5] == "yes", f"font not embedded: {f}")

    text = pages_text(pdf)
    raw = pages_text(pdf, layout=False)
    npages = len([t for t in text if t.strip()])
    info = run("pdfinfo", pdf).decode()
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    check(npages == pages, f"{pages} pages but {npages} with text")

    # Section titles, in order.
    titles = ["Executive summary", "Charts", "Findings by domain", "Grouped fixes", "Comparison",
              "Consolidation plan", "Integration checklist", "Appendix A — Method and parameters",
              "Appendix B — Coverage", "Appendix C — Manual findings and overrides",
              "Appendix D — Evidence manifest", "Appendix E — Findings register"]
    joined = "\n".join(raw)
    pos = -1
    for t in titles:
        p = joined.find(t, pos + 1)
        check(p > pos, f"section title '{t}' missing or out of order")
        pos = max(pos, p)

    # Bookmarks: every section in the outline (UTF-16BE titles, as libharu writes them).
    rawpdf = open(pdf, "rb").read()
    outline = set()
    for h in re.findall(rb"/Title <FEFF([0-9A-F]*)>", rawpdf):
        outline.add(bytes.fromhex(h.decode()).decode("utf-16-be", errors="replace"))
    for t in titles:
        check(t in outline, f"no bookmark for '{t}'")

    # Cover: engagement name, marking, companies (non-ASCII letters survive).
    eng = res["engagement"]
    for s in [eng["name"], eng["marking"], eng["as_of"]] + [c["name"] for c in companies]:
        check(s in raw[0], f"cover lacks '{s}'")
    # Running header and page number on every page but the cover.
    for i in range(1, pages):
        check(eng["name"] in raw[i] and eng["marking"] in raw[i], f"page {i + 1}: no running header")
        check(re.search(rf"\bPage {i + 1}\b", raw[i]), f"page {i + 1}: no page number")

    # Executive summary: one page, figures recomputed from findings.json.
    summ = text[1]
    check("Executive summary" in summ, "page 2 is not the executive summary")
    check("Charts" not in raw[1], "executive summary runs into the next section")
    open_sev = {c["id"]: {s: 0 for s in SEVS} for c in companies}
    gaps = {c["id"]: 0 for c in companies}
    for f in res["findings"]:
        if f["company"] not in open_sev:
            continue
        if f["kind"] == "gap":
            gaps[f["company"]] += 1
        elif f["status"] == "open":
            open_sev[f["company"]][f["severity"]] += 1
    for s in ["critical", "high", "medium", "low"]:
        vals = [f"{open_sev[c['id']][s]:,}" for c in companies]
        check(row_re(f"Open: {s}", vals).search(summ), f"summary row 'Open: {s}' is not {vals}")
    check(row_re("Coverage gaps", [f"{gaps[c['id']]:,}" for c in companies]).search(summ),
          f"summary gaps row is not {[gaps[c['id']] for c in companies]}")
    if scores:
        vals = [rating(scores[c["id"]].get("rating")) for c in companies]
        check(row_re("Rating", vals).search(summ), f"summary rating row is not {vals}")
        vals = [f"{pct(scores[c['id']]['coverage']['ratio'])} (threshold {pct(scores[c['id']]['coverage']['threshold'])})"
                for c in companies]
        check(row_re("Coverage", vals).search(summ), f"summary coverage row is not {vals}")
        for label, key in [("Remediation, all fixes", "cost"), ("Remediation, recommended", "recommended_cost")]:
            vals = [money(scores[c["id"]]["remediation"][key], scores[c["id"]]["remediation"]["currency"]) for c in companies]
            check(row_re(label, vals).search(summ), f"summary '{label}' is not {vals}")
        for label, p in [("Annual loss P50, before → after", "p50"), ("Annual loss P90, before → after", "p90")]:
            vals = []
            for c in companies:
                lo = scores[c["id"]]["loss"]
                vals.append(f"{money(lo['before'][p], lo['currency'])} → {money(lo['after'][p], '').strip()}")
            check(row_re(label, vals).search(summ), f"summary '{label}' is not {vals}")
        flags = res["scores"]["deal"]["red_flags"]
        vals = [f"{len(scores[c['id']].get('red_flags', []))}" for c in companies]
        check(row_re("Red flags", vals).search(summ), f"summary red flags row is not {vals}")
        flat = " ".join(raw[1].split())
        for rf in flags:
            check(" ".join(rf["title"].split()) in flat, f"red flag '{rf['title']}' not in the summary")
        for cond in res["scores"]["deal"]["conditions"][:2]:
            check(" ".join(cond["text"].split()) in flat, "candidate condition not in the summary")
        check("Top five risks" in raw[1], "no top five risks")
        # One bullet per advisory (or rule) of a company: the same one in several packages is one risk.
        top = flat.split("Top five risks", 1)[-1].split("Red flags", 1)[0]
        shown = top.count("•")
        more = re.search(r"… (\d+) more of the top five", flat)
        risks = {(c, i.get("rule") or i.get("id")) for c, s in scores.items() for i in s.get("issues", [])}
        check(shown + (int(more.group(1)) if more else 0) == min(5, len(risks)),
              f"the summary lists {shown} risks and no note for the rest of the top five")
        check(shown >= 1 or not any(s.get("issues") for s in scores.values()), "the summary shows no risk")
    else:
        check("not available" in summ, "summary without scores does not say they are missing")

    # Evidence basis: per company, findings (gaps aside) by provenance, in the coverage appendix and summary.md.
    basis = {}
    for c in companies:
        n = {"live": 0, "supplied": 0, "both": 0, None: 0}
        for f in res["findings"]:
            if f["company"] == c["id"] and f["kind"] != "gap":
                p = f.get("provenance")
                n[p if p in n else None] += 1
        line = (f"{c['name']}: {n['live']:,} from live collection, {n['supplied']:,} from supplied evidence, "
                f"{n['both']:,} from both")
        if n[None]:
            line += f", {n[None]:,} resting on no collected source (manual findings, expired waivers)"
        basis[c["id"]] = line + "."
    cov_start = next((i for i, t in enumerate(raw) if "Appendix B — Coverage" in t), None)
    cov_end = next((i for i, t in enumerate(raw) if "Appendix C — Manual findings" in t), pages)
    check(cov_start is not None, "no coverage appendix")
    cov = " ".join(" ".join(raw[cov_start:cov_end]).split()) if cov_start is not None else ""
    check("Evidence basis" in cov, "the coverage appendix has no evidence basis")
    for c in companies:
        check(basis[c["id"]] in cov, f"coverage appendix lacks '{basis[c['id']]}'")
    if summary is not None:
        for c in companies:
            check(f"- {basis[c['id']]}" in summary.replace("\\|", "|"), f"summary.md lacks '{basis[c['id']]}'")
        md_row = lambda label, vals: re.compile(r"^\| " + re.escape(label) + "".join(r" \| " + re.escape(v) for v in vals)
                                                + r" \|$", re.M)
        for s in ["critical", "high", "medium", "low"]:
            vals = [f"{open_sev[c['id']][s]:,}" for c in companies]
            check(md_row(f"Open: {s}", vals).search(summary), f"summary.md 'Open: {s}' is not {vals}")
        vals = [f"{gaps[c['id']]:,}" for c in companies]
        check(md_row("Coverage gaps", vals).search(summary), f"summary.md gaps row is not {vals}")
        vals = [rating((scores.get(c["id"]) or {}).get("rating")) for c in companies]
        check(md_row("Rating", vals).search(summary), f"summary.md rating row is not {vals}")
        if scores:
            vals = [money(scores[c["id"]]["remediation"]["cost"], scores[c["id"]]["remediation"]["currency"]) for c in companies]
            check(md_row("Remediation, all fixes", vals).search(summary), f"summary.md remediation is not {vals}")

    # The register: every finding once, its header on every page it spans (three or more).
    reg_start = next(i for i, t in enumerate(raw) if "Appendix E — Findings register" in t)
    ids = set()
    reg_pages = 0
    for i in range(reg_start, pages):
        found = re.findall(r"VF-[0-9a-f]{16}", raw[i])
        if found:
            reg_pages += 1
            check(re.search(r"Id\s+Company\s+Severity\s+Finding\s+Asset\s+Status\s+Basis", text[i]),
                  f"register page {i + 1} without its header row")
        ids.update(found)
    check(ids == {f["id"] for f in res["findings"]}, f"register holds {len(ids)} ids, findings.json {len(res['findings'])}")
    if len(res["findings"]) >= 300:
        check(reg_pages >= 3, f"the register spans {reg_pages} pages")

    # Nothing outside the page, and text inside the margins band.
    for n, (w, h, words) in enumerate(words_bbox(pdf)):
        for x0, y0, x1, y1, wd in words:
            if not (x0 >= 0 and y0 >= 0 and x1 <= w + 0.5 and y1 <= h + 0.5):
                check(False, f"page {n + 1}: '{wd}' drawn outside the page ({x0},{y0},{x1},{y1})")
                break
            if not (x0 >= 20 and x1 <= w - 20):
                check(False, f"page {n + 1}: '{wd}' in the side margin ({x0}..{x1})")
                break

    # Every page renders and is not blank; every chart's area has content.
    imgs = pgm_pages(pdf, 20)
    check(len(imgs) == pages, f"pdftoppm rendered {len(imgs)} of {pages} pages")
    for n, img in enumerate(imgs):
        check(variance(img, 0, 0, img[0], img[1]) > 20, f"page {n + 1} renders blank")
    boxes = words_bbox(pdf)
    charts = 0
    heat = 0
    rated = {c["id"]: 0 for c in companies}
    for f in res["findings"]:
        r = f.get("risk") or {}
        if f["status"] == "open" and f["company"] in rated and 1 <= r.get("likelihood_level", 0) <= 5 and \
                1 <= r.get("impact_level", 0) <= 5:
            rated[f["company"]] += 1
    for n, (w, h, words) in enumerate(boxes):
        line = [(x0, y0, wd) for x0, y0, x1, y1, wd in words]
        for k, (x0, y0, wd) in enumerate(line):
            nxt = " ".join(t[2] for t in line[k:k + 3])
            if nxt.startswith("Ratings by domain") or nxt.startswith("Open findings by") or \
                    nxt.startswith("Likelihood × impact:") or nxt.startswith("Automated checks passed"):
                if nxt.startswith("Likelihood"):
                    heat += 1
                    if not rated[companies[heat - 1]["id"]]:
                        check("No open findings with a likelihood and impact." in " ".join(raw[n].split()),
                              f"page {n + 1}: empty heat map does not say so")
                        charts += 1
                        continue
                if not scores and (nxt.startswith("Ratings") or nxt.startswith("Automated")):
                    check("No data." in raw[n], f"page {n + 1}: chart '{nxt}' without data does not say so")
                    charts += 1
                    continue
                img = pgm_pages(pdf, 72, n + 1, n + 1)[0]
                x = int(x0)
                width = int(w / 2 - 60) if nxt.startswith("Likelihood") and len(companies) > 1 else int(w - 2 * x0)
                v = variance(img, x, int(y0) + 30, x + width, int(y0) + 160)
                check(v > 200, f"page {n + 1}: chart '{nxt}' area is blank (variance {v:.0f})")
                charts += 1
    check(charts == 3 + len(companies), f"{charts} charts found, expected {3 + len(companies)}")

    if redacted_full:
        secret = set()
        for f in res["findings"]:
            a = f.get("asset") or {}
            if a.get("kind") != "company":
                secret.update(x for x in (a.get("key"), a.get("name")) if x)
            if f["kind"] == "secret" and f.get("component"):
                secret.add(f["component"])
            for m in re.findall(r"\b\d{12}\b", json.dumps(f)):
                secret.add(m)
        for s in res["sources"]:
            if s.get("name"):
                secret.add(s["name"])
            for m in re.findall(r"\b\d{12}\b|\b\d+\.\d+\.\d+\.\d+\b", s.get("error", "")):
                secret.add(m)
        secret -= {c["id"] for c in companies} | {c["name"] for c in companies}
        secret = {s for s in secret if len(s) >= 3}
        squash = lambda t: re.sub(r"\s+", "", t)
        red = squash("".join(raw))
        full = squash("".join(pages_text(redacted_full, layout=False)))
        check(any(squash(s) in full for s in secret), "the full report shows none of the names (check is void)")
        rawred = "\n".join(raw)

        def leaks(s):
            # Keys, hosts and paths are looked for even across line breaks; a plain word (a namespace
            # called "checkout") only as a whole word, not inside another name that merely contains it.
            if re.search(r"[./:@0-9]", s):
                return squash(s) in red
            return re.search(r"(?<![\w.-])" + re.escape(s) + r"(?![\w-])", rawred) is not None

        leaked = sorted(s for s in secret if leaks(s))
        check(not leaked, f"the clean-team report shows {len(leaked)} hidden names, e.g. {leaked[:3]}")
        check("clean-team edition" in raw[1], "the clean-team report does not say it is one")

    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print(f"ok: {checks} checks")


if __name__ == "__main__":
    main()
