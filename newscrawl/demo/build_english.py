"""Generate the static English demo site ``sites/english`` ("The Harbour Ledger").

The site is committed as static files; this script is how they were written. Edit the
data below and run ``python -m newscrawl.demo.build_english`` to regenerate them.
"""
from __future__ import annotations

import json
import shutil
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "sites" / "english"
SITE_NAME = "The Harbour Ledger"

SECTIONS = {"city": "City", "business": "Business"}
AUTHORS = {
    "jane-okafor": "Jane Okafor",
    "tom-reilly": "Tom Reilly",
    "priya-nair": "Priya Nair",
    "marcus-hale": "Marcus Hale",
}
TAGS = {
    "harbour": "Harbour",
    "ferries": "Ferries",
    "council": "Council",
    "shipping": "Shipping",
    "jobs": "Jobs",
    "heritage": "Heritage",
    "weather": "Weather",
    "housing": "Housing",
}

# reachable_via: how the crawler can find the story. "listing" stories are on section pages
# (some only on page 2); "feed" only in /feed.atom; "sitemap" only in /sitemap.xml;
# "related" only in another story's "Related stories" block.
STORIES = [
    {
        "key": "dredging",
        "path": "/2024/03/14/harbour-dredging-contract-awarded/",
        "title": "Harbour dredging contract awarded after two-year delay",
        "standfirst": "A Rotterdam-based firm will deepen the main shipping channel from May, the port authority confirmed.",
        "date": "2024-03-14T07:30:00+13:00",
        "modified": "2024-03-14T11:05:00+13:00",
        "authors": ["jane-okafor"],
        "section": "city",
        "tags": ["harbour", "shipping"],
        "reachable_via": "listing",
        "related": ["containers", "ferry", "seawall"],
        "paragraphs": [
            "The Port Ellery harbour authority has awarded a $48 million contract to deepen the main shipping channel, ending a two-year dispute over the cost and environmental impact of the work.",
            "Van Leeuwen Marine, a Rotterdam-based dredging company, will begin work in May and expects to finish before the start of the summer cruise season. The channel will be deepened from 11 to 13.5 metres, allowing larger container vessels to berth at full load.",
            "Harbour authority chief executive Dana Whitlock said the decision followed \"the most thorough consultation this port has ever carried out\". She said spoil from the channel would be taken to an approved offshore site rather than the tidal flats north of the breakwater, which had been proposed in the original plan.",
            "Environmental groups welcomed the change but said they would monitor the work closely. \"The flats are a feeding ground for thousands of migratory birds,\" said Ruth Amberley of the Ellery Estuary Trust. \"We are relieved they have been left alone.\"",
            "The project is expected to create about 60 temporary jobs. Shipping lines have warned that without a deeper channel, some services could bypass Port Ellery altogether from next year.",
        ],
    },
    {
        "key": "ferry",
        "path": "/2024/03/14/ferry-timetable-changes/",
        "title": "Ferry timetable cut as crew shortage bites",
        "standfirst": "Evening sailings to Gull Island will be suspended for at least six weeks.",
        "date": "2024-03-14T09:10:00+13:00",
        "modified": "2024-03-14T09:10:00+13:00",
        "authors": ["tom-reilly"],
        "section": "city",
        "tags": ["ferries", "harbour"],
        "reachable_via": "listing",
        "related": ["lighthouse", "dredging"],  # "lighthouse" is linked from nowhere else
        "paragraphs": [
            "Evening ferry services between Port Ellery and Gull Island will be suspended from Monday because the operator cannot find enough qualified crew, leaving commuters with a single late-afternoon sailing.",
            "Bluewater Ferries said the last departure from the city terminal would leave at 5.15pm instead of 9.40pm until at least the end of April. Weekend timetables are unchanged.",
            "General manager Colin Ferris said three deckhands and an engineer had left in the past month and that recruiting replacements had proved \"extremely difficult\". Maritime rules require a minimum crew for every sailing, he said.",
            "About 400 people live on Gull Island year-round, and many work in the city. Island resident Mere Thompson, a nurse who works late shifts at Ellery Hospital, said she would have to stay with friends in town several nights a week.",
            "The city council, which subsidises the service, said it had asked the operator for a recovery plan and would consider a temporary water taxi contract if the suspension went beyond six weeks.",
        ],
    },
    {
        "key": "seawall",
        "path": "/2024/03/13/council-approves-seawall-budget/",
        "title": "Council approves $12m for seawall repairs on the Esplanade",
        "standfirst": "Work on the storm-damaged wall will start in winter, with the promenade closed in stages.",
        "date": "2024-03-13T16:45:00+13:00",
        "modified": "2024-03-13T18:20:00+13:00",
        "authors": ["priya-nair", "jane-okafor"],
        "section": "city",
        "tags": ["council", "weather"],
        "reachable_via": "listing",
        "related": ["dredging", "fishmarket"],
        "paragraphs": [
            "Port Ellery city councillors have voted to spend $12 million repairing the seawall along the Esplanade, which was badly undermined during storms in July.",
            "The decision, passed 9-3 on Wednesday afternoon, brings forward work that had been scheduled for 2027. Engineers told the council that two sections of the 1930s wall were at risk of collapse in another major storm.",
            "Mayor Helen Carver said the council had no choice. \"This wall protects the road, the cycleway and dozens of homes. We cannot leave it to chance for another three winters,\" she said.",
            "The three councillors who voted against the plan said the money should come from the regional government's climate adaptation fund rather than ratepayers. An application to the fund will still be made, officials said.",
            "The promenade will be closed in 200-metre stages while the work is carried out, with detours through Marine Parade. The council expects the repairs to take about 18 months.",
            "Residents can see the staging plan and detour maps at the council's service centre and on its website from next week.",
        ],
    },
    {
        "key": "fishmarket",
        "path": "/2024/03/12/fish-market-reopens/",
        "title": "Historic fish market reopens after earthquake strengthening",
        "standfirst": "Stallholders return to the 1912 building on Wharf Street after three years away.",
        "date": "2024-03-12T12:00:00+13:00",
        "modified": "2024-03-12T12:00:00+13:00",
        "authors": ["marcus-hale"],
        "section": "city",
        "tags": ["heritage", "harbour"],
        "reachable_via": "listing",
        "related": ["dredging", "cafes"],
        "paragraphs": [
            "The Wharf Street fish market reopened on Tuesday after a three-year, $7 million project to strengthen the 1912 brick building against earthquakes.",
            "Eleven of the market's fourteen original stallholders have returned, trading from the same spots they occupied before the building was closed. Three new traders, including a smokehouse and an oyster bar, have taken the remaining stalls.",
            "Fishmonger Sal Greco, whose family has sold fish in the market since 1958, was at work before dawn. \"It feels like coming home,\" he said. \"The old building has a smell and a sound you don't get anywhere else.\"",
            "The work included new steel frames inside the walls and a replacement roof built to match the original. Heritage advisers insisted that the painted signs above each stall be kept, and they were restored by hand.",
            "The market will open from 6am to 2pm, Tuesday to Sunday.",
        ],
    },
    {
        "key": "containers",
        "path": "/2024/03/14/port-container-volumes-rise/",
        "title": "Container volumes climb as new cranes come online",
        "standfirst": "The port handled 14% more containers in February than a year earlier.",
        "date": "2024-03-14T10:20:00+13:00",
        "modified": "2024-03-14T10:20:00+13:00",
        "authors": ["priya-nair"],
        "section": "business",
        "tags": ["shipping", "harbour"],
        "reachable_via": "listing",
        "related": ["dredging", "shipyard"],
        "paragraphs": [
            "Port Ellery handled 14 per cent more containers in February than in the same month last year, as two new ship-to-shore cranes helped clear a backlog that built up over the summer.",
            "Figures released by the port company on Thursday show 31,200 twenty-foot-equivalent units crossed the wharves during the month, the highest February total on record.",
            "Operations manager Ravi Sandhu said the new cranes, commissioned in January, had cut the average time a ship spends at berth from 41 to 29 hours. \"Shipping lines notice that straight away,\" he said.",
            "Exporters of timber and dairy products have been the main beneficiaries. The Ellery Chamber of Commerce said members had reported fewer missed sailings and lower storage charges.",
            "The port expects volumes to keep rising once the deeper channel is completed next year, though it warned that rail capacity inland could become the next bottleneck.",
        ],
    },
    {
        "key": "shipyard",
        "path": "/2024/03/13/shipyard-hiring-apprentices/",
        "title": "Shipyard to hire 40 apprentices as order book fills",
        "standfirst": "Kestrel Marine says it has work for the next four years.",
        "date": "2024-03-13T08:00:00+13:00",
        "modified": "2024-03-13T14:30:00+13:00",
        "authors": ["tom-reilly"],
        "section": "business",
        "tags": ["jobs", "shipping"],
        "reachable_via": "listing",
        "related": ["containers", "cafes"],
        "read_more": "containers",  # in-body "Read more:" line, with tracking parameters
        "paragraphs": [
            "Kestrel Marine, the last shipbuilder in Port Ellery, plans to take on 40 apprentices over the next two years after winning contracts for three research vessels and a harbour tug.",
            "Managing director Alison Booth said the yard's order book was now full until 2028, the longest run of work it had seen since the 1990s. The apprentices will train as welders, fitters, electricians and boatbuilders.",
            "The company is working with Ellery Polytechnic on a programme that combines three days a week in the yard with two days of study. Applications open next month and no previous experience is required.",
            "\"We have an ageing workforce and a lot of knowledge that needs to be handed on,\" Ms Booth said. \"If we don't train people now, we won't be able to deliver these ships.\"",
            "The yard currently employs 210 people. Union organiser Dave Pickering welcomed the announcement but said apprentices needed to be paid a living wage from the first day.",
        ],
    },
    {
        "key": "cafes",
        "path": "/2024/03/11/cafe-owners-rent-rise/",
        "title": "Waterfront cafe owners say rent rises threaten their future",
        "standfirst": "Tenants of the council-owned Quay Buildings face increases of up to 35%.",
        "date": "2024-03-11T06:45:00+13:00",
        "modified": "2024-03-11T06:45:00+13:00",
        "authors": ["marcus-hale"],
        "section": "business",
        "tags": ["housing", "council"],
        "reachable_via": "listing",
        "related": ["fishmarket", "shipyard"],
        "paragraphs": [
            "Cafe and shop owners on the Port Ellery waterfront say rent increases of up to 35 per cent could force some of them to close before the end of the year.",
            "The council, which owns the Quay Buildings, is moving its commercial tenants to market rents after a review found it had been charging well below comparable properties in the city centre.",
            "Nadia Rahman, who has run the Tidewater Cafe for 11 years, said her rent would rise from $4,100 to $5,500 a month. \"We're a small business with eight staff. That money has to come from somewhere,\" she said.",
            "Council property manager Greg Tolley said the increases would be phased in over three years and that tenants could apply for hardship relief. The council had a duty to get a fair return on public assets, he said.",
            "A petition signed by more than 2,000 people asking the council to reconsider will be presented at next week's finance committee meeting.",
        ],
    },
    {
        "key": "lighthouse",
        "path": "/2024/03/10/lighthouse-restoration-history/",
        "title": "Volunteers bring Gull Island lighthouse back to life",
        "standfirst": "The 1874 tower will open to visitors for the first time in half a century.",
        "date": "2024-03-10T15:00:00+13:00",
        "modified": "2024-03-10T15:00:00+13:00",
        "authors": ["jane-okafor"],
        "section": "city",
        "tags": ["heritage", "ferries"],
        "reachable_via": "related",
        "related": ["ferry", "fishmarket"],
        "paragraphs": [
            "For fifty years the lighthouse on Gull Island has been locked, its lamp room visited only by maintenance crews. From next month, visitors will be able to climb its 112 steps again.",
            "A group of 30 volunteers has spent four years restoring the 1874 tower, stripping back layers of lead paint, repairing the cast-iron balcony and rebuilding the keeper's cottage beside it.",
            "Project leader Ian McBride, a retired marine engineer, said the work had been funded almost entirely by donations and a heritage lottery grant. \"People on the island and in the city have been incredibly generous,\" he said.",
            "The light itself was automated in 1974 and still guides ships into the harbour, so the lamp room will remain off-limits. Visitors will be able to see the original Fresnel lens, which has been moved to a display in the cottage.",
            "Tours will run on weekends from April, timed to match ferry sailings from the city.",
        ],
    },
    {
        "key": "storm",
        "path": "/2024/03/14/storm-warning-weekend/",
        "title": "Heavy swell warning issued for the weekend",
        "standfirst": "Forecasters expect waves of up to six metres on exposed coasts on Saturday.",
        "date": "2024-03-14T13:00:00+13:00",
        "modified": "2024-03-14T15:40:00+13:00",
        "authors": ["tom-reilly"],
        "section": "city",
        "tags": ["weather"],
        "reachable_via": "feed",
        "related": ["seawall", "ferry"],
        "paragraphs": [
            "The national weather service has issued a heavy swell warning for the Port Ellery coast from Saturday morning, with waves of up to six metres expected on exposed beaches.",
            "Forecasters said a deep low moving up from the south would bring gale-force southerly winds and a large swell that could combine with high tides on Saturday evening.",
            "The council said it would close the Esplanade to traffic if waves began to overtop the damaged seawall, as happened twice last winter. Sandbags will be available from the Marine Parade depot from Friday afternoon.",
            "Bluewater Ferries said weekend sailings to Gull Island could be cancelled at short notice and advised passengers to check its website before travelling.",
        ],
    },
    {
        "key": "airport",
        "path": "/2024/03/13/airport-runway-extension-hearing/",
        "title": "Airport runway extension goes to public hearing",
        "standfirst": "More than 900 submissions were received on the plan to extend the runway into the bay.",
        "date": "2024-03-13T11:30:00+13:00",
        "modified": "2024-03-13T11:30:00+13:00",
        "authors": ["priya-nair"],
        "section": "business",
        "tags": ["council", "harbour"],
        "reachable_via": "sitemap",
        "related": ["dredging", "containers"],
        "paragraphs": [
            "Plans to extend Port Ellery airport's runway 350 metres into the bay will go before independent commissioners next month after more than 900 public submissions were received.",
            "The airport company says the extension is needed to allow direct long-haul flights, which it estimates would bring an extra $120 million a year into the regional economy.",
            "Opponents, including residents of the Lyall Point suburb and several sailing clubs, say the reclamation would damage a popular recreational area and increase aircraft noise over homes.",
            "The hearing is expected to last three weeks. Commissioners will then make a recommendation to the regional council, which has the final say.",
        ],
    },
]
BY_KEY = {s["key"]: s for s in STORIES}

