"""forge.Policy: a compiled policy evaluated over pandas DataFrames.

Evaluation goes through libforge's columnar batch API (forge_eval_columns),
in batches of BATCH_ROWS rows, with one forge_session per thread. int64 and
float64 numpy columns are handed over in place (zero-copy); the masks of
pandas' nullable Int64 / Float64 / boolean arrays are used as they are. Other
columns are converted once per eval: object and string columns holding
text are parsed with forgec's cell grammar (a bad cell is a row error, as in
`forgec eval`). Missing: None, NaN, pd.NA and NaT (for float64 columns NaN
means missing, as pandas itself treats it) and the empty string.

The conversions run at C speed where they can: a text column is joined into
one NUL-separated UTF-8 buffer the library reads in place; text feeding
int/num/bool inputs is checked against the cell grammar's characters in one
regex scan and converted by numpy (Python's correctly rounded float()), with
the cell-by-cell parser only for columns holding a bad cell or non-text
values. String outputs of a chunk come back as one block of NUL-terminated
copies (runtime/api_batch.c) and are decoded and split in one go.

Reports are partial reports (forge_report_partial_*): the rows are added
through the columnar API and the library writes the tables with
forge_report's own code. ReportPartial objects serialise to bytes and merge
exactly, which is what forge.dask uses. explain goes through forge_explain
on the columns written as CSV text (values formatted the way forgec writes
them, so they read back exactly).
"""
import os
import re
import tempfile
import threading

import numpy as np
import pandas as pd

from pandas.api.types import infer_dtype

from . import _text
from ._lib import OPTIONS_ROOM, ffi, lib

BATCH_ROWS = 65536
_TYPES = {1: "int", 2: "num", 3: "bool", 4: "str"}
_ENGINES = {"default": lib.FORGE_ENGINE_DEFAULT, "interp": lib.FORGE_ENGINE_INTERP,
            "jit": lib.FORGE_ENGINE_JIT}


class ForgeError(Exception):
    """A libforge call failed (I/O, usage, memory); .status is the forge_status."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class PolicyError(ForgeError):
    """The policy does not compile. .diagnostics lists them (dicts); the
    message has one `file:line:col: severity: message` line each."""

    def __init__(self, diagnostics, status=None):
        self.diagnostics = diagnostics
        lines = [d["location"] + ": " + d["severity"] + ": " + d["message"] for d in diagnostics]
        super().__init__("\n".join(lines) or "the policy does not compile", status)


def _s(p):
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else None


class _Diags:
    def __init__(self):
        self.items = []

        @ffi.callback("void(void *, const forge_diag *)")
        def on_diag(_ud, d):
            sev = {0: "error", 1: "warning", 2: "note"}.get(d.severity, "error")
            f = _s(d.file)
            loc = "%s:%d:%d" % (f, d.line, d.column) if f and d.line else (f or "<policy>")
            self.items.append({"severity": sev, "file": f, "line": d.line, "column": d.column,
                               "message": _s(d.message), "hint": _s(d.hint),
                               "rendered": _s(d.rendered), "location": loc})
        self.cb = on_diag


class _Sink:
    """A forge_write_fn collecting bytes."""

    def __init__(self):
        self.parts = []

        @ffi.callback("int(void *, const char *, size_t)")
        def write(_ud, data, n):
            self.parts.append(ffi.unpack(data, n))
            return 0
        self.cb = write

    def text(self):
        return b"".join(self.parts).decode("utf-8")


def _run_options(engine):
    buf = ffi.new("char[]", OPTIONS_ROOM)
    opt = ffi.cast("forge_run_options *", buf)
    lib.forge_run_options_init(opt)
    opt.engine = engine
    return buf, opt


def _engine_code(engine):
    if engine not in _ENGINES:
        raise ValueError("engine must be one of %s" % ", ".join(sorted(_ENGINES)))
    if engine == "jit" and not lib.forge_jit_available():
        raise ForgeError("this libforge was built without the JIT (LLVM); use engine='interp'")
    return _ENGINES[engine]


def _ptr(ctype, arr, start=0):
    """A C pointer at element `start` of a contiguous numpy array (no copy)."""
    if arr is None:
        return ffi.NULL
    return ffi.cast(ctype, arr.ctypes.data + start * arr.itemsize)


def _is_missing_obj(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and v == ""


class _InCol:
    """One input column in the library's layout, for all rows of a frame."""
    __slots__ = ("i", "n", "b", "s", "len", "missing", "bad", "bad_text", "buf", "text")

    def __init__(self):
        self.i = self.n = self.b = self.s = self.len = self.missing = None
        self.bad = None       # bool array: a cell that is not of the input's type
        self.bad_text = None  # dict row -> the cell's text
        self.buf = None
        self.text = None      # per row: the cell as text (key columns)


