"""Run a student's code in its own process, isolated and limited, and talk to it.

On Linux the process runs in new user, mount, network and PID namespaces (``unshare`` from
util-linux, on every Linux): it has no network, and empty file systems are mounted over the
course's sources, the gradebook and every submission, inside a second user namespace so it
cannot unmount them. Everywhere, it has a memory limit, a file-size limit, no core dumps,
and its own process group, which the grader kills at a time limit. Where namespaces are not
available, the limits alone apply and ``isolation()`` says so.

The student's process gets a private copy of seqlib (which it deletes after importing) and
course/sandbox_worker.py; nothing it sends back is trusted (see course.wire).
"""

import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import seqlib

HERE = Path(__file__).resolve().parent
MAX_MESSAGE = 64 * 2**20  # bytes in one answer line; more is treated as a crash
ENV_KEEP = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class SandboxError(RuntimeError):
    """The student's process died, hung, or said something unreadable."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind  # "timeout", "died", "garbled"


@lru_cache(maxsize=1)
def isolation():
    """(True, description) when namespaces work here, else (False, why not)."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False, "no Linux namespaces (unshare not found): time and memory limits only"
    probe = subprocess.run(_outer_command(["true"], []), capture_output=True, text=True)
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or ["unknown error"])[-1]
        return False, f"Linux namespaces unavailable ({why}): time and memory limits only"
    return True, "own user, mount, network and PID namespaces; sources and gradebook hidden"


def _outer_command(command, hidden):
    """unshare into fresh namespaces, hide ``hidden`` under empty tmpfs mounts, then enter a
    second user namespace (mounts made by the first are locked there) and run command."""
    mounts = "".join(f"mount -t tmpfs -o size=64k,mode=000 tmpfs {_quote(p)} && "
                     for p in hidden)
    script = f'{mounts}exec unshare --user --mount -- "$@"'
    return ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork",
            "--kill-child", "--mount-proc", "--", "/bin/sh", "-c", script, "sh", *command]


def _quote(path):
    return "'" + str(path).replace("'", "'\"'\"'") + "'"


class Sandbox:
    """One student's process: ``start`` it with the cells to run, then ``call`` functions.

    hidden: folders to hide from it (the course's sources, the course folder)
    memory: bytes of address space it may use
    """

    def __init__(self, hidden, memory=2 * 2**30):
        self.hidden = [Path(p) for p in hidden if Path(p).is_dir()]
        self.memory = memory
        self.proc = None
        self.dir = None
        self._buffer = b""
        self._next_id = 0
        self.stdout_path = None
        self.setup = []

    # ---------------------------------------------------------------- lifecycle
    def start(self, cells, forbidden, timeout):
        """Start the process and run the setup cells; return [(ok, error) per cell].

        On a SandboxError, ``self.setup`` holds the cells finished before it: the next cell
        is the one that hung or killed the process."""
        self.close()
        self.dir = Path(tempfile.mkdtemp(prefix="seqlib-grade-"))
        shutil.copytree(Path(seqlib.__file__).parent, self.dir / "seqlib",
                        ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("sandbox_worker.py", "wire.py"):
            shutil.copy(HERE / name, self.dir / name)
        read_fd, write_fd = os.pipe()
        env = {k: os.environ[k] for k in ENV_KEEP if k in os.environ}
        env.update(SINGLE_THREAD, HOME=str(self.dir), MPLBACKEND="Agg",
                   GRADER_FD=str(write_fd), PYTHONDONTWRITEBYTECODE="1")
        command = [sys.executable, "-E", "-s", "sandbox_worker.py"]
        if isolation()[0]:
            command = _outer_command(command, self.hidden)
        self.stdout_path = self.dir / "output.txt"
        with open(self.stdout_path, "wb") as out:
            self.proc = subprocess.Popen(
                command, cwd=self.dir, env=env, stdin=subprocess.PIPE, stdout=out,
                stderr=subprocess.STDOUT, pass_fds=(write_fd,), preexec_fn=self._limits)
        os.close(write_fd)
        self._reader = os.fdopen(read_fd, "rb", buffering=0)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._reader, selectors.EVENT_READ)
        self._send({"cells": cells, "forbidden": forbidden,
                    "seqlib_dir": str(self.dir / "seqlib")})
        deadline = time.monotonic() + timeout
        self.setup = []
        while True:
            message = self._receive(deadline)
            if message.get("ready"):
                return self.setup
            if "cell" in message:
                self.setup.append((bool(message.get("ok")), str(message.get("error", ""))))

    def _limits(self):
        """Runs in the child before exec: its own process group, and resource limits."""
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (self.memory, self.memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 2**20, 256 * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def close(self):
        """Kill the process group (whatever the student's code does with signals)."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            if self.proc.stdin:
                self.proc.stdin.close()
            self._selector.close()
            self._reader.close()
            self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        self._buffer = b""

    # ---------------------------------------------------------------- calls
    def call(self, fn, args, kwargs, timeout):
        """Call ``fn`` (a name in the student's namespace) on wire-encoded args; return the
        worker's reply dict. Raises SandboxError when it hangs past ``timeout`` or dies."""
        self._next_id += 1
        self._send({"id": self._next_id, "fn": fn, "args": args, "kwargs": kwargs})
        reply = self._receive(time.monotonic() + timeout)
        if reply.get("id") != self._next_id:
            raise SandboxError("garbled", "the student's process answered out of turn")
        return reply

    def _send(self, message):
        try:
            self.proc.stdin.write((json.dumps(message) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SandboxError("died", self._death()) from None

    def _receive(self, deadline):
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("timeout", "time limit reached")
            if not self._selector.select(timeout=left):
                continue
            chunk = self._reader.read(1 << 20)
            if not chunk:
                raise SandboxError("died", self._death())
            self._buffer += chunk
            if len(self._buffer) > MAX_MESSAGE:
                raise SandboxError("garbled", "the student's process sent too much data")
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            message = json.loads(line)
        except ValueError:
            raise SandboxError("garbled", "the student's process sent unreadable data") from None
        if not isinstance(message, dict):
            raise SandboxError("garbled", "the student's process sent unreadable data")
        return message

    def _death(self):
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "the student's process stopped answering"
        if code < 0:
            name = signal.Signals(-code).name
            hint = " (out of memory?)" if name == "SIGKILL" else ""
            return f"the student's process was killed by {name}{hint}"
        return f"the student's process exited with code {code}"

    def output_tail(self, limit=2000):
        """The end of what the student's code printed."""
        try:
            return self.stdout_path.read_bytes()[-limit:].decode(errors="replace")
        except (OSError, AttributeError):
            return ""