HOME = ["dredging", "ferry", "containers", "shipyard"]
SECTION_PAGES = {
    "city": [["dredging", "ferry"], ["seawall", "fishmarket"]],
    "business": [["containers", "shipyard"], ["cafes"]],
}
FEED = ["dredging", "ferry", "containers", "shipyard", "seawall", "storm"]  # "storm" only here
SITEMAP = ["dredging", "ferry", "seawall", "containers", "airport"]  # "airport" only here
NOT_LISTED = {"lighthouse", "storm", "airport"}  # never on tag, author or section pages

PRIVATE = [
    {
        "path": "/private/2024/03/15/draft-budget-leak/",
        "title": "Exclusive: the council's draft budget, line by line",
        "date": "2024-03-15T06:00:00+13:00",
        "authors": ["jane-okafor"],
        "paragraphs": [
            "This subscriber preview is embargoed until the council publishes its draft annual plan on Friday morning.",
            "The draft plan proposes a 7.9 per cent rates rise, the largest in a decade, driven mainly by seawall repairs and higher insurance costs.",
            "Spending on parks and libraries would be held flat, while the council's events budget would be cut by a quarter.",
            "Councillors will debate the draft over two days before it goes out for public consultation in April.",
        ],
    },
    {
        "path": "/private/embargoed/ferry-operator-review/",
        "title": "Embargoed: independent review of the Gull Island ferry contract",
        "date": "2024-03-16T09:00:00+13:00",
        "authors": ["tom-reilly"],
        "paragraphs": [
            "This report is embargoed until the council's transport committee meets next week.",
            "An independent review commissioned by the council has found that the Gull Island ferry contract gives the operator too little incentive to maintain staffing levels.",
            "The reviewers recommend penalties for cancelled sailings and a new clause requiring a standby crew roster.",
            "Bluewater Ferries has been given a copy of the report and will respond at the committee meeting.",
        ],
    },
]

