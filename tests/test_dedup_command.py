"""`newscrawl dedup` on small JSON Lines files, and the DedupPipeline inside a Scrapy crawler."""
import json

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from export_check import assert_valid_export, new_file_mode
from newscrawl.cli import main
from newscrawl.items import Article
from newscrawl.pipelines import DedupPipeline

PARAS = [
    "The city council voted on Tuesday to reopen the old harbour to passenger ferries after a "
    "closure of nearly six years, ending a long dispute over the cost of repairing the sea wall.",
    "Mayor Ellen Brandt said the decision would bring visitors back to the waterfront and give "
    "residents of the northern islands a faster route to the hospital and the schools in town.",
    "Engineers found last spring that the wall had been weakened by storms in 2019 and 2021, and "
    "the council set aside 14 million euros for the work, which is due to be finished in March.",
]
OTHER = [
    "Voters in the eastern province go to the polls on Sunday in an election that is widely seen "
    "as a test for the governing coalition ahead of next year's national vote.",
    "Polls suggest the centre-left party could lose its majority in the regional assembly for the "
    "first time in two decades, as support for two newer parties has grown among younger voters.",
]


def line(**fields):
    return json.dumps(fields, ensure_ascii=False)


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def exports(tmp_path):
    day1 = write(tmp_path / "day1.jsonl", [
        line(id="a", url="https://a.example/harbour", title="Harbour reopens", body="\n\n".join(PARAS)),
        line(id="b", url="https://b.example/vote", title="Province votes", body="\n\n".join(OTHER)),
        "this is not json",
        line(id="a-amp", url="https://a.example/harbour?utm_source=x", title="Harbour reopens", body="\n\n".join(PARAS)),
    ])
    day2 = write(tmp_path / "day2.jsonl", [
        "[1, 2]",
        line(id="c", url="https://c.example/wire/1", title="Harbour to reopen | C",
             body="KIEL (dpa) - " + "\n\n".join(PARAS) + "\n\n(dpa)"),
        line(id="d", title="no url", body="x"),
    ])
    return day1, day2


def test_dedup_command_keeps_first_copies_and_writes_sidecar(exports, tmp_path, capsys):
    out = tmp_path / "kept.jsonl"
    assert main(["dedup", str(exports[0]), str(exports[1]), "-o", str(out)]) == 0
    kept = [json.loads(x) for x in out.read_text().splitlines()]
    assert [k["id"] for k in kept] == ["a", "b"]
    assert kept[0]["canonical_url"] == "https://a.example/harbour"
    side = [json.loads(x) for x in (tmp_path / "kept.duplicates.jsonl").read_text().splitlines()]
    assert [(s["url"], s["duplicate_of"], s["reason"]) for s in side] == [
        ("https://a.example/harbour?utm_source=x", "a", "same-url"),
        ("https://c.example/wire/1", "a", "near-duplicate"),
    ]
    assert all(0 < s["similarity"] <= 1 for s in side)
    err = capsys.readouterr().err
    assert "skipped 3 malformed lines" in err and "malformed/not_json: 1" in err


def test_dedup_command_with_state_exports_nothing_the_second_time(exports, tmp_path):
    state = tmp_path / "state"
    assert main(["dedup", str(exports[0]), "-o", str(tmp_path / "1.jsonl"), "--state", str(state), "--quiet"]) == 0
    assert main(["dedup", str(exports[0]), str(exports[1]), "-o", str(tmp_path / "2.jsonl"),
                 "--state", str(state), "--quiet"]) == 0
    assert (tmp_path / "2.jsonl").read_text() == ""
    # re-seen unchanged at their own URL: not listed again; the tracking-URL and wire copies are
    side = [json.loads(x) for x in (tmp_path / "2.duplicates.jsonl").read_text().splitlines()]
    assert [s["url"] for s in side] == ["https://a.example/harbour?utm_source=x", "https://c.example/wire/1"]


@pytest.mark.parametrize("problem", ["missing", "directory"])
def test_dedup_command_bad_input_exit_2(tmp_path, capsys, problem):
    bad = tmp_path / "nothing.jsonl"
    if problem == "directory":
        bad.mkdir()
    assert main(["dedup", str(bad), "-o", str(tmp_path / "out.jsonl")]) == 2
    assert "newscrawl dedup: error:" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


def test_dedup_command_refuses_to_overwrite_input(exports, tmp_path):
    assert main(["dedup", str(exports[0]), "-o", str(exports[0])]) == 2


