"""The `policy` command: parse arguments, call one function per command, print.

Problems a user can fix arrive as PolicyError and are printed once, here, as `error: …`.
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from macros.stops import EXIT_TERMINATED, Terminated

# Only what Python has loaded already (and macros/stops.py, which needs nothing more) is
# imported before `main` runs: a Ctrl-C while the rest loads is then `main`'s to report.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _cmd_build(args) -> int:
    from macros.build.landing import readable_school_file
    from macros.files import recover
    from macros.school.loader import all_slugs

    # Schools named on the command line must exist; a badly named file found in schools/
    # fails on its own (reported below) and never stops the other schools' builds.
    for slug in args.slugs:
        readable_school_file(slug)
    slugs = args.slugs or all_slugs()
    out = Path(os.path.abspath(args.out))
    try:
        return _build_into(out, slugs, args)
    except KeyboardInterrupt:
        recover(out)            # Ctrl-C: whatever was being written goes
        raise


def _build_into(out: Path, slugs: list[str], args) -> int:
    from macros.build.builder import build_many
    from macros.build.landing import write_landing
    from macros.errors import PolicyError
    from macros.files import ensure_folder

    ensure_folder(out, "output folder")
    bar = _ProgressBar(len(slugs)) if sys.stderr.isatty() and len(slugs) > 1 else None
    try:
        results = build_many(slugs, out, max(1, args.jobs), force=args.force,
                             share_assets=not args.standalone, progress=bar.step if bar else None)
    finally:
        if bar:
            bar.close()
    failed = [r for r in results if not r.ok]
    for result in failed:
        print(f"error: {result.slug}: {_summary(result.message)}", file=sys.stderr)
    try:
        write_landing(out)
        landing_failed = False
    except PolicyError as error:
        landing_failed = True
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
    skipped = sum(1 for r in results if r.skipped)
    built = len(results) - len(failed) - skipped
    print(f"built {built} of {len(results)} school sites into {args.out.rstrip('/')}/"
          + (f" ({skipped} unchanged, skipped; --force rebuilds them)" if skipped else "")
          + (f"; failed: {', '.join(r.slug for r in failed)}" if failed else "")
          + ("; the landing page was not updated" if landing_failed else ""))
    return EXIT_FAILED if failed or landing_failed else EXIT_OK


def _summary(message: str) -> str:
    """One line per failed school: its first problem, and how to see the rest."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    first = lines[0] if lines else "failed to build"
    more = len(lines) - 1
    return first + (f" (+{more} more line{'s' if more > 1 else ''}: run `policy check` for all)" if more else "")


class _ProgressBar:
    """A one-line progress bar on stderr, drawn only on a terminal."""

    def __init__(self, total: int):
        self.total, self.done, self.failed = total, 0, 0

    def step(self, result) -> None:
        self.done += 1
        self.failed += 0 if result.ok else 1
        width = 30
        filled = width * self.done // max(1, self.total)
        failed = f", {self.failed} failed" if self.failed else ""
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}{failed} ")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


def _cmd_check(args) -> int:
    from macros.render.check import check_schools, github_line, output_format, text_line

    report = check_schools(args.slugs)
    github = output_format(args.format) == "github"
    for finding in report.findings:
        if github:      # workflow commands are read from standard output
            print(github_line(finding))
        else:
            print(text_line(finding), file=sys.stderr if finding.level == "error" else sys.stdout)
    return EXIT_FAILED if report.failed else EXIT_OK


def _cmd_serve(args) -> int:
    import subprocess

    from macros import platform
    from macros.model.model import load_model
    from macros.render.context import build_context
    from macros.school.loader import load_school, school_path

    from macros.mkdocs_glue.editor_view import SHOW_NAMES_VARIABLE

    path = school_path(args.slug)
    model = load_model()
    build_context(load_school(path, model), model)   # every problem before serving, the account's too
    env = dict(os.environ, SCHOOL=args.slug, NO_MKDOCS_2_WARNING="1")
    if args.names:
        env[SHOW_NAMES_VARIABLE] = "1"
    print(f"previewing {args.slug} at http://{args.addr}/ (stop with Ctrl+C)", flush=True)
    command = Path(sys.executable).with_name(platform.name())      # mkdocs, or properdocs
    # Saving the school file rebuilds the preview, as saving the model's pages does.
    return subprocess.call([str(command), "serve", "-a", args.addr, "-w", str(path)], env=env)


def _cmd_publish(args) -> int:
    from macros.publish.command import run_publish

    signal.signal(signal.SIGTERM, _terminate)
    return run_publish(args)


def _cmd_schema(args) -> int:
    from macros.school.schema_file import write_schema

    path = write_schema()
    print(f"wrote {path}")
    return EXIT_OK


def _cmd_new(args) -> int:
    from macros.school.new import NewSchool, create_school

    fields = {k: v for k, v in vars(args).items() if k in NewSchool.__dataclass_fields__ and v}
    path = create_school(NewSchool(**fields))
    print(f"wrote {path}; check it with `policy check {args.slug}` and build it with "
          f"`policy build {args.slug}`")
    return EXIT_OK


