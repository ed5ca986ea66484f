#!/usr/bin/env python3
"""Independent reference for examples/forging: implements exactly the logic
of examples/forging/policy.fp, from the SPEC's rules, for firms.csv, and
writes expected.csv, expected.err and expected-report.csv.

It shares no code with forgec. Numbers are formatted as ECMAScript's
Number::toString (reimplemented below from Python's shortest repr, and
cross-checked against Node.js when `node` is installed).

Usage: forging_ref.py [EXAMPLE_DIR]   (default: ../../../examples/forging)
"""
import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "examples", "forging")
DATA = "firms.csv"
POLICY = "policy.fp"

FORMATTED = []  # every float formatted, for the node cross-check


def js_num(x):
    """ECMAScript Number::toString for a finite double."""
    assert math.isfinite(x)
    if x == 0:
        out = "0"
    elif x < 0:
        out = "-" + js_num(-x)
    else:
        d = Decimal(repr(x))
        sign, digits, exp = d.as_tuple()
        digs = "".join(map(str, digits)).lstrip("0")
        # value = int(digits) * 10^exp ; strip trailing zeros
        dd = "".join(map(str, digits))
        # normalise: remove leading zeros (repr has none except "0.x")
        lead = len(dd) - len(dd.lstrip("0"))
        dd = dd[lead:]
        stripped = dd.rstrip("0")
        exp += len(dd) - len(stripped)
        s = stripped
        k = len(s)
        n = exp + k  # value = s * 10^(n-k)
        if k <= n <= 21:
            out = s + "0" * (n - k)
        elif 0 < n <= 21:
            out = s[:n] + "." + s[n:]
        elif -6 < n <= 0:
            out = "0." + "0" * (-n) + s
        else:
            e = n - 1
            es = ("+" if e >= 0 else "-") + str(abs(e))
            out = (s if k == 1 else s[0] + "." + s[1:]) + "e" + es
    FORMATTED.append((x, out))
    return out


