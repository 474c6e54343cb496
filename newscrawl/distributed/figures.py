"""Crawl-level figures aggregated from the workers' figures in Redis: for `newscrawl status`
and the crawl section of each worker's summary."""
from __future__ import annotations

import time

# worker stats hash field -> Scrapy stats key (errors are computed)
WORKER_FIGURES = {
    "pages": "response_received_count",
    "stories": "item_scraped_count",
    "duplicates": "dedup/duplicates",
    "revisions": "dedup/revisions",
    "unchanged": "dedup/unchanged",  # exported by an earlier run: the bulk of a rerun
    "dedup_conflicts": "dedup/redis_conflicts",  # decisions replayed: another worker committed meanwhile
    "dropped": "item_dropped_count",
}


def worker_figures(stats: dict) -> dict[str, int]:
    from newscrawl.extensions import error_count

    figures = {name: int(stats.get(key, 0) or 0) for name, key in WORKER_FIGURES.items()}
    figures["errors"] = error_count(stats)
    return figures


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def crawl_figures(client, crawl: str, run_id: str | None = None, worker_timeout: float = 15.0) -> dict:
    """Queued, in flight, workers alive and the summed figures of every worker of a run of
    the crawl (default: its current run)."""
    from newscrawl.distributed.keys import crawl_prefix, run_prefix
    from newscrawl.distributed.runs import current_run

    run = current_run(client, crawl) or {}
    run_id = run_id or run.get("id")
    totals = dict.fromkeys(list(WORKER_FIGURES) + ["errors"], 0)
    figures = {"run_id": run_id, "run_number": int(run["number"]) if run_id and run.get("id") == run_id else None,
               "queued": 0, "in_flight": 0, "workers_alive": 0, "workers_seen": 0, **totals,
               "requests_returned": 0, "workers_lost": 0, "seeded_at": None, "done_at": None,
               "dedup_stories": int(client.get(crawl_prefix(crawl) + "dedup:n") or 0), "workers": {}}
    if not run_id:  # the crawl never ran
        return figures
    prefix = run_prefix(crawl, run_id)
    server_now = client.time()
    now = server_now[0] + server_now[1] / 1e6 if server_now else time.time()
    alive = [_text(w) for w in client.zrangebyscore(prefix + "workers", now - worker_timeout, "+inf")]
    all_workers = sorted({_text(k)[len(prefix) + len("worker:"):] for k in client.scan_iter(match=prefix + "worker:*")})
    workers = {}
    for worker in all_workers:
        info = {_text(k): _text(v) for k, v in client.hgetall(prefix + "worker:" + worker).items()}
        stats = {_text(k): int(v) for k, v in client.hgetall(prefix + "stats:" + worker).items()}
        for name in totals:
            totals[name] += stats.get(name, 0)
        workers[worker] = {**info, **stats, "in_flight": client.hlen(prefix + "inflight:" + worker),
                           "alive": worker in alive}
    meta = {_text(k): _text(v) for k, v in client.hgetall(prefix + "meta").items()}
    figures.update(totals, queued=client.zcard(prefix + "queue"), workers=workers,
                   in_flight=sum(w["in_flight"] for w in workers.values()), workers_alive=len(alive),
                   workers_seen=len(workers), requests_returned=int(meta.get("returned", 0)),
                   workers_lost=int(meta.get("workers_lost", 0)), seeded_at=meta.get("seeded_at"),
                   done_at=meta.get("done_at"))
    return figures
