"""Command line: python -m book validate | new-case <id> | chinese-edition | translations | datapackage | schema-docs | pdf | bench

Contributors use the make targets of the same names (`make validate`, `make new-case ID=...`).
"""

from __future__ import annotations

import argparse
import sys


def validate(_args) -> int:
    from book.build import review

    problems = review.validate_book()
    if problems:
        print(f"{len(problems)} problem(s) in the book's data, bibliography or chapters:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        todo = review.placeholders_by_case(problems)
        for case_id, count in todo.items():
            print(f"case '{case_id}': {count} placeholder(s) still to fill in (marked TODO)", file=sys.stderr)
        print("Fix them and run `make validate` again.", file=sys.stderr)
        return 1
    print("data, references.bib, chapters and _toc.yml are valid")
    return 0


def new_case(args) -> int:
    from book.build import scaffold

    try:
        created = scaffold.new_case(args.case_id)
    except scaffold.ScaffoldError as error:
        print(f"new-case: {error}", file=sys.stderr)
        return 2
    for path in created:
        print(f"wrote {path}")
    print(
        f"Next: fill in the TODOs in data/cases/{args.case_id}/ and chapters/cases/{args.case_id}.md, "
        "then run `make validate` until it reports no problem, and `make book` to see the case "
        "(see CONTRIBUTING.md)."
    )
    return 0


def write_datapackage(_args) -> int:
    from book.build import datapackage

    print(f"wrote {datapackage.write()}")
    return 0


def schema_docs(_args) -> int:
    from book.build import schemadocs

    print(f"wrote {schemadocs.write()}")
    return 0


def pdf(args) -> int:
    from book.build.pdf import build_pdf

    print(f"The PDF is at {build_pdf(chinese=args.chinese)}")
    return 0


def chinese_edition(_args) -> int:
    from book.build import i18n

    print(f"The Chinese edition is at {i18n.build()}/index.html")
    return 0


def translations(args) -> int:
    from book.build import translations as catalogues

    if not args.check:
        catalogues.update()
    found = catalogues.catalogues()
    print(f"The Chinese edition's catalogues ({catalogues.locale_dir().relative_to(catalogues.paths.root())}):")
    print(catalogues.report(found))
    problems = [problem for catalogue in found.values() for problem in catalogue.problems]
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} message(s) to translate or fix; a page is built in Chinese once all are done.",
            file=sys.stderr,
        )
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check every dataset and references.bib").set_defaults(run=validate)
    scaffold = commands.add_parser("new-case", help="scaffold a new case's data folder and chapter")
    scaffold.add_argument("case_id", help="lower-case words joined by hyphens, e.g. kic-garden")
    scaffold.set_defaults(run=new_case)
    commands.add_parser(
        "chinese-edition", help="build the Chinese edition into the site's zh/ (after the English one)"
    ).set_defaults(run=chinese_edition)
    translate = commands.add_parser(
        "translations", help="refresh the Chinese edition's catalogues from the English pages and report"
    )
    translate.add_argument("--check", action="store_true", help="report only, without refreshing")
    translate.set_defaults(run=translations)
    commands.add_parser(
        "datapackage", help="write datapackage.json, the data as a Frictionless Data Package"
    ).set_defaults(run=write_datapackage)
    commands.add_parser("schema-docs", help="write data/schemas/README.md, the schema reference").set_defaults(
        run=schema_docs
    )
    printed = commands.add_parser("pdf", help="build the whole book as one PDF")
    printed.add_argument("--chinese", action="store_true", help="from the Chinese edition")
    printed.set_defaults(run=pdf)
    commands.add_parser(
        "bench", help="measure build times, page weights and Lighthouse scores", add_help=False
    ).set_defaults(run=None)
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["bench"]:
        from book.build import bench

        return bench.main(argv[1:])
    args = parser.parse_args(argv)
    return args.run(args)