def test_dedup_command_creates_folders_and_writes_like_crawl(exports, tmp_path):
    out = tmp_path / "new" / "folder" / "dedup.jsonl"
    assert main(["dedup", *map(str, exports), "-o", str(out), "--quiet"]) == 0
    sidecar = tmp_path / "new" / "folder" / "dedup.duplicates.jsonl"
    for path in (out, sidecar):
        assert path.stat().st_mode & 0o777 == new_file_mode()
    assert not list(out.parent.glob("*.part"))
    copies = [json.loads(line) for line in sidecar.read_text(encoding="utf-8").splitlines()]
    assert copies and all({"title", "source", "duplicate_of_url"} <= set(c) for c in copies)


# --- the Scrapy pipeline -------------------------------------------------------------------------

def _article(id, url, paras, title):
    return Article(id=id, url=url, canonical_url=url, title=title, body="\n\n".join(paras), source="x")


def test_dedup_pipeline_drops_copies_to_sidecar_and_counts(tmp_path):
    export = tmp_path / "out" / "crawl.jsonl"
    crawler = get_crawler(settings_dict={"NEWSCRAWL_EXPORT_PATH": str(export), "NEWSCRAWL_STATE_DIR": None})
    pipeline = DedupPipeline.from_crawler(crawler)
    pipeline.open_spider(None)
    first = pipeline.process_item(_article("a", "https://a.example/x", PARAS, "Harbour reopens"))
    assert first.id == "a"
    with pytest.raises(DropItem):
        pipeline.process_item(_article("c", "https://c.example/y", ["KIEL (dpa) - " + PARAS[0]] + PARAS[1:], "Harbour"))
    with pytest.raises(DropItem):
        pipeline.process_item(_article("a", "https://a.example/x", PARAS, "Harbour reopens"))
    tracking = _article("a", "https://a.example/x?utm_source=feed", PARAS, "Harbour reopens")
    tracking.canonical_url = "https://a.example/x"
    with pytest.raises(DropItem):
        pipeline.process_item(tracking)
    kept = pipeline.process_item(_article("b", "https://b.example/v", OTHER, "Province votes"))
    assert kept.id == "b"
    pipeline.close_spider(None)
    side = [json.loads(x) for x in (tmp_path / "out" / "crawl.duplicates.jsonl").read_text().splitlines()]
    # the same page met twice in one run is listed (it was linked twice); see the --state test
    # for pages met again only in a later run
    assert [(s["url"], s["duplicate_of"]) for s in side] == [
        ("https://c.example/y", "a"), ("https://a.example/x", "a"), ("https://a.example/x?utm_source=feed", "a")]
    stats = crawler.stats.get_stats()
    assert stats["dedup/duplicates"] == 1 and stats["dedup/duplicates/near-duplicate"] == 1
    assert stats["dedup/unchanged"] == 2


def test_dedup_pipeline_finds_export_path_from_feeds(tmp_path):
    from newscrawl.pipelines import _sidecar_path

    class Spider:
        name = "news"

    crawler = get_crawler(settings_dict={"FEEDS": {str(tmp_path / "%(name)s" / "%(time)s.jsonl"): {"format": "jsonlines"}}})
    path = _sidecar_path(crawler, Spider())
    assert path.startswith(str(tmp_path / "news")) and path.endswith(".duplicates.jsonl")
    crawler = get_crawler(settings_dict={"FEEDS": {"s3://bucket/x.jsonl": {"format": "jsonlines"}}})
    assert _sidecar_path(crawler, Spider()) is None


def test_dedup_of_a_crawl_export_is_valid_and_lists_copies_readably(demo_crawl, tmp_path):
    again = tmp_path / "again.jsonl"
    again.write_text(demo_crawl.export.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "kept.jsonl"
    assert main(["dedup", str(demo_crawl.export), str(again), "-o", str(out), "--quiet"]) == 0
    kept = assert_valid_export(out)
    assert [k["url"] for k in kept] == [line["url"] for line in demo_crawl.lines]
    copies = [json.loads(x) for x in (tmp_path / "kept.duplicates.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {k["id"]: k for k in kept}
    assert len(copies) == len(kept)
    for copy in copies:
        assert copy["title"] == by_id[copy["duplicate_of"]]["title"] and copy["source"]
        assert copy["duplicate_of_url"] == by_id[copy["duplicate_of"]]["url"]
