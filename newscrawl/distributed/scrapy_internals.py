"""The only places where a distributed crawl reaches past Scrapy's public API, each because
Scrapy has no public way to do it (read on Scrapy 2.19; tests/test_distributed_units.py
pins each on the installed Scrapy). `check(crawler)` runs when a worker opens, so a Scrapy
that renamed one of them stops the worker at once with an error naming what is missing,
instead of a crawl that never acknowledges a request or never ends.

- `on_request_released`: the reliable queue acknowledges a request when Scrapy has fully
  processed it (downloaded, callback run, the requests it yielded scheduled, its items
  through the pipelines). Scrapy sends no signal for that moment; the engine's private slot
  releases the request exactly then (`ExecutionEngine._slot.remove_request`).
- `wake`: a worker with nothing to do must notice within a fraction of a second that other
  workers queued requests, or that the crawl is over; the engine looks at its scheduler only
  after a download or on its own 5-second heartbeat. Its private slot's `nextcall` runs that
  look now (and, when the spider is idle, the public spider_idle machinery that ends it).
- `write_to_claim_feeds`: a story is written to the feeds that use WrittenAtClaim at the
  moment its dedup claim is committed, before the item_scraped signal (see pipeline.py).
  FeedExporter's feed slots (`slots`, `filter`, `start_exporting`, `exporter`, `itemcount`)
  are undocumented; the extension itself is found with the public `crawler.get_extension`.
"""
from __future__ import annotations

from typing import Any, Callable


class ScrapyInternalsChanged(RuntimeError):
    pass


def check(crawler) -> None:
    import scrapy

    engine = crawler.engine
    slot = getattr(engine, "_slot", None)
    missing = [name for name, ok in (
        ("ExecutionEngine._slot", slot is not None),
        ("_Slot.remove_request", callable(getattr(slot, "remove_request", None))),
        ("_Slot.nextcall.schedule", callable(getattr(getattr(slot, "nextcall", None), "schedule", None))),
        ("_Slot.closing", hasattr(slot, "closing")),
    ) if not ok]
    if missing:
        raise ScrapyInternalsChanged(
            f"Scrapy {scrapy.__version__} lacks {', '.join(missing)}, which distributed crawls "
            "(newscrawl/distributed/scrapy_internals.py) need")


def on_request_released(crawler, callback: Callable[[Any], None]) -> None:
    """Call `callback(request)` each time the engine is done with a request."""
    slot = crawler.engine._slot
    release = slot.remove_request

    def remove_request(request, _release=release):
        _release(request)
        callback(request)

    slot.remove_request = remove_request


def wake(crawler) -> bool:
    """Have the engine ask the scheduler for requests (and check for idleness) on the next
    reactor turn. False when the engine is closing or closed."""
    slot = getattr(crawler.engine, "_slot", None)
    if slot is None or slot.closing is not None:
        return False
    slot.nextcall.schedule()
    return True


def write_to_claim_feeds(crawler, item, filter_class: type) -> None:
    """Write `item` now to every feed whose item filter is a `filter_class`, and mark it there
    (filter_class.written) so that the item_scraped signal does not write it again."""
    from scrapy.extensions.feedexport import FeedExporter

    exporter = crawler.get_extension(FeedExporter)
    for slot in getattr(exporter, "slots", ()):
        if isinstance(slot.filter, filter_class) and slot.filter.accepts(item):
            slot.start_exporting()
            slot.exporter.export_item(item)
            slot.itemcount += 1
            slot.filter.written[id(item)] = item
