"""Worker processes that run the page function off the reactor thread.

The spider hands each fetched page to `PagePool.process(...)` and gets a Deferred of its
`PageResult`; decoding, parsing, classification, extraction and cleaning run in
`NEWSCRAWL_WORKERS` child processes (default: the number of cores; 0 runs the page function
inline on the reactor thread, for debugging). The reactor only schedules, downloads, dedups
and exports.

- One template process (`python -m newscrawl.workers`) imports the extraction stack and
  loads its data (lexicons, profiles, the language model) once, then forks the workers on
  request: their memory is shared copy-on-write instead of loaded once per worker. Started
  as a fresh interpreter, not forked from the crawl, so it carries no reactor or threads.
- Each worker gets its own pair of pipes (passed to the template over a Unix socket),
  which the reactor itself watches: it writes a page and reads the result as each pipe is
  ready, with no helper thread. A worker holds one page at a time: when one dies (a crash, the OOM killer) or runs past
  `NEWSCRAWL_PAGE_TIMEOUT`, exactly that page is counted as an error and a new worker is
  forked; the crawl goes on. Pages and results are pickles that only travel between this
  process and the processes it started.
- Backpressure: at most `NEWSCRAWL_WORKER_QUEUE` pages per worker wait for one; the next
  response waits for a free place, so memory stays flat however fast pages arrive.
- Workers exit when their input pipe closes, so a SIGTERM, Ctrl-C or even kill -9 of the
  main process leaves no orphans (the kernel also kills the template with its parent, and
  a worker with the template).
"""
from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Callable, Optional

