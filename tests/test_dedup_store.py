"""Dedup state: revisions and re-runs with both stores, and the on-disk store surviving a
process killed with SIGKILL in the middle of writing."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newscrawl.dedup.deduplicator import Deduplicator
from newscrawl.dedup.store import MemoryStore, SqliteStore, open_store
from newscrawl.items import Article

REPO = Path(__file__).resolve().parents[1]

WORDS = ("council harbour ferry vote mayor island hospital school storm wall engineer euro spring "
         "opposition fare route coast operator winter summer student pensioner shop quay takings "
         "province election coalition poll party assembly housing steel plant wind farm turnout").split()


def make_story(i: int, words: int = 120, edit: str = "") -> Article:
    import random

    rng = random.Random(i)
    sentences = []
    for _ in range(words // 12):
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".")
    paragraphs = [" ".join(sentences[k:k + 3]) for k in range(0, len(sentences), 3)]
    if edit:
        paragraphs.append(edit)
    url = f"https://news.example.com/story/{i}"
    return Article(url=url, canonical_url=url, title=f"Story {i} " + " ".join(rng.choice(WORDS) for _ in range(5)),
                   body="\n\n".join(paragraphs), source="Example News", date="2024-05-03T10:00:00+00:00")


@pytest.fixture(params=["memory", "sqlite"])
def store_factory(request, tmp_path):
    if request.param == "memory":
        shared = MemoryStore(expected_stories=1000)

        class Unclosable:
            """The memory store outlives the 'run' so that a second run can be simulated."""
            def __call__(self):
                return shared
        return Unclosable()
    return lambda: SqliteStore(str(tmp_path / "state"))


def _run(store, articles):
    dedup = Deduplicator(store)
    decisions = [dedup.process(a) for a in articles]
    store.commit()
    return decisions


def test_second_run_exports_nothing_and_revision_gets_version_2(store_factory):
    originals = [make_story(i) for i in range(20)]
    first = _run(store_factory(), originals)
    assert all(d.exported and d.reason == "new" for d in first)
    second = _run(store_factory(), [make_story(i) for i in range(20)])
    assert [d.action for d in second] == ["unchanged"] * 20
    edited = make_story(7, edit="Update: the council confirmed on Wednesday that the first crossing "
                                "will leave at six in the morning, an hour earlier than planned, "
                                "and that tickets go on sale on Friday at the harbour office.")
    edited.fetched_at = "2024-05-04T09:00:00+00:00"
    third = _run(store_factory(), [make_story(i) for i in range(20) if i != 7] + [edited])
    exported = [d for d in third if d.exported]
    assert len(exported) == 1 and exported[0].reason == "revision" and exported[0].version == 2
    assert edited.version == 2 and edited.date_modified == "2024-05-04T09:00:00+00:00"
    assert edited.id == originals[7].id  # the same story, a new version
    # the revision is now the reference: seen again unchanged, it is not exported
    fourth = _run(store_factory(), [edited])
    assert fourth[0].action == "unchanged"


def test_tiny_change_at_same_url_is_not_a_revision(store_factory):
    _run(store_factory(), [make_story(1, words=600)])
    tweaked = make_story(1, words=600)
    tweaked.body = tweaked.body.replace("council", "Council", 1).replace(".", ";", 1)
    again = _run(store_factory(), [tweaked])
    assert again[0].action == "unchanged"


def test_state_keeps_copies_out_across_runs(tmp_path):
    state = str(tmp_path / "state")
    original = make_story(3)
    _run(open_store(state), [original])
    copy = make_story(3)
    copy.url = copy.canonical_url = "https://other.example.org/wire/abc"
    copy.id = None
    copy.body = "LONDON (Reuters) - " + copy.body + "\n\nReporting by A. Writer; Editing by B. Editor"
    decision = _run(open_store(state), [copy])[0]
    assert decision.action == "duplicate" and decision.duplicate_of == original.id


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    sys.path.insert(0, {tests!r})
    from test_dedup_store import make_story
    from newscrawl.dedup.deduplicator import Deduplicator
    from newscrawl.dedup.store import SqliteStore
    dedup = Deduplicator(SqliteStore(sys.argv[1]), commit_every=1)
    i = 0
    while True:  # until killed
        dedup.process(make_story(i))
        print(i, flush=True)
        i += 1
""")


def test_sqlite_state_survives_kill_9(tmp_path):
    state = tmp_path / "state"
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(repo=str(REPO), tests=str(REPO / "tests")))
    proc = subprocess.Popen([sys.executable, str(script), str(state)], stdout=subprocess.PIPE, text=True)
    done = -1
    try:
        deadline = time.monotonic() + 120
        while done < 60 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            done = int(line)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert done >= 60, "the writer did not get going"
    with sqlite3.connect(state / "dedup.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_stories = db.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
        n_urls = db.execute("SELECT COUNT(*) FROM urls").fetchone()[0]
    # every story reported done was committed (the writer may have gone on after the last line
    # read); each story's changes are one transaction: no story without its URL or vice versa
    assert n_stories >= done + 1 and n_urls == n_stories
    again = _run(SqliteStore(str(state)), [make_story(i) for i in range(n_stories)])
    assert all(d.action == "unchanged" for d in again)
    fresh = _run(SqliteStore(str(state)), [make_story(10_000)])
    assert fresh[0].exported
