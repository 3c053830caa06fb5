"""`make bench`: build times, page weights and Lighthouse scores, measured on this machine.

First the times of `make check` and `make test` (`--checks-only` stops there); then everything
runs on temporary copies of the book, so the working tree is left alone. Timed figures are
medians of several runs. Nothing here is a test: it prints figures.

Lighthouse scores each page on a phone (Lighthouse's defaults: slow 4G, 4x CPU slowdown) and on a
desktop, with the site served compressed as static hosts serve it, beside a page of Jupyter
Book's own template book measured in the same run; the machine's load is printed with them, as a
busy machine scores lower. `make bench BENCH='--lighthouse-only [--all-pages]'` measures the
site already built, on a text, a chart and the heaviest page, or on every page.

`make bench BENCH='--cases N'` measures the book at N cases instead: a temporary copy gets copies
of the test fixture until it holds N (book.build.synthetic), is built cold, then one more case is
added and the copy rebuilt; it reports both times, the notebooks the new case re-executed, and the
comparison page's weight and its height at 1280 px with every chart drawn. The same add-one step
is timed on a copy of the book as it is, run for run beside the first, and the ratio printed.
`make bench BENCH=--editions-only` times a cold build of both editions against the English one
alone, and counts the pages a translation edit rebuilds in each.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from book import paths

IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", "*.egg-info")
EXECUTED = re.compile(r"\[casebook\] executing \d+ notebook\(s\) in parallel: (.*)")
STOCK_EXECUTED = re.compile(r"Executing notebook using")
LIGHTHOUSE = "lighthouse@12.2.3"
TEXT_PAGE = "chapters/back/glossary.html"
CHART_PAGE = "chapters/theory/concept.html"
TEMPLATE_PAGE = "markdown.html"  # a text page of Jupyter Book's template book
COMPARISON_PAGE = "chapters/synthesis/comparison.html"
PROSE_CHAPTER = "chapters/theory/core-points.md"
DATA_FILE = "data/theory/arnstein.csv"


def jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    env = {**os.environ, "CASEBOOK_ROOT": str(cwd)}
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout + result.stderr


def build(copy: Path, config: str | None = None) -> tuple[float, str]:
    cmd = [jupyter_book(), "build", str(copy), "-W", "-n", "--keep-going"]
    if config:
        cmd += ["--config", str(copy / config)]
    return timed(cmd, copy)


def executed(log: str) -> list[str]:
    found = EXECUTED.search(log)
    return sorted(found.group(1).split(", ")) if found else []


def stock_config(copy: Path) -> str:
    """Jupyter Book's stock behaviour: every notebook executed serially at build time."""
    text = (copy / "_config.yml").read_text(encoding="utf-8")
    text = text.replace("execute_notebooks: cache", "execute_notebooks: force")
    (copy / "_config.stock.yml").write_text(text, encoding="utf-8")
    return "_config.stock.yml"


def median(values: list[float]) -> float:
    return statistics.median(values)


def toggle(path: Path, old: str, new: str, times: int) -> str:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if times % 2 == 0 else text.replace(new, old, 1), encoding="utf-8")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- page weights


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that compresses text, as static hosts such as GitHub Pages do."""

    COMPRESS = (".html", ".js", ".css", ".json", ".svg", ".txt", ".csv", ".ipynb")

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix in self.COMPRESS and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=3600")
            self.end_headers()
            return _Bytes(body)
        return super().send_head()


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


@contextlib.contextmanager
def serve(site: Path):
    handler = functools.partial(_GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def first_visit(url: str) -> dict:
    """Bytes transferred (compressed) and requests made when a page is first opened."""
    from playwright.sync_api import sync_playwright

    from book.build.browser import CHROMIUM_ARGS, chromium

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        sizes: dict[str, int] = {}
        session.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)
        browser.close()
    return {"requests": len(sizes), "bytes": sum(sizes.values())}


def html_weights(site: Path) -> list[tuple[str, int]]:
    return sorted(
        (p.relative_to(site).as_posix(), p.stat().st_size) for p in site.rglob("*.html") if "_static" not in p.parts
    )


def page_height(url: str, width: int = 1280) -> int:
    """The page's height in pixels at `width`, every chart drawn (as a reader scrolling through sees it)."""
    from playwright.sync_api import sync_playwright

    from book.build.browser import CHROMIUM_ARGS, DRAW_EVERYTHING, chromium

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url, wait_until="networkidle")
        page.wait_for_function(DRAW_EVERYTHING, polling=500, timeout=120_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('div[id^=\"altair-viz-\"]')]"
            ".every(box => box.classList.contains('casebook-chart-drawn'))",
            polling=500,
            timeout=120_000,
        )
        page.wait_for_timeout(500)
        height = page.evaluate("document.documentElement.scrollHeight")
        browser.close()
    return height


