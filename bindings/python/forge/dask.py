"""forge.dask — evaluate a policy over a Dask DataFrame, partition by partition.

The policy is compiled once per worker process: _policy() keeps a
module-level cache keyed by (absolute path, mtime, engine), so every
partition a worker evaluates reuses the same compiled policy (and its JIT
code); only the path travels with the tasks, never a compiled policy.

report() is exact and independent of partitioning: each partition ships the
columns the policy reads, written as forgec writes values (so they read back
to the same doubles), and the final step runs forge_report once over them —
the aggregates are then those of `forgec report` on the concatenated data.
(The library has no public API yet to serialise partial report
accumulators; with one, the final step would merge per-partition states
instead of re-reading the rows. See docs/scaling.md.)
"""
import os
import threading

import numpy as np
import pandas as pd

from .policy import Policy, frame_to_csv, _ERROR_COLUMNS

_cache = {}
_cache_lock = threading.Lock()
compile_count = 0  # compilations made by this process (tests read it on workers)


def _key(policy_path, engine):
    path = os.path.abspath(policy_path)
    return (path, os.stat(path).st_mtime_ns, engine)


def _policy(policy_path, engine):
    global compile_count
    key = _key(policy_path, engine)
    with _cache_lock:
        p = _cache.get(key)
        if p is None:
            p = Policy.from_file(key[0], engine=engine)
            _cache[key] = p
            compile_count += 1
    return p


def _meta(p):
    cols = {}
    for i in p.inputs:
        if i["key"]:
            cols[i["name"]] = pd.Series([], dtype=object)
    for o in p.outputs:
        t, opt = o["type"], o["optional"]
        dt = {"int": "Int64" if opt else np.int64, "num": np.float64,
              "bool": "boolean" if opt else bool, "str": object}[t]
        cols[o["name"]] = pd.Series([], dtype=dt)
    return pd.DataFrame(cols)


def _eval_part(df, policy_path, engine):
    return _policy(policy_path, engine).eval(df)


def _errors_part(df, policy_path, engine):
    p = _policy(policy_path, engine)
    p.eval(df)
    return p.eval_errors


def _errors_meta():
    return pd.DataFrame({"row": pd.Series([], dtype=np.int64), "index": pd.Series([], dtype=object),
                         "key": pd.Series([], dtype=object), "kind": pd.Series([], dtype=object),
                         "reason": pd.Series([], dtype=object), "detail": pd.Series([], dtype=object),
                         "message": pd.Series([], dtype=object), "column": pd.Series([], dtype=object),
                         "policy_file": pd.Series([], dtype=object),
                         "policy_line": pd.Series([], dtype=object),
                         "policy_col": pd.Series([], dtype=object)})[_ERROR_COLUMNS]


def eval(ddf, policy_path, engine="jit"):
    """A dask DataFrame of the key columns and outputs of every row evaluated
    without error (each partition's rows in order, index kept)."""
    p = _policy(policy_path, engine)  # here too: checks it compiles, gives meta
    return ddf.map_partitions(_eval_part, os.path.abspath(policy_path), engine, meta=_meta(p))


def eval_errors(ddf, policy_path, engine="jit"):
    """A dask DataFrame of the row errors (fields as Policy.eval_errors; `row`
    counts within the partition, `index` is the frame's index label)."""
    _policy(policy_path, engine)
    return ddf.map_partitions(_errors_part, os.path.abspath(policy_path), engine,
                              meta=_errors_meta())


def _report_part(df, policy_path, engine):
    p = _policy(policy_path, engine)
    cols = []
    for inp in p.inputs:
        name = inp["header"] if inp["header"] in df.columns else inp["name"]
        cols.append((inp["header"], df[name]))
    text = frame_to_csv(cols)
    return text[text.index(b"\n") + 1:]  # without the header line


def report_csv(ddf, policy_path, engine="jit", totals=False):
    """The policy's reports over the whole dask DataFrame, as `forgec report`
    writes them (CSV)."""
    import dask
    p = _policy(policy_path, engine)
    path = os.path.abspath(policy_path)
    parts = [dask.delayed(_report_part)(d, path, engine) for d in ddf.to_delayed()]
    bodies = dask.compute(*parts)
    header = ",".join(_quote(i["header"]) for i in p.inputs).encode() + b"\n"
    return p._stream(_forge_report(), header + b"".join(bodies), totals=totals)[0]


def report(ddf, policy_path, engine="jit", totals=False):
    """report_csv as DataFrames (one per report, declaration order)."""
    import io
    text = report_csv(ddf, policy_path, engine, totals)
    return [pd.read_csv(io.StringIO(b + "\n"), keep_default_na=False, na_values=[""],
                        float_precision="round_trip")
            for b in text.split("\n\n") if b.strip()]


def _quote(s):
    from ._text import csv_quote
    return csv_quote(s)


def _forge_report():
    from ._lib import lib
    return lib.forge_report
