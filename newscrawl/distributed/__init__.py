"""Crawls over several machines: one Redis holds the frontier, the seen-URL filter, the
dedup state and the workers' figures; every `newscrawl crawl --redis URL --crawl NAME`
(or `scrapy crawl news -s REDIS_URL=URL -s NEWSCRAWL_CRAWL=NAME`) is a worker of that crawl.

Built on scrapy-redis (its Scheduler, PriorityQueue and RFPDupeFilter), with small subclasses
for what it lacks on the Scrapy we pin (see README, "Crawling on several machines"):

  queue.py       the priority queue made reliable: a pop moves the request into the worker's
                 in-flight hash (Lua, atomic); a worker whose heartbeat stops has its in-flight
                 requests put back in the queue by any other worker.
  dupefilter.py  our request fingerprints (tracking parameters stripped), 8 bytes each, in
                 bucketed Redis sets that stay in Redis's compact integer-set encoding.
  scheduler.py   heartbeat, acknowledgement when a request is fully processed, the end of the
                 crawl (empty queue and nothing in flight anywhere), Redis lost mid-crawl.
  pipeline.py    the dedup pipeline over newscrawl.dedup.redis_store.RedisStore, with the
                 claim of a story committed atomically before it is written.
  runs.py        runs of a named crawl: a worker joins the run in progress or, once the last
                 run is over, begins a new one (fresh frontier and filter, same dedup state).
  addon.py       switches all of this on when REDIS_URL is set.
  keys.py        the key layout of a crawl and the connection helper.
  scrapy_internals.py  the only places that reach past Scrapy's public API, and why.
"""
