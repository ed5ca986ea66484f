"""Throughput of the Python binding and of forge.dask against forgec, on one
data file (docs/scaling.md, "Measured throughput").

    /usr/bin/python3 bench/python_scaling.py [DATA.csv] [--parts 8] [--skip-dask]

DATA defaults to bench/data/firms-1000000.csv with examples/forging/policy.fp.
It prints one line per way: seconds and rows per second. forgec and libforge
come from build/ (or $FORGEC / $FORGE_LIBRARY). The Dask runs start a local
cluster of 2 worker processes with 1 thread each (loopback TCP), reading the
data split into --parts CSV files (written once, next to the data, under
/tmp). Output is discarded everywhere; each way runs once (a cold JIT cache
is warmed first).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FORGEC = os.environ.get("FORGEC", os.path.join(ROOT, "build", "forgec"))
os.environ.setdefault("FORGE_LIBRARY", os.path.join(os.path.dirname(FORGEC), "libforge.so"))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
POLICY = os.path.join(ROOT, "examples", "forging", "policy.fp")


def line(what, secs, rows):
    print("%-62s %7.2f s  %9.0f rows/s" % (what, secs, rows / secs), flush=True)


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def split(path, parts):
    """The data cut into `parts` CSV files of about equal rows, each with the header."""
    d = os.path.join(tempfile.gettempdir(), "forge-bench-%s-%d" % (os.path.basename(path), parts))
    names = [os.path.join(d, "part%02d.csv" % i) for i in range(parts)]
    if all(os.path.exists(n) for n in names):
        return names
    os.makedirs(d, exist_ok=True)
    with open(path, "rb") as f:
        header = f.readline()
        body = f.read().splitlines(keepends=True)
    per = (len(body) + parts - 1) // parts
    for i, n in enumerate(names):
        with open(n, "wb") as out:
            out.write(header)
            out.writelines(body[i * per:(i + 1) * per])
    return names


def typed_frame(df, p):
    import numpy as np
    import pandas as pd
    cols = {}
    words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    for i in p.inputs:
        s = df[i["header"]]
        if i["type"] == "int":
            cols[i["header"]] = pd.to_numeric(s, errors="coerce").astype("Int64")
        elif i["type"] == "num":
            cols[i["header"]] = pd.to_numeric(s, errors="coerce").astype(np.float64)
        elif i["type"] == "bool":
            cols[i["header"]] = s.str.lower().map(words).astype("boolean")
        else:
            cols[i["header"]] = s
    return pd.DataFrame(cols)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", default=os.path.join(ROOT, "bench", "data",
                                                            "firms-1000000.csv"))
    ap.add_argument("--parts", type=int, default=8)
    ap.add_argument("--skip-dask", action="store_true")
    a = ap.parse_args()
    import forge
    p = forge.Policy.from_file(POLICY, engine="jit")
    null = open(os.devnull, "w")
    subprocess.run([FORGEC, "eval", POLICY, a.data, "-q", "-j", "1"], stdout=null)  # warm up
    rows = sum(1 for _ in open(a.data, "rb")) - 1
    print("data %s: %d rows; policy %s" % (a.data, rows, POLICY))
    for j in (1, 2):
        secs, _ = timed(lambda: subprocess.run([FORGEC, "eval", POLICY, a.data, "-q", "-j",
                                                str(j)], stdout=null, stderr=null))
        line("forgec eval -j %d" % j, secs, rows)
    secs, _ = timed(lambda: subprocess.run([FORGEC, "report", POLICY, a.data, "-q", "-j", "1",
                                            "--format", "csv"], stdout=null, stderr=null))
    line("forgec report -j 1", secs, rows)

    secs, df = timed(lambda: forge.read_csv(a.data))
    line("pandas: forge.read_csv", secs, rows)
    secs, _ = timed(lambda: p.eval(df))
    line("pandas: Policy.eval, text columns (parsed by the binding)", secs, rows)
    tdf = typed_frame(df, p)
    secs, _ = timed(lambda: p.eval(tdf))
    line("pandas: Policy.eval, typed columns", secs, rows)
    secs, _ = timed(lambda: p.report_csv(df))
    line("pandas: Policy.report_csv, text columns", secs, rows)
    df = tdf = None  # free them before the cluster starts
    if a.skip_dask:
        return

    import dask.dataframe as dd
    import distributed
    import forge.dask as fdask
    names = split(a.data, a.parts)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster):
        def ddf():
            return dd.read_csv(names, dtype=str, keep_default_na=False, na_values=[""],
                               blocksize=None)
        fdask.eval(ddf(), POLICY).map_partitions(len).compute()  # compile on the workers
        secs, n = timed(lambda: fdask.eval(ddf(), POLICY).map_partitions(len).compute().sum())
        line("dask, 2 workers: read_csv + eval (rows counted on the workers)", secs, rows)
        secs, out = timed(lambda: fdask.eval(ddf(), POLICY).compute())
        line("dask, 2 workers: read_csv + eval, result frame to the client", secs, rows)
        secs, _ = timed(lambda: fdask.report_csv(ddf(), POLICY))
        line("dask, 2 workers: read_csv + report (partials merged in a tree)", secs, rows)
        size = len(fdask.report_partial(ddf(), POLICY).compute())
        print("merged partial report: %d bytes" % size)


if __name__ == "__main__":
    main()
