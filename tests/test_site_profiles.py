"""Adding a site with a profile only (issue 14): profiles that steer discovery, checked before
the first request, kept outside the package; crawls that keep their pages (--warc) and
`extract` over them; site lists under `scrapy crawl`; the spider's page-function hook.

The site is the small Italian one of the issue (tests/fixtures/italian_site/build.py), served
over HTTP on 127.0.0.1; crawls run as subprocesses."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.demo.server import serve_site
from newscrawl.extraction.profiles import check_profile_text, check_profiles, compile_pattern, url_kind
from newscrawl.page import ARTICLE, LISTING, STORY, PageHints, process_page

from export_check import assert_valid_export
from conftest import FAST_CRAWL, REPO, read_jsonl, run_newscrawl

sys.path.insert(0, str(REPO / "tests" / "fixtures" / "italian_site"))
import build as italian  # noqa: E402


@pytest.fixture(scope="module")
def italian_site(tmp_path_factory):
    root = italian.build(tmp_path_factory.mktemp("italian") / "site")
    profiles = tmp_path_factory.mktemp("outside-profiles")
    (profiles / "cronaca-locale.toml").write_text(italian.PROFILE, encoding="utf-8")
    server = serve_site(root)
    yield server, profiles
    server.stop()


def story_lines(path: Path) -> dict[str, dict]:
    """Export lines by URL without what differs between a crawl and a replay of it."""
    lines = {}
    for line in read_jsonl(path):
        line.pop("fetched_at", None)
        line.pop("run_id", None)
        lines[line["url"]] = line
    return lines


def test_italian_site_with_an_outside_profile_gives_every_story_and_extract_over_its_warc_agrees(italian_site, tmp_path):
    server, profiles = italian_site
    without = tmp_path / "without.jsonl"
    process = run_newscrawl("crawl", server.base_url + "/", "-o", str(without), *FAST_CRAWL)
    assert process.returncode == 0, process.stderr[-2000:]
    # Short stories fall under the classifier's main-text threshold: the reason a profile is
    # needed, and the summary says so.
    missed = len(italian.STORIES) - len(read_jsonl(without))
    assert missed > 0
    assert f"not taken         {missed} pages with story-shaped URLs" in process.stderr, process.stderr[-2000:]

    out, warc = tmp_path / "with.jsonl", tmp_path / "crawl.warc.gz"
    before = len(server.requests)
    process = run_newscrawl("crawl", server.base_url + "/", "--profiles", str(profiles), "--warc", str(warc),
                            "-o", str(out), "-q", *FAST_CRAWL)
    assert process.returncode == 0, process.stderr[-2000:]
    lines = assert_valid_export(out)
    assert sorted(line["url"] for line in lines) == sorted(server.url(path) for path, *_ in italian.STORIES)
    by_url = {line["url"]: line for line in lines}
    for path, title, author, paragraphs in italian.STORIES:
        line = by_url[server.url(path)]
        assert line["title"] == title
        assert line["authors"] == [author]
        assert line["credit"] == "ANSA"
        assert line["body"] == "\n\n".join(paragraphs)  # byline, credit and "Leggi anche" out of the body
        assert line["language"] == "it" and line["section"] == "Cronaca" and line["source"] == "Cronaca Locale"
        # 09:30 on the page, read in the profile's timezone (Rome, +02:00), exported in UTC
        assert line["date"] == "-".join(path.split("/")[:3]) + "T07:30:00+00:00"
    assert not any(p.startswith("/tag/") for p in server.requests[before:]), "an ignore_urls link was fetched"

    replay = tmp_path / "replay.jsonl"
    process = run_newscrawl("extract", str(warc), "--profiles", str(profiles), "-o", str(replay), "--no-progress")
    assert process.returncode == 0, process.stderr[-2000:]
    assert story_lines(replay) == story_lines(out)
    # --all-pages extracts the listings too; without a body they are not stories: counted, not written.
    everything = tmp_path / "all.jsonl"
    process = run_newscrawl("extract", str(warc), "--profiles", str(profiles), "--all-pages", "-o", str(everything),
                            "--no-progress")
    assert process.returncode == 0 and len(assert_valid_export(everything)) == len(lines)
    assert "not stories 2 no body" in process.stderr


# (what the outside profile gets wrong, the message expected)
BAD_PROFILES = {
    "unknown key": (('[match]', 'titel = "article h1"\n[match]'), "unknown key 'titel' (did you mean 'title' under [selectors]?)"),
    "bad selector": (('title = "article h1"', 'title = "article h1[["'), "selectors.title: bad CSS selector"),
    "bad regex": (("story_urls = [", "story_urls = ['/(\\d{4}/', "), "story_urls: bad regular expression"),
    "wrong type": (('language = "it"', "language = 5"), "'language' must be a non-empty string"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROFILES))
def test_a_bad_profile_stops_the_crawl_before_any_request_with_one_line_naming_it(case, italian_site, tmp_path):
    server, _profiles = italian_site
    (old, new), message = BAD_PROFILES[case]
    folder = tmp_path / "profiles"
    folder.mkdir()
    bad = folder / "cronaca-locale.toml"
    assert old in italian.PROFILE
    bad.write_text(italian.PROFILE.replace(old, new, 1), encoding="utf-8")
    before = len(server.requests)
    out = tmp_path / "out.jsonl"
    process = run_newscrawl("crawl", server.base_url + "/", "--profiles", str(folder), "-o", str(out), *FAST_CRAWL)
    assert process.returncode == 2
    errors = [l for l in process.stderr.splitlines() if l.strip()]
    assert len(errors) == 1 and str(bad) in errors[0] and message in errors[0], process.stderr
    assert len(server.requests) == before, "a request was sent although the profile is bad"
    assert not out.exists() and not out.with_name(out.name + ".part").exists()
    # The same problem from `newscrawl profiles check`, with its line.
    check = run_newscrawl("profiles", "check", str(folder))
    assert check.returncode == 2
    assert any(message in l and f"{bad}:" in l for l in check.stdout.splitlines()), check.stdout


def test_profiles_check_reports_every_problem_with_file_and_line(tmp_path):
    (tmp_path / "a.toml").write_text('name = "A"\ndomains = ["a.com"]\n\n[selectors]\nautors = ".by"\n'
                                     'date = "//time[@class=\'x\'"\n[match]\nsitename = "A"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('name = "B"\ndomains = "b.com"\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    problems = [str(p) for p in check_profiles((str(tmp_path),), bundled=False)]
    assert problems == [
        f"{tmp_path / 'a.toml'}:5: unknown key 'selectors.autors' (did you mean 'authors'?)",
        f"{tmp_path / 'a.toml'}:6: selectors.date: bad XPath \"//time[@class='x'\": Invalid predicate",
        f"{tmp_path / 'a.toml'}:8: unknown key 'match.sitename' (did you mean 'site_name'?)",
        f"{tmp_path / 'b.toml'}:2: 'domains' must be a list of strings",
        f"{tmp_path / 'b.toml'}:3: unknown timezone 'Mars/Olympus' (an IANA name such as 'Europe/Rome')",
    ]
    process = run_newscrawl("profiles", "check")  # the bundled ones
    assert process.returncode == 0 and "demo-arabic.toml" in process.stdout


def test_url_rules_regex_and_glob():
    profile, problems = check_profile_text(
        'name = "X"\ndomains = ["x.it"]\nstory_urls = [\'/\\d{4}/\\d\\d/\\d\\d/[^/]+\\.html$\', "glob:/storie/*"]\n'
        'listing_urls = ["glob:/sezione/*"]\nignore_urls = ["glob:/tag/*", "/video/"]\n')
    assert not problems
    assert url_kind(profile, "https://www.x.it/2024/05/10/slug.html") == ARTICLE
    assert url_kind(profile, "https://www.x.it/storie/uno?x=1") == ARTICLE
    assert url_kind(profile, "https://www.x.it/sezione/sport/") == LISTING
    assert url_kind(profile, "https://www.x.it/tag/politica/") == "ignore"
    assert url_kind(profile, "https://www.x.it/2024/05/10/video/slug.html") == "ignore"  # ignore wins
    assert url_kind(profile, "https://www.x.it/chi-siamo") is None
    assert not compile_pattern("glob:/tag/*").search("https://www.x.it/news/tag/x")  # a glob matches the whole path


def test_the_profile_decides_the_kind_and_the_links_of_a_page(italian_site):
    server, profiles = italian_site
    root = Path(server.root)
    story_path = italian.STORIES[3][0]
    body = (root / story_path).read_bytes()
    fetched = datetime(2024, 5, 13, tzinfo=timezone.utc)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    generic = process_page(server.url(story_path), headers, body, fetched, PageHints())
    assert generic.kind != ARTICLE and generic.article is None
    steered = process_page(server.url(story_path), headers, body, fetched, PageHints(profile_dirs=(str(profiles),)))
    assert steered.kind == ARTICLE and steered.article.title == italian.STORIES[3][1]
    home = process_page(server.url("/"), headers, (root / "index.html").read_bytes(), fetched,
                        PageHints(profile_dirs=(str(profiles),)))
    roles = {link.url[len(server.base_url):]: link.role for link in home.links}
    assert roles["/" + italian.STORIES[0][0]] == STORY
    assert not any(url.startswith("/tag/") for url in roles)
    assert home.counters["links/ignored_by_profile"] >= 1


def test_scrapy_crawl_takes_a_site_list_file_or_inline_json(italian_site, tmp_path):
    server, profiles = italian_site
    site_list = tmp_path / "sites.toml"
    site_list.write_text(f'[[sites]]\nname = "cronaca"\nstart_urls = ["{server.base_url}/"]\n'
                         f'profile = "cronaca-locale"\ndelay = 0\nconcurrency = 4\n', encoding="utf-8")
    inline = json.dumps([{"name": "cronaca", "start_urls": [server.base_url + "/"], "profile": "Cronaca Locale"}])
    for number, value in enumerate((str(site_list), inline)):
        out = tmp_path / f"scrapy-{number}.jsonl"
        process = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={value}", "-O", str(out),
             "-s", f"NEWSCRAWL_PROFILES_DIR={profiles}", "-s", "LOG_LEVEL=WARNING", *FAST_CRAWL],
            cwd=str(REPO), capture_output=True, text=True, timeout=300)
        assert process.returncode == 0, process.stderr[-3000:]
        lines = read_jsonl(out)
        assert len(lines) == len(italian.STORIES), process.stderr[-3000:]
        assert {line["source"] for line in lines} == {"Cronaca Locale"}


def test_site_list_sets_per_site_slots_under_scrapy_crawl():
    from scrapy.settings import Settings

    from newscrawl.sitelist import site_list_argument
    from newscrawl.spiders.news import check_site_profiles

    sites = site_list_argument('{"sites": [{"name": "a", "start_urls": ["https://www.example.com/"], "delay": 2.5,'
                               ' "concurrency": 1, "language": "it"}]}')
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    check_site_profiles(settings, sites)
    assert settings.getdict("DOWNLOAD_SLOTS") == {"example.com": {"delay": 2.5, "concurrency": 1}}
    assert settings.getlist("NEWSCRAWL_SITES")[0]["language"] == "it"


def test_a_spider_subclass_changes_the_page_function_the_workers_run(tmp_path, monkeypatch):
    from newscrawl.spiders.news import NewsSpider
    from newscrawl.workers import PagePool
    from pool_runner import run_in_pool

    (tmp_path / "my_pages.py").write_text(
        "from newscrawl.page import process_page\n\n"
        "def no_tags(url, headers, body, fetched_at, hints):\n"
        "    result = process_page(url, headers, body, fetched_at, hints)\n"
        "    result.links = [link for link in result.links if '/tag/' not in link.url]\n"
        "    result.counters['mine'] += 1\n"
        "    return result\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the worker processes import it

    class MySpider(NewsSpider):
        name = "mine"
        page_function = "my_pages.no_tags"

    body = italian._listing([0, 1], None).encode()
    args = ("http://127.0.0.1:1/", {"Content-Type": "text/html"}, body, None, PageHints())
    pool = PagePool(1, page_function=MySpider.page_function)
    try:
        [result] = run_in_pool(pool, [args])
    finally:
        pool.close()
    assert result.counters["mine"] == 1
    assert not any("/tag/" in link.url for link in result.links)
    assert any("/tag/" in link.url for link in process_page(*args).links)


def test_explain_shows_kind_rule_profile_and_field_sources_without_the_network(italian_site, tmp_path):
    server, profiles = italian_site
    path, title, author, _paragraphs = italian.STORIES[3]
    page = Path(server.root) / path
    process = run_newscrawl("explain", str(page), "--url", server.url(path), "--profiles", str(profiles))
    assert process.returncode == 0, process.stderr
    out = process.stdout
    assert "kind      article (a story: exported)" in out
    assert "the profile's story_urls" in out and "the classifier alone says other" in out
    assert "main_block_chars" in out and "[   ] main block" in out
    assert f"title          {title}" in out and "<- profile selector 'article h1'" in out
    assert "<- cleaning: credit line moved out of the body" in out and "  - Fonte: ANSA" in out
    assert "related    " + server.url(italian.STORIES[4][0]) + "  related" in out
    as_json = json.loads(run_newscrawl("explain", str(page), "--url", server.url(path), "--profiles", str(profiles),
                                       "--json").stdout)
    assert as_json["fields"]["authors"] == {"value": [author], "source": "profile selector 'article .firma'"}
    live = run_newscrawl("explain", server.url(path))
    assert live.returncode == 2 and "--fetch" in live.stderr
    fetched = run_newscrawl("explain", server.url(path), "--fetch", "--profiles", str(profiles), "--json")
    assert fetched.returncode == 0 and json.loads(fetched.stdout)["kind"] == ARTICLE


def test_record_then_replay(italian_site, tmp_path):
    server, profiles = italian_site
    path = italian.STORIES[0][0]
    cases = tmp_path / "sites"
    process = run_newscrawl("record", server.url(path), "--fetch", "--profile", "cronaca-locale",
                            "--profiles", str(profiles), "--dir", str(cases))
    assert process.returncode == 0, process.stderr
    folder = cases / "cronaca-locale"
    assert sorted(p.name for p in folder.iterdir()) == ["bilancio-approvato.html.gz", "bilancio-approvato.json",
                                                        "profile.toml"]
    spec = json.loads((folder / "bilancio-approvato.json").read_text(encoding="utf-8"))
    assert spec["profile"] == "Cronaca Locale" and spec["expected"]["credit"] == "ANSA"
    again = run_newscrawl("record", server.url(path), "--fetch", "--profile", "cronaca-locale",
                          "--profiles", str(profiles), "--dir", str(cases))
    assert again.returncode == 2 and "exists" in again.stderr
    listing = run_newscrawl("record", server.url("/"), "--fetch", "--profile", "cronaca-locale",
                            "--profiles", str(profiles), "--dir", str(cases))
    assert listing.returncode == 2 and "not a story" in listing.stderr


def test_explain_shows_summary_paywall_and_images():
    from newscrawl.explain import explain_page

    page = ("<html><head><title>Port fees rise</title><meta property='og:description' content='Shipping lines will "
            "pay a fifth more from June, the harbour board decided.'><meta property='og:image' "
            "content='https://ledger.example/img/lead.jpg'></head><body><article><h1>Port fees rise</h1>"
            + "<p>" + "The harbour board voted on Tuesday to raise berth fees for container ships by a fifth. " * 6
            + "</p><figure><img src='/img/cranes.jpg' width='800' height='500'><figcaption>Cranes at the "
            "east quay.</figcaption></figure><p>" + "Shipping lines said the rise would be passed on to importers. " * 5
            + "</p></article></body></html>").encode()
    report = explain_page("https://ledger.example/2024/05/01/port-fees.html", {"Content-Type": "text/html"}, page)
    fields = report["fields"]
    assert fields["summary"]["value"].startswith("Shipping lines will pay a fifth more")
    assert fields["summary"]["source"] == "og"
    assert fields["paywalled"]["value"] is None
    assert [image["url"] for image in fields["images"]["value"]][:1] == ["https://ledger.example/img/lead.jpg"]


def test_profile_selectors_name_summary_and_paywall(tmp_path):
    from newscrawl.page import PageHints, process_page

    (tmp_path / "ledger.toml").write_text('name = "Ledger"\ndomains = ["ledger.example"]\n[selectors]\n'
                                          'summary = ".kicker-text"\npaywall = ".locked-box"\n', encoding="utf-8")
    page = ("<html><head><title>Port fees rise</title></head><body><article><h1>Port fees rise</h1>"
            "<div class='kicker-text'>Berth fees go up by a fifth from June.</div><p>"
            + "The harbour board voted on Tuesday to raise berth fees for container ships by a fifth. " * 6
            + "</p><div class='locked-box'>Subscribe to read on</div></article></body></html>").encode()
    hints = PageHints(extract_all=True, profile_dirs=(str(tmp_path),))
    article = process_page("https://ledger.example/2024/05/01/port-fees.html", {"Content-Type": "text/html"}, page,
                           hints=hints).article
    assert article.summary == "Berth fees go up by a fifth from June."
    assert article.paywalled is True