def _cmd_diff(args) -> int:
    if args.since:
        from macros.publish.changes import changes_since

        print(changes_since(args.slug, args.since, args.branch), end="")
        return EXIT_OK
    from macros.render.differences import differences, render_text
    from macros.school.loader import display_path, load_school, school_path
    from macros.model.model import load_model

    model = load_model()
    path = school_path(args.slug)
    print(render_text(differences(load_school(path, model), model), display_path(path)), end="")
    return EXIT_OK


def _cmd_snapshot(args) -> int:
    from macros.model.snapshots import write_snapshot
    from macros.model.model import load_model

    path = write_snapshot(load_model(), force=args.force)
    print(f"wrote {path}")
    return EXIT_OK


def _cmd_import(args) -> int:
    from macros.importing.importer import import_document

    result = import_document(Path(args.file), slug=args.slug, force=args.force)
    print("\n".join(result.report.lines()))
    print(f"wrote {result.report.target}" + ("; finish it as listed above, then run `policy check "
          f"{result.path.stem}`" if result.report.problems else f"; check it with `policy check {result.path.stem}` "
          f"and preview it with `policy serve {result.path.stem}`"))
    return EXIT_FAILED if result.report.problems else EXIT_OK


def _cmd_passages(args) -> int:
    from macros.render.passage_names import passage_listing
    from macros.model.model import load_model

    print("\n".join(passage_listing(load_model(), args.section, args.find)))
    return EXIT_OK


def make_parser() -> "argparse.ArgumentParser":
    import argparse

    from macros.render.wording import DEFAULT_GOVERNANCE, role_label

    parser = argparse.ArgumentParser(prog="policy", description="Build and check school policy sites.")
    parser.add_argument("--debug", action="store_true", help="show a traceback for errors")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build school sites (all schools when none named)")
    build.add_argument("slugs", nargs="*", metavar="SLUG")
    build.add_argument("--out", default="site", metavar="DIR", help="output folder (default: site)")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="schools built at once (default: number of cores)")
    build.add_argument("--force", action="store_true",
                       help="rebuild every school, even those whose inputs have not changed")
    build.add_argument("--standalone", action="store_true",
                       help="give each school its own copy of the theme's assets "
                            "(default: one shared copy in OUT/shared-assets/)")
    build.set_defaults(run=_cmd_build)

    check = commands.add_parser("check", help="check school files and report every problem")
    check.add_argument("slugs", nargs="*", metavar="SLUG")
    check.add_argument("--format", choices=["auto", "text", "github"], default="auto",
                       help="text for a terminal, or github: annotations on the file's lines in a "
                            "GitHub Actions run (auto, the default: github inside GitHub Actions)")
    check.set_defaults(run=_cmd_check)

    serve = commands.add_parser("serve", help="preview one school's site while editing")
    serve.add_argument("slug", metavar="SLUG")
    serve.add_argument("--addr", default="127.0.0.1:8000")
    serve.add_argument("--names", action="store_true", help="show each passage's name beside its text "
                       "(the names omit, add_after, replace and fill take)")
    serve.set_defaults(run=_cmd_serve)

    publish = commands.add_parser(
        "publish", help="publish schools' policies as versions on the pages branch: those whose "
                        "published version is not what their file asks")
    publish.add_argument("slugs", nargs="*", metavar="SLUG")
    publish.add_argument("--all", action="store_true", help="every school in schools/")
    publish.add_argument("--version", help="version name for the one school named "
                         "(default: the school file's version:)")
    publish.add_argument("--alias", default="latest", help="alias moved to the new versions "
                         "(default: latest; '' for none)")
    publish.add_argument("--remote", help="git remote to read the pages branch from and push to "
                         "(default with --push: origin)")
    publish.add_argument("--branch", default="gh-pages", help="pages branch (default: gh-pages)")
    publish.add_argument("--push", action="store_true", help="push the pages branch")
    publish.add_argument("--force", action="store_true",
                         help="publish the schools named even when the branch holds them as asked")
    publish.add_argument("--keep-full", default="2", metavar="N",
                         help="how many of each school's newest versions stay whole; older ones keep "
                              "their print page and record (default: 2; 'all' keeps every version whole)")
    publish.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                         help="schools built at once (default: number of cores)")
    publish.add_argument("--repo", type=Path, metavar="DIR",
                         help="the git repository whose pages branch to publish to (default: the project's)")
    steps = publish.add_mutually_exclusive_group()
    steps.add_argument("--plan", action="store_true",
                       help="publish nothing: print the schools that differ, split into shards, as "
                            "the publish workflow's job matrix (JSON)")
    steps.add_argument("--pack", type=Path, metavar="DIR",
                       help="build the schools into DIR for --assemble, touching no branch (a shard job)")
    steps.add_argument("--assemble", type=Path, nargs="*", metavar="DIR",
                       help="put the schools packed in each DIR on the pages branch in one commit")
    publish.add_argument("--per-shard", type=int, metavar="N", help="with --plan: schools per shard")
    publish.add_argument("--max-shards", type=int, metavar="M", help="with --plan: at most this many shards")
    publish.set_defaults(run=_cmd_publish)

    new = commands.add_parser("new", help="start a new school's file (asks for what flags do not give)")
    new.add_argument("slug", metavar="SLUG", help="the file name: lowercase letters, digits and hyphens")
    new.add_argument("--name", help="the school's full name, e.g. Westfield Primary School and Nursery")
    new.add_argument("--short-name", help="a short name, e.g. Westfield")
    new.add_argument("--setting", choices=["school", "centre"], default="school")
    new.add_argument("--governance", choices=["governing-body", "management-committee"], default="governing-body")
    for flag, what in (("--designated-teacher", role_label("designated_teacher", DEFAULT_GOVERNANCE)),
                       ("--designated-governor", "designated governor (or management committee member)"),
                       ("--safeguarding-lead", role_label("safeguarding_lead", DEFAULT_GOVERNANCE))):
        new.add_argument(flag, action="append", default=[], metavar="'NAME, TITLE'",
                         help=f"the {what} (repeat for several people)")
    new.add_argument("--pronoun", choices=["she", "he", "they"], help="the Designated Teacher's pronoun")
    new.add_argument("--ratified", metavar="DATE", help="e.g. December 2023")
    new.add_argument("--ratified-by", metavar="WHO", help="e.g. Full Governing Body")
    new.add_argument("--next-review", metavar="DATE", help="e.g. Autumn 2024")
    new.add_argument("--version", help="this policy's version, e.g. 2024-25")
    new.add_argument("--email", help="where readers can ask about the policy")
    new.add_argument("--behaviour-approach", metavar="NAME", help="e.g. hertfordshire-steps")
    new.set_defaults(run=_cmd_new)

    diff = commands.add_parser("diff", help="list where a school's policy departs from the model")
    diff.add_argument("slug", metavar="SLUG")
    diff.add_argument("--since", metavar="VERSION", help="instead, list what changed, word by word, "
                      "since that published version (read from the pages branch)")
    diff.add_argument("--branch", default="gh-pages", help="pages branch to read --since from "
                      "(default: gh-pages)")
    diff.set_defaults(run=_cmd_diff)

    snapshot = commands.add_parser("snapshot", help="record the model's passages for this model issue "
                                                    "(docs/model-history/<issue>.json)")
    snapshot.add_argument("--force", action="store_true", help="replace this issue's snapshot")
    snapshot.set_defaults(run=_cmd_snapshot)

    imports = commands.add_parser("import", help="write a school's file from its existing policy "
                                  "document (.docx, .txt, .md or .html)")
    imports.add_argument("file", metavar="FILE")
    imports.add_argument("--slug", help="the school file's name (default: from the school's name)")
    imports.add_argument("--force", action="store_true", help="replace the school's file if it exists")
    imports.set_defaults(run=_cmd_import)

    passages = commands.add_parser("passages", help="list the model's passage names with their first words")
    passages.add_argument("section", nargs="?", metavar="SECTION", help="only this section, e.g. exclusion")
    passages.add_argument("--find", metavar="WORDS", help="only passages whose text has these words")
    passages.set_defaults(run=_cmd_passages)

    schema = commands.add_parser("schema", help="write schools/schema.json for editors")
    schema.set_defaults(run=_cmd_schema)
    return parser


