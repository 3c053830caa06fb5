"""Command line: python -m book validate | new-case <id> | datapackage | pdf | bench (book.build.cli)."""

import sys

from book.build.cli import main

if __name__ == "__main__":
    sys.exit(main())