def _mask_u8(mask):
    if mask is None or not mask.any():
        return None
    return np.ascontiguousarray(mask).view(np.uint8)


def _cell_text(v):
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)):
        return _text.fmt_num(v) if np.isfinite(v) else str(v)
    return str(v)


# Text made only of these characters is accepted by Python's int() / float()
# exactly when forgec's cell grammar accepts it (no spaces, underscores,
# inf or nan can occur); NUL separates the cells of the joined column.
_INT_CHARS = re.compile(r"[0-9+\-\x00]*\Z")
_NUM_CHARS = re.compile(r"[0-9.eE+\-\x00]*\Z")
_BOOL_WORDS = {"true": 1, "yes": 1, "1": 1, "false": 0, "no": 0, "0": 0}


def _text_cells(values):
    """(missing mask, the present cells) when every cell of an object array
    is text or missing (None/NaN/NA/NaT, or ""); None otherwise."""
    miss = pd.isna(values)
    present = values[~miss] if miss.any() else values
    if len(present) and infer_dtype(present, skipna=False) != "string":
        return None
    empty = present == ""
    if empty.any():
        miss[np.flatnonzero(~miss)[empty]] = True
        present = present[~empty]
    return miss, present


def _parse_text(typ, present):
    """Parses non-empty text cells at C speed: (values, ok mask); a cell not
    ok is a bad cell."""
    k = len(present)
    if typ == "bool":
        got = np.empty(k, dtype=object)
        got[:] = list(map(_BOOL_WORDS.get, map(str.lower, present)))
        ok = got != None  # noqa: E711 (elementwise)
        return got[ok].astype(np.uint8), ok
    chars = _INT_CHARS if typ == "int" else _NUM_CHARS
    if chars.match("\0".join(present)):
        ok = np.ones(k, dtype=bool)
    else:
        ok = np.fromiter(map(bool, map(chars.match, present)), dtype=bool, count=k)
    cand = present[ok] if not ok.all() else present
    try:
        vals = cand.astype(np.int64 if typ == "int" else np.float64)
    except (ValueError, OverflowError):  # "1e", "1-2", an int past 64 bits: one by one
        parse = _text.parse_int if typ == "int" else _text.parse_num
        got = [parse(v) for v in cand]
        sub = np.array([g is not None for g in got], dtype=bool)
        vals = np.array([g for g in got if g is not None],
                        dtype=np.int64 if typ == "int" else np.float64)
        ok[np.flatnonzero(ok)[~sub]] = False
    if typ == "num":
        fin = np.isfinite(vals)  # 1e999 overflows: a bad cell
        if not fin.all():
            ok[np.flatnonzero(ok)[~fin]] = False
            vals = vals[fin]
    return vals, ok


