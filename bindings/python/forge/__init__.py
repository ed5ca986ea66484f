"""forge — Python binding of libforge (the Forge policy evaluator).

    import forge
    p = forge.Policy.from_file("policy.fp", engine="jit")
    out = p.eval(df)            # key columns + outputs of the rows evaluated
    p.eval_errors               # the rows in error, as a DataFrame
    p.report(df)                # the policy's reports, as DataFrames
    rp = p.report_partial(df)   # mergeable report state; rp.to_bytes() travels

forge.dask evaluates Dask DataFrames partition by partition, and makes
reports from per-partition partials merged in a tree. See docs/python.md.
"""
import pandas as _pd

from ._lib import lib as _lib, ffi as _ffi, path as library_path
from ._text import fmt_num, fmt_value, csv_quote
from .policy import BATCH_ROWS, ForgeError, Policy, PolicyError, frame_to_csv
from .partial import ReportPartial, merge_partials

__all__ = ["Policy", "PolicyError", "ForgeError", "ReportPartial", "merge_partials", "read_csv",
           "to_cli_csv", "fmt_num", "library_version", "library_path", "jit_available",
           "BATCH_ROWS"]


def library_version():
    return _ffi.string(_lib.forge_version()).decode()


def jit_available():
    return bool(_lib.forge_jit_available())


def read_csv(path_or_buf, **kw):
    """Reads a CSV file the way forgec does: every column as text, only empty
    cells missing (no "NA"/"null" guessing); the policy's inputs are parsed
    with forgec's cell grammar when the frame is evaluated."""
    kw.setdefault("dtype", str)
    kw.setdefault("keep_default_na", False)
    kw.setdefault("na_values", [""])
    return _pd.read_csv(path_or_buf, **kw)


def to_cli_csv(df, policy):
    """The text `forgec eval` writes for an eval result frame: header, then
    one line per row, values formatted as forgec formats them."""
    types = {i["name"]: i["type"] for i in policy.inputs if i["key"]}
    types.update({o["name"]: o["type"] for o in policy.outputs})
    lines = [",".join(csv_quote(c) for c in df.columns)]
    cols = []
    for c in df.columns:
        t = types.get(c, "str")
        vals = df[c].to_numpy(dtype=object, na_value=None)
        cols.append(["" if v is None or (isinstance(v, float) and v != v)
                     else csv_quote(fmt_value(v, t)) for v in vals])
    lines.extend(",".join(r) for r in zip(*cols))
    return "\n".join(lines) + "\n"