from newscrawl.page import ERROR, PageResult

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!Q")
_READY = b"R"
# Seconds the template may take to import and load the extraction stack.
STARTUP_TIMEOUT = 120.0


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class WorkerGone(Exception):
    """The worker process died or stopped answering."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class _Template:
    """The template process and the socket over which it forks workers."""

    def __init__(self, page_function: str = "newscrawl.page.process_page") -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ, NEWSCRAWL_WORKER_PARENT=str(os.getpid()), NEWSCRAWL_PAGE_FUNCTION=page_function)
        self.process = subprocess.Popen([sys.executable, "-m", "newscrawl.workers", str(theirs.fileno())],
                                        pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env)
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()
        self.sock.settimeout(STARTUP_TIMEOUT)
        try:
            ready = self.sock.recv(1)
        except OSError:
            ready = b""
        if ready != _READY:
            raise RuntimeError(f"the newscrawl worker template did not start (exit code {self.process.poll()})")

    def fork(self) -> tuple[int, int, int]:
        """A new worker: (pid, fd to write pages to, fd to read results from)."""
        page_r, page_w = os.pipe()
        result_r, result_w = os.pipe()
        try:
            with self.lock:
                socket.send_fds(self.sock, [b"F"], [page_r, result_w])
                reply = b""
                while len(reply) < _HEADER.size:
                    chunk = self.sock.recv(_HEADER.size - len(reply))
                    if not chunk:
                        raise WorkerGone("the worker template is gone")
                    reply += chunk
        except (OSError, WorkerGone):
            os.close(page_w)
            os.close(result_r)
            raise
        finally:
            os.close(page_r)
            os.close(result_w)
        return _HEADER.unpack(reply)[0], page_w, result_r

    def close(self, timeout: float) -> None:
        try:
            self.sock.close()  # the template's signal to exit
        except OSError:
            pass
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _Pipe:
    """One end of a worker's pipes, as the reactor watches it (IReadDescriptor /
    IWriteDescriptor): readiness is handed to the worker."""

    def __init__(self, worker: "_Worker", reading: bool) -> None:
        self.worker, self.reading = worker, reading

    def fileno(self) -> int:
        return self.worker.result_fd if self.reading else self.worker.page_fd

    def doRead(self) -> None:
        self.worker.readable()

    def doWrite(self) -> None:
        self.worker.writable()

    def connectionLost(self, reason) -> None:
        self.worker.fail("worker_died", f"worker pipe lost ({reason})")

    def logPrefix(self) -> str:
        return f"newscrawl-worker-{self.worker.index}"


class _Worker:
    """One worker process, fed one page at a time by the reactor: the page is written to its
    input pipe and its result read from its output pipe as each becomes ready, in the reactor
    thread. No thread of ours shares the interpreter with the reactor: threads blocked in
    pipe I/O cost the reactor about 3 ms a page in GIL hand-overs on every socket call."""

    def __init__(self, pool: "PagePool", index: int) -> None:
        self.pool, self.index = pool, index
        self.pid: Optional[int] = None
        self.page_fd = self.result_fd = -1
        self.reader, self.writer = _Pipe(self, True), _Pipe(self, False)
        self.task: Optional[tuple] = None  # (url, Deferred) of the page in this worker
        self.outgoing = memoryview(b"")
        self.incoming = bytearray()
        self.timer = None
        self._spawn()

    def _spawn(self) -> None:
        self.pid, self.page_fd, self.result_fd = self.pool.template.fork()
        os.set_blocking(self.page_fd, False)
        os.set_blocking(self.result_fd, False)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start(self, args: tuple, deferred) -> None:
        from twisted.internet import reactor

        if not _alive(self.pid):
            # Died while idle (the OOM killer, a stray signal): no fault of this page.
            self._replace()
            if self.pid is None:
                deferred.callback(_failed(args[0], "worker_died", "no worker process can be started"))
                return
        self.task = (args[0], deferred)
        payload = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
        self.outgoing = memoryview(_HEADER.pack(len(payload)) + payload)
        self.incoming = bytearray()
        if self.pool.page_timeout:
            self.timer = reactor.callLater(self.pool.page_timeout, self.fail, "timeout",
                                           f"the page function ran past {self.pool.page_timeout} s")
        reactor.addReader(self.reader)
        self.writable()
        if self.outgoing and self.busy:
            reactor.addWriter(self.writer)

    def writable(self) -> None:
        from twisted.internet import reactor

        try:
            while self.outgoing:
                self.outgoing = self.outgoing[os.write(self.page_fd, self.outgoing):]
        except BlockingIOError:
            return
        except OSError as exc:
            self.fail("worker_died", f"worker stopped reading ({exc})")
            return
        reactor.removeWriter(self.writer)

    def readable(self) -> None:
        try:
            chunk = os.read(self.result_fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError as exc:
            self.fail("worker_died", str(exc))
            return
        if not chunk:
            self.fail("worker_died", "worker process died")
            return
        self.incoming += chunk
        if len(self.incoming) < _HEADER.size:
            return
        size, = _HEADER.unpack_from(self.incoming)
        if len(self.incoming) < _HEADER.size + size:
            return
        try:
            result = pickle.loads(memoryview(self.incoming)[_HEADER.size:_HEADER.size + size])
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            self.fail("worker_died", f"unreadable result ({exc})")
            return
        self._finish(result)

    def fail(self, kind: str, message: str) -> None:
        """The page in this worker is lost: it becomes an error, and a new worker takes over."""
        if not self.busy:
            return
        url = self.task[0]
        self._replace()
        self._finish(_failed(url, kind, message))

    def _finish(self, result: PageResult) -> None:
        from twisted.internet import reactor

        url, deferred = self.task
        self.task = None
        self.outgoing, self.incoming = memoryview(b""), bytearray()
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None
        if self.page_fd >= 0:
            reactor.removeReader(self.reader)
            reactor.removeWriter(self.writer)
        deferred.callback(result)
        self.pool.dispatch()

    def _unwatch(self) -> None:
        from twisted.internet import reactor

        if self.busy and self.page_fd >= 0:
            reactor.removeReader(self.reader)
            reactor.removeWriter(self.writer)

    def _kill(self) -> None:
        self._unwatch()
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for fd in (self.page_fd, self.result_fd):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.page_fd = self.result_fd = -1

    def _replace(self) -> None:
        self._kill()
        if self.pool.closing:
            return
        try:
            self._spawn()
        except (OSError, WorkerGone) as exc:  # the template is gone: nothing more runs
            logger.error("cannot start a new newscrawl worker: %s", exc)
            self.pid = None

    def stop(self, timeout: float) -> None:
        self._unwatch()
        if self.page_fd >= 0:
            os.close(self.page_fd)  # the worker's signal to exit
            self.page_fd = -1
        deadline = time.monotonic() + timeout
        while self.pid is not None and _alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        self._kill()


def import_function(dotted: str) -> Callable:
    """"package.module.function" -> the function (a spider's `page_function`)."""
    import importlib

    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _failed(url: str, kind: str, message: str) -> PageResult:
    result = PageResult(url, ERROR, error=message)
    result.counters[f"errors/{kind}"] += 1
    return result


class PagePool:
    """`process()` returns a Deferred that fires with the page's PageResult. Call it from the
    reactor thread: the workers' pipes are watched by the reactor itself."""

    def __init__(self, workers: int, queue_per_worker: int = 2, page_timeout: float = 120.0,
                 page_function: str = "newscrawl.page.process_page") -> None:
        self.size = max(0, int(workers))
        self.page_function = page_function  # "module.function" the workers call (a spider's hook)
        self.page_timeout = page_timeout
        self.closing = False
        self.waiting: "deque[tuple]" = deque()  # (args, Deferred) of pages no worker has taken yet
        self.template: Optional[_Template] = _Template(page_function) if self.size else None
        self._workers = [_Worker(self, i) for i in range(self.size)]
        self._slots = None
        if self.size:
            from twisted.internet.defer import DeferredSemaphore

            # Pages in a worker plus pages waiting for one: the bound on pages held in memory.
            self._slots = DeferredSemaphore(self.size * (1 + max(0, int(queue_per_worker))))

    def process(self, *args):
        """args: those of newscrawl.page.process_page (url, headers, body, fetched_at, hints)."""
        from twisted.internet import defer

        if not self.size:  # inline: on the reactor thread, for debugging
            return defer.succeed(import_function(self.page_function)(*args))

        def submit(_):
            if self.closing:
                return _failed(args[0], "shutdown", "the crawl is closing")
            result = defer.Deferred()
            self.waiting.append((args, result))
            self.dispatch()
            return result

        return self._slots.run(submit, None)

    def dispatch(self) -> None:
        """Hand waiting pages to idle workers."""
        for worker in self._workers:
            if not self.waiting or self.closing:
                return
            if not worker.busy and worker.pid is not None:
                worker.start(*self.waiting.popleft())

    def close(self, timeout: float = 10.0) -> None:
        """Ends the workers (their input closes, so each exits) and the template; pages still
        waiting or in a worker are answered as errors."""
        if self.closing:
            return
        self.closing = True
        while self.waiting:
            args, deferred = self.waiting.popleft()
            deferred.callback(_failed(args[0], "shutdown", "the crawl is closing"))
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            task = worker.task
            worker.stop(max(0.1, deadline - time.monotonic()))
            if task is not None:
                worker.task = None
                task[1].callback(_failed(task[0], "shutdown", "the crawl is closing"))
        if self.template is not None:
            self.template.close(max(0.1, deadline - time.monotonic()))

    def pids(self) -> list[int]:
        return [w.pid for w in self._workers if w.pid is not None and _alive(w.pid)]


# --- the template and worker processes --------------------------------------------------------
def _exit_with_parent(parent: int) -> None:
    """End this process when its parent is gone, even in the middle of a page."""
    try:  # Linux: the kernel sends SIGKILL when the parent dies
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


_WARM_UP_PAGE = ("<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>" + "<p>" + (
    "A short story that loads what extraction and cleaning need before the first real page. " * 8)
    + "</p></article></body></html>").encode()


def _read_task(stream) -> Optional[tuple]:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    size, = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return pickle.loads(payload)


def serve_pages(call: Callable, page_fd: int, result_fd: int) -> int:
    """A worker's loop: pages in, results out, until its input closes."""
    stdin, stdout = os.fdopen(page_fd, "rb"), os.fdopen(result_fd, "wb")
    while True:
        task = _read_task(stdin)
        if task is None:
            return 0
        result = call(*task)
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(_HEADER.pack(len(payload)) + payload)
        stdout.flush()


def template_main(control_fd: int, call: Optional[Callable] = None) -> int:
    # Ctrl-C reaches the whole process group: the main process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(int(os.environ.get("NEWSCRAWL_WORKER_PARENT") or os.getppid()))
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)  # libraries' chatter would drown the crawl's log
    sys.stdout = sys.stderr  # a stray print must not reach a result stream
    if call is None:
        call = import_function(os.environ.get("NEWSCRAWL_PAGE_FUNCTION") or "newscrawl.page.process_page")
    # What a first page would pay for (imports, lexicons, profiles, the language model), paid
    # once here and shared by every worker forked afterwards.
    from newscrawl.page import PageHints

    call("http://warm-up.invalid/2024/01/01/story.html", {"Content-Type": "text/html"}, _WARM_UP_PAGE, None,
         PageHints(fingerprint=True))
    gc.collect()
    gc.freeze()  # the collector of a worker then leaves the shared objects' pages alone
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they exit
    control = socket.socket(fileno=control_fd)
    control.sendall(_READY)
    template_pid = os.getpid()
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 1, 2)
        except OSError:
            return 0
        if not message or len(fds) != 2:
            return 0
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _exit_with_parent(template_pid)
            code = 1
            try:
                code = serve_pages(call, fds[0], fds[1])
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)
        control.sendall(_HEADER.pack(pid))


if __name__ == "__main__":
    sys.exit(template_main(int(sys.argv[1])))
