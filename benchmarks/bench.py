"""Benchmark: a whole authority of synthetic schools, built fast, small and light.

    make bench                       (or: .venv/bin/python benchmarks/bench.py [--sizes 50 500])

Generates N synthetic schools from the seed schools (distinct names, role holders, dates and
additions) into a temporary schools folder (POLICY_SCHOOLS_DIR), then measures, in one run:
cold batch builds for each N (a fresh process, as `policy build` would run), the naive loop
`SCHOOL=<slug> mkdocs build` two at a time on a sample (extrapolated), the speed-up, the
rebuild of the whole authority after one school's file changes, bytes per school-version,
`policy publish --all` of the largest size into a new git repository (against the cold
batch build of the same schools), the pages branch projected for ten yearly versions with
the default retention rule (from a sample published ten times),
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
            "from macros.build.builder import build_many;"
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


YEARS = 10


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _new_repo(repo: Path) -> None:
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Benchmark")
    _git(repo, "config", "user.email", "bench@example.org")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "start")


def publish_all(slugs: list[str], schools: Path, work: Path, env: dict, jobs: int) -> dict:
    """`policy publish --all` in a new process into a new git repository (one batch build,
    one commit), right after a cold batch build of the same schools, each with a new template
    cache, so a busy machine slows both alike. Wall seconds, and the branch's size."""
    repo = work / "pages"
    _new_repo(repo)
    build_env = dict(env, POLICY_CACHE_DIR=str(work / "templates-build"))
    build = _build_in_fresh_process(slugs, work / "out-before-publish", jobs, build_env)
    env = dict(env, POLICY_CACHE_DIR=str(work / "templates-publish"))
    before = _children_cpu()
    started = time.perf_counter()
    run = subprocess.run([str(BIN / "policy"), "publish", "--all", "--jobs", str(jobs), "--repo", str(repo)],
                         cwd=PROJECT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    cpu = _children_cpu() - before
    if run.returncode:
        raise SystemExit(f"publish failed:\n{run.stderr[-3000:]}")
    commits = _git(repo, "rev-list", "--count", "gh-pages").strip()
    return {"wall": wall, "cpu": cpu, "built": build["wall"], "built_cpu": build["cpu"],
            "commits": int(commits), "bytes": _branch_bytes(repo)}


def _children_cpu() -> float:
    """CPU seconds of the processes this one has waited for (and theirs): on a busy machine
    a fairer measure than wall time."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _branch_bytes(repo: Path) -> dict:
    """Bytes of the files on the pages branch: per school folder, and shared."""
    schools: dict[str, int] = {}
    shared = other = 0
    for line in _git(repo, "ls-tree", "-r", "-l", "gh-pages").splitlines():
        meta, path = line.split("\t", 1)
        size = int(meta.split()[3])
        top = path.split("/")[0]
        if top == "shared-assets":
            shared += size
        elif "/" in path:
            schools[top] = schools.get(top, 0) + size
        else:
            other += size
    return {"schools": schools, "shared": shared, "other": other}


def _yearly(source: Path, target: Path, year: int) -> None:
    """The school file as its governors would write it `year` years on."""
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    start = 2024 + year
    data["version"] = f"{start}-{(start + 1) % 100:02d}"
    data.setdefault("dates", {})["ratified"] = f"November {start}"
    data["dates"]["next_review"] = f"Autumn {start + 1}"
    data["dates"].pop("reviewed", None)
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def ten_years(slugs: list[str], schools: Path, work: Path, env: dict, jobs: int) -> dict:
    """A sample of schools published as ten yearly versions with the default retention rule:
    bytes per school folder after the tenth year, to project the whole authority."""
    folder, repo = work / "yearly-schools", work / "yearly-pages"
    folder.mkdir()
    _new_repo(repo)
    yearly_env = dict(env, POLICY_SCHOOLS_DIR=str(folder))
    seconds = []
    for year in range(YEARS):
        for slug in slugs:
            _yearly(schools / f"{slug}.yml", folder / f"{slug}.yml", year)
        started = time.perf_counter()
        run = subprocess.run([str(BIN / "policy"), "publish", "--all", "--jobs", str(jobs), "--repo", str(repo)],
                             cwd=PROJECT, env=yearly_env, capture_output=True, text=True)
        seconds.append(time.perf_counter() - started)
        if run.returncode:
            raise SystemExit(f"yearly publish failed:\n{run.stderr[-3000:]}")
    sizes = _branch_bytes(repo)
    per_school = sorted(sizes["schools"].values())
    whole, retired, school = _version_sizes(repo)
    return {"average": sum(per_school) / len(per_school), "largest": per_school[-1],
            "shared": sizes["shared"], "seconds": sum(seconds) / len(seconds),
            "whole": whole, "retired": retired, "school": school}


def _version_sizes(repo: Path) -> tuple[float, float, float]:
    """Average bytes of a whole version, of a retired one, and of a school's own files
    (history page, versions.json, alias redirects), on the yearly branch."""
    import json as _json

    folders: dict[tuple[str, str], int] = {}
    own: dict[str, int] = {}
    for line in _git(repo, "ls-tree", "-r", "-l", "gh-pages").splitlines():
        meta, path = line.split("\t", 1)
        parts = path.split("/")
        if parts[0] == "shared-assets" or len(parts) < 2:
            continue
        size = int(meta.split()[3])
        if len(parts) > 2 and parts[1][:1].isdigit():
            folders[(parts[0], parts[1])] = folders.get((parts[0], parts[1]), 0) + size
        else:
            own[parts[0]] = own.get(parts[0], 0) + size
    whole, retired = [], []
    for (slug, version), size in folders.items():
        record = _json.loads(_git(repo, "show", f"gh-pages:{slug}/{version}/policy.json"))
        (retired if record.get("retired") else whole).append(size)
    return sum(whole) / len(whole), sum(retired) / len(retired), sum(own.values()) / len(own)


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
    parser.add_argument("--no-publish", dest="publish", action="store_false",
                        help="skip `policy publish --all` of the largest size")
    parser.add_argument("--yearly-sample", type=int, default=4,
                        help=f"schools published as {YEARS} yearly versions for the size projection (0 skips it)")
    parser.add_argument("--authority", type=int, default=500,
                        help="schools the ten-year size is projected for (default 500)")
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

        if args.publish:
            published = publish_all(slugs, schools, work, env, args.jobs)
            built = published["built"]
            sizes = published["bytes"]
            rows.append((f"`policy publish --all` of {largest} schools into a git repository "
                         "(wall, incl. start-up)",
                         f"{published['wall']:.1f} s in {published['commits']} commit = "
                         f"{published['wall'] / built:.2f}× the cold batch build just before it ({built:.1f} s)",
                         "≤ 2×"))
            rows.append(("… the same in CPU time (build and publish processes, git included)",
                         f"{published['cpu']:.1f} s = {published['cpu'] / published['built_cpu']:.2f}× "
                         f"the build's {published['built_cpu']:.1f} s", ""))
            each = sum(sizes["schools"].values()) / len(sizes["schools"])
            rows.append((f"… on the pages branch: {largest} schools × 1 version",
                         f"{(sum(sizes['schools'].values()) + sizes['shared'] + sizes['other']) / 1e6:.0f} MB "
                         f"({each / 1000:.0f} KB a school with its history and redirects; shared "
                         f"{sizes['shared'] / 1000:.0f} KB once)", "< 1 GB"))
        if args.yearly_sample:
            sample = slugs[:min(args.yearly_sample, len(slugs))]
            years = ten_years(sample, schools, work, env, args.jobs)
            total = args.authority * years["average"] + years["shared"]
            rows.append((f"{len(sample)} schools × {YEARS} yearly versions, two newest whole "
                         "(default retention)",
                         f"{years['average'] / 1000:.0f} KB a school (largest {years['largest'] / 1000:.0f} KB);"
                         f" {years['seconds']:.1f} s a yearly publish", ""))
            rows.append((f"… projected: {args.authority} schools × {YEARS} versions on the pages branch",
                         f"{total / 1e6:.0f} MB (a whole version {years['whole'] / 1000:.0f} KB, a "
                         f"retired one {years['retired'] / 1000:.0f} KB)", "≤ 600 MB"))
            for keep in (1, 3, 4):
                each = keep * years["whole"] + (YEARS - keep) * years["retired"] + years["school"]
                rows.append((f"… with PUBLISH_KEEP_FULL_VERSIONS={keep}",
                             f"{(args.authority * each + years['shared']) / 1e6:.0f} MB", ""))

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
