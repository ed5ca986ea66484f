"""The Python binding (bindings/python/forge) against `forgec` on the example
data: compile errors, introspection, eval outputs, row errors and reports
equal the CLI's; typed, nullable and NaN columns; batches; explain; partial
reports split, serialised and merged in any order equal `forgec report`;
the C-speed text conversions give what the CLI's CSV parser gives; the
binding's struct and enum declarations match include/forge.h (a C program
prints sizeof/offsetof/values, compared with cffi's) and a library with
other struct sizes is refused at import.

    /usr/bin/python3 tests/python/test_binding.py
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402
from _common import EXAMPLE, run_forgec  # noqa: E402

_common.require()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import forge  # noqa: E402
import forge.policy  # noqa: E402
from forge._lib import ffi, lib  # noqa: E402

LIB = sys.modules["forge._lib"]

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

    def test_partials(self):
        rc, cli, _ = run_forgec("report", "policy.fp", "firms.csv", "--format", "csv")
        rc, cli_tot, _ = run_forgec("report", "policy.fp", "firms.csv", "--format", "csv",
                                    "--totals")
        rc, cli_table, _ = run_forgec("report", "policy.fp", "firms.csv", "--format", "table")
        rnd = random.Random(5)
        n = len(self.df)
        for eng in _common.engines():
            p = forge.Policy.from_file("policy.fp", engine=eng)
            for k in (1, 2, 3, 7, 20):
                cuts = sorted([0, n] + [rnd.randrange(n + 1) for _ in range(k - 1)])
                parts = [p.report_partial(self.df.iloc[a:b]).to_bytes()
                         for a, b in zip(cuts[:-1], cuts[1:])]
                rnd.shuffle(parts)
                rp = forge.merge_partials(p, parts)
                self.assertEqual(rp.report_csv(), cli, (eng, k))
                self.assertEqual(rp.report_csv(totals=True), cli_tot)
                self.assertEqual(rp.report_text("table"), cli_table)
                self.assertEqual(rp.counts["rows_read"], n)
                self.assertEqual(rp.counts["rows_in_error"], 6)
            # objects merge too, and a merged partial round-trips
            a, b = p.report_partial(self.df.iloc[:10]), p.report_partial(self.df.iloc[10:])
            both = p.partial_from_bytes(a.merge(b).to_bytes())
            self.assertEqual(both.report_csv(), cli)
        # a partial outliving every other reference to its policy frees first
        counts = forge.Policy.from_file("policy.fp", engine="interp").report_partial(
            self.df).counts
        self.assertEqual(counts["rows_read"], n)
        # refused: another policy's bytes, corrupt bytes; not picklable
        other = forge.Policy.from_string(GOOD, name="t.fp", engine="interp")
        alien = other.report_partial().to_bytes()
        with self.assertRaises(forge.ForgeError) as cm:
            p.partial_from_bytes(alien)
        self.assertEqual(cm.exception.status, lib.FORGE_EMISMATCH)
        self.assertIn("another policy", str(cm.exception))
        good = p.report_partial(self.df).to_bytes()
        with self.assertRaises(forge.ForgeError) as cm:
            p.partial_from_bytes(good[:-3])
        self.assertEqual(cm.exception.status, lib.FORGE_EIO)
        import pickle
        with self.assertRaises(TypeError):
            pickle.dumps(p.report_partial())

    def test_text_conversions(self):
        """Object columns of text (the C-speed path), with every kind of bad
        cell, give the rows and errors the CLI gives on the same text."""
        src = 'input { id: str key\n a: int\n b: num\n c: bool?\n d: str? }\n' \
              'output s = concat(d ?? "-", "|", str(a))\n' \
              'output t = b * 2\noutput u = c ?? false\n'
        p = forge.Policy.from_string(src, name="conv.fp", engine="interp")
        ints = ["1", "-7", "+3", "007", " 1", "1_0", "1.0", "9223372036854775807",
                "9223372036854775808", "", "x", "-0"]
        nums = ["1.5", "+.5", "5.", "1e5", "1E-3", "-0", "1e999", "inf", "nan", "1_0", " 2",
                "1e", ".", "0x10", "", "3"]
        bools = ["true", "FALSE", "Yes", "no", "1", "0", "maybe", "", "t"]
        strs = ["plain", "z\u00e9", "a,b", "", "q\"x", "\u4e2d\u6587", "tab\there"]
        rows = 60
        df = pd.DataFrame({
            "id": ["k%d" % i for i in range(rows)],
            "a": [ints[i % len(ints)] for i in range(rows)],
            "b": [nums[i % len(nums)] for i in range(rows)],
            "c": [bools[i % len(bools)] for i in range(rows)],
            "d": [strs[i % len(strs)] for i in range(rows)],
        })
        res = p.eval(df)
        out, err = p.eval_csv(df)
        self.assertEqual(forge.to_cli_csv(res, p), out)
        cli = sorted(l.split(": error: ", 1)[1] for l in err.splitlines())
        mine = sorted("key %s: %s" % (e.key, e.message) for e in p.eval_errors.itertuples())
        self.assertEqual(mine, cli)
        self.assertGreater(len(res), 5)
        self.assertGreater(len(mine), 30)
        # all-valid text columns (no bad cell at all) go the fast way only
        ok = df[[v not in ("x",) for v in df.a]].copy()
        ok["a"] = [str(i - 30) for i in range(len(ok))]
        ok["b"] = ["%.17g" % (i / 7) for i in range(len(ok))]
        ok["c"] = ["yes" if i % 2 else "no" for i in range(len(ok))]
        txt = forge.policy._text
        saved = txt.parse_int, txt.parse_num, txt.parse_bool

        def one_by_one(_):
            raise AssertionError("the cell-by-cell parser ran on valid text")
        txt.parse_int = txt.parse_num = txt.parse_bool = one_by_one
        try:
            res = p.eval(ok)
        finally:
            txt.parse_int, txt.parse_num, txt.parse_bool = saved
        self.assertEqual(forge.to_cli_csv(res, p), p.eval_csv(ok)[0])
        self.assertEqual(len(p.eval_errors), 0)
        # a NUL inside a string (in and out) takes the slow way, intact
        nul = pd.DataFrame({"id": ["n1", "n2"], "a": ["1", "2"], "b": ["1", "2"],
                            "c": ["yes", None], "d": ["a\x00b", "c"]})
        self.assertEqual(list(p.eval(nul).s), ["a\x00b|1", "c|2"])

    def test_struct_layouts(self):
        """sizeof, offsetof and enum values of every declaration the binding
        copies, printed by a C program built against include/forge.h, equal
        cffi's."""
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            self.skipTest("no C compiler")
        lines, expect = [], []
        for name in LIB.STRUCTS:
            t = ffi.typeof(name)
            lines.append('printf("%s %%zu\\n", sizeof(%s));' % (name, name))
            expect.append("%s %d" % (name, ffi.sizeof(t)))
            for fname, field in t.fields:
                lines.append('printf("%s.%s %%zu\\n", offsetof(%s, %s));'
                             % (name, fname, name, fname))
                expect.append("%s.%s %d" % (name, fname, field.offset))
        for enum in ("forge_status", "forge_severity", "forge_engine", "forge_format",
                     "forge_explain_format", "forge_type", "forge_row_error_kind",
                     "forge_struct_id"):
            for cname, value in sorted(ffi.typeof(enum).relements.items()):
                lines.append('printf("%s %%d\\n", (int)%s);' % (cname, cname))
                expect.append("%s %d" % (cname, value))
        prog = "#include <stddef.h>\n#include <stdio.h>\n#include <forge.h>\n" \
               "int main(void) {\n" + "\n".join(lines) + "\nreturn 0;\n}\n"
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "layout.c"), "w") as f:
                f.write(prog)
            exe = os.path.join(tmp, "layout")
            subprocess.run([cc, "-std=c11", "-I", os.path.join(root, "include"),
                            os.path.join(tmp, "layout.c"), "-o", exe], check=True)
            got = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        self.assertEqual(got.splitlines(), expect)
        # the import-time check: this library matches; a stale layout is refused
        sizes = LIB.check_layouts(lib, "libforge")
        self.assertEqual(sizes["forge_config"], (ffi.sizeof("forge_config"),) * 2)

        class Stale:
            def __getattr__(self, name):
                return getattr(lib, name)

            @staticmethod
            def forge_struct_size(sid):
                n = lib.forge_struct_size(sid)
                return n + 8 if sid == lib.FORGE_STRUCT_CONFIG else n
        with self.assertRaises(ImportError) as cm:
            LIB.check_layouts(Stale(), "libstale.so")
        self.assertIn("forge_config: 64 bytes here, 72 in the library", str(cm.exception))

        class Old:
            pass
        with self.assertRaises(ImportError) as cm:
            LIB.check_layouts(Old(), "libold.so")
        self.assertIn("older than this binding", str(cm.exception))

    def test_explain(self):
        p = forge.Policy.from_file("policy.fp", engine="interp")
        text = p.explain(self.df, "F0003")
        self.assertIn("key F0003", text)
        self.assertIn("rule    scale           FAIL", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