def _convert_objects(values, typ, col):
    """Parses an object array with forgec's cell grammar: text columns at C
    speed (only bad cells are looked at one by one), others cell by cell."""
    cells = _text_cells(values)
    if cells is not None:
        miss, present = cells
        vals, ok = _parse_text(typ, present)
        out = np.zeros(len(values), dtype=np.uint8 if typ == "bool" else vals.dtype)
        where = np.flatnonzero(~miss)
        out[where[ok]] = vals
        if not ok.all():
            bad_rows = where[~ok]
            col.bad = np.zeros(len(values), dtype=bool)
            col.bad[bad_rows] = True
            col.bad_text = {int(r): present[j] for r, j in zip(bad_rows, np.flatnonzero(~ok))}
            miss = miss.copy()
            miss[bad_rows] = True
        if typ == "int":
            col.i = out
        elif typ == "num":
            col.n = out
        else:
            col.b = out
        col.missing = _mask_u8(miss)
        return
    n = len(values)
    miss = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    bad_text = {}
    if typ == "int":
        out = np.zeros(n, dtype=np.int64)
    elif typ == "num":
        out = np.zeros(n, dtype=np.float64)
    else:
        out = np.zeros(n, dtype=np.uint8)
    for r, v in enumerate(values):
        if _is_missing_obj(v):
            miss[r] = True
            continue
        if isinstance(v, str):
            x = (_text.parse_int if typ == "int" else
                 _text.parse_num if typ == "num" else _text.parse_bool)(v)
        elif typ == "bool" and isinstance(v, (bool, np.bool_)):
            x = bool(v)
        elif typ == "int" and isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            x = int(v) if _text.INT64_MIN <= int(v) <= _text.INT64_MAX else None
        elif typ == "int" and isinstance(v, (float, np.floating)) and np.isfinite(v) \
                and float(v).is_integer() and -2.0**63 <= v < 2.0**63:
            x = int(v)
        elif typ == "num" and isinstance(v, (int, float, np.integer, np.floating)) \
                and not isinstance(v, (bool, np.bool_)):
            x = float(v) if np.isfinite(float(v)) else None
        else:
            x = None
        if x is None:
            bad[r] = True
            miss[r] = True
            bad_text[r] = _cell_text(v)
        else:
            out[r] = x
    if typ == "int":
        col.i = out
    elif typ == "num":
        col.n = out
    else:
        col.b = out
    col.missing = _mask_u8(miss)
    if bad.any():
        col.bad, col.bad_text = bad, bad_text


def _convert(series, typ):
    """Series -> _InCol for an input of type typ."""
    col = _InCol()
    arr = series.array
    dt = series.dtype
    if typ == "str":
        _convert_text(series.to_numpy(dtype=object, na_value=None), col)
        return col
    if isinstance(arr, pd.arrays.IntegerArray) or isinstance(arr, pd.arrays.FloatingArray):
        data, mask = arr._data, arr._mask
        if typ in ("int", "num") and data.dtype == np.int64:
            col.i = np.ascontiguousarray(data)
        elif typ == "num" and data.dtype == np.float64:
            col.n = np.ascontiguousarray(data)
            mask = mask | np.isnan(data)
        elif typ == "num":
            col.n = data.astype(np.float64)
        elif typ == "int" and data.dtype.kind in "iu":
            col.i = data.astype(np.int64)
        else:
            _convert_objects(series.to_numpy(dtype=object, na_value=None), typ, col)
            return col
        col.missing = _mask_u8(mask)
        return col
    if isinstance(arr, pd.arrays.BooleanArray):
        if typ == "bool":
            col.b = np.ascontiguousarray(arr._data).view(np.uint8)
            col.missing = _mask_u8(arr._mask)
            return col
        _convert_objects(series.to_numpy(dtype=object, na_value=None), typ, col)
        return col
    if dt == np.int64 and typ in ("int", "num"):
        col.i = np.ascontiguousarray(series.to_numpy())
        return col
    if dt == np.float64 and typ == "num":
        a = np.ascontiguousarray(series.to_numpy())
        nan = np.isnan(a)
        inf = np.isinf(a)
        col.n = a
        if inf.any():
            col.bad = inf
            col.bad_text = {int(r): ("Infinity" if a[r] > 0 else "-Infinity")
                            for r in np.flatnonzero(inf)}
            nan = nan | inf
        col.missing = _mask_u8(nan)
        return col
    if dt.kind in "iu" and typ in ("int", "num"):
        col.i = series.to_numpy().astype(np.int64)
        return col
    if dt.kind == "f" and typ == "num":
        return _convert(series.astype(np.float64), typ)
    if dt == np.bool_ and typ == "bool":
        col.b = np.ascontiguousarray(series.to_numpy()).view(np.uint8)
        return col
    _convert_objects(series.to_numpy(dtype=object, na_value=None), typ, col)
    return col


