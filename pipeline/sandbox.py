"""Run a function in a child process with a wall-clock and a memory limit.

Parsers read untrusted bytes with C libraries (pdfium, libjpeg, tesseract), so
a hostile or broken file can hang, segfault or allocate without bound. Running
the parser in a child process keeps all of that away from the caller:

- past ``timeout_s`` the child (and anything it started, e.g. tesseract) is
  killed -> :class:`ParseTimeout`;
- allocations beyond ``memory_mb`` of address space (``RLIMIT_AS``, inherited by
  subprocesses) fail in the child -> :class:`ParseResourceLimit`;
- a child that dies (signal, abort) -> :class:`CorruptDocument`;
- any other exception in the child -> :class:`CorruptDocument` with its message,
  while a :class:`DocloopError` raised by the function passes through as is.

Those last two are unexplained failures. A warm child carries what earlier documents
left in it (loaded libraries, a fragmented heap), which shrinks the room under the
memory limit: an input near the limit can then fail another way (a library error, an
abort between two address-space samples). So an unexplained failure in a child that
served earlier calls is tried once more in a fresh child, whose verdict stands.

Each child is a fresh interpreter (``python -c``), so the caller's threads,
locks and memory never reach it, and, unlike multiprocessing's ``spawn``, it
does not re-import the caller's ``__main__`` (a CLI that imports every model
library, or a script without a ``__main__`` guard). It talks to the parent over
a socket pair with multiprocessing's ``Connection`` (pickled messages) and
leads its own process group, so a kill also reaches its subprocesses.
Children are kept warm in a small pool, because starting one and importing the
parsers costs far more than a typical parse. A child that was killed, hit the
memory limit or served ``MAX_TASKS`` calls is replaced, so state from one
document never leaks into the next. Calls from several threads each get their
own child.
"""

from __future__ import annotations

import atexit
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from pipeline.errors import CorruptDocument, DocloopError, ParseResourceLimit, ParseTimeout


class Unexplained(CorruptDocument):
    """The parser crashed or raised something unexpected (code ``corrupt``)."""

T = TypeVar("T")

MAX_TASKS = 200  # recycle a child after this many calls (bounds leaks in C libraries)
MAX_IDLE = os.cpu_count() or 2  # warm children kept between calls
SAMPLE_S = 0.02  # how often a running child's address space is sampled
# a child that crashes after growing by this share of its remaining allowance ran out of memory
CRASH_GROWTH_SHARE = 0.25

# The child's first message is the parent's sys.path, so it can import what the parent can.
_BOOT = (
    "import sys; from multiprocessing.connection import Connection; "
    "conn = Connection(int(sys.argv[1])); sys.path[:] = conn.recv(); "
    "from pipeline.sandbox import serve; serve(conn)"
)


def serve(conn: Connection) -> None:
    """The child's loop: run each (fn, args, memory_mb) and send back the outcome."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    while True:
        try:
            fn, args, memory_mb = conn.recv()
        except EOFError:  # the parent went away
            return
        except Exception as exc:  # e.g. a function the child cannot import: the caller's bug
            conn.send(("error", RuntimeError(f"the sandbox cannot load the call: {exc}")))
            continue
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, hard))
        try:
            outcome: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            outcome = ("memory", None)
        except DocloopError as exc:
            outcome = ("error", exc)
        except Exception as exc:  # an unexpected failure of the parser on this input
            outcome = ("error", Unexplained(f"{type(exc).__name__}: {exc}"))
        try:
            conn.send(outcome)
        except MemoryError:  # pickling the result needs memory too
            conn.send(("memory", None))
        except Exception as exc:  # e.g. a result that does not pickle
            conn.send(("error", CorruptDocument(f"result not transferable: {exc}")))
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


class _Child:
    """One warm child process and the connection to it."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.conn = Connection(ours.detach())
        self.conn.send(sys.path)
        self.tasks = 0

    def _address_space_kib(self) -> int:
        """The child's current address space (what RLIMIT_AS bounds); 0 once it is gone."""
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                return next((int(line.split()[1]) for line in status if line.startswith("VmSize:")), 0)
        except OSError:
            return 0

    def _wait(self, timeout_s: float) -> tuple[bool, int, int]:
        """Wait for the outcome: (ready, address space at the start, largest seen meanwhile)."""
        deadline = time.monotonic() + timeout_s
        start = peak = self._address_space_kib()
        while not self.conn.poll(max(0.0, min(SAMPLE_S, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                return False, start, peak
            peak = max(peak, self._address_space_kib())
        return True, start, peak

    def call(self, fn: Callable[..., T], args: tuple[Any, ...], timeout_s: float, memory_mb: int) -> T:
        """Run one call; raises the typed error, and kills the child where it cannot be reused."""
        self.tasks += 1
        try:
            self.conn.send((fn, args, memory_mb))
            ready, start, peak = self._wait(timeout_s)
            if not ready:
                self.kill()
                raise ParseTimeout(f"parsing took longer than {timeout_s:g}s")
            kind, value = self.conn.recv()
        except (EOFError, OSError):  # the child died
            code = self.kill()
            # C libraries (pdfium) abort when an allocation fails, so a crash after
            # the child used much of its allowance is a memory blow-up, not corrupt data
            if peak - start >= CRASH_GROWTH_SHARE * (memory_mb * 1024 - start):
                raise ParseResourceLimit(f"parsing needed more than {memory_mb} MB (crashed, exit code {code})")
            raise Unexplained(f"the parser crashed (exit code {code})")
        if kind == "memory":
            self.kill()  # the heap may be in a bad state after hitting the limit
            raise ParseResourceLimit(f"parsing needed more than {memory_mb} MB")
        if kind == "error":
            raise value
        return value

    @property
    def reusable(self) -> bool:
        return self.process.poll() is None and self.tasks < MAX_TASKS

    def kill(self) -> int:
        """Kill the child and its process group; returns its exit code (negative: the signal)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.conn.close()
        return self.process.wait()


class _Pool:
    """Idle warm children; a call takes one (or starts one) and gives it back."""

    def __init__(self) -> None:
        self._idle: list[_Child] = []
        self._lock = threading.Lock()

    def acquire(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.reusable:
                    return child
                child.kill()  # died while idle (killed from outside): reap it
        return _Child()

    def release(self, child: _Child) -> None:
        if child.reusable:
            with self._lock:
                if len(self._idle) < MAX_IDLE:
                    self._idle.append(child)
                    return
        child.kill()

    def close(self) -> None:
        with self._lock:
            children, self._idle = self._idle, []
        for child in children:
            child.kill()


_pool = _Pool()
atexit.register(_pool.close)


def run_isolated(fn: Callable[..., T], *args: Any, timeout_s: float, memory_mb: int) -> T:
    """``fn(*args)`` in a child process, within ``timeout_s`` seconds and ``memory_mb`` MB.

    ``fn`` and ``args`` must pickle (a module-level function and plain data).
    Raises ParseTimeout, ParseResourceLimit or CorruptDocument as described above.
    """
    child = _pool.acquire()
    try:
        return child.call(fn, args, timeout_s, memory_mb)
    except Unexplained:
        if child.tasks == 1:  # a fresh child's verdict
            raise
    finally:
        _pool.release(child)
    fresh = _Child()
    try:
        return fresh.call(fn, args, timeout_s, memory_mb)
    finally:
        _pool.release(fresh)
