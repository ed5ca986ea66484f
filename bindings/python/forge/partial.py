"""forge.ReportPartial: a policy's reports over some rows, as a mergeable state.

A partial holds every report's groups, counts, exact sums and min/max over
the rows added so far (libforge's forge_report_partial). Partials made in
different processes travel as bytes (to_bytes / Policy.partial_from_bytes),
merge exactly in any order, and write the tables forge_report would write
for all their rows together: byte for byte `forgec report` on the
concatenated data, however the rows were split. Bytes of another policy
are refused (ForgeError, status FORGE_EMISMATCH); truncated or corrupt bytes
too (FORGE_EIO).

    p = forge.Policy.from_file("policy.fp")
    a = p.report_partial(df1).to_bytes()       # e.g. on a worker
    b = p.report_partial(df2).to_bytes()
    rp = forge.merge_partials(p, [a, b])
    rp.report_csv()                            # == forgec report on df1 + df2
"""
import io

import numpy as np
import pandas as pd

from . import policy as _policy
from ._lib import ffi, lib
from .policy import ForgeError, _bad_rows, _fill_columns, _run_options, _s, _Sink

_FORMATS = {"csv": lib.FORGE_FORMAT_CSV, "tsv": lib.FORGE_FORMAT_TSV,
            "jsonl": lib.FORGE_FORMAT_JSONL, "table": lib.FORGE_FORMAT_TABLE,
            "markdown": lib.FORGE_FORMAT_MARKDOWN}


class ReportPartial:
    """The reports of one Policy over the rows added so far. Not shared
    between threads (each thread makes its own and they are merged)."""

    def __init__(self, policy):
        self.policy = policy  # keeps the compiled policy alive
        out = ffi.new("forge_report_partial **")
        st = lib.forge_report_partial_new(policy._p, out)
        if st != lib.FORGE_OK:
            raise ForgeError("cannot make a partial report: %s" % _s(lib.forge_status_text(st)),
                             st)
        # the destructor holds the policy: the partial must be freed first
        self._h = ffi.gc(out[0], lambda h, _keep=policy: lib.forge_report_partial_free(h))

    def _fail(self, st, what):
        raise ForgeError("%s: %s: %s" % (what, _s(lib.forge_status_text(st)),
                                         _s(lib.forge_report_partial_errmsg(self._h))), st)

    @classmethod
    def from_bytes(cls, policy, data):
        rp = cls(policy)
        rp.merge(data)
        return rp

    def add(self, df):
        """Evaluates df's rows (as Policy.eval converts them) and adds those
        evaluated without error; returns the count of rows in error."""
        p = self.policy
        n = len(df)
        cols = p._columns(df)
        bad = _bad_rows(cols, n).view(np.uint8)
        s = p._session()
        cin = ffi.new("forge_column[]", max(len(cols), 1))
        nerr = ffi.new("size_t *")
        errors = 0
        bs = _policy.BATCH_ROWS
        for start in range(0, n, bs):
            m = min(bs, n - start)
            _fill_columns(cin, cols, start)
            st = lib.forge_report_partial_add_columns(
                self._h, s, cin, m, ffi.cast("uint8_t *", bad.ctypes.data + start), nerr)
            if st not in (lib.FORGE_OK, lib.FORGE_EROWS):
                self._fail(st, "forge_report_partial_add_columns")
            errors += nerr[0]
        return errors

    def merge(self, other):
        """Adds another partial of the same policy (a ReportPartial, or the
        bytes of one) into this one; returns self."""
        if isinstance(other, ReportPartial):
            st = lib.forge_report_partial_merge(self._h, other._h)
            if st != lib.FORGE_OK:
                self._fail(st, "cannot merge the partial report")
            return self
        data = bytes(other)
        st = lib.forge_report_partial_deserialize(self._h, data, len(data))
        if st != lib.FORGE_OK:
            self._fail(st, "cannot read the partial report")
        return self

    def to_bytes(self):
        """The portable bytes of this partial (for another process)."""
        sink = _Sink()
        st = lib.forge_report_partial_serialize(self._h, sink.cb, ffi.NULL)
        if st != lib.FORGE_OK:
            self._fail(st, "cannot serialise the partial report")
        return b"".join(sink.parts)

    def __reduce__(self):
        raise TypeError("a ReportPartial is not picklable: send to_bytes() instead")

    @property
    def counts(self):
        """{"rows_read", "rows_evaluated", "rows_in_error"} so far."""
        sm = ffi.new("forge_summary *")
        lib.forge_report_partial_counts(self._h, sm)
        return {"rows_read": sm.rows_read, "rows_evaluated": sm.rows_evaluated,
                "rows_in_error": sm.rows_in_error}

    def report_text(self, format="csv", totals=False):
        """The report tables as forge_report writes them: format csv, tsv,
        jsonl, table or markdown; totals adds the totals rows to csv, tsv and
        jsonl (tables always have them). Warnings about sums out of range
        are in .warnings afterwards."""
        if format not in _FORMATS:
            raise ValueError("format must be one of %s" % ", ".join(sorted(_FORMATS)))
        buf, opt = _run_options(lib.FORGE_ENGINE_DEFAULT)
        out, err = _Sink(), _Sink()
        opt.format = _FORMATS[format]
        opt.report_totals = 1 if totals else 0
        opt.write_out = out.cb
        opt.write_err = err.cb
        sm = ffi.new("forge_summary *")
        st = lib.forge_report_partial_write(self._h, opt, sm)
        if st not in (lib.FORGE_OK, lib.FORGE_EROWS):
            self._fail(st, "cannot write the report")
        self.warnings = err.text()
        return out.text()

    def report_csv(self, totals=False):
        """The tables as `forgec report --format csv` writes them."""
        return self.report_text("csv", totals)

    def report(self, totals=False):
        """One DataFrame per report (declaration order), numbers read back
        exactly from the library's text."""
        text = self.report_csv(totals)
        return [pd.read_csv(io.StringIO(b + "\n"), keep_default_na=False, na_values=[""],
                            float_precision="round_trip")
                for b in text.split("\n\n") if b.strip()]


def merge_partials(policy, parts):
    """One ReportPartial of policy holding all of parts (ReportPartial
    objects or their bytes), merged exactly in the order given."""
    rp = ReportPartial(policy)
    for part in parts:
        rp.merge(part)
    return rp