def _convert_text(vals, col):
    """A text input: the cells joined into one NUL-separated UTF-8 buffer
    (each cell NUL-terminated in place), pointers and byte lengths into it."""
    n = len(vals)
    miss = pd.isna(vals)
    present = vals[~miss] if miss.any() else vals
    if len(present) and infer_dtype(present, skipna=False) != "string":
        present = np.array([v if isinstance(v, str) else _cell_text(v) for v in present],
                           dtype=object)
    joined = "\0".join(present)
    blob = joined.encode("utf-8")
    k = len(present)
    if len(blob) == len(joined):  # ASCII: bytes are characters
        plens = np.fromiter(map(len, present), dtype=np.uint64, count=k)
    else:
        plens = np.fromiter(map(len, blob.split(b"\0")), dtype=np.uint64) if k else \
            np.zeros(0, dtype=np.uint64)
    if len(plens) != k:  # a cell holding NUL: one by one
        plens = np.fromiter((len(v.encode("utf-8")) for v in present), dtype=np.uint64, count=k)
        blob = b"\0".join(v.encode("utf-8") for v in present)
    poffs = np.zeros(k, dtype=np.uint64)
    if k > 1:
        np.cumsum(plens[:-1] + np.uint64(1), out=poffs[1:])
    col.buf = np.frombuffer(blob + b"\0", dtype=np.uint8)
    lens = np.zeros(n, dtype=np.uint64)
    offs = np.zeros(n, dtype=np.uint64)
    lens[~miss] = plens
    offs[~miss] = poffs
    col.s = offs + np.uint64(col.buf.ctypes.data)
    col.len = lens
    col.missing = _mask_u8(miss | (lens == 0))


def _take_strings(sv, miss, start, spp, slen, m):
    """Copies string output values of rows start..start+m into sv. The
    library hands each chunk's strings back to back, NUL after each: every
    run of adjacent copies is read, decoded and split in one go."""
    present = np.flatnonzero(miss[start:start + m] == 0)
    if not len(present):
        return
    psize = ffi.sizeof("char *")
    ptrs = np.frombuffer(ffi.buffer(spp, m * psize), dtype=np.uint64 if psize == 8
                         else np.uint32)[present].astype(np.uint64)
    lens = np.frombuffer(ffi.buffer(slen, m * ffi.sizeof("size_t")),
                         dtype=np.uint64)[present]
    cuts = np.flatnonzero(ptrs[1:] != ptrs[:-1] + lens[:-1] + np.uint64(1)) + 1
    bounds = [0] + cuts.tolist() + [len(present)]
    vals = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        span = int(ptrs[b - 1] + lens[b - 1] - ptrs[a])
        text = ffi.buffer(ffi.cast("char *", int(ptrs[a])), span)[:].decode("utf-8")
        parts = text.split("\0")
        if len(parts) != b - a:  # a value holding NUL
            parts = [ffi.unpack(ffi.cast("char *", int(ptrs[r])), int(lens[r])).decode("utf-8")
                     for r in range(a, b)]
        vals.extend(parts)
    col = np.empty(len(vals), dtype=object)
    col[:] = vals
    sv[start + present] = col


def _fill_columns(cin, cols, start):
    """Points the forge_column array at rows start.. of the converted columns."""
    for k, (_, c) in enumerate(cols):
        cin[k].i = _ptr("int64_t *", c.i, start)
        cin[k].n = _ptr("double *", c.n, start)
        cin[k].b = _ptr("uint8_t *", c.b, start)
        cin[k].s = _ptr("const char *const *", c.s, start)
        cin[k].len = _ptr("size_t *", c.len, start)
        cin[k].missing = _ptr("uint8_t *", c.missing, start)


