"""Worker processes that run the page function off the reactor thread.

The spider hands each fetched page to `PagePool.process(...)` and gets a Deferred of its
`PageResult`; decoding, parsing, classification, extraction and cleaning run in
`NEWSCRAWL_WORKERS` child processes (default: the number of cores; 0 runs the page function
inline on the reactor thread, for debugging). The reactor only schedules, downloads, dedups
and exports.

- A worker is `python -m newscrawl.workers`, fed length-prefixed pickles on its stdin and
  answering on its stdout: no multiprocessing start-method or main-module re-import issues
  under `scrapy crawl`, `newscrawl crawl` or scrapyd. The pickles only travel between this
  process and the children it started.
- Each worker holds one page at a time, so when one dies (a crash, the OOM killer) or runs
  past `NEWSCRAWL_PAGE_TIMEOUT`, exactly that page is counted as an error and the worker is
  replaced; the crawl goes on.
- Backpressure: at most `NEWSCRAWL_WORKER_QUEUE` pages per worker wait for one; the next
  response waits for a free place, so memory stays flat however fast pages arrive.
- A worker exits when its stdin closes, so a SIGTERM, Ctrl-C or even kill -9 of the main
  process leaves no orphans (a watchdog also ends a worker whose parent is gone while it is
  busy with a page).
"""
from __future__ import annotations

import logging
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Optional

from newscrawl.page import ERROR, PageResult

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!Q")
_READY = b"R"
_STOP = object()
# Seconds a new worker may take to import the extraction stack before it is given pages.
STARTUP_TIMEOUT = 120.0


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class WorkerGone(Exception):
    """The worker process died or stopped answering."""


def _read_exact(fd: int, size: int, deadline: Optional[float]) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise WorkerGone("worker closed its output")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class _Worker:
    """One child process and the thread in this process that feeds it pages one at a time."""

    def __init__(self, pool: "PagePool", index: int) -> None:
        self.pool, self.index = pool, index
        self.process: Optional[subprocess.Popen] = None
        self.thread = threading.Thread(target=self._run, name=f"newscrawl-worker-{index}", daemon=True)

    def start(self) -> None:
        self._spawn()
        self.thread.start()

    def _spawn(self) -> None:
        env = dict(os.environ, NEWSCRAWL_WORKER_PARENT=str(os.getpid()))
        self.process = subprocess.Popen([sys.executable, "-m", "newscrawl.workers"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env, bufsize=0)
        # The worker says it is ready once its imports are done: a page's timeout starts then.
        try:
            ready = _read_exact(self.process.stdout.fileno(), 1, time.monotonic() + STARTUP_TIMEOUT)
        except (TimeoutError, WorkerGone):
            ready = b""
        if ready != _READY:
            logger.error("newscrawl worker %s did not start (exit code %s)", self.index, self.process.poll())

    def _send(self, payload: bytes) -> None:
        # A worker that died while idle (the OOM killer, a stray signal) is no fault of this
        # page: replace it once and send the page again.
        for attempt in (1, 2):
            try:
                self.process.stdin.write(_HEADER.pack(len(payload)) + payload)
                return
            except (BrokenPipeError, OSError) as exc:
                if attempt == 2 or self.pool.closing:
                    raise WorkerGone(f"worker stopped reading ({exc})") from exc
                self._replace()

    def _call(self, args: tuple) -> PageResult:
        self._send(pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL))
        timeout = self.pool.page_timeout
        deadline = time.monotonic() + timeout if timeout else None
        fd = self.process.stdout.fileno()
        size, = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
        return pickle.loads(_read_exact(fd, size, deadline))

    def _replace(self) -> None:
        old = self.process
        if old is not None:
            old.kill()
            old.wait()
        if not self.pool.closing:
            self._spawn()

    def _run(self) -> None:
        while True:
            task = self.pool.tasks.get()
            if task is _STOP:
                return
            args, deliver = task
            url = args[0]
            try:
                result = self._call(args)
            except TimeoutError:
                result = _failed(url, "timeout", f"the page function ran past {self.pool.page_timeout} s")
                self._replace()
            except (WorkerGone, struct.error, pickle.UnpicklingError, EOFError, OSError) as exc:
                code = self.process.poll() if self.process else None
                why = f"worker process died (exit code {code})" if code is not None else str(exc)
                result = _failed(url, "worker_died", why)
                self._replace()
            deliver(result)

    def stop(self, timeout: float) -> None:
        process = self.process
        if process is None:
            return
        try:
            process.stdin.close()  # the worker's signal to exit
        except OSError:
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _failed(url: str, kind: str, message: str) -> PageResult:
    result = PageResult(url, ERROR, error=message)
    result.counters[f"errors/{kind}"] += 1
    return result


class PagePool:
    """`process()` returns a Deferred that fires with the page's PageResult, in the reactor thread."""

    def __init__(self, workers: int, queue_per_worker: int = 2, page_timeout: float = 120.0) -> None:
        self.size = max(0, int(workers))
        self.page_timeout = page_timeout
        self.closing = False
        self.tasks: "queue.Queue[Any]" = queue.Queue()
        self._workers = [_Worker(self, i) for i in range(self.size)]
        self._slots = None
        if self.size:
            from twisted.internet.defer import DeferredSemaphore

            # Pages in a worker plus pages waiting for one: the bound on pages held in memory.
            self._slots = DeferredSemaphore(self.size * (1 + max(0, int(queue_per_worker))))
        for worker in self._workers:
            worker.start()

    def process(self, *args):
        """args: those of newscrawl.page.process_page (url, headers, body, fetched_at, hints)."""
        from twisted.internet import defer, reactor

        if not self.size:  # inline: on the reactor thread, for debugging
            from newscrawl.page import process_page

            return defer.succeed(process_page(*args))

        def submit(_):
            result = defer.Deferred()

            def deliver(page_result: PageResult) -> None:
                reactor.callFromThread(result.callback, page_result)

            if self.closing:
                return _failed(args[0], "shutdown", "the crawl is closing")
            self.tasks.put((args, deliver))
            return result

        return self._slots.run(submit, None)

    def close(self, timeout: float = 10.0) -> None:
        """Ends the workers: each finishes its page, then exits when its stdin closes."""
        if self.closing:
            return
        self.closing = True
        for _ in self._workers:
            self.tasks.put(_STOP)
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            worker.thread.join(max(0.1, deadline - time.monotonic()))
            worker.stop(max(0.1, deadline - time.monotonic()))

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process is not None and w.process.poll() is None]


# --- the worker process ---------------------------------------------------------------------
def _exit_with_parent(parent: int) -> None:
    """End this worker when the crawl's process is gone, even in the middle of a page."""
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


def worker_main(call: Optional[Callable] = None) -> int:
    # Ctrl-C reaches the whole process group: the main process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = int(os.environ.get("NEWSCRAWL_WORKER_PARENT") or os.getppid())
    _exit_with_parent(parent)
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)  # libraries' chatter would drown the crawl's log
    if call is None:
        from newscrawl.page import process_page as call
    # What a first page would pay for (imports, lexicons, profiles, the language model), paid
    # before saying ready.
    call("http://warm-up.invalid/2024/01/01/story.html", {"Content-Type": "text/html"}, _WARM_UP_PAGE)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the result stream
    stdout.write(_READY)
    stdout.flush()
    while True:
        task = _read_task(stdin)
        if task is None:
            return 0
        result = call(*task)
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(_HEADER.pack(len(payload)) + payload)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(worker_main())
