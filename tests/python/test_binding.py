"""The Python binding (bindings/python/forge) against `forgec` on the example
data: compile errors, introspection, eval outputs, row errors and reports
equal the CLI's; typed, nullable and NaN columns; batches; explain.

    /usr/bin/python3 tests/python/test_binding.py
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402
from _common import EXAMPLE, run_forgec  # noqa: E402

_common.require()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import forge  # noqa: E402
import forge.policy  # noqa: E402

GOOD = 'input { id: str key\n x: int\n y: num?\n ok: bool? }\n' \
       'output z = x * 2\noutput w = (y ?? 1) / x\noutput flag = ok ?? false\n'


def record_lines(path):
    """The physical line where each data record starts (blank lines skipped)."""
    import csv
    out = []
    with open(path, newline="") as f:
        r = csv.reader(f)
        prev = 0
        for i, row in enumerate(r):
            if row and i > 0:
                out.append(prev + 1)
            prev = r.line_num
    return out


class Binding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.chdir(EXAMPLE)
        cls.df = forge.read_csv("firms.csv")

    def test_compile_error(self):
        with self.assertRaises(forge.PolicyError) as cm:
            forge.Policy.from_string("input { a: int }\noutput b = a + true\n", name="bad.fp",
                                     engine="interp")
        msg = str(cm.exception)
        self.assertRegex(msg, r"^bad\.fp:2:\d+: error: ")
        d = cm.exception.diagnostics[0]
        self.assertEqual((d["file"], d["line"], d["severity"]), ("bad.fp", 2, "error"))
        with self.assertRaises(forge.ForgeError):
            forge.Policy.from_file("no-such-policy.fp", engine="interp")

    def test_introspection(self):
        p = forge.Policy.from_file("policy.fp", engine="interp")
        self.assertEqual([i["name"] for i in p.inputs][:3], ["id", "region", "capacity_t"])
        dust = [i for i in p.inputs if i["name"] == "dust_mg_m3"][0]
        self.assertEqual((dust["header"], dust["type"], dust["optional"]),
                         ("Dust (mg/m3)", "num", False))
        self.assertEqual(p.keys, ["id"])
        self.assertEqual([o["name"] for o in p.outputs],
                         ["status", "dust_class", "tax_relief", "upgrade_subsidy", "export_bonus",
                          "utilisation_pct", "t_per_worker", "reasons"])
        self.assertEqual(p.check(), [])
        self.assertEqual((p.name, p.version), ("forging-access", "2004.1"))

    def cli_errors(self):
        rc, out, err = run_forgec("eval", "policy.fp", "firms.csv", "-q", "-j", "1")
        self.assertEqual(rc, 3)
        return out, [l for l in err.splitlines() if l]

    def test_eval_equals_cli(self):
        cli_out, cli_err = self.cli_errors()
        for eng in _common.engines():
            p = forge.Policy.from_file("policy.fp", engine=eng)
            res = p.eval(self.df)
            self.assertEqual(forge.to_cli_csv(res, p), cli_out, eng)
            self.assertEqual(res["tax_relief"].dtype, np.float64)
            # errors: the same fields as the CLI's lines (the record's first line
            # from the csv module); the ragged row is a CSV-level error a
            # DataFrame cannot hold (pandas filled it with NaN: a missing value).
            lines = record_lines("firms.csv")
            mine = []
            for e in p.eval_errors.itertuples():
                mine.append("firms.csv:%d: error: key %s: %s" % (lines[e.row], e.key, e.message))
            cli = [l for l in cli_err if "ragged row" not in l]
            ragged = [l for l in mine if "key F0029:" in l]
            self.assertEqual([l for l in mine if "key F0029:" not in l], cli)
            self.assertEqual(ragged, ["firms.csv:30: error: key F0029: column iso9001: missing value"])
            div = p.eval_errors[p.eval_errors.key == "F0044"].iloc[0]
            self.assertEqual((div.reason, div.policy_file, div.policy_line, div.policy_col),
                             ("division by zero", "policy.fp", 57, 36))
            bad = p.eval_errors[p.eval_errors.key == "F0013"].iloc[0]
            self.assertEqual((bad.column, bad.detail), ("capacity_t", 'bad num "12x"'))

    def test_report_equals_cli(self):
        rc, cli, _ = run_forgec("report", "policy.fp", "firms.csv", "--format", "csv")
        self.assertEqual(rc, 3)
        rc, cli_tot, _ = run_forgec("report", "policy.fp", "firms.csv", "--format", "csv",
                                    "--totals")
        for eng in _common.engines():
            p = forge.Policy.from_file("policy.fp", engine=eng)
            self.assertEqual(p.report_csv(self.df), cli)
            self.assertEqual(p.report_csv(self.df, totals=True), cli_tot)
            reps = p.report(self.df)
            self.assertEqual(len(reps), 2)
            east = reps[0][reps[0].region == "east"].iloc[0]
            self.assertEqual((east.firms, east.relief), (8, 554000.07))

    def test_typed_columns_and_missing(self):
        p = forge.Policy.from_string(GOOD, name="t.fp", engine="interp")
        df = pd.DataFrame({
            "id": ["a", "b", "c", "d", "e", "f"],
            "x": pd.array([1, 2, None, 4, 0, 6], dtype="Int64"),
            "y": [0.5, np.nan, 2.0, None, 1.0, 3.0],
            "ok": pd.array([True, None, False, True, True, pd.NA], dtype="boolean"),
        })
        res = p.eval(df)
        self.assertEqual(list(res.id), ["a", "b", "d", "f"])
        self.assertEqual(list(res.z), [2, 4, 8, 12])
        self.assertEqual(list(res.w), [0.5, 0.5, 0.25, 0.5])  # NaN / None: y missing -> 1
        self.assertEqual(list(res.flag), [True, False, True, False])
        errs = p.eval_errors
        self.assertEqual(list(errs.key), ["c", "e"])
        self.assertEqual(list(errs.message), ["column x: missing value",
                                              "t.fp:6:21: division by zero"])
        # zero-copy kinds: plain int64 / float64 / bool numpy columns
        df2 = pd.DataFrame({"id": ["p", "q"], "x": np.array([3, 5], dtype=np.int64),
                            "y": np.array([1.5, np.nan]), "ok": np.array([True, False])})
        res2 = p.eval(df2)
        self.assertEqual(list(res2.w), [0.5, 0.2])
        # the same frame through the CLI's CSV path gives the same text
        out, err = p.eval_csv(df)
        self.assertEqual(forge.to_cli_csv(res, p), out)
        self.assertEqual(len(err.splitlines()), 2)

    def test_batches(self):
        big = pd.concat([self.df] * 5, ignore_index=True)
        p = forge.Policy.from_file("policy.fp", engine="interp")
        whole = p.eval(big)
        errs = p.eval_errors
        old = forge.policy.BATCH_ROWS
        try:
            forge.policy.BATCH_ROWS = 7  # batches that cut the data anywhere
            small = p.eval(big)
        finally:
            forge.policy.BATCH_ROWS = old
        pd.testing.assert_frame_equal(whole, small)
        pd.testing.assert_frame_equal(errs, p.eval_errors)
        self.assertEqual(len(whole), 5 * 46)

    def test_explain(self):
        p = forge.Policy.from_file("policy.fp", engine="interp")
        text = p.explain(self.df, "F0003")
        self.assertIn("key F0003", text)
        self.assertIn("rule    scale           FAIL", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