# -- page chrome -----------------------------------------------------------------------


def page(title: str, main: str, *, head: str = "", body_class: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)}</title>
  <link rel="stylesheet" href="/static/site.css">
  <link rel="alternate" type="application/atom+xml" title="{SITE_NAME}: latest news" href="/feed.atom">
{head}</head>
<body class="{body_class}">
  <a class="skip-link" href="#content">Skip to content</a>
  <div class="promo-bar">Support local journalism. <a href="/about/#subscribe">Subscribe from $2 a week</a></div>
  <header class="masthead">
    <a class="brand" href="/"><span class="brand-name">{SITE_NAME}</span></a>
    <p class="brand-tagline">Independent news for Port Ellery since 1887</p>
    <nav class="primary-nav" aria-label="Sections">
      <ul>
        <li><a href="/">Home</a></li>
        <li><a href="/section/city/">City</a></li>
        <li><a href="/section/business/">Business</a></li>
        <li><a href="/tag/harbour/">Harbour</a></li>
        <li><a href="/about/">About us</a></li>
      </ul>
    </nav>
  </header>
{main}
  <footer class="site-footer">
    <div class="footer-columns">
      <section>
        <h4>Sections</h4>
        <ul><li><a href="/section/city/">City</a></li><li><a href="/section/business/">Business</a></li></ul>
      </section>
      <section>
        <h4>{SITE_NAME}</h4>
        <ul><li><a href="/about/">About us</a></li><li><a href="/about/#contact">Contact the newsroom</a></li><li><a href="/feed.atom">Atom feed</a></li></ul>
      </section>
      <section>
        <h4>Follow us</h4>
        <ul><li><a href="https://www.facebook.com/harbourledger">Facebook</a></li><li><a href="https://www.instagram.com/harbourledger">Instagram</a></li></ul>
      </section>
    </div>
    <p class="legal">&copy; 2024 Ledger Media Ltd. All rights reserved.</p>
  </footer>
