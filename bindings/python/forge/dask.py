"""forge.dask — evaluate a policy over a Dask DataFrame, partition by partition.

The policy is compiled once per worker process: _policy() keeps a
module-level cache keyed by (absolute path, mtime, engine), so every
partition a worker evaluates reuses the same compiled policy (and its JIT
code); only the path travels with the tasks, never a compiled policy.

report() is exact and independent of partitioning: each partition's rows
are evaluated on its worker into a partial report (libforge's
forge_report_partial: groups, counts, exact sums, min/max), serialised to a
few kilobytes; the partials are merged on the workers in a tree
(split_every at a time) and the last one is written by forge_report's own
code — the tables of `forgec report` on the concatenated data, byte for
byte. No row leaves its worker.
"""
import os
import threading

import numpy as np
import pandas as pd

from .policy import Policy, _ERROR_COLUMNS

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


def _partial_part(df, policy_path, engine):
    """One partition's partial report, as bytes."""
    return _policy(policy_path, engine).report_partial(df).to_bytes()


def _merge_parts(policy_path, engine, *parts):
    """Several partials (bytes) merged into one (bytes)."""
    from .partial import merge_partials
    return merge_partials(_policy(policy_path, engine), parts).to_bytes()


def report_partial(ddf, policy_path, engine="jit", split_every=8):
    """A dask Delayed of the bytes of the partial report over every row of
    ddf: one partial per partition, merged split_every at a time in a tree
    on the workers. Policy.partial_from_bytes reads it back."""
    import dask
    if split_every < 2:
        raise ValueError("split_every must be at least 2")
    _policy(policy_path, engine)  # compiles here too: a policy error shows at once
    path = os.path.abspath(policy_path)
    level = [dask.delayed(_partial_part)(d, path, engine) for d in ddf.to_delayed()]
    while len(level) > 1:
        level = [dask.delayed(_merge_parts)(path, engine, *level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return level[0]


def report_text(ddf, policy_path, engine="jit", totals=False, format="csv", split_every=8):
    """The policy's reports over the whole dask DataFrame, as `forgec report
    --format FORMAT` writes them for the concatenated partitions."""
    data = report_partial(ddf, policy_path, engine, split_every).compute()
    return _policy(policy_path, engine).partial_from_bytes(data).report_text(format, totals)


def report_csv(ddf, policy_path, engine="jit", totals=False, split_every=8):
    """report_text in CSV: `forgec report --format csv` on the concatenated data."""
    return report_text(ddf, policy_path, engine, totals, "csv", split_every)


def report(ddf, policy_path, engine="jit", totals=False, split_every=8):
    """report_csv as DataFrames (one per report, declaration order)."""
    import io
    text = report_csv(ddf, policy_path, engine, totals, split_every)
    return [pd.read_csv(io.StringIO(b + "\n"), keep_default_na=False, na_values=[""],
                        float_precision="round_trip")
            for b in text.split("\n\n") if b.strip()]