INTERRUPTED = "interrupted: stopped before the end; what was finished is in place, the rest as it was"
EXIT_INTERRUPTED = 130          # 128 + SIGINT, as shells report it


def _terminate(signum, frame) -> None:
    raise Terminated


def _redeliver_stop(unraisable) -> None:
    """A Ctrl-C or SIGTERM that lands inside a callback Python cannot raise from (an import
    lock's, a finaliser's) would be printed as "Exception ignored" and lost: send it again, so
    it reaches the code that is running and ends the command as any other stop does."""
    stopped_by = {KeyboardInterrupt: signal.SIGINT, Terminated: signal.SIGTERM}.get(unraisable.exc_type)
    if stopped_by is None:
        sys.__unraisablehook__(unraisable)
        return
    import threading     # from another thread, so it arrives once this callback has returned
    resend = threading.Timer(0.05, _resend, (stopped_by,))
    resend.daemon = True
    resend.start()


def _resend(signum: int) -> None:
    """Send the stop again, unless the command is already on its way out (its handler gone),
    to the main thread: where it holds signals back (signals_held), it gets this one after."""
    import threading

    if signal.getsignal(signum) in (signal.SIG_IGN, signal.SIG_DFL):
        return
    if hasattr(signal, "pthread_kill"):
        signal.pthread_kill(threading.main_thread().ident, signum)
    else:
        os.kill(os.getpid(), signum)


def main(argv: list[str] | None = None) -> int:
    sys.unraisablehook = _redeliver_stop
    try:
        return _run(argv)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)    # a second Ctrl-C while we exit: no traceback
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # … nor a second SIGTERM
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:     # `policy passages | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush
        return EXIT_OK


def _run(argv: list[str] | None) -> int:
    from macros.errors import PolicyError

    args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except PolicyError as error:
        if args.debug:
            raise
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
