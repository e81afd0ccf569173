"""The process that runs one student's code, inside the grading sandbox.

It is started by course.grader with a private copy of seqlib beside it, reads its plan from
stdin, and answers on the file descriptor named by GRADER_FD, one JSON line per message;
nothing it says is trusted: the grader compares the returned values with the reference
itself. Steps:

1. import all of seqlib, then make seqlib's own answers to this notebook's exercises
   unusable (their code replaced by a stub that records the call and raises), then delete
   the private copy of seqlib, so the answers cannot be re-imported or read;
2. run the notebook's setup (imports and definitions of the locked cells, the student's
   cells in full), cell by cell, reporting each;
3. for each request, call the student's function on the inputs given and send back what it
   returned, what it did to its inputs, its warnings and whether it called seqlib's answer.
"""

import importlib
import json
import os
import pkgutil
import shutil
import sys
import traceback
import warnings

import numpy as np
import wire  # course/wire.py, copied beside this file

OUT = None  # the answer channel


class ReferenceCalled(BaseException):  # noqa: N818 - BaseException: `except Exception` in
    """Raised by a stubbed reference (a student's code cannot swallow it by accident)."""


CALLED = []


def _stub(*args, **kwargs):
    """The code every forbidden function gets: record, then refuse."""
    return __seqlib_grading_refuse__()  # noqa: F821 - injected into the module's globals


def _refuse():
    CALLED.append(1)
    raise ReferenceCalled("seqlib's own answer to this exercise is not available while grading")


def say(message):
    OUT.write(json.dumps(message) + "\n")
    OUT.flush()


def disable(forbidden):
    """Replace the code of each "module:qualname" function by the stub."""
    for name in forbidden:
        module_name, _, qualname = name.partition(":")
        module = importlib.import_module(module_name)
        target = module
        for part in qualname.split("."):
            target = getattr(target, part)
        target = getattr(target, "__func__", target)  # a classmethod's function
        if target.__code__.co_freevars:
            raise RuntimeError(f"cannot disable {name}: it is a closure")
        target.__globals__["__seqlib_grading_refuse__"] = _refuse
        target.__code__ = _stub.__code__


def import_everything(package_dir):
    """Import every seqlib module now: its files are deleted before any student code runs."""
    import seqlib

    for info in pkgutil.walk_packages(seqlib.__path__, "seqlib."):
        importlib.import_module(info.name)
    shutil.rmtree(package_dir, ignore_errors=True)


class _NoShell:
    """get_ipython() for magics and shell escapes in the cells: they do nothing here."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def run_setup(cells, namespace):
    """Run each cell (plain Python: the grader has turned magics into get_ipython() calls)."""
    for index, source in enumerate(cells):
        try:
            code = compile(source, f"<cell {index}>", "exec")
            exec(code, namespace)
            say({"cell": index, "ok": True})
        except ReferenceCalled:
            say({"cell": index, "ok": False, "error": "calls seqlib's own answer"})
        except BaseException as error:  # a student's cell may raise anything, SystemExit too
            say({"cell": index, "ok": False, "error": _describe(error)})


def _describe(error):
    """'TypeError: message (cell 5, line 3)' for the innermost frame of the student's code."""
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith("<cell"):
            where = f" ({frame.filename.strip('<>')}, line {frame.lineno})"
            break
    return f"{type(error).__name__}: {error}"[:2000] + where


def serve(namespace):
    for line in sys.stdin:
        request = json.loads(line)
        fn = namespace.get(request["fn"])
        reply = {"id": request["id"]}
        if not callable(fn):
            reply.update(ok=False, kind="missing",
                         error=f"there is no function called {request['fn']}")
            say(reply)
            continue
        args = wire.decode(request["args"])
        kwargs = wire.decode(request["kwargs"])
        del CALLED[:]
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            try:
                result = fn(*args, **kwargs)
                reply.update(ok=True, result=wire.encode(result))
            except NotImplementedError:
                reply.update(ok=False, kind="not implemented", error="NotImplementedError")
            except ReferenceCalled:
                reply.update(ok=False, kind="delegated", error="calls seqlib's own answer")
            except BaseException as error:  # noqa: BLE001 - report whatever the code raised
                reply.update(ok=False, kind="raised", error=_describe(error))
        reply["delegated"] = bool(CALLED)
        reply["warnings"] = sorted({str(w.message)[:300] for w in caught})
        reply["args_after"] = wire.encode(args) if reply["ok"] else None
        say(reply)


def main():
    global OUT
    OUT = os.fdopen(int(os.environ["GRADER_FD"]), "w")
    plan = json.loads(sys.stdin.readline())
    sys.setrecursionlimit(5000)
    import_everything(plan["seqlib_dir"])
    disable(plan["forbidden"])
    namespace = {"__name__": "__main__", "get_ipython": _NoShell}
    run_setup(plan["cells"], namespace)
    say({"ready": True})
    serve(namespace)


if __name__ == "__main__":
    main()
