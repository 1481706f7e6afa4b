"""Benchmark: a whole authority of synthetic schools, built fast, small and light.

    make bench                       (or: .venv/bin/python benchmarks/bench.py [--sizes 50 500])

Generates N synthetic schools from the seed schools (distinct names, role holders, dates and
additions) into a temporary schools folder (POLICY_SCHOOLS_DIR), then measures, in one run:
cold batch builds for each N (a fresh process, as `policy build` would run), the naive loop
`SCHOOL=<slug> mkdocs build` two at a time on a sample (extrapolated), the speed-up, the
rebuild of the whole authority after one school's file changes, bytes per school-version
(built together, and published with `policy publish` as three versions each),
first-visit transfer of a home page in Chromium (gzip sizes, as GitHub Pages serves it) and
the search index a search then loads, and the peak memory of a build worker.
Not run by the tests (it takes a few minutes).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))
from chromium import find_chromium  # noqa: E402  (the same search as the browser tests)
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGETS = {"cold500": 60.0, "speedup": 5.0, "rebuild": 2.0, "bytes": 400_000, "first": 100_000,
           "rss_mb": 300.0}

FIRST = ["Amelia", "Oliver", "Priya", "Kwame", "Zofia", "Liam", "Aisha", "Noah", "Grace", "Tomasz",
         "Isla", "Yusuf", "Hannah", "Ravi", "Chloe", "Mateo", "Sienna", "Dev", "Freya", "Kofi"]
LAST = ["Okafor", "Bennett", "Kowalski", "Shah", "Murphy", "Nguyen", "Hughes", "Patel", "Evans",
        "O'Brien", "Clarke", "Ahmed", "Fletcher", "Novak", "Reid", "Campbell", "Lewis", "Khan"]
PLACES = ["Oakfield", "Riverside", "Hillcrest", "Meadow", "Ashwell", "Brookside", "Kingsway",
          "Elmtree", "Harpenden", "Bishop's", "Chorleywood", "Redbourn", "Tring", "Ware", "Bushey"]
KINDS = ["Primary School", "Junior School", "Infant and Nursery School", "Academy", "JMI School",
         "Church of England Primary School", "Catholic Primary School", "High School"]
MONTHS = ["September", "October", "November", "December", "January", "February", "March"]


# --- Synthetic schools -------------------------------------------------------------------

def _vary(data: dict, index: int, rng: random.Random) -> dict:
    data = json.loads(json.dumps(data, default=str))
    name = f"{rng.choice(PLACES)} {rng.choice(KINDS)} {index}"
    school = data.setdefault("school", {})
    school["name"] = name
    if "short_name" in school:
        school["short_name"] = name.split(" ")[0] + f" {index}"
    for holders in (data.get("roles") or {}).values():
        if isinstance(holders, list):
            for holder in holders:
                if isinstance(holder, dict) and "name" in holder:
                    holder["name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    dates = data.get("dates") or {}
    if isinstance(dates.get("ratified"), str) and dates["ratified"].split()[-1].isdigit():
        dates["ratified"] = f"{rng.choice(MONTHS)} {dates['ratified'].split()[-1]}"
    additions = (data.get("passages") or {}).get("add_after")
    if isinstance(additions, dict):
        for key, value in additions.items():
            if isinstance(value, str):
                additions[key] = value + f" (Reviewed with {name}'s governors.)"
                break
    return data


def generate(count: int, folder: Path, seed: int = 6) -> list[str]:
    import yaml

    from macros.errors import PolicyError
    from macros.school.loader import load_school
    from macros.paths import SCHOOLS_DIR
    from macros.model.model import load_model

    rng = random.Random(seed)
    seeds = sorted(SCHOOLS_DIR.glob("*.yml"))
    model = load_model()
    folder.mkdir(parents=True, exist_ok=True)
    slugs = []
    for index in range(count):
        source = seeds[index % len(seeds)]
        slug = f"{source.stem}-{index:04d}"
        target = folder / f"{slug}.yml"
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        target.write_text("# synthetic school for the benchmark\n"
                          + yaml.safe_dump(_vary(data, index, rng), sort_keys=False, allow_unicode=True),
                          encoding="utf-8")
        try:
            load_school(target, model)
        except PolicyError:      # a variation the schema refuses: fall back to the seed as it is
            target.write_text(source.read_text(encoding="utf-8") + f"\n# synthetic copy {index}\n",
                              encoding="utf-8")
        slugs.append(slug)
    return slugs


# --- Measurements ------------------------------------------------------------------------

def _build_in_fresh_process(slugs: list[str], out: Path, jobs: int, env: dict) -> dict:
    """Cold: a new Python process imports mkdocs and builds, as `policy build` does."""
    code = ("import json,resource,sys,time; from pathlib import Path; t=time.perf_counter();"
            "from macros.build import build_many;"
            "r=build_many(sys.argv[2].split(','), Path(sys.argv[1]), int(sys.argv[3]));"
            "u=[resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)];"
            "print(json.dumps({'seconds': time.perf_counter()-t, 'ok': sum(x.ok for x in r),"
            "'cpu': sum(x.ru_utime+x.ru_stime for x in u),"
            "'skipped': sum(x.skipped for x in r), 'failed': [x.slug+': '+x.message for x in r if not x.ok][:3],"
            "'peak_kb': max(x.peak_rss_kb for x in r)}))")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code, str(out), ",".join(slugs), str(jobs)],
                         cwd=PROJECT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if run.returncode:
        raise SystemExit(f"build failed:\n{run.stderr[-3000:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def naive_loop(slugs: list[str], out: Path, env: dict) -> float:
    """`SCHOOL=<slug> mkdocs build`, two at a time; seconds for the sample."""
    mkdocs = BIN / "mkdocs"

    def one(slug: str) -> None:
        subprocess.run([str(mkdocs), "build", "--quiet", "--site-dir", str(out / slug)], cwd=PROJECT,
                       env=dict(env, SCHOOL=slug), check=True, capture_output=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, slugs))
    return time.perf_counter() - started


def rebuild_after_one_change(slugs: list[str], schools: Path, out: Path, env: dict, jobs: int) -> float:
    changed = schools / f"{slugs[len(slugs) // 2]}.yml"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# edited by the benchmark\n", encoding="utf-8")
    started = time.perf_counter()
    run = subprocess.run([str(BIN / "policy"), "build", "--out", str(out), "--jobs", str(jobs)],
                         cwd=PROJECT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode or f"built 1 of {len(slugs)}" not in run.stdout:
        raise SystemExit(f"incremental rebuild did not rebuild exactly one school:\n{run.stdout}{run.stderr}")
    return seconds


def bytes_per_school(out: Path, slugs: list[str]) -> tuple[float, int, int]:
    from macros.build.builder import site_bytes
    from macros.mkdocs_glue.shared_assets import SHARED_ASSETS

    own = [site_bytes(out / slug) for slug in slugs]
    shared = site_bytes(out / SHARED_ASSETS) if (out / SHARED_ASSETS).exists() else 0
    return sum(own) / len(own) + shared / len(slugs), max(own), shared


VERSIONS = ("2023-24", "2024-25", "2025-26")


def published_bytes(slugs: list[str], schools: Path, repo: Path) -> dict:
    """`policy publish` (mike) of each school in `slugs` as three versions into a new git
    repository; bytes on the pages branch per school-version, per school and shared."""
    from macros.publish.publishing import publish

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                              text=True).stdout

    repo.mkdir(parents=True)
    git("init", "-q", "-b", "main")
    git("-c", "user.name=Benchmark", "-c", "user.email=bench@example.org", "commit", "-q",
        "--allow-empty", "-m", "start")
    git("config", "user.name", "Benchmark")
    git("config", "user.email", "bench@example.org")
    started = time.perf_counter()
    for slug in slugs:
        for version in VERSIONS:
            publish(slug, version=version, repo_dir=repo, schools_dir=schools)
    seconds = (time.perf_counter() - started) / (len(slugs) * len(VERSIONS))
    versions: dict[str, int] = {}
    per_school = shared = 0
    for line in git("ls-tree", "-r", "-l", "gh-pages").splitlines():
        meta, path = line.split("\t", 1)
        size = int(meta.split()[3])
        parts = path.split("/")
        if parts[0] == "shared-assets":
            shared += size
        elif len(parts) > 2 and parts[1] in VERSIONS:
            versions[f"{parts[0]}/{parts[1]}"] = versions.get(f"{parts[0]}/{parts[1]}", 0) + size
        elif len(parts) > 1:     # the school's history page, versions.json, the alias redirect
            per_school += size
    return {"average": sum(versions.values()) / len(versions), "largest": max(versions.values()),
            "per_school": per_school / len(slugs), "shared": shared, "seconds": seconds}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def first_visit(out: Path, slug: str) -> dict:
    """gzip bytes of what Chromium fetches for a school's home page, then for one search."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/{slug}/"
    requests: list[tuple[str, int, int]] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()

            def finished(request):
                response = request.response()
                if response is None or not request.url.startswith("http://127.0.0.1"):
                    return
                try:
                    body = response.body()
                except Exception:  # noqa: BLE001 — e.g. a redirect has no body
                    return
                requests.append((request.url, len(body), len(gzip.compress(body, 9))))

            page.on("requestfinished", finished)
            page.goto(base, wait_until="networkidle")
            first = list(requests)
            page.keyboard.press("/")          # material's shortcut opens the search box
            page.locator("input.md-search__input").press_sequentially("exclusion", delay=30)
            page.wait_for_selector(".md-search-result__item", timeout=15_000)
            hits = page.locator(".md-search-result__item").count()
            page.wait_for_load_state("networkidle")
            search = [r for r in requests[len(first):]]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"first_gzip": sum(r[2] for r in first), "first_raw": sum(r[1] for r in first),
            "first_requests": [(r[0].removeprefix(base), r[2]) for r in first],
            "search_gzip": sum(r[2] for r in search), "search_requests": [(r[0].removeprefix(base), r[2]) for r in search],
            "search_hits": hits}


