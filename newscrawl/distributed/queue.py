"""The frontier: scrapy-redis's PriorityQueue made reliable.

scrapy-redis pops destructively (ZRANGE + ZREMRANGEBYRANK), so a worker killed with requests
in hand loses them. Here a pop moves the request, in one Lua script, from the queue into the
worker's in-flight hash; the scheduler deletes it from there once Scrapy has fully processed
it (the requests and items it produced are already in Redis by then). Any worker's heartbeat
puts back in the queue the in-flight requests of workers whose heartbeat stopped (REAP).
"""
from __future__ import annotations

from scrapy_redis.queue import PriorityQueue

# KEYS: queue, inflight hash, token counter. Returns {token, request} or nil.
POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return nil end
redis.call('ZREM', KEYS[1], r[1])
local token = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], token, r[2] .. '\\n' .. r[1])
return {token, r[1]}
"""

# Seen-filter check and push in one step (a worker killed between the two would leave a URL
# marked seen that no queue holds). KEYS: seen bucket, queue. ARGV: fingerprint, score, request.
PUSH_IF_NEW = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Heartbeat of ARGV[2] (unless empty), then every worker silent for more than ARGV[3] seconds
# is dead: its in-flight requests go back to the queue. KEYS: workers, queue. ARGV[1]: prefix.
# Returns {requests returned, workers reaped}.
REAP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[1], now, ARGV[2]) end
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
local returned = 0
for _, w in ipairs(dead) do
  local inflight = ARGV[1] .. 'inflight:' .. w
  for _, entry in ipairs(redis.call('HVALS', inflight)) do
    local nl = string.find(entry, '\\n', 1, true)
    redis.call('ZADD', KEYS[2], tonumber(string.sub(entry, 1, nl - 1)), string.sub(entry, nl + 1))
    returned = returned + 1
  end
  redis.call('DEL', inflight)
  redis.call('ZREM', KEYS[1], w)
  redis.call('HSET', ARGV[1] .. 'worker:' .. w, 'state', 'lost')
end
if returned > 0 then redis.call('HINCRBY', ARGV[1] .. 'meta', 'returned', returned) end
if #dead > 0 then redis.call('HINCRBY', ARGV[1] .. 'meta', 'workers_lost', #dead) end
return {returned, #dead}
"""

# Is the crawl over? The queue is empty and no live worker holds a request (dead ones are
# reaped first by the caller). KEYS: workers, queue, meta. ARGV[1]: prefix.
DONE = """
if redis.call('HEXISTS', KEYS[3], 'done_at') == 1 then return 1 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
for _, w in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('HLEN', ARGV[1] .. 'inflight:' .. w) > 0 then return 0 end
end
local t = redis.call('TIME')
redis.call('HSET', KEYS[3], 'done_at', t[1])
return 1
"""

# A worker leaving before the end (Ctrl-C, --max-pages, SIGTERM) gives its requests back.
# KEYS: inflight hash, queue. Returns how many.
RETURN = """
local n = 0
for _, entry in ipairs(redis.call('HVALS', KEYS[1])) do
  local nl = string.find(entry, '\\n', 1, true)
  redis.call('ZADD', KEYS[2], tonumber(string.sub(entry, 1, nl - 1)), string.sub(entry, nl + 1))
  n = n + 1
end
redis.call('DEL', KEYS[1])
return n
"""


class ReliablePriorityQueue(PriorityQueue):
    """PriorityQueue whose pop() leaves the request in `inflight_key` until ack(token)."""

    def __init__(self, server, spider, key, serializer=None, inflight_key=None, token_key=None):
        super().__init__(server, spider, key, serializer)
        self.inflight_key = inflight_key or key + ":inflight"
        self.token_key = token_key or key + ":token"
        self._pop = server.register_script(POP)
        self._return = server.register_script(RETURN)
        self._push_if_new = server.register_script(PUSH_IF_NEW)

    def push_if_new(self, request, seen_key: str, fingerprint: int) -> bool:
        """Push unless the seen-URL filter has the fingerprint; both in one script."""
        return bool(self._push_if_new(keys=[seen_key, self.key],
                                      args=[fingerprint, -request.priority, self._encode_request(request)]))

    def pop(self, timeout=0):
        """(token, request) or None."""
        found = self._pop(keys=[self.key, self.inflight_key, self.token_key])
        if not found:
            return None
        token, data = found
        return int(token), self._decode_request(data)

    def ack(self, token: int) -> None:
        self.server.hdel(self.inflight_key, token)

    def in_flight(self) -> int:
        return self.server.hlen(self.inflight_key)

    def give_back(self) -> int:
        return int(self._return(keys=[self.inflight_key, self.key]))