</body>
</html>
"""


NEWSLETTER_BOX = """      <section class="newsletter-signup">
        <h3>Get the Morning Ledger</h3>
        <p>The day's essential Port Ellery news in your inbox at 6am, free.</p>
        <form action="/newsletter/subscribe" method="post">
          <label for="nl-email">Email address</label>
          <input id="nl-email" type="email" name="email" placeholder="you@example.com">
          <button type="submit">Sign up</button>
        </form>
        <p class="small">We will never share your email. Unsubscribe at any time.</p>
      </section>"""


def abs_url(path: str) -> str:
    return "{{BASE}}" + path


def fmt_date(iso: str) -> str:
    from datetime import datetime
    d = datetime.fromisoformat(iso)
    hour = d.strftime("%I").lstrip("0")
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B %Y')}, {hour}.{d.strftime('%M')}{d.strftime('%p').lower()}"


def byline(authors: list[str]) -> str:
    links = [f'<a rel="author" href="/author/{a}/">{AUTHORS[a]}</a>' for a in authors]
    return "By " + " and ".join(links)


def jsonld_article(s: dict) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": abs_url(s["path"])},
        "headline": s["title"],
        "description": s["standfirst"],
        "image": [abs_url(f"/static/img/{s['key']}.svg")],
        "datePublished": s["date"],
        "dateModified": s["modified"],
        "author": [
            {"@type": "Person", "name": AUTHORS[a], "url": abs_url(f"/author/{a}/")}
            for a in s["authors"]
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": SITE_NAME,
            "logo": {"@type": "ImageObject", "url": abs_url("/static/logo.svg")},
        },
        "articleSection": SECTIONS[s["section"]],
        "keywords": [TAGS[t] for t in s["tags"]],
        "inLanguage": "en",
    }
    return (
        '  <script type="application/ld+json">\n'
        + json.dumps(data, ensure_ascii=False, indent=2)
        + "\n  </script>\n"
    )


def story_head(s: dict) -> str:
    return f"""  <meta name="description" content="{escape(s["standfirst"])}">
  <link rel="canonical" href="{abs_url(s["path"])}">
  <meta property="og:type" content="article">
  <meta property="og:site_name" content="{SITE_NAME}">
  <meta property="og:title" content="{escape(s["title"])}">
  <meta property="og:description" content="{escape(s["standfirst"])}">
  <meta property="og:url" content="{abs_url(s["path"])}">
  <meta property="og:image" content="{abs_url(f"/static/img/{s['key']}.svg")}">
  <meta property="article:published_time" content="{s["date"]}">
  <meta property="article:modified_time" content="{s["modified"]}">
  <meta property="article:section" content="{SECTIONS[s["section"]]}">
  <meta name="twitter:card" content="summary_large_image">
{jsonld_article(s)}"""


def share_buttons(path: str, title: str) -> str:
    url = abs_url(path)
    return f"""        <div class="share-tools" aria-label="Share this story">
          <a class="share share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}">Share on Facebook</a>
          <a class="share share-x" href="https://twitter.com/intent/tweet?url={url}&amp;text={escape(title)}">Share on X</a>
          <a class="share share-linkedin" href="https://www.linkedin.com/shareArticle?url={url}">Share on LinkedIn</a>
          <a class="share share-email" href="mailto:?subject={escape(title)}&amp;body={url}">Email</a>
        </div>"""


def story_page(s: dict) -> str:
    paras = list(s["paragraphs"])
    body = [f"          <p>{escape(p)}</p>" for p in paras]
    if s.get("read_more"):
        target = BY_KEY[s["read_more"]]
        tracked = target["path"] + "?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=morning-ledger"
        body.insert(3, f'          <p class="read-more"><strong>Read more:</strong> <a href="{tracked}">{escape(target["title"])}</a></p>')
    related = "\n".join(
        f'          <li><a href="{BY_KEY[k]["path"]}">{escape(BY_KEY[k]["title"])}</a></li>'
        for k in s["related"]
    )
    tags = " ".join(f'<li><a href="/tag/{t}/" rel="tag">{TAGS[t]}</a></li>' for t in s["tags"])
    section = s["section"]
    main = f"""  <main id="content" class="story-layout">
    <article class="story">
      <header class="story-header">
        <p class="kicker"><a href="/section/{section}/">{SECTIONS[section]}</a></p>
        <h1 class="headline">{escape(s["title"])}</h1>
        <p class="standfirst">{escape(s["standfirst"])}</p>
        <div class="story-meta">
          <p class="byline">{byline(s["authors"])}</p>
          <time class="dateline" datetime="{s["date"]}">{fmt_date(s["date"])}</time>
          <span class="updated">Updated <time datetime="{s["modified"]}">{fmt_date(s["modified"])}</time></span>
        </div>
{share_buttons(s["path"], s["title"])}
      </header>
      <figure class="lead-image">
        <img src="/static/img/{s["key"]}.svg" alt="" width="1200" height="675">
        <figcaption>Photo: {SITE_NAME}</figcaption>
      </figure>
      <div class="story-body">
{chr(10).join(body)}
      </div>
      <footer class="story-footer">
        <ul class="tags">{tags}</ul>
        <p class="corrections">Spotted a mistake? <a href="/about/#corrections">Tell us</a>.</p>
      </footer>
    </article>
    <div class="rail">
{NEWSLETTER_BOX}
      <aside class="related">
        <h2>Related stories</h2>
        <ul>
{related}
        </ul>
      </aside>
    </div>
  </main>"""
    return page(f"{s['title']} | {SITE_NAME}", main, head=story_head(s), body_class="article-page")


def private_page(p: dict) -> str:
    s = {
        "key": "private",
        "path": p["path"],
        "title": p["title"],
        "standfirst": p["paragraphs"][0],
        "date": p["date"],
        "modified": p["date"],
        "authors": p["authors"],
        "section": "city",
        "tags": ["council"],
        "related": [],
        "paragraphs": p["paragraphs"],
    }
    return story_page(s).replace('<meta charset="utf-8">', '<meta charset="utf-8">\n  <meta name="robots" content="noindex">', 1)


def card(key: str) -> str:
    s = BY_KEY[key]
    names = ", ".join(AUTHORS[a] for a in s["authors"])
    return f"""        <article class="card">
          <h3 class="card-title"><a href="{s["path"]}">{escape(s["title"])}</a></h3>
          <p class="card-summary">{escape(s["standfirst"])}</p>
          <p class="card-meta">{names} · <time datetime="{s["date"]}">{fmt_date(s["date"])}</time></p>
        </article>"""


def collection_jsonld(kind: str, name: str, path: str) -> str:
    data = {"@context": "https://schema.org", "@type": kind, "name": name, "url": abs_url(path)}
    return '  <script type="application/ld+json">' + json.dumps(data, ensure_ascii=False) + "</script>\n"


def listing(title: str, heading: str, path: str, keys: list[str], *, kind: str = "CollectionPage",
            intro: str = "", head: str = "", after: str = "") -> str:
    cards = "\n".join(card(k) for k in keys)
    intro_html = f'\n      <p class="listing-intro">{escape(intro)}</p>' if intro else ""
    main = f"""  <main id="content" class="listing-layout">
    <section class="listing">
      <h1 class="listing-title">{escape(heading)}</h1>{intro_html}
      <div class="cards">
{cards}
      </div>
{after}
    </section>
    <div class="rail">
{NEWSLETTER_BOX}
    </div>
  </main>"""
    head = f'  <link rel="canonical" href="{abs_url(path)}">\n' + collection_jsonld(kind, heading, path) + head
    return page(title, main, head=head, body_class="listing-page")


def home() -> str:
    cards = "\n".join(card(k) for k in HOME)
    private = "\n".join(
        f'          <li><a href="{p["path"]}">{escape(p["title"])}</a></li>' for p in PRIVATE
    )
    tag_cloud = " ".join(f'<a href="/tag/{slug}/">{name}</a>' for slug, name in TAGS.items())
    tracked = BY_KEY["dredging"]["path"] + "?utm_source=newsletter&amp;utm_campaign=morning-ledger"
    main = f"""  <main id="content" class="home-layout">
    <section class="top-stories">
      <h2 class="rail-title">Top stories</h2>
      <div class="cards">
{cards}
      </div>
      <p><a class="more" href="/section/city/">More City news</a> · <a class="more" href="/section/business/">More Business news</a></p>
    </section>
    <div class="rail">
      <section class="subscriber-exclusives">
        <h2>Subscriber exclusives</h2>
        <ul>
{private}
        </ul>
      </section>
      <section class="from-the-newsletter">
        <h2>In this morning's newsletter</h2>
        <p><a href="{tracked}">{escape(BY_KEY["dredging"]["title"])}</a></p>
      </section>
{NEWSLETTER_BOX}
      <section class="topics"><h2>Topics</h2><p>{tag_cloud}</p></section>
    </div>
  </main>"""
    head = f"""  <link rel="canonical" href="{abs_url("/")}">
  <meta property="og:type" content="website">
  <meta property="og:site_name" content="{SITE_NAME}">
  <script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@type": "WebSite", "name": SITE_NAME, "url": abs_url("/")})}</script>
