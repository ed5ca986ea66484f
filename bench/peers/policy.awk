# policy.awk — the SPEC's example policy (bench/policy.fp) in awk, a peer
# for bench/run.sh: `mawk -f policy.awk firms.csv > out.csv` prints the
# same bytes as `forgec eval bench/policy.fp firms.csv`. Lines without a
# quote are split by awk itself (FS=","); lines with quotes are re-joined
# piece by piece until each field's quotes balance. Numbers are printed as
# ECMAScript's Number::toString: integers below 2^53 with %.0f, others with
# the fewest %.Ne digits that read back to the same double (bisection over
# 1..17), laid out plainly for decimal exponents -6 < n <= 21. Assumes no
# line break inside a quoted field (true of bench/gen_firms output).
BEGIN {
    FS = ","
    ncol = split("id|region|capacity_t|output_t|employees|Dust (mg/m3)|accidents_3y|export_share|rd_spend|iso9001", want, "|")
    BOOL["true"] = 1; BOOL["yes"] = 1; BOOL["1"] = 1
    BOOL["false"] = 0; BOOL["no"] = 0; BOOL["0"] = 0
}

# Quote-aware split of s into a[1..n]; returns n.
function csvsplit(s, a,    n, m, p, i, f, t) {
    m = split(s, p, ",")
    n = 0
    for (i = 1; i <= m; i++) {
        f = p[i]
        if (substr(f, 1, 1) == "\"") {
            t = f
            while (gsub(/"/, "\"", t) % 2 == 1 && i < m) {
                f = f "," p[++i]
                t = f
            }
            f = substr(f, 2, length(f) - 2)
            gsub(/""/, "\"", f)
        }
        a[++n] = f
    }
    return n
}

# Shortest round-trip digits, Number::toString layout.
function jsnum(x,    neg, lo, hi, mid, t, mant, e, d, k, n, s, i) {
    if (x == 0) return "0"
    neg = ""
    if (x < 0) { neg = "-"; x = -x }
    if (x < 9007199254740992 && x == int(x)) return neg sprintf("%.0f", x)
    lo = 1; hi = 17
    while (lo < hi) {
        mid = int((lo + hi) / 2)
        t = sprintf("%." (mid - 1) "e", x)
        if (t + 0 == x) hi = mid; else lo = mid + 1
    }
    t = sprintf("%." (lo - 1) "e", x)
    i = index(t, "e")
    mant = substr(t, 1, i - 1)
    e = substr(t, i + 1) + 0
    d = mant
    sub(/\./, "", d)
    sub(/0+$/, "", d)
    if (d == "") d = "0"
    k = length(d)
    n = e + 1
    if (k <= n && n <= 21) {
        s = d
        for (i = k; i < n; i++) s = s "0"
    } else if (0 < n && n <= 21) {
        s = substr(d, 1, n) "." substr(d, n + 1)
    } else if (-6 < n && n <= 0) {
        s = "0."
        for (i = 0; i < -n; i++) s = s "0"
        s = s d
    } else {
        s = substr(d, 1, 1)
        if (k > 1) s = s "." substr(d, 2)
        s = s "e" (n - 1 < 0 ? "-" : "+") (n - 1 < 0 ? 1 - n : n - 1)
    }
    return neg s
}

function csvcell(s) {
    if (s ~ /[,"\r\n]/ || s ~ /^ / || s ~ / $/) {
        gsub(/"/, "\"\"", s)
        return "\"" s "\""
    }
    return s
}

NR == 1 {
    sub(/^\357\273\277/, "")
    sub(/\r$/, "")
    nh = csvsplit($0, h)
    for (c = 1; c <= ncol; c++) {
        col[c] = 0
        for (i = 1; i <= nh; i++) if (h[i] == want[c]) col[c] = i
        if (!col[c]) { print "policy.awk: column " want[c] " not in the header" > "/dev/stderr"; exit 4 }
    }
    print "id,status,tax_relief,reasons"
    next
}

$0 == "" { next }

{
    sub(/\r$/, "")
    if (index($0, "\"")) {
        csvsplit($0, v)
        id = v[col[1]]; region = v[col[2]]; cap = v[col[3]]; out = v[col[4]]
        emp = v[col[5]]; dust = v[col[6]]; acc = v[col[7]]; exs = v[col[8]]
        rd = v[col[9]]; iso = v[col[10]]
    } else {
        id = $(col[1]); region = $(col[2]); cap = $(col[3]); out = $(col[4])
        emp = $(col[5]); dust = $(col[6]); acc = $(col[7]); exs = $(col[8])
        rd = $(col[9]); iso = $(col[10])
    }
    cap += 0; dust += 0; acc += 0; emp += 0; rd += 0
    out = (out == "") ? 0 : out + 0
    exs = (exs == "") ? 0 : exs + 0
    isok = BOOL[tolower(iso)]

    productivity = emp > 0 ? out / emp : 0    # let productivity (unused, evaluated)

    mincap = (region == "east") ? 8000 : (region == "central" || region == "north") ? 6000 : 5000
    scale = cap >= mincap
    environment = dust <= 30
    safety = acc == 0
    if (scale && environment && safety && isok) status = "admitted"
    else if (environment && safety) status = "upgrade"
    else status = "exit"

    relief = 0
    if (status == "admitted") {
        if (region == "west") rate = 0.20
        else if (exs >= 0.5) rate = 0.15
        else if (exs >= 0.3 && exs <= 0.5) rate = 0.10
        else rate = 0
        relief = rate * rd
        if (relief > 2000000) relief = 2000000
    }
    reasons = ""
    if (!scale) reasons = "capacity " jsnum(cap) " t is below the regional minimum " jsnum(mincap) " t"
    if (!environment) reasons = reasons (reasons == "" ? "" : "; ") "dust " jsnum(dust) " mg/m3 exceeds 30"
    if (!safety) reasons = reasons (reasons == "" ? "" : "; ") sprintf("%d", acc) " serious accidents in 3 years"
    if (!isok) reasons = reasons (reasons == "" ? "" : "; ") "no ISO 9001 certificate"
    print csvcell(id) "," status "," jsnum(relief) "," csvcell(reasons)
}