def _bad_rows(cols, n):
    """Rows holding a cell the binding found bad (not of its input's type)."""
    bad_any = np.zeros(n, dtype=bool)
    for _, c in cols:
        if c.bad is not None:
            bad_any |= c.bad
    return bad_any


def _key_texts(series):
    vals = series.to_numpy(dtype=object, na_value=None)
    return ["" if _is_missing_obj(v) else _cell_text(v) for v in vals]


class _SessionPool(threading.local):
    session = None


class Policy:
    """A compiled policy. Immutable and shareable between threads; each
    thread evaluates through a session of its own."""

    def __init__(self, handle, source_name, engine, diagnostics):
        self._p = handle
        self.path = source_name
        self.engine = engine
        self.diagnostics = diagnostics
        self._local = _SessionPool()
        self._sessions = []
        self._lock = threading.Lock()
        self._keepalive = None
        self.eval_errors = _empty_errors()
        self._read_info()

    # ---- construction ----
    @classmethod
    def from_file(cls, path, engine="jit", include_dirs=()):
        return cls._compile(engine, include_dirs, path=os.fspath(path))

    @classmethod
    def from_string(cls, text, name="<string>", engine="jit", include_dirs=()):
        return cls._compile(engine, include_dirs, text=text, name=name)

    @classmethod
    def _compile(cls, engine, include_dirs, path=None, text=None, name=None):
        code = _engine_code(engine)
        cfg = ffi.new("forge_config *")
        lib.forge_config_init(cfg)
        diags = _Diags()
        cfg.on_diag = diags.cb
        cfg.engine = code
        dirs = [ffi.new("char[]", os.fsencode(d)) for d in include_dirs]
        darr = ffi.new("const char *[]", dirs) if dirs else ffi.NULL
        cfg.include_dirs = darr
        cfg.ninclude_dirs = len(dirs)
        out = ffi.new("forge_policy **")
        if path is not None:
            st = lib.forge_compile_file(cfg, os.fsencode(path), out)
            source = path
        else:
            raw = text.encode("utf-8")
            st = lib.forge_compile_string(cfg, name.encode("utf-8"), raw, len(raw), out)
            source = name
        if st != lib.FORGE_OK:
            if diags.items:
                raise PolicyError(diags.items, st)
            raise ForgeError("%s: %s" % (source, _s(lib.forge_status_text(st))), st)
        return cls(out[0], source, engine, diags.items)

    def _read_info(self):
        p = self._p
        self.inputs = []
        info = ffi.new("forge_input_info *")
        for i in range(lib.forge_policy_ninputs(p)):
            lib.forge_policy_input(p, i, info)
            self.inputs.append({"name": _s(info.name), "header": _s(info.header),
                                "type": _TYPES[info.type], "optional": bool(info.optional),
                                "key": bool(info.key)})
        self.outputs = []
        oinfo = ffi.new("forge_output_info *")
        for i in range(lib.forge_policy_noutputs(p)):
            lib.forge_policy_output(p, i, oinfo)
            self.outputs.append({"name": _s(oinfo.name), "type": _TYPES[oinfo.type],
                                 "optional": bool(oinfo.optional)})
        self.reports = []
        rinfo = ffi.new("forge_report_info *")
        for i in range(lib.forge_policy_nreports(p)):
            lib.forge_policy_report(p, i, rinfo)
            self.reports.append({"name": _s(rinfo.name),
                                 "by": [_s(rinfo.by[k]) for k in range(rinfo.nby)]})
        self.name = _s(lib.forge_policy_name(p))
        self.version = _s(lib.forge_policy_version(p))
        self.keys = [i["name"] for i in self.inputs if i["key"]]

    def check(self):
        """The compiler's diagnostics (warnings; errors raise PolicyError at
        compile time). Returns the list of diagnostic dicts."""
        return list(self.diagnostics)

    def close(self):
        with self._lock:
            for s in self._sessions:
                lib.forge_session_free(s)
            self._sessions = []
            if self._p is not None:
                lib.forge_policy_free(self._p)
                self._p = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __getstate__(self):
        raise TypeError("forge.Policy is not picklable: compile it where it is used "
                        "(forge.dask does so once per worker process)")

    def _session(self):
        s = self._local.session
        if s is None:
            out = ffi.new("forge_session **")
            st = lib.forge_session_new(self._p, out)
            if st != lib.FORGE_OK:
                raise ForgeError("cannot make a session: %s" % _s(lib.forge_status_text(st)), st)
            s = out[0]
            with self._lock:
                self._sessions.append(s)
            self._local.session = s
        return s

    # ---- evaluation ----
    def _columns(self, df):
        cols = []
        for inp in self.inputs:
            if inp["header"] in df.columns:
                name = inp["header"]
            elif inp["name"] in df.columns:
                name = inp["name"]
            else:
                raise ForgeError("column %r (input %s) is not in the DataFrame"
                                 % (inp["header"], inp["name"]), lib.FORGE_EIO)
            cols.append((name, _convert(df[name], inp["type"])))
        return cols

    def _evaluate(self, df):
        """Evaluates every row; returns (ok mask, output arrays, errors list)."""
        n = len(df)
        cols = self._columns(df)
        outs = []
        for o in self.outputs:
            d = {"missing": np.zeros(n, dtype=np.uint8)}
            if o["type"] == "int":
                d["i"] = np.zeros(n, dtype=np.int64)
            elif o["type"] == "num":
                d["n"] = np.zeros(n, dtype=np.float64)
            elif o["type"] == "bool":
                d["b"] = np.zeros(n, dtype=np.uint8)
            else:
                d["s"] = np.empty(n, dtype=object)
            outs.append(d)
        row_err = np.zeros(n, dtype=np.uint8)
        errors = {}
        s = self._session()
        nin, nout = len(cols), len(outs)
        cin = ffi.new("forge_column[]", max(nin, 1))
        cout = ffi.new("forge_out_column[]", max(nout, 1))
        nerr = ffi.new("size_t *")
        rerr = ffi.new("forge_row_error *")
        bs = BATCH_ROWS
        # string outputs: one pointer + length array each, reused per batch
        sbufs = [(ffi.new("const char *[]", min(bs, max(n, 1))), ffi.new("size_t[]", min(bs, max(n, 1))))
                 if "s" in d else None for d in outs]
        for start in range(0, n, bs):
            m = min(bs, n - start)
            _fill_columns(cin, cols, start)
            for k, d in enumerate(outs):
                cout[k].i = _ptr("int64_t *", d.get("i"), start)
                cout[k].n = _ptr("double *", d.get("n"), start)
                cout[k].b = _ptr("uint8_t *", d.get("b"), start)
                cout[k].s = sbufs[k][0] if sbufs[k] else ffi.NULL
                cout[k].len = sbufs[k][1] if sbufs[k] else ffi.NULL
                cout[k].missing = _ptr("uint8_t *", d["missing"], start)
            st = lib.forge_eval_columns(s, cin, m, cout if nout else ffi.NULL,
                                        _ptr("uint8_t *", row_err, start), nerr)
            if st not in (lib.FORGE_OK, lib.FORGE_EROWS):
                raise ForgeError("forge_eval_columns: %s: %s" % (
                    _s(lib.forge_status_text(st)), _s(lib.forge_session_errmsg(s))), st)
            # strings belong to the session until its next evaluation: copy them now
            for d, sb in zip(outs, sbufs):
                if sb:
                    _take_strings(d["s"], d["missing"], start, sb[0], sb[1], m)
            if nerr[0]:
                for r in np.flatnonzero(row_err[start:start + m]):
                    lib.forge_session_batch_error(s, int(r), rerr)
                    errors[start + int(r)] = _row_error(rerr, self.inputs)
        # cells the binding found bad: the first problem in input order wins,
        # as the CSV filler decides it
        for r in np.flatnonzero(_bad_rows(cols, n)):
            for k, (_, c) in enumerate(cols):
                inp = self.inputs[k]
                if c.bad is not None and c.bad[r]:
                    detail = _text.cell_detail(inp["type"], c.bad_text[int(r)])
                    errors[int(r)] = _data_error(k, inp, "bad value", detail)
                    break
                if c.missing is not None and c.missing[r] and not inp["optional"]:
                    errors[int(r)] = _data_error(k, inp, "missing value", "")
                    break
            row_err[r] = 1
        return cols, outs, row_err, errors

    def eval(self, df):
        """The key columns and the outputs of every row evaluated without
        error, in row order (the DataFrame's index is kept). Row errors are
        in .eval_errors afterwards."""
        cols, outs, row_err, errors = self._evaluate(df)
        ok = row_err == 0
        res = {}
        for k, inp in enumerate(self.inputs):
            if inp["key"]:
                res[inp["name"]] = df[cols[k][0]].to_numpy()[ok]
        for o, d in zip(self.outputs, outs):
            miss = d["missing"][ok].astype(bool)
            res[o["name"]] = _out_series(o, d, ok, miss)
        out = pd.DataFrame(res, index=df.index[ok])
        self.eval_errors = self._errors_frame(df, cols, errors)
        return out

    def _errors_frame(self, df, cols, errors):
        if not errors:
            return _empty_errors()
        rows = sorted(errors)
        keycols = [c for (c, _), inp in zip(cols, self.inputs) if inp["key"]]
        keytexts = [_key_texts(df[c].iloc[rows]) for c in keycols]
        recs = []
        for j, r in enumerate(rows):
            e = errors[r]
            key = "/".join(kt[j] for kt in keytexts) if keycols else None
            recs.append(dict(row=r, index=df.index[r], key=key, **e))
        return pd.DataFrame(recs, columns=_ERROR_COLUMNS)

    # ---- reports and explain (through the CSV stream API) ----
    def _csv_bytes(self, df):
        cols = []
        for inp in self.inputs:
            name = inp["header"] if inp["header"] in df.columns else inp["name"]
            if name not in df.columns:
                raise ForgeError("column %r (input %s) is not in the DataFrame"
                                 % (inp["header"], inp["name"]), lib.FORGE_EIO)
            cols.append((inp["header"], df[name]))
        return frame_to_csv(cols)

    def report_partial(self, df=None):
        """A ReportPartial holding the reports' state over df's rows (none
        when df is None): serialise it with to_bytes(), merge it with others,
        write it with report_csv() / report()."""
        from .partial import ReportPartial
        rp = ReportPartial(self)
        if df is not None:
            rp.add(df)
        return rp

    def partial_from_bytes(self, data):
        """The ReportPartial serialised in data (from ReportPartial.to_bytes
        of this policy, maybe in another process)."""
        from .partial import ReportPartial
        return ReportPartial.from_bytes(self, data)

    def report_csv(self, df, totals=False):
        """The policy's reports over df as `forgec report --format csv` writes them."""
        return self.report_partial(df).report_csv(totals=totals)

    def report(self, df, totals=False):
        """The policy's reports as a list of DataFrames (declaration order);
        numbers read back exactly from the library's text."""
        return self.report_partial(df).report(totals=totals)

    def _stream(self, fn, data, totals=False, path=None, xo=None):
        buf, opt = _run_options(_ENGINES[self.engine])
        view = memoryview(data)
        pos = [0]

        @ffi.callback("long long(void *, char *, size_t)")
        def read(_ud, dst, cap):
            k = min(cap, len(view) - pos[0])
            if k:
                ffi.memmove(dst, view[pos[0]:pos[0] + k], k)
                pos[0] += k
            return k
        out, err = _Sink(), _Sink()
        if path is None:
            opt.read = read
        else:
            name = ffi.new("char[]", os.fsencode(path))
            opt.data_path = name
        opt.delimiter = b","
        opt.format = lib.FORGE_FORMAT_CSV
        opt.write_out = out.cb
        opt.write_err = err.cb
        opt.report_totals = 1 if totals else 0
        opt.jobs = 1
        sm = ffi.new("forge_summary *")
        st = fn(self._p, opt, xo, sm) if xo is not None else fn(self._p, opt, sm)
        if st not in (lib.FORGE_OK, lib.FORGE_EROWS):
            raise ForgeError("%s: %s" % (_s(lib.forge_status_text(st)),
                                         ffi.string(sm.message).decode()), st)
        return out.text(), err.text(), sm

    def eval_csv(self, df):
        """`forgec eval` on df written as CSV: (output text, error lines)."""
        out, err, _ = self._stream(lib.forge_eval, self._csv_bytes(df))
        return out, err

    def explain(self, df, key, limit=10):
        """forge_explain's text for the rows of df whose key text is `key`."""
        xbuf = ffi.new("char[]", OPTIONS_ROOM)
        xo = ffi.cast("forge_explain_options *", xbuf)
        lib.forge_explain_options_init(xo)
        kb = ffi.new("char[]", str(key).encode("utf-8"))
        xo.key = kb
        xo.limit = limit
        with tempfile.NamedTemporaryFile(suffix=".csv") as f:
            f.write(self._csv_bytes(df))
            f.flush()
            text, _, _ = self._stream(lib.forge_explain, b"", path=f.name, xo=xo)
        return text


