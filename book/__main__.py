"""Command line: python -m book validate"""

from __future__ import annotations

import argparse
import sys


def validate(_args) -> int:
    from book import schema

    problems = schema.validate_all()
    if problems:
        print(f"{len(problems)} problem(s) in the book's data:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print("data and references.bib are valid")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check every dataset and references.bib").set_defaults(run=validate)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
