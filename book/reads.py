"""Record which data files a notebook reads, so the build knows what each chapter depends on.

When CASEBOOK_READ_LOG names a file, every read through `book` is recorded in it as one JSON
line, once per file and log: a chapter that reads a file a hundred times writes one line.
"""

import json
import os
from pathlib import Path

LOG_VARIABLE = "CASEBOOK_READ_LOG"
# (log, kind, absolute path) already written, so a read is recorded once.
_recorded: set[tuple[str, str, str]] = set()


def record(path: Path, kind: str = "file") -> None:
    log = os.environ.get(LOG_VARIABLE)
    if not log:
        return
    seen = (log, kind, os.path.abspath(path))
    if seen in _recorded:
        return
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"path": str(Path(path).resolve()), "kind": kind}) + "\n")
    _recorded.add(seen)


def read_log(log: Path) -> list[dict]:
    if not log.exists():
        return []
    entries = {line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()}
    return sorted((json.loads(line) for line in entries), key=lambda e: (e["kind"], e["path"]))