"""
    return page(f"{SITE_NAME} | Port Ellery news", main, head=head, body_class="home")


def about() -> str:
    main = f"""  <main id="content" class="page-layout">
    <article class="static-page">
      <h1>About {SITE_NAME}</h1>
      <p>{SITE_NAME} has reported on Port Ellery and its harbour since 1887. We are owned by a charitable trust and employ 14 journalists in our newsroom on Custom House Quay.</p>
      <p>Our reporting is funded by subscribers, advertisers and donations. We do not accept payment for news coverage.</p>
      <h2 id="subscribe">Subscribe</h2>
      <p>Digital subscriptions start at $2 a week and include the e-paper and subscriber exclusives.</p>
      <h2 id="corrections">Corrections</h2>
      <p>We correct errors promptly. Email corrections@harbourledger.example with the story's address and what is wrong.</p>
      <h2 id="contact">Contact the newsroom</h2>
      <p>News tips: newsroom@harbourledger.example or call 04 555 0187.</p>
    </article>
  </main>"""
    return page(f"About us | {SITE_NAME}", main, head='  <link rel="canonical" href="{{BASE}}/about/">\n', body_class="page")


# -- feeds, sitemap, robots --------------------------------------------------------------

def atom() -> str:
    entries = []
    for key in FEED:
        s = BY_KEY[key]
        authors = "".join(f"<author><name>{AUTHORS[a]}</name></author>" for a in s["authors"])
        entries.append(f"""  <entry>
    <title>{escape(s["title"])}</title>
    <link rel="alternate" type="text/html" href="{abs_url(s["path"])}"/>
    <id>{abs_url(s["path"])}</id>
    <published>{s["date"]}</published>
    <updated>{s["modified"]}</updated>
    {authors}
    <category term="{SECTIONS[s["section"]]}"/>
    <summary>{escape(s["standfirst"])}</summary>
  </entry>""")
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>{SITE_NAME}: latest news</title>
  <link rel="self" href="{{{{BASE}}}}/feed.atom"/>
  <link rel="alternate" type="text/html" href="{{{{BASE}}}}/"/>
  <id>{{{{BASE}}}}/</id>
  <updated>2024-03-14T15:40:00+13:00</updated>
{body}
</feed>
"""


