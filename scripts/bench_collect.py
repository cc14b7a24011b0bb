"""Throughput of ``gongkai collect`` against many local fixture sites, politeness on and off.

Serves ``--sites`` hosts on 127.0.0.1 (one HTTP server each), every host a TRS-style 年报
column shared by ``--per-site`` bodies of the demo province (their 2024 reports from the demo
generator, with the 2023 titles and other documents as distractors, a ``createPageHTML`` pager
over 4 items a page). HTML and text reports are pages that hold the report; DOCX and PDF reports
are title pages with the file as an attachment. Then runs the crawler three times into fresh
homes / the same home:

- polite: the default limits (1 request per second and 2 in flight per host, robots.txt);
- unthrottled: ``--no-polite`` (no delays, 8 in flight per host);
- rerun: unthrottled again on the same home (every file answered 304).

and prints files/s, MB/s, requests/s and wall time for each.

    .venv/bin/python scripts/bench_collect.py [--sites 50] [--per-site 4]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import re
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.collect.run import CollectResult, collect, limits_for  # noqa: E402
from pipelines.paths import Paths  # noqa: E402
from tests.collect_sites import Resp, Site, _html, _page, _thin, _trs_list  # noqa: E402

PER_PAGE = 4
_TYPES = {".pdf": "application/pdf",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class BenchSites:
    """Just what :class:`tests.collect_sites.Site` asks of its owner (no bookkeeping)."""

    delays: dict = {}  # noqa: RUF012 - read-only, shared by the handlers

    def __init__(self) -> None:
        self.sites: list[Site] = []
        self._lock = threading.Lock()

    def arrived(self, *_: object) -> None:
        """No request log in a benchmark."""

    def record(self, *_: object) -> None:
        """No status log in a benchmark."""

    def close(self) -> None:
        """Stop every server."""
        for s in self.sites:
            if s.server:
                s.server.shutdown()
                s.server.server_close()


def _report_page(title: str, doc: Path) -> str:
    if doc.suffix == ".html":
        html = doc.read_text(encoding="utf-8")
        m = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
        return _page(title, m.group(1) if m else html, pubdate="2025-01-20")
    from pipelines.extract.encoding import decode_bytes

    text = decode_bytes(doc.read_bytes())[0].replace("&", "&amp;").replace("<", "&lt;")
    return _page(title, f"<h1>{title}</h1><pre>{text}</pre>", pubdate="2025-01-20")


def build_sites(demo: Path, n_sites: int, per_site: int) -> tuple[BenchSites, list[dict], int]:
    """Start the servers; the sources list and the number of report files served."""
    rows = [r for r in csv.DictReader((demo / "MANIFEST.tsv").open(encoding="utf-8"),
                                      delimiter="\t") if r["year"] == "2024"]
    groups: dict[int, list[dict]] = defaultdict(list)
    for i, row in enumerate(rows[: n_sites * per_site]):
        groups[i // per_site].append(row)
    owner = BenchSites()
    sources = []
    for n, group in groups.items():
        site = Site(f"s{n}", owner)  # type: ignore[arg-type]
        site.start()
        owner.sites.append(site)
        items = []
        for k, row in enumerate(group):
            body, doc = row["body"], demo / "docs" / row["file"]
            title = f"{body}2024年度政府信息公开工作年度报告"
            page = f"/col/ndbg/202501/t2025012{k}_{n}{k}.html"
            items += [(title, "." + page[9:], "2025-01-2" + str(k)),
                      (f"{body}2023年度政府信息公开工作年度报告", f"./202401/t2024011{k}_{k}.html",
                       "2024-01-1" + str(k))]
            if doc.suffix in _TYPES:
                att = f"/col/ndbg/202501/P02025012{k}{n}{doc.suffix}"
                site.routes[page] = (lambda t=title, a=att: _html(_page(
                    t, _thin(t, "2025-01-20", a, t + a[-5:]))))
                site.routes[att] = (lambda d=doc: Resp(body=d.read_bytes(),
                                                       headers={"Content-Type": _TYPES[d.suffix]}))
            else:
                html = _report_page(title, doc)
                site.routes[page] = lambda h=html: _html(h)
            sources.append({"id": f"s{n}-{k}", "body": body,
                            "listing": site.base + "/col/ndbg/index.html"})
        items.insert(1, ("2025年政务公开工作要点", "./202503/t20250301_1.html", "2025-03-01"))
        pages = [items[i: i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
        for p, chunk in enumerate(pages):
            pager = f'<script>createPageHTML({len(pages)}, {p}, "index", "html");</script>'
            html = _page("政府信息公开年报", _trs_list(chunk, pager))
            site.routes["/col/ndbg/index.html" if p == 0 else f"/col/ndbg/index_{p}.html"] = (
                lambda h=html: _html(h))
        site.routes["/robots.txt"] = lambda: Resp(body=b"User-agent: *\nDisallow: /admin/\n",
                                                  headers={"Content-Type": "text/plain"})
    return owner, sources, sum(len(g) for g in groups.values())


def _line(label: str, r: CollectResult) -> str:
    s = max(r.seconds, 1e-9)
    files = r.files_new + r.files_unchanged
    return (f"{label:<12} {r.seconds:8.1f} s  {files:5d} files ({r.files_new} new)  "
            f"{files / s:7.1f} files/s  {r.bytes_downloaded / 1e6 / s:6.2f} MB/s  "
            f"{r.requests:6d} requests  {r.requests / s:7.1f} req/s  "
            f"found {r.found}/{r.sources}")


def _serve(demo: Path, n_sites: int, per_site: int, sources_file: Path, ready, stop) -> None:
    """The server process: the sites, until told to stop (own process: no shared GIL)."""
    owner, sources, files = build_sites(demo, n_sites, per_site)
    sources_file.write_text(yaml.safe_dump({"files": files, "sources": sources},
                                           allow_unicode=True), encoding="utf-8")
    ready.set()
    stop.wait()
    owner.close()


def main() -> int:
    """Generate the demo, serve the sites, crawl them three ways, print the numbers."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=50)
    ap.add_argument("--per-site", type=int, default=4)
    args = ap.parse_args()
    from pipelines.demo import generate

    ctx = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate(work / "demo", scale=1.0)
        src = work / "sources.yaml"
        ready, stop = ctx.Event(), ctx.Event()
        server = ctx.Process(target=_serve, args=(work / "demo", args.sites, args.per_site, src,
                                                  ready, stop), daemon=True)
        server.start()
        try:
            if not ready.wait(120):
                raise SystemExit("the fixture sites did not start")
            info = yaml.safe_load(src.read_text(encoding="utf-8"))
            print(f"{args.sites} sites on 127.0.0.1 (own process), {len(info['sources'])} "
                  f"sources, {info['files']} report files")
            polite = collect(src, 2024, Paths(work / "polite"), polite=True)
            print(_line("polite", polite))
            fast = collect(src, 2024, Paths(work / "fast"), limits=limits_for(False))
            print(_line("unthrottled", fast))
            again = collect(src, 2024, Paths(work / "fast"), limits=limits_for(False))
            print(_line("rerun (304)", again))
        finally:
            stop.set()
            server.join(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
