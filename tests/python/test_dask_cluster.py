"""forge.dask on a real Dask cluster: a scheduler and two workers started as
separate processes on 127.0.0.1, a generated dataset split into several CSV
files, outputs (by key), error rows and reports compared with `forgec eval`
/ `forgec report` on the concatenated file (reports from per-partition
partial reports merged in a tree on the workers, byte for byte, for several
partitionings); the policy compiled once per worker process; one worker
killed mid-run without losing a row. Bounded in time (a few minutes at
most); skipped only where Python or the Debian packages (python3-pandas,
-dask, -distributed, -cffi) are absent.

    /usr/bin/python3 tests/python/test_dask_cluster.py
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402
from _common import EXAMPLE, ROOT, run_forgec  # noqa: E402

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
    import dask.dataframe as dd
except ImportError as e:
    _common.MISSING = _common.MISSING or ("Dask absent (%s): run scripts/install-deps.sh" % e)
_common.require()
import forge  # noqa: E402
import forge.dask as fdask  # noqa: E402

NFILES, ROWS = 8, 6000
HEADER = "id,name,region,capacity_t,output_t,employees,Dust (mg/m3),accidents_3y,export_share," \
         "rd_spend,iso9001"
TIMEOUT = 150


def generate(dirname):
    """NFILES CSV files of ROWS rows each (with a header), some rows in error."""
    rnd = random.Random(8)
    regions = ["east", "north", "central", "south", "west"]
    paths = []
    n = 0
    for f in range(NFILES):
        lines = [HEADER]
        for _ in range(ROWS):
            n += 1
            cap = rnd.choice([0, 4000, 5500, 6500, 9000, 12000]) if n % 997 == 0 else \
                rnd.randint(1000, 15000)
            out = "" if rnd.random() < 0.05 else "%.1f" % (cap * rnd.uniform(0.5, 1.0))
            emp = "" if n % 1499 == 0 else str(rnd.randint(5, 900))
            dust = "%.2f" % rnd.uniform(2, 45)
            share = "" if rnd.random() < 0.05 else "%.3f" % rnd.random()
            rd = "%.2f" % rnd.uniform(1e4, 3e7)
            iso = rnd.choice(["true", "false", "yes", "no", "TRUE", "1", "0"])
            if n % 1201 == 0:
                iso = "maybe"
            if n % 1733 == 0:
                rd = "12x"
            name = '"Firm %d, Ltd."' % n
            lines.append(",".join([
                "K%07d" % n, name, rnd.choice(regions), str(cap) if n % 997 else "0", out, emp,
                dust, str(rnd.choice([0, 0, 0, 0, 1, 2])), share, rd, iso]))
        p = os.path.join(dirname, "part%02d.csv" % f)
        with open(p, "w") as fh:
            fh.write("\n".join(lines) + "\n")
        paths.append(p)
    whole = os.path.join(dirname, "whole.csv")
    with open(whole, "w") as fh:
        fh.write(HEADER + "\n")
        for p in paths:
            with open(p) as src:
                fh.write("".join(src.readlines()[1:]))
    return paths, whole


def read_parts(paths, nparts=None):
    ddf = dd.read_csv(paths, dtype=str, keep_default_na=False, na_values=[""], blocksize=None)
    return ddf.repartition(npartitions=nparts) if nparts else ddf


class Cluster(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t0 = time.time()
        cls.tmp = tempfile.mkdtemp(prefix="forge-dask.")
        cls.paths, cls.whole = generate(cls.tmp)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.path.join(ROOT, "bindings", "python") + os.pathsep + \
            env.get("PYTHONPATH", "")
        env["XDG_CACHE_HOME"] = os.path.join(cls.tmp, "cache")
        env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
        sched_file = os.path.join(cls.tmp, "scheduler.json")
        cls.log = open(os.path.join(cls.tmp, "cluster.log"), "w")
        py = sys.executable
        cls.procs = []

        def start(args):
            p = subprocess.Popen([py, "-m"] + args, env=env, stdout=cls.log,
                                 stderr=subprocess.STDOUT, cwd=cls.tmp)
            cls.procs.append(p)
            return p
        start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
               "--no-dashboard", "--scheduler-file", sched_file])
        for _ in range(100):
            if os.path.exists(sched_file):
                break
            time.sleep(0.2)
        cls.workers = [start(["distributed.cli.dask_worker", "--scheduler-file", sched_file,
                              "--nthreads", "1", "--no-nanny", "--no-dashboard",
                              "--host", "127.0.0.1", "--name", "w%d" % i])
                       for i in range(2)]
        cls.client = distributed.Client(scheduler_file=sched_file, timeout=60)
        cls.client.wait_for_workers(2, timeout=60)
        os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]

    @classmethod
    def tearDownClass(cls):
        try:
            cls.client.close()
        except Exception:
            pass
        for p in cls.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in cls.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        cls.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertLess(time.time() - self.t0, TIMEOUT, "time budget spent")

    def cli(self, cmd):
        rc, out, err = run_forgec(cmd, "policy.fp", self.whole, "-q", "-j", "1",
                                  *(["--format", "csv"] if cmd == "report" else []))
        self.assertEqual(rc, 3, err[-500:])
        return out, err

    def test_1_eval_errors_report(self):
        pol = os.path.join(EXAMPLE, "policy.fp")
        cli_out, cli_err = self.cli("eval")
        engine = "jit" if forge.jit_available() else "interp"
        ddf = read_parts(self.paths)
        self.assertEqual(ddf.npartitions, NFILES)
        res = fdask.eval(ddf, pol, engine=engine).compute()
        p = forge.Policy.from_file(pol, engine="interp")
        res = res.sort_values("id", kind="stable")
        cli_lines = cli_out.splitlines()
        self.assertEqual(forge.to_cli_csv(res, p).splitlines(),
                         [cli_lines[0]] + sorted(cli_lines[1:]))
        errs = fdask.eval_errors(ddf, pol, engine=engine).compute()
        mine = sorted("key %s: %s" % (e.key, e.message.replace(pol, "policy.fp"))
                      for e in errs.itertuples())
        theirs = sorted(l.split(": error: ", 1)[1] for l in cli_err.splitlines() if l)
        self.assertEqual(mine, theirs)
        self.assertGreater(len(mine), 20)
        # reports: per-partition partials made on the workers, merged in a
        # tree, byte for byte `forgec report` on the concatenated file for
        # every partitioning and tree shape
        rep_cli, _ = self.cli("report")
        for nparts, split in ((None, 8), (3, 2), (13, 3)):
            got = fdask.report_csv(read_parts(self.paths, nparts), pol, engine=engine,
                                   split_every=split)
            self.assertEqual(got, rep_cli, (nparts, split))
        rc, table_cli, _ = run_forgec("report", "policy.fp", self.whole, "-q", "-j", "1",
                                      "--format", "table")
        self.assertEqual(fdask.report_text(read_parts(self.paths, 5), pol, engine=engine,
                                           format="table"), table_cli)
        # what reaches the client is one small partial, not the rows
        data = fdask.report_partial(ddf, pol, engine=engine).compute()
        self.assertLess(len(data), 16384)
        counts = forge.Policy.from_file(pol, engine="interp").partial_from_bytes(data).counts
        self.assertEqual(counts["rows_read"], NFILES * ROWS)
        self.assertEqual(counts["rows_in_error"], len(theirs))
        # compiled once per worker process, not per partition
        counts = self.client.run(lambda: __import__("forge.dask").dask.compile_count)
        self.assertEqual(sorted(counts.values()), [1, 1], counts)

    def test_2_worker_killed_mid_run(self):
        pol = os.path.join(EXAMPLE, "policy.fp")
        cli_out, _ = self.cli("eval")
        ddf = read_parts(self.paths, 32)
        fut = self.client.compute(fdask.eval(ddf, pol, engine="interp"))
        # wait until work is under way, then kill one worker
        deadline = time.time() + 60
        while time.time() < deadline:
            done = sum(1 for s in self.client.processing().values() for _ in s)
            if done:
                break
            time.sleep(0.05)
        victim = self.workers[1]
        self.assertFalse(fut.done(), "the job ended before a worker could be killed")
        victim.kill()
        victim.wait(timeout=10)
        res = fut.result(timeout=TIMEOUT)
        p = forge.Policy.from_file(pol, engine="interp")
        cli_lines = cli_out.splitlines()
        got = forge.to_cli_csv(res.sort_values("id", kind="stable"), p).splitlines()
        self.assertEqual(got, [cli_lines[0]] + sorted(cli_lines[1:]))
        self.assertEqual(len(self.client.scheduler_info()["workers"]), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
