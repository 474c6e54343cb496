"""Driving a PagePool from a test: the pool lives on the reactor (it watches the workers'
pipes), so tests run a real reactor in a daemon thread and hand it the calls."""
from __future__ import annotations

import threading
import time

from newscrawl.workers import PagePool


def start_reactor() -> None:
    from twisted.internet import reactor

    if not reactor.running:
        threading.Thread(target=reactor.run, kwargs={"installSignalHandlers": False}, daemon=True).start()
        while not reactor.running:
            time.sleep(0.01)


def run_in_pool(pool: PagePool, calls: list[tuple], timeout: float = 120) -> list:
    """Run pool.process for each call under the reactor thread; results in call order."""
    from twisted.internet import reactor

    start_reactor()
    results: dict[int, object] = {}
    done = threading.Event()

    def start():
        for i, args in enumerate(calls):
            def keep(result, i=i):
                results[i] = result
                if len(results) == len(calls):
                    done.set()
            pool.process(*args).addCallback(keep)

    reactor.callFromThread(start)
    assert done.wait(timeout), f"only {len(results)} of {len(calls)} results"
    return [results[i] for i in range(len(calls))]
