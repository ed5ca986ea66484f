"""Values as forgec writes them, and cell text as forgec reads it.

fmt_num follows runtime/format.c (ECMAScript Number::toString: the shortest
decimal that reads back to the same double, plain notation for exponents
-7 < e < 21, `1e+21` / `1.5e-7` otherwise, `-0` as `0`). The parse_*
functions accept exactly the cell grammar of SPEC "CSV details"; Python's
float() rounds correctly, as the C parser does.
"""
import math
import re

_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_NUM_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def fmt_num(x):
    x = float(x)
    if x == 0:
        return "0"
    if x < 0:
        return "-" + fmt_num(-x)
    r = repr(x)  # shortest round-trip digits
    mant, _, exp = r.partition("e")
    e10 = int(exp) if exp else 0
    ip, _, fp = mant.partition(".")
    digits = (ip + fp).lstrip("0")
    # value = 0.<digits> * 10^n
    n = len(ip) + e10 if ip != "0" else e10 - (len(fp) - len(fp.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return "%se%s%d" % (head, sign, abs(e))


def fmt_value(v, typ):
    """Text of a typed value as eval writes it (typ: 'int','num','bool','str')."""
    if typ == "num":
        return fmt_num(v)
    if typ == "bool":
        return "true" if v else "false"
    if typ == "int":
        return str(int(v))
    return str(v)


def csv_quote(s, delim=","):
    """A field as runtime/output.c quotes it."""
    need = bool(s) and (s[0] == " " or s[-1] == " ")
    if not need:
        need = any(c in s for c in (delim, '"', "\r", "\n"))
    if not need:
        return s
    return '"' + s.replace('"', '""') + '"'


def cell_detail(typ, text):
    """`bad <type> "<cell text>"` as the CSV batch filler writes it."""
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    raw = esc.encode("utf-8")
    if len(raw) > 60:
        esc = raw[:60].decode("utf-8", "ignore") + "..."
    return 'bad %s "%s"' % (typ, esc)


def parse_int(s):
    if not _INT_RE.match(s):
        return None
    v = int(s)
    return v if INT64_MIN <= v <= INT64_MAX else None


def parse_num(s):
    if not _NUM_RE.match(s):
        return None
    v = float(s)
    return v if math.isfinite(v) else None


def parse_bool(s):
    low = s.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None
