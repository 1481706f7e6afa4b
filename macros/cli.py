"""The `policy` command: parse arguments, call one function per command, print.

Problems a user can fix arrive as PolicyError and are printed once, here, as `error: …`.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import PolicyError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _cmd_build(args) -> int:
    from .build import build_many
    from .landing import write_landing
    from .loader import all_slugs, school_path

    slugs = args.slugs or all_slugs()
    for slug in slugs:
        school_path(slug)
    results = build_many(slugs, Path(args.out), args.jobs)
    write_landing(Path(args.out))
    failed = [r for r in results if not r.ok]
    for result in failed:
        print(f"error: {result.slug} failed to build:\n{result.message}", file=sys.stderr)
    built = len(results) - len(failed)
    print(f"built {built} of {len(results)} school sites into {args.out}/"
          + (f"; failed: {', '.join(r.slug for r in failed)}" if failed else ""))
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_check(args) -> int:
    from .check import check_schools

    report = check_schools(args.slugs)
    for line in report.lines:
        print(line, file=sys.stderr if line.startswith("error") else sys.stdout)
    return EXIT_FAILED if report.failed else EXIT_OK


def _cmd_serve(args) -> int:
    import subprocess

    from .loader import load_school, school_path

    load_school(school_path(args.slug))
    env = dict(os.environ, SCHOOL=args.slug, NO_MKDOCS_2_WARNING="1")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    return subprocess.call([str(mkdocs), "serve", "-a", args.addr], env=env)


def _cmd_schema(args) -> int:
    from .schema_file import write_schema

    path = write_schema()
    print(f"wrote {path}")
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policy", description="Build and check school policy sites.")
    parser.add_argument("--debug", action="store_true", help="show a traceback for errors")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build school sites (all schools when none named)")
    build.add_argument("slugs", nargs="*", metavar="SLUG")
    build.add_argument("--out", default="site", metavar="DIR", help="output folder (default: site)")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="schools built at once (default: number of cores)")
    build.set_defaults(run=_cmd_build)

    check = commands.add_parser("check", help="check school files and report every problem")
    check.add_argument("slugs", nargs="*", metavar="SLUG")
    check.set_defaults(run=_cmd_check)

    serve = commands.add_parser("serve", help="preview one school's site while editing")
    serve.add_argument("slug", metavar="SLUG")
    serve.add_argument("--addr", default="127.0.0.1:8000")
    serve.set_defaults(run=_cmd_serve)

    schema = commands.add_parser("schema", help="write schools/schema.json for editors")
    schema.set_defaults(run=_cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except PolicyError as error:
        if args.debug:
            raise
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