# --- The run -------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--naive-sample", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--publish-sample", type=int, default=4,
                        help="schools published as three versions each (0 skips it)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="policy-bench-"))
    schools = work / "schools"
    env = dict(os.environ, POLICY_SCHOOLS_DIR=str(schools), NO_MKDOCS_2_WARNING="1")
    os.environ.update(POLICY_SCHOOLS_DIR=str(schools), NO_MKDOCS_2_WARNING="1")
    rows: list[tuple[str, str, str]] = []
    try:
        largest = max(args.sizes)
        slugs = generate(largest, schools)
        print(f"generated {largest} synthetic schools in {schools}; {args.jobs} jobs", file=sys.stderr)

        peak_kb = 0
        per_school = {}
        for size in sorted(args.sizes):
            out = work / f"out-{size}"
            # Cold: a new process and an empty template cache, as on a new machine.
            cache = work / f"templates-{size}"
            env["POLICY_CACHE_DIR"] = os.environ["POLICY_CACHE_DIR"] = str(cache)
            result = _build_in_fresh_process(slugs[:size], out, args.jobs, env)
            if result["ok"] != size:
                raise SystemExit(f"{size - result['ok']} schools failed: {result['failed']}")
            peak_kb = max(peak_kb, result["peak_kb"])
            per_school[size] = result["wall"] / size
            rows.append((f"cold batch build, N={size} (wall, incl. start-up)",
                         f"{result['wall']:.1f} s = {size / result['wall']:.1f} schools/s "
                         f"({result['cpu'] / size * 1000:.0f} ms of CPU a school)",
                         f"≤ {TARGETS['cold500']:.0f} s" if size == 500 else ""))

        sample = slugs[:args.naive_sample]
        naive = naive_loop(sample, work / "naive", env)
        naive_each = naive / len(sample)
        rows.append((f"naive `SCHOOL=… mkdocs build`, 2 at a time, {len(sample)} schools",
                     f"{naive:.1f} s = {len(sample) / naive:.2f} schools/s → N={largest}: "
                     f"{naive_each * largest:.0f} s (extrapolated)", ""))
        rows.append((f"speed-up at N={largest}", f"{naive_each / per_school[largest]:.1f}×",
                     f"≥ {TARGETS['speedup']:.0f}×"))

        out = work / f"out-{largest}"
        rebuild = rebuild_after_one_change(slugs, schools, out, env, args.jobs)
        rows.append((f"`policy build` of all {largest} after one school changed", f"{rebuild:.2f} s",
                     f"≤ {TARGETS['rebuild']:.0f} s"))

        average, biggest, shared = bytes_per_school(out, slugs)
        rows.append(("bytes on disk per school-version (own files + share of shared assets)",
                     f"{average / 1000:.0f} KB (largest school {biggest / 1000:.0f} KB; "
                     f"shared assets {shared / 1000:.0f} KB once)", f"≤ {TARGETS['bytes'] // 1000} KB"))
        rows.append(("… the same school built standalone (own copy of assets)",
                     f"{(biggest + shared) / 1000:.0f} KB", ""))

        if args.publish_sample:
            # The first schools are copies of each seed in turn; the seeds differ most in size.
            sample = slugs[:min(args.publish_sample, len(slugs))]
            published = published_bytes(sample, schools, work / "pages")
            each = published["average"] + published["per_school"] / len(VERSIONS)
            total = largest * len(VERSIONS) * each + published["shared"]
            rows.append((f"published (`policy publish`, mike) per school-version, {len(sample)} schools "
                         f"× {len(VERSIONS)}",
                         f"{published['average'] / 1000:.0f} KB (largest {published['largest'] / 1000:.0f} KB)"
                         f" + {published['per_school'] / 1000:.0f} KB per school (history, versions.json, "
                         f"redirect); shared {published['shared'] / 1000:.0f} KB once; "
                         f"{published['seconds']:.1f} s a publish", f"≤ {TARGETS['bytes'] // 1000} KB"))
            rows.append((f"… {largest} schools × {len(VERSIONS)} versions on the pages branch",
                         f"{total / 1e6:.0f} MB", "< 1 GB"))

        if not args.no_browser:
            visit = first_visit(out, slugs[0])
            rows.append(("first visit to a home page, gzip (HTML+CSS+JS+…)",
                         f"{visit['first_gzip'] / 1000:.1f} KB in {len(visit['first_requests'])} requests "
                         f"({visit['first_raw'] / 1000:.0f} KB uncompressed)", f"≤ {TARGETS['first'] // 1000} KB"))
            index = sum(size for url, size in visit["first_requests"] + visit["search_requests"] if "search" in url)
            rows.append(("… of which search worker + index (material preloads them), gzip",
                         f"{index / 1000:.1f} KB; a search ('exclusion') then fetched "
                         f"{visit['search_gzip'] / 1000:.1f} KB more, {visit['search_hits']} results", ""))
            for url, size in visit["first_requests"] + visit["search_requests"]:
                print(f"  request {url or '(home page)'}: {size / 1000:.1f} KB gzip", file=sys.stderr)

        rows.append(("peak memory of a build worker (ru_maxrss)", f"{peak_kb / 1024:.0f} MB",
                     f"≤ {TARGETS['rss_mb']:.0f} MB"))
        _print_table(rows)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _print_table(rows: list[tuple[str, str, str]]) -> None:
    widths = [max(len(r[i]) for r in rows + [("measure", "result", "target")]) for i in range(3)]
    line = "| " + " | ".join("{:%d}" % w for w in widths) + " |"
    print(line.format("measure", "result", "target"))
    print("| " + " | ".join("-" * w for w in widths) + " |")
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    sys.exit(main())
