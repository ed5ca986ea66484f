"""policy.py — the SPEC's example policy (bench/policy.fp) with Python's csv
module, a peer for bench/run.sh: `python3 policy.py firms.csv > out.csv`
prints the same bytes as `forgec eval bench/policy.fp firms.csv`. Cells are
converted with float()/int() (correctly rounded, like strtod); numbers are
printed as ECMAScript's Number::toString, starting from repr() (already the
shortest round-trip digits) and re-laid out where repr's notation differs
(integral values, and exponents outside -6 < n <= 21)."""
import csv
import sys

BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def js_num(x):
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    r = repr(x)
    if "e" not in r and "inf" not in r and "nan" not in r:
        return r  # repr is plain only for 1e-4 <= |x| < 1e16: same as ECMAScript there
    sign = "-" if x < 0 else ""
    mant, _, exp = repr(abs(x)).partition("e")  # "d[.ddd]e[+-]XX", one digit before "."
    d = mant.replace(".", "").rstrip("0") or "0"
    n = int(exp) + 1
    k = len(d)
    if k <= n <= 21:
        s = d + "0" * (n - k)
    elif 0 < n <= 21:
        s = d[:n] + "." + d[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + d
    else:
        e = n - 1
        s = d[0] + ("." + d[1:] if k > 1 else "") + ("e-" if e < 0 else "e+") + str(abs(e))
    return sign + s


def main():
    path = sys.argv[1]
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        header = next(rows)
        names = ["id", "region", "capacity_t", "output_t", "employees", "Dust (mg/m3)",
                 "accidents_3y", "export_share", "rd_spend", "iso9001"]
        try:
            ix = [header.index(n) for n in names]
        except ValueError as e:
            sys.exit("policy.py: %s" % e)
        i_id, i_reg, i_cap, i_out, i_emp, i_dust, i_acc, i_exp, i_rd, i_iso = ix
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["id", "status", "tax_relief", "reasons"])
        for r in rows:
            if not r:
                continue
            region = r[i_reg]
            capacity = float(r[i_cap])
            output = float(r[i_out]) if r[i_out] else 0.0
            employees = int(r[i_emp])
            dust = float(r[i_dust])
            accidents = int(r[i_acc])
            export_share = float(r[i_exp]) if r[i_exp] else 0.0
            rd_spend = float(r[i_rd])
            iso = BOOLS[r[i_iso].lower()]

            productivity = output / employees if employees > 0 else 0  # let (unused)

            mincap = 8000.0 if region == "east" else (
                6000.0 if region in ("central", "north") else 5000.0)
            scale = capacity >= mincap
            environment = dust <= 30
            safety = accidents == 0
            if scale and environment and safety and iso:
                status = "admitted"
            elif environment and safety:
                status = "upgrade"
            else:
                status = "exit"
            relief = 0.0
            if status == "admitted":
                if region == "west":
                    rate = 0.20
                elif export_share >= 0.5:
                    rate = 0.15
                elif 0.3 <= export_share <= 0.5:
                    rate = 0.10
                else:
                    rate = 0.0
                relief = min(rate * rd_spend, 2000000.0)
            reasons = []
            if not scale:
                reasons.append("capacity %s t is below the regional minimum %s t"
                               % (js_num(capacity), js_num(mincap)))
            if not environment:
                reasons.append("dust %s mg/m3 exceeds 30" % js_num(dust))
            if not safety:
                reasons.append("%d serious accidents in 3 years" % accidents)
            if not iso:
                reasons.append("no ISO 9001 certificate")
            out.writerow([r[i_id], status, js_num(relief), "; ".join(reasons)])


if __name__ == "__main__":
    main()
