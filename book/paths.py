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


def keep(path: Path, data: bytes) -> None:
    """Write a file the build keeps for later (a cache, a record): whole or not at all, as another
    process may read it meanwhile, and not at all where the folder cannot be written (a read-only
    copy of the book then works it out again each time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f"{path.name}.{os.getpid()}")
        scratch.write_bytes(data)
        os.replace(scratch, path)
    except OSError:
        pass


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
