"""Shared setup of the Python tests: where forgec, libforge and the binding are.

FORGEC (path to forgec) and FORGE_LIBRARY (path to libforge.so) come from
ctest (tests/CMakeLists.txt); by default the build tree next to the sources.
"""
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FORGEC = os.environ.get("FORGEC", os.path.join(ROOT, "build", "forgec"))
EXAMPLE = os.path.join(ROOT, "examples", "forging")
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("FORGE_LIBRARY", os.path.join(os.path.dirname(FORGEC), "libforge.so"))

try:
    import pandas  # noqa: F401
    import numpy  # noqa: F401
    import cffi  # noqa: F401
    MISSING = None
except ImportError as e:  # skip only where the Debian packages are absent
    MISSING = "Python packages absent (%s): run scripts/install-deps.sh" % e


def engines():
    import forge
    return ["interp", "jit"] if forge.jit_available() else ["interp"]


def run_forgec(*args, cwd=EXAMPLE, stdin=None):
    r = subprocess.run([FORGEC, *args], cwd=cwd, capture_output=True, input=stdin)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def require():
    """Exits with 77 (ctest's SKIP_RETURN_CODE) and a clear message when the
    Python packages are absent."""
    if MISSING:
        print("SKIP: " + MISSING)
        sys.exit(77)
