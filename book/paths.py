"""Where the book's files live.

The root is the repository that holds this package, unless CASEBOOK_ROOT names
another copy (the build sets it, so a temporary copy of the book reads its own data).
"""

import functools
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Styles and scripts the build serves with every site, and the PDF and browser helpers use.
STATIC_DIR = PACKAGE_DIR / "static"


def root() -> Path:
    return _resolved(os.environ.get("CASEBOOK_ROOT", str(PACKAGE_DIR.parent)))


@functools.lru_cache(maxsize=16)  # a chapter asks thousands of times, for the same one or two roots
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def data_dir() -> Path:
    return root() / "data"


def cases_dir() -> Path:
    return data_dir() / "cases"


def theory_dir() -> Path:
    return data_dir() / "theory"


def schemas_dir() -> Path:
    return data_dir() / "schemas"


def bibliography() -> Path:
    return root() / "references.bib"
