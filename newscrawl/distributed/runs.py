"""Runs of a named crawl: `newscrawl crawl … --redis URL --crawl NAME` started again after
the crawl finished begins a new run of it, as `--state DIR` does on one machine.

- A run has its own frontier, seen-URL filter, in-flight lists, workers and figures (keys
  under `newscrawl:NAME:run:RUN_ID:`), so listings are fetched again each run.
- The dedup state (`newscrawl:NAME:dedup:*`) belongs to the crawl and outlives its runs: a
  story exported by an earlier run is not exported again (a revised one is, as a revision).
- A worker that starts while a run is in progress joins it; so does one that starts after
  every worker of a run was killed (the run is not over: its requests come back and it goes
  on, as a killed `--state` run is resumed). Only a run that ended (`done_at`) gives way to
  a new one.
- The worker that begins a new run files the previous run's figures in the crawl's history
  (`runs`, newest first) and deletes the previous run's keys.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

HISTORY = 20  # previous runs whose figures are kept

# Join the current run unless it is over; else begin run ARGV[2]. KEYS: the crawl's `run`
# hash. ARGV: crawl prefix, new run id. Returns {run id, run number, began (0/1), previous}.
ENTER = """
local current = redis.call('HGET', KEYS[1], 'id')
if current and redis.call('HEXISTS', ARGV[1] .. 'run:' .. current .. ':meta', 'done_at') == 0 then
  return {current, tonumber(redis.call('HGET', KEYS[1], 'number')), 0, ''}
end
local t = redis.call('TIME')
local number = redis.call('HINCRBY', KEYS[1], 'number', 1)
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'started_at', t[1])
return {ARGV[2], number, 1, current or ''}
"""


@dataclass
class RunEntry:
    run_id: str
    number: int  # 1 for the crawl's first run
    began: bool  # this worker began the run (else it joined it)
    previous: Optional[str] = None  # the run it replaced


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def enter(client, crawl: str) -> RunEntry:
    """Join the crawl's run in progress, or begin a new one (and retire the previous run)."""
    from newscrawl.distributed.keys import crawl_prefix
    from newscrawl.runs import new_run_id

    prefix = crawl_prefix(crawl)
    run_id, number, began, previous = client.eval(ENTER, 1, prefix + "run", prefix, new_run_id())
    entry = RunEntry(_text(run_id), int(number), bool(began), _text(previous) or None)
    if entry.began:
        retire_old_runs(client, crawl, entry)
    return entry


def current_run(client, crawl: str) -> Optional[dict]:
    from newscrawl.distributed.keys import crawl_prefix

    run = {_text(k): _text(v) for k, v in client.hgetall(crawl_prefix(crawl) + "run").items()}
    return run or None


def is_running(client, crawl: str, run_id: str) -> bool:
    """`run_id` is the crawl's current run and it is not over."""
    from newscrawl.distributed.keys import run_prefix

    run = current_run(client, crawl)
    return bool(run) and run["id"] == run_id and not client.hexists(run_prefix(crawl, run_id) + "meta", "done_at")


def history(client, crawl: str) -> list[dict]:
    from newscrawl.distributed.keys import crawl_prefix

    return [json.loads(entry) for entry in client.lrange(crawl_prefix(crawl) + "runs", 0, -1)]


def retire_old_runs(client, crawl: str, entry: RunEntry) -> None:
    """File the previous run's figures in the history, then delete the keys of every run but
    the one just begun (a worker of an old run that was still closing may have written a few)."""
    from newscrawl.distributed.figures import crawl_figures
    from newscrawl.distributed.keys import crawl_prefix

    prefix = crawl_prefix(crawl)
    if entry.previous:
        figures = crawl_figures(client, crawl, entry.previous)
        figures.pop("workers", None)
        figures["run_number"] = entry.number - 1
        client.lpush(prefix + "runs", json.dumps(figures, sort_keys=True))
        client.ltrim(prefix + "runs", 0, HISTORY - 1)
    runs = prefix + "run:"
    for key in client.scan_iter(match=runs + "*", count=1000):
        if _text(key)[len(runs):].split(":", 1)[0] != entry.run_id:
            client.unlink(key)