_ERROR_COLUMNS = ["row", "index", "key", "kind", "reason", "detail", "message", "column",
                  "policy_file", "policy_line", "policy_col"]
_KINDS = {1: "bad value", 2: "missing value", 3: "ragged row", 4: "malformed quoted field",
          5: "integer overflow", 6: "division by zero", 7: "not finite", 8: "int range",
          9: "no table row", 10: "out of memory"}


def _empty_errors():
    return pd.DataFrame({c: [] for c in _ERROR_COLUMNS})


def _row_error(e, inputs):
    col = inputs[e.column]["name"] if e.column >= 0 else None
    return {"kind": _KINDS.get(int(e.kind), str(int(e.kind))), "reason": _s(e.reason),
            "detail": _s(e.detail), "message": _s(e.message), "column": col,
            "policy_file": _s(e.file), "policy_line": int(e.line) if e.file != ffi.NULL else None,
            "policy_col": int(e.col) if e.file != ffi.NULL else None}


def _data_error(k, inp, reason, detail):
    return {"kind": reason, "reason": reason, "detail": detail,
            "message": "column %s: %s" % (inp["name"], detail or reason), "column": inp["name"],
            "policy_file": None, "policy_line": None, "policy_col": None}


def _out_series(o, d, ok, miss):
    t = o["type"]
    if t == "int":
        v = d["i"][ok]
        return pd.arrays.IntegerArray(v, miss) if o["optional"] else v
    if t == "num":
        v = d["n"][ok].copy()
        v[miss] = np.nan
        return v
    if t == "bool":
        v = d["b"][ok].astype(bool)
        return pd.arrays.BooleanArray(v, miss) if o["optional"] else v
    v = d["s"][ok]
    return v


def frame_to_csv(cols):
    """CSV bytes of [(header, Series)]: values written as forgec writes them
    (so they read back to the same values), missing cells empty."""
    lines = [",".join(_text.csv_quote(h) for h, _ in cols)]
    texts = []
    for _, s in cols:
        vals = s.to_numpy(dtype=object, na_value=None)
        texts.append(["" if _is_missing_obj(v) else _text.csv_quote(_cell_text(v))
                      for v in vals])
    lines.extend(",".join(row) for row in zip(*texts))
    return ("\n".join(lines) + "\n").encode("utf-8")
