"""Deduplication: one canonical URL per page (newscrawl.urls), each story exported once.

  fingerprint.py   text normalisation for fingerprints, exact fingerprint, shingle hashes
  similarity.py    the per-story sketch and the near-duplicate decision (`judge`)
  index.py         compact numpy structures: candidate key index, sketch table, paragraph filter
  store.py         where the state lives: MemoryStore, SqliteStore (--state DIR)
  deduplicator.py  Deduplicator.process(article) -> Decision (export / duplicate / unchanged)
"""