def fmt(v):
    """A value as output writes it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return js_num(v)
    return v


def csv_field(s):
    if any(c in s for c in ',"\r\n') or (s and (s[0] == " " or s[-1] == " ")):
        return '"' + s.replace('"', '""') + '"'
    return s


def spec_round(x, d):
    """round(x, d): the shortest decimal text of x, half away from zero."""
    t = Decimal(js_num(float(x)).replace("e+", "e"))
    q = Decimal(1).scaleb(-d)
    return float(t.quantize(q, rounding=ROUND_HALF_UP)) + 0.0


# ---- cell parsing (SPEC "CSV details") ----
INT_RE = re.compile(r"[+-]?[0-9]+\Z")
NUM_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


class RowError(Exception):
    pass


def esc(t):
    t = t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return t


def parse(name, typ, opt, cell):
    if cell == "":
        if opt:
            return None
        raise RowError("column %s: missing value" % name)
    if typ == "str":
        return cell
    if typ == "int":
        if INT_RE.match(cell):
            v = int(cell)
            if -(2 ** 63) <= v < 2 ** 63:
                return v
    elif typ == "num":
        if NUM_RE.match(cell):
            v = float(cell)
            if math.isfinite(v):
                return v
    elif typ == "bool":
        if cell.lower() in BOOLS:
            return BOOLS[cell.lower()]
    raise RowError('column %s: bad %s "%s"' % (name, typ, esc(cell)))


# name, type, optional, CSV header
INPUTS = [
    ("id", "str", False, "id"),
    ("region", "str", False, "region"),
    ("capacity_t", "num", False, "capacity_t"),
    ("output_t", "num", True, "output_t"),
    ("employees", "int", False, "employees"),
    ("dust_mg_m3", "num", False, "Dust (mg/m3)"),
    ("accidents_3y", "int", False, "accidents_3y"),
    ("export_share", "num", True, "export_share"),
    ("rd_spend", "num", False, "rd_spend"),
    ("iso9001", "bool", False, "iso9001"),
]

# ---- the policy ----
DUST_LIMIT = 30
RELIEF_CAP = 2000000
EXPORT_MIN = 0.3
EXPORT_RATE = 25 / 2
GRANT_SHARE = 0.4


def min_capacity(region):
    if region == "east":
        return 8000.0
    if region in ("central", "north"):
        return 6000.0
    return 5000.0


def relief_rate(region, share):
    if region == "west":
        return 0.20
    if share >= 0.5:
        return 0.15
    if 0.3 <= share <= 0.5:
        return 0.10
    return 0.0


def upgrade_grant(emp):
    if emp < 50:
        return 50000.0
    if 50 <= emp <= 249:
        return 1.2e5
    return 250000.0


def dust_band(d):
    if d <= 10:
        return "clean"
    if 10 <= d <= 20:
        return "fair"
    if d > DUST_LIMIT:
        return "over"
    return "near limit"


def per_worker(x, n):
    return x / n if n > 0 else 0.0


class EvalError(Exception):
    pass


def evaluate(r, div_pos):
    out_t = r["output_t"] if r["output_t"] is not None else 0.0
    share = r["export_share"] if r["export_share"] is not None else 0.0
    productivity = per_worker(out_t, r["employees"])
    if r["capacity_t"] == 0:
        raise EvalError("%s:%d:%d: division by zero" % ((POLICY,) + div_pos))
    utilisation = out_t / r["capacity_t"]
    exporter = share >= EXPORT_MIN
    rules = []  # (holds, message) in declaration order
    mc = min_capacity(r["region"])
    scale = r["capacity_t"] >= mc
    rules.append((scale, "capacity %s t is below the regional minimum %s t" % (fmt(r["capacity_t"]), fmt(mc))))
    environment = r["dust_mg_m3"] <= DUST_LIMIT
    rules.append((environment, "dust %s mg/m3 exceeds %s" % (fmt(r["dust_mg_m3"]), fmt(DUST_LIMIT))))
    safety = r["accidents_3y"] == 0
    rules.append((safety, "%s serious accidents in 3 years" % fmt(r["accidents_3y"])))
    quality = r["iso9001"]
    rules.append((quality, "no ISO 9001 certificate"))
    reported = r["output_t"] is not None
    rules.append((reported, "output not reported, productivity unknown"))
    if scale and environment and safety and quality:
        status = "admitted"
    elif environment and safety:
        status = "upgrade"
    else:
        status = "exit"
    dust_class = dust_band(r["dust_mg_m3"])
    if status == "admitted":
        tax_relief = min(relief_rate(r["region"], share) * r["rd_spend"], float(RELIEF_CAP))
    else:
        tax_relief = 0.0
    if status == "upgrade":
        upgrade_subsidy = min(upgrade_grant(r["employees"]), r["rd_spend"] * GRANT_SHARE)
    else:
        upgrade_subsidy = 0.0
    if status == "admitted" and exporter:
        export_bonus = spec_round(EXPORT_RATE * out_t * share, 2)
    else:
        export_bonus = 0.0
    utilisation_pct = spec_round(utilisation * 100, 1)
    t_per_worker = spec_round(productivity, 1)
    reasons = "; ".join(m for ok, m in rules if not ok)
    return dict(status=status, dust_class=dust_class, tax_relief=tax_relief,
                upgrade_subsidy=upgrade_subsidy, export_bonus=export_bonus,
                utilisation_pct=utilisation_pct, t_per_worker=t_per_worker, reasons=reasons)


OUTPUTS = ["status", "dust_class", "tax_relief", "upgrade_subsidy", "export_bonus",
           "utilisation_pct", "t_per_worker", "reasons"]


def find_div(policy_text):
    for i, line in enumerate(policy_text.split("\n"), 1):
        if line.startswith("let utilisation"):
            return (i, line.index("/") + 1)
    raise SystemExit("let utilisation not found")


def main():
    policy_text = open(os.path.join(DIR, POLICY), encoding="utf-8").read()
    div_pos = find_div(policy_text)
    raw = open(os.path.join(DIR, DATA), encoding="utf-8", newline="").read()
    reader = csv.reader(io.StringIO(raw, newline=""), strict=True)
    header = next(reader)
    prev_end = reader.line_num
    idx = {h: i for i, h in enumerate(header)}
    rows, errs = [], []
    nread = 0
    for rec in reader:
        start = prev_end + 1
        prev_end = reader.line_num
        if rec == []:
            continue  # blank line
        nread += 1
        key = rec[idx["id"]] if len(rec) > idx["id"] else ""
        try:
            if len(rec) != len(header):
                raise RowError("ragged row: %d fields, the header has %d" % (len(rec), len(header)))
            r = {}
            for name, typ, opt, h in INPUTS:
                r[name] = parse(name, typ, opt, rec[idx[h]])
            res = evaluate(r, div_pos)
            rows.append((r, res))
        except (RowError, EvalError) as e:
            errs.append("%s:%d: error: key %s: %s" % (DATA, start, key, e))
    # eval stdout
    cols = ["id"] + OUTPUTS
    out = [",".join(cols)]
    for r, res in rows:
        out.append(",".join(csv_field(fmt(v)) for v in [r["id"]] + [res[c] for c in OUTPUTS]))
    with open(os.path.join(DIR, "expected.csv"), "w", newline="") as f:
        f.write("\n".join(out) + "\n")
    with open(os.path.join(DIR, "expected.err"), "w", newline="") as f:
        for e in errs:
            f.write(e + "\n")
        f.write("forgec: %d rows read, %d evaluated, %d in error\n" % (nread, len(rows), len(errs)))
    # reports
    allv = [dict(list(r.items()) + list(res.items())) for r, res in rows]
    rep = []
    # report by region
    rep.append("region,firms,admitted,relief,capacity")
    for g in sorted(set(v["region"] for v in allv), key=lambda s: s.encode()):
        gv = [v for v in allv if v["region"] == g]
        cap = math.fsum(v["capacity_t"] for v in gv) / len(gv)
        rep.append(",".join(csv_field(x) for x in [
            g, fmt(len(gv)), fmt(sum(1 for v in gv if v["status"] == "admitted")),
            fmt(math.fsum(v["tax_relief"] for v in gv)), fmt(cap)]))
    rep.append("")
    # report by_status by status
    rep.append("status,firms,subsidies,bonus,avg_output,max_dust,min_staff,certified")
    for g in sorted(set(v["status"] for v in allv), key=lambda s: s.encode()):
        gv = [v for v in allv if v["status"] == g]
        outs = [v["output_t"] for v in gv if v["output_t"] is not None]
        avg_out = math.fsum(outs) / len(outs) if outs else None
        rep.append(",".join(csv_field(x) for x in [
            g, fmt(len(gv)), fmt(math.fsum(v["upgrade_subsidy"] for v in gv)),
            fmt(math.fsum(v["export_bonus"] for v in gv)), fmt(avg_out),
            fmt(max(v["dust_mg_m3"] for v in gv)), fmt(min(v["employees"] for v in gv)),
            fmt(sum(1 for v in gv if v["iso9001"]) / len(gv))]))
    with open(os.path.join(DIR, "expected-report.csv"), "w", newline="") as f:
        f.write("\n".join(rep) + "\n")
    # cross-check the number formatting against Node.js
    if shutil.which("node"):
        xs = [x for x, _ in FORMATTED]
        got = subprocess.run(["node", "-e", "const xs=JSON.parse(require('fs').readFileSync(0,'utf8'));"
                              "console.log(JSON.stringify(xs.map(x=>String(x))))"],
                             input=json.dumps(xs), capture_output=True, text=True, check=True).stdout
        for (x, mine), theirs in zip(FORMATTED, json.loads(got)):
            if theirs == "-0" or (x == 0 and theirs == "0"):
                theirs = "0"
            if mine != theirs:
                raise SystemExit("format mismatch for %r: %s vs node %s" % (x, mine, theirs))
        print("node cross-check: %d numbers agree" % len(FORMATTED), file=sys.stderr)
    print("%d rows read, %d evaluated, %d in error" % (nread, len(rows), len(errs)), file=sys.stderr)


if __name__ == "__main__":
    main()