def sitemap() -> str:
    urls = [f"  <url><loc>{{{{BASE}}}}/</loc><changefreq>hourly</changefreq></url>"]
    for key in SITEMAP:
        s = BY_KEY[key]
        urls.append(f"  <url><loc>{abs_url(s['path'])}</loc><lastmod>{s['modified']}</lastmod></url>")
    body = "\n".join(urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


ROBOTS = """# The Harbour Ledger
User-agent: *
Disallow: /private/
Disallow: /newsletter/
"""

CSS = """body{font-family:Georgia,serif;margin:0;color:#1b1b1b}.masthead{border-bottom:3px solid #0b3d5c;padding:12px 24px}
.brand-name{font-size:2rem;font-weight:bold;color:#0b3d5c}.primary-nav ul{display:flex;gap:16px;list-style:none;padding:0}
.story-layout,.listing-layout,.home-layout{display:grid;grid-template-columns:2fr 1fr;gap:32px;max-width:1100px;margin:24px auto}
.related h2{font-size:1rem;text-transform:uppercase}.newsletter-signup{background:#eef5f9;padding:12px}
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675"><rect width="1200" height="675" fill="#9bb8c9"/></svg>\n'


# -- write everything -----------------------------------------------------------------

def write(rel: str, text: str) -> None:
    path = SITE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def index_file(url_path: str) -> str:
    return url_path.lstrip("/") + "index.html"


def build() -> None:
    if SITE.exists():
        shutil.rmtree(SITE)
    for s in STORIES:
        write(index_file(s["path"]), story_page(s))
        write(f"static/img/{s['key']}.svg", SVG)
    for p in PRIVATE:
        write(index_file(p["path"]), private_page(p))
    write("index.html", home())
    write("about/index.html", about())

    non_stories = ["/", "/about/"]
    for slug, name in SECTIONS.items():
        first, second = SECTION_PAGES[slug]
        base = f"/section/{slug}/"
        next_url = f"{base}?page=2"
        write(index_file(base), listing(
            f"{name} | {SITE_NAME}", name, base, first,
            head=f'  <link rel="next" href="{next_url}">\n',
            after=f'      <p class="load-more-wrap"><a class="load-more" href="{next_url}">Load more</a></p>'))
        # "?page=2" is served from <dir>/__query__/page=2.html (see README)
        write(f"section/{slug}/__query__/page=2.html", listing(
            f"{name}, page 2 | {SITE_NAME}", f"{name}: page 2", next_url, second,
            head=f'  <link rel="prev" href="{base}">\n',
            after=f'      <p class="pager"><a rel="prev" href="{base}">Newer stories</a></p>'))
        non_stories += [base, next_url]
    for slug, name in TAGS.items():
        keys = [s["key"] for s in STORIES if slug in s["tags"] and s["key"] not in NOT_LISTED]
        path = f"/tag/{slug}/"
        write(index_file(path), listing(f"{name} | {SITE_NAME}", f"Topic: {name}", path, keys,
                                        intro=f"All our coverage tagged {name}."))
        non_stories.append(path)
    for slug, name in AUTHORS.items():
        keys = [s["key"] for s in STORIES if slug in s["authors"] and s["key"] not in NOT_LISTED]
        path = f"/author/{slug}/"
        write(index_file(path), listing(
            f"{name} | {SITE_NAME}", name, path, keys, kind="ProfilePage",
            intro=f"{name} is a reporter at {SITE_NAME}. Latest stories by {name}:"))
        non_stories.append(path)

    write("feed.atom", atom())
    write("sitemap.xml", sitemap())
    write("robots.txt", ROBOTS)
    write("static/site.css", CSS)
    write("static/logo.svg", SVG)

    manifest = {
        "name": "english",
        "title": SITE_NAME,
        "language": "en",
        "stories": [
            {
                "path": s["path"],
                "title": s["title"],
                "date": s["date"],
                "date_on_page": s["date"],
                "date_modified": s["modified"],
                "authors": [AUTHORS[a] for a in s["authors"]],
                "section": SECTIONS[s["section"]],
                "tags": [TAGS[t] for t in s["tags"]],
                "reachable_via": s["reachable_via"],
                "encoding": "utf-8",
            }
            for s in STORIES
        ],
        "non_stories": non_stories,
        "disallowed": [p["path"] for p in PRIVATE],
        "feeds": ["/feed.atom"],
        "sitemaps": ["/sitemap.xml"],
        "tracking_links": [
            BY_KEY["containers"]["path"] + "?utm_source=newsletter&utm_medium=email&utm_campaign=morning-ledger",
            BY_KEY["dredging"]["path"] + "?utm_source=newsletter&utm_campaign=morning-ledger",
        ],
    }
    write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    build()
    print(f"wrote {SITE}")
