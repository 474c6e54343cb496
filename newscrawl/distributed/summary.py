"""The crawl-level part of a worker's summary (`<export>.summary.json`, key "crawl"): the
figures of all workers of the crawl, read from Redis when this worker ends."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def add_crawl_section(summary_file: Path, distributed: dict, stats: dict) -> None:
    from newscrawl.distributed.figures import crawl_figures
    from newscrawl.distributed.keys import RedisUnavailable, connect

    summary = json.loads(Path(summary_file).read_text(encoding="utf-8"))
    crawl = {"name": distributed["NEWSCRAWL_CRAWL"], "worker": stats.get("newscrawl/worker_id")}
    lost = stats.get("newscrawl/redis_lost")
    if lost:
        crawl["error"] = lost
        sys.stderr.write(f"newscrawl crawl: error: {lost}; the {summary.get('stories_exported', 0)} stories "
                         f"written are in {summary.get('export')}\n")
    else:
        try:
            client = connect(distributed["REDIS_URL"])
            figures = crawl_figures(client, distributed["NEWSCRAWL_CRAWL"], distributed["NEWSCRAWL_CRAWL_RUN"])
            figures.pop("workers", None)
            crawl.update(figures)
        except RedisUnavailable as exc:
            crawl["error"] = str(exc)
    summary["crawl"] = crawl
    tmp = Path(str(summary_file) + ".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(summary_file)