# ---------------------------------------------------------------- a book of N cases


def case_count(root: Path) -> int:
    return sum(1 for case in (root / "data" / "cases").iterdir() if (case / "case.yaml").exists())


def remove_case(root: Path, case_id: str) -> None:
    """Undo synthetic.add_cases for one case: its data, its chapter and its entry in _toc.yml."""
    import yaml

    shutil.rmtree(root / "data" / "cases" / case_id)
    (root / "chapters" / "cases" / f"{case_id}.md").unlink()
    toc_path = root / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    for part in toc["parts"]:
        part["chapters"] = [c for c in part["chapters"] if c.get("file") != f"chapters/cases/{case_id}"]
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def add_one(copy: Path, number: int) -> tuple[float, list[str], str]:
    """Add synthetic case `number` to the built copy and rebuild: the time, the notebooks run and the case."""
    from book.build import synthetic

    (added,) = synthetic.add_cases(copy, [number])
    seconds, log = build(copy)
    return seconds, executed(log), added


def cases_bench(root: Path, total: int, runs: int, report) -> None:
    """Build a copy of the book holding `total` cases, then add one case at a time (`runs` times,
    each removed again before the next) and rebuild; weigh and measure the comparison page. The
    same step is timed on a copy of the book as it is, run for run beside it (the same machine
    load), for the ratio issue 18 bounds."""
    from book.build import synthetic

    with tempfile.TemporaryDirectory(prefix="casebook-bench-cases-") as scratch:
        copy, small = Path(scratch) / "book", Path(scratch) / "as-it-is"
        shutil.copytree(root, copy, ignore=IGNORE)
        shutil.copytree(root, small, ignore=IGNORE)
        own = case_count(copy)
        if total < own:
            raise SystemExit(f"--cases {total}: the book already holds {own} cases; ask for {own} or more.")
        synthetic.add_cases(copy, range(1, total - own + 1))
        timed([sys.executable, "-m", "book", "validate"], copy)
        print(f"Cold build with {total} cases ({own} of the book's, {total - own} synthetic)...", flush=True)
        seconds, _ = build(copy)
        report(f"cold build, {total} cases", f"{seconds:.1f} s")
        site = copy / "_build" / "html"
        page = site / COMPARISON_PAGE
        report(
            f"comparison page HTML, {total} cases",
            f"{page.stat().st_size / 1024:.0f} KiB ({len(gzip.compress(page.read_bytes(), 6)) / 1024:.0f} KiB compressed)",
        )
        with serve(site) as url:
            height = page_height(f"{url}/{COMPARISON_PAGE}")
        report(f"comparison page height at 1280 px, {total} cases", f"{height:,} px")

        print(f"Cold build with the book's own {own} cases...", flush=True)
        build(small)
        with serve(small / "_build" / "html") as url:
            own_height = page_height(f"{url}/{COMPARISON_PAGE}")
        report(
            f"comparison page height, {total} against {own} cases (target <= 3)",
            f"{height / own_height:.2f} ({height:,} px against {own_height:,} px)",
        )
        big_times, small_times, ran = [], [], set()
        for run in range(max(runs, 1)):
            number = total - own + 1 + run
            seconds, notebooks, added = add_one(small, number)
            small_times.append(seconds)
            remove_case(small, added)
            build(small)
            seconds, notebooks, added = add_one(copy, number)
            big_times.append(seconds)
            ran.update(name for name in notebooks if name != f"chapters/cases/{added}")
            ran.add("chapters/cases/<the new case>")
            remove_case(copy, added)
            build(copy)
        report(
            f"add-one rebuild, {total} to {total + 1} cases (median of {len(big_times)})",
            f"{median(big_times):.1f} s, notebooks re-executed: {len(ran)} ({', '.join(sorted(ran))})",
        )
        report(
            f"add-one rebuild, {own} to {own + 1} cases (median of {len(small_times)})", f"{median(small_times):.1f} s"
        )
        report(
            f"add-one ratio, {total} against {own} cases (target <= 1.5)",
            f"{median(big_times) / median(small_times):.2f} (runs: "
            + ", ".join(f"{b:.1f}/{s:.1f}" for b, s in zip(big_times, small_times))
            + f"; {load()})",
        )


