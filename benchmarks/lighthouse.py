"""Lighthouse (mobile) on a school's home page, its longest section page and its print page.

    make lighthouse [RUNS=N] [SCHOOLS="SLUG …"]
    .venv/bin/python benchmarks/lighthouse.py --lighthouse CLI [--runs N] [SLUG … | all]

Builds the schools as `make site` does, serves them on 127.0.0.1 (gzip, as GitHub Pages serves
them) and runs npm `lighthouse` (pinned in the Makefile) against Debian's chromium with
Lighthouse's default mobile settings (simulated slow 4G and a mid-range phone's CPU), N times
on each page. Prints every run's scores, then each page's median, and exits 1 when a page's
median misses the targets: performance at least 0.95, accessibility 1.0.

One run is not a measurement: Lighthouse simulates the phone from what the machine's browser
did, so the same page scores differently from run to run (by 0.05 and more on a busy machine,
above all whether the page is first painted before or after the theme's script runs), which is
why Lighthouse's authors advise the median of several runs. Run it on a quiet machine.
Not run by the tests.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 0.95, "accessibility": 1.0}


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages does: text files gzip-compressed for a browser that
    accepts it (Python's own server sends them uncompressed, which no reader ever gets)."""

    COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().do_GET()          # the redirect to the folder's address
            path = path / "index.html"
        if (not path.name.endswith(self.COMPRESSED) or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)


def _pages(site: Path) -> dict[str, str]:
    """The home page, the longest page other than the print page, and the print page."""
    sections = [p for p in site.glob("*/index.html") if p.parent.name not in ("print", "search")]
    longest = max(sections, key=lambda p: p.stat().st_size)
    return {"home": "", "longest": f"{longest.parent.name}/", "print": "print/"}


def _lighthouse(cli: Path, url: str, report: Path) -> dict[str, float]:
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    subprocess.run(["node", str(cli), url, "--quiet", "--output=json", f"--output-path={report}",
                    f"--only-categories={','.join(CATEGORIES)}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                   env=env, check=True)
    result = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: result["categories"][name]["score"] for name in CATEGORIES}
    audits = result["audits"]
    scores.update({metric: audits[metric]["numericValue"] for metric in
                   ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                    "cumulative-layout-shift", "speed-index")})
    # What cost points: each failed audit of the scored categories, with the elements at fault.
    notes = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 0.9:
                items = (audit.get("details") or {}).get("items") or []
                where = [str((item.get("node") or {}).get("selector") or item.get("url") or "")
                         for item in items[:3]]
                notes.append(f"{name}: {ref['id']} ({audit['score']:.2f}) {' | '.join(w for w in where if w)}")
    shifts = (audits.get("layout-shifts", {}).get("details") or {}).get("items") or []
    notes += [f"layout shift {item.get('score', 0):.3f}: {(item.get('node') or {}).get('selector', '')}"
              for item in shifts[:3]]
    scores["notes"] = notes
    return scores


METRICS = [("first-contentful-paint", "FCP ms", "{:>7.0f}"), ("largest-contentful-paint", "LCP ms", "{:>7.0f}"),
           ("total-blocking-time", "TBT ms", "{:>7.0f}"), ("cumulative-layout-shift", "CLS", "{:>6.3f}"),
           ("speed-index", "SI ms", "{:>7.0f}")]


def _row(label: str, scores: dict) -> str:
    return (f"  {label:<34} " + " ".join(f"{scores[name]:>5.2f}" for name in CATEGORIES) + " "
            + " ".join(form.format(scores[metric]) for metric, _, form in METRICS))


def _median(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in [*CATEGORIES, *(m for m, _, _ in METRICS)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", type=Path, required=True, help="lighthouse's cli/index.js")
    parser.add_argument("--runs", type=int, default=3, help="runs on each page (default 3)")
    parser.add_argument("schools", nargs="*", default=["westfield"],
                        help="school slugs (default westfield), or `all`")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from macros.build.builder import build_many
    from macros.paths import schools_dir

    schools = args.schools
    if schools == ["all"]:
        schools = sorted(p.stem for p in schools_dir().glob("*.yml"))
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        out = Path(tmp) / "site"
        failed = [result for result in build_many(schools, out, jobs=1) if not result.ok]
        if failed:
            for result in failed:
                print(f"error: {result.message}", file=sys.stderr)
            return 1
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_PagesHandler, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        missed = []
        header = (f"  {'page':<34} " + " ".join(f"{name[:4]:>5}" for name in CATEGORIES) + " "
                  + " ".join(f"{label:>{7 if label != 'CLS' else 6}}" for _, label, _ in METRICS))
        try:
            for school in schools:
                base = f"http://127.0.0.1:{server.server_address[1]}/{school}/"
                print(f"Lighthouse (mobile), {school}, {args.runs} run(s) a page:")
                print(header)
                for name, path in _pages(out / school).items():
                    runs = []
                    for number in range(1, args.runs + 1):
                        scores = _lighthouse(args.lighthouse, base + path, Path(tmp) / f"{name}.json")
                        runs.append(scores)
                        print(_row(f"{name} ({path or '/'}) run {number}", scores))
                        for note in scores["notes"]:
                            print(f"      {note}")
                    median = _median(runs)
                    spread = " ".join(f"{c[:4]} {min(r[c] for r in runs):.2f}-{max(r[c] for r in runs):.2f}"
                                      for c in ("performance", "accessibility"))
                    print(_row(f"{name} median", median) + f"   ({spread})")
                    missed += [f"{school} {name} {category} {median[category]:.2f} < {target}"
                               for category, target in TARGETS.items() if median[category] < target]
        finally:
            server.shutdown()
            server.server_close()
    if missed:
        print("below target (median of the runs): " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