# ---------------------------------------------------------------- Lighthouse

# Lighthouse's own defaults are a phone: a Moto G Power's screen, slow 4G and a CPU four times
# slower than this one (simulated throttling). The desktop preset is measured too.
FORM_FACTORS = ("mobile", "desktop")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"


def lighthouse_binary(work: Path) -> Path | None:
    """Lighthouse from npm, installed once into `work` (outside the book's sources)."""
    tool = work / "lighthouse"
    binary = tool / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        tool.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(tool), LIGHTHOUSE],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            print(f"  (Lighthouse could not be installed: {install.stderr.strip()[-300:]})")
            return None
    return binary


def lighthouse(url: str, work: Path, form_factor: str = "desktop") -> float | None:
    """Lighthouse performance score of `url` on a phone (Lighthouse's defaults) or a desktop."""
    binary = lighthouse_binary(work)
    if binary is None:
        return None
    from book.build.browser import chromium

    report = work / f"lighthouse-{form_factor}.json"
    report.unlink(missing_ok=True)
    settings = ["--preset=desktop", "--throttling-method=devtools"] if form_factor == "desktop" else []
    result = subprocess.run(
        [
            str(binary),
            url,
            *settings,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": chromium()},
    )
    if result.returncode != 0 or not report.exists():
        print(f"  (Lighthouse failed on {url}: {result.stderr.strip()[-300:]})")
        return None
    return json.loads(report.read_text())["categories"]["performance"]["score"]


def lighthouse_pages(weights: list[tuple[str, int]], all_pages: bool) -> list[str]:
    """A text page, a chart page and the heaviest page (the most chart data and maths), or all."""
    if all_pages:
        return [page for page, _ in weights]
    heaviest = max(weights, key=lambda item: item[1])[0]
    return list(dict.fromkeys((TEXT_PAGE, CHART_PAGE, heaviest)))


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def template_book(work: Path) -> Path | None:
    """Jupyter Book 1's own template book (`jupyter-book create`), built: the stock theme's pages."""
    book = work / "template-book"
    if not (book / "_build" / "html" / TEMPLATE_PAGE).exists():
        shutil.rmtree(book, ignore_errors=True)
        create = subprocess.run([jupyter_book(), "create", str(book)], capture_output=True, text=True)
        built = (
            create.returncode == 0
            and subprocess.run(
                [jupyter_book(), "build", str(book)], capture_output=True, text=True, cwd=book
            ).returncode
            == 0
        )
        if not built:
            print("  (Jupyter Book's template book could not be built)")
            return None
    return book / "_build" / "html"


def measure_lighthouse(site: Path, pages: list[str], runs: int, work: Path, report, stock: Path | None = None) -> None:
    """Scores per page and form factor: the median of `runs`, with the range and the machine's load.

    Runs alternate between pages (and the stock page), so a busy moment does not fall on one page.
    """
    runs = max(runs, 1)
    report("machine load before Lighthouse", load())
    targets = [(page, site) for page in pages] + ([(TEMPLATE_PAGE, stock)] if stock else [])
    with contextlib.ExitStack() as stack:
        urls = {root: stack.enter_context(serve(root)) for root in {root for _, root in targets}}
        scores: dict[tuple[str, str, str], list[float]] = {}
        for _ in range(runs):
            for form_factor in FORM_FACTORS:
                for page, root in targets:
                    score = lighthouse(f"{urls[root]}/{page}", work, form_factor)
                    if score is not None:
                        scores.setdefault((page, str(root), form_factor), []).append(score)
        for page, root in targets:
            label = f"Jupyter Book template, {page}" if root == stock else page
            figures = []
            for form_factor in FORM_FACTORS:
                found = scores.get((page, str(root), form_factor), [])
                figures.append(
                    f"{form_factor} {median(found):.2f} ({min(found):.2f}-{max(found):.2f})"
                    if found
                    else f"{form_factor} unavailable"
                )
            report(f"Lighthouse performance, {label} (target >= 0.9, median of {runs})", "; ".join(figures))
    report("machine load after Lighthouse", load())


# ---------------------------------------------------------------- the run


# ---------------------------------------------------------------- the two editions

UPDATED = re.compile(r"(\d+) added, (\d+) changed, (\d+) removed")
TRANSLATED_PAGE = "locales/zh_CN/LC_MESSAGES/chapters/back/glossary.po"


def chinese_edition(copy: Path) -> tuple[float, str]:
    return timed([sys.executable, "-m", "book", "chinese-edition"], copy)


def pages_read(log: str) -> int:
    """How many pages a Sphinx build read (added or changed), from its log."""
    found = UPDATED.search(log)
    return int(found.group(1)) + int(found.group(2)) if found else 0


def editions_bench(root: Path, runs: int, report) -> None:
    """Cold builds of the English edition alone and of both (`make book` builds both), and what a
    translation edit rebuilds."""
    with tempfile.TemporaryDirectory(prefix="casebook-editions-") as scratch:
        copy = Path(scratch) / "book"
        shutil.copytree(root, copy, ignore=IGNORE)
        english, both = [], []
        for _ in range(runs):
            shutil.rmtree(copy / "_build", ignore_errors=True)
            seconds, _ = build(copy)
            english.append(seconds)
            both.append(seconds + chinese_edition(copy)[0])
        report("cold build, English edition only", f"{median(english):.1f} s")
        report("cold build, both editions", f"{median(both):.1f} s")
        report("ratio (target <= 1.8)", f"{median(both) / median(english):.2f}")
        catalogue = copy / TRANSLATED_PAGE
        catalogue.write_text(
            catalogue.read_text(encoding="utf-8").replace('msgstr "术语表"', 'msgstr "术语一览"', 1), encoding="utf-8"
        )
        english_seconds, english_log = build(copy)
        chinese_seconds, chinese_log = chinese_edition(copy)
        report(
            "a translation edit (glossary.po): pages read again",
            f"English {pages_read(english_log)} in {english_seconds:.1f} s, "
            f"Chinese {pages_read(chinese_log)} in {chinese_seconds:.1f} s",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per timed figure (median reported)")
    parser.add_argument("--skip-tests", action="store_true", help="do not time make check and make test")
    parser.add_argument("--checks-only", action="store_true", help="time make check and make test only")
    parser.add_argument("--skip-lighthouse", action="store_true", help="do not run Lighthouse")
    parser.add_argument(
        "--all-pages",
        action="store_true",
        help="Lighthouse on every page (default: a text, a chart and the heaviest page)",
    )
    parser.add_argument(
        "--lighthouse-only",
        action="store_true",
        help="only Lighthouse, on the site already built in _build/html (make book)",
    )
    parser.add_argument(
        "--skip-template", action="store_true", help="do not measure Jupyter Book's template book beside this one"
    )
    parser.add_argument(
        "--editions-only", action="store_true", help="only the cold build of both editions against English alone"
    )
    parser.add_argument(
        "--cases",
        type=int,
        metavar="N",
        help="measure a copy holding N cases (the book's and synthetic copies of the test fixture) instead",
    )
    args = parser.parse_args(argv)
    root = paths.root()
    rows: list[tuple[str, str]] = []

    def report(label: str, value: str) -> None:
        rows.append((label, value))
        print(f"  {label}: {value}", flush=True)

    def lighthouse_section(site: Path, weights: list[tuple[str, int]]) -> None:
        work = root / "_build" / "bench"
        stock = None if args.skip_template else template_book(work)
        measure_lighthouse(site, lighthouse_pages(weights, args.all_pages), args.runs, work, report, stock)

    if args.cases is not None:
        cases_bench(root, args.cases, args.runs, report)
        print_table(rows)
        return 0

    if args.editions_only:
        editions_bench(root, args.runs, report)
        print_table(rows)
        return 0

    if not args.skip_tests and not args.lighthouse_only:
        print("make check and make test (one run each)...", flush=True)
        for target, budget in (("check", 20), ("test", 90)):
            seconds, _ = timed(["make", "--no-print-directory", target], root)
            report(f"make {target} (target <= {budget} s on 2 cores)", f"{seconds:.0f} s")
        if args.checks_only:
            print_table(rows)
            return 0

    if args.lighthouse_only:
        site = root / "_build" / "html"
        if not (site / "index.html").exists():
            raise SystemExit("No site in _build/html: run 'make book' first.")
        lighthouse_section(site, html_weights(site))
        print_table(rows)
        return 0

    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as scratch:
        work = Path(scratch)
        ours, stock = work / "ours", work / "stock"
        shutil.copytree(root, ours, ignore=IGNORE)
        shutil.copytree(root, stock, ignore=IGNORE)
        config = stock_config(stock)

        print(f"Cold builds ({args.runs} runs each, alternating)...", flush=True)
        cold_ours, cold_stock = [], []
        for _ in range(args.runs):
            shutil.rmtree(ours / "_build", ignore_errors=True)
            cold_ours.append(build(ours)[0])
            shutil.rmtree(stock / "_build", ignore_errors=True)
            seconds, log = build(stock, config)
            cold_stock.append(seconds)
        report("cold build, this book's parallel data-aware execution", f"{median(cold_ours):.1f} s")
        report("cold build, Jupyter Book's serial execute_notebooks: force", f"{median(cold_stock):.1f} s")
        report("ratio (target <= 0.65)", f"{median(cold_ours) / median(cold_stock):.2f}")

        noop = [build(ours)[0] for _ in range(args.runs)]
        report("no-op rebuild (jupyter-book build)", f"{median(noop):.1f} s")
        os.symlink(root / ".venv", ours / ".venv")
        timed(["make", "--no-print-directory", "book"], ours)  # records the sources it was built from
        make_noop = [timed(["make", "--no-print-directory", "book"], ours)[0] for _ in range(args.runs)]
        report("no-op rebuild (make book, target <= 2 s)", f"{median(make_noop):.2f} s")

        def edit_rebuilds(path: Path, old: str, new: str) -> tuple[float, list[str]]:
            times, ran = [], set()
            for run in range(args.runs):
                toggle(path, old, new, run)
                seconds, log = build(ours)
                times.append(seconds)
                ran.update(executed(log))
            return median(times), sorted(ran)

        seconds, ran = edit_rebuilds(ours / PROSE_CHAPTER, "The list is ordinary;", "The list is an ordinary one;")
        report("prose-edit rebuild", f"{seconds:.1f} s, notebooks re-executed: {len(ran)}")
        seconds, ran = edit_rebuilds(ours / DATA_FILE, "Manipulation,", "Manipulation (rung 1),")
        report(f"data-edit rebuild ({DATA_FILE})", f"{seconds:.1f} s, re-executed: {', '.join(ran) or 'none'}")

        site = ours / "_build" / "html"
        weights = html_weights(site)
        chapter_html = dict(weights)[CHART_PAGE]
        report(
            "HTML per page (min / median / max)",
            f"{min(w for _, w in weights) / 1024:.0f} / {median([w for _, w in weights]) / 1024:.0f} / "
            f"{max(w for _, w in weights) / 1024:.0f} KiB over {len(weights)} pages",
        )
        static = sum(p.stat().st_size for p in (site / "_static").rglob("*") if p.is_file())
        report("shared assets in _static (all pages, uncompressed)", f"{static / 1024 / 1024:.1f} MiB")
        with serve(site) as url:
            for page in (TEXT_PAGE, CHART_PAGE):
                visit = first_visit(f"{url}/{page}")
                report(
                    f"first visit to {page} (gzip)",
                    f"{visit['bytes'] / 1024:.0f} KiB in {visit['requests']} requests"
                    + (f" (HTML {chapter_html / 1024:.0f} KiB uncompressed)" if page == CHART_PAGE else ""),
                )
        if not args.skip_lighthouse:
            lighthouse_section(site, weights)

    editions_bench(root, args.runs, report)
    print_table(rows)
    return 0


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print("\n| measure | value |\n| --- | --- |")
    for label, value in rows:
        print(f"| {label.ljust(width)} | {value} |")


if __name__ == "__main__":
    sys.exit(main())
