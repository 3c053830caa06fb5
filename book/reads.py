"""Record which data files a notebook reads, so the build knows what each chapter depends on.

When CASEBOOK_READ_LOG names a file, every read through `book` appends one JSON line to it.
"""

import json
import os
from pathlib import Path

LOG_VARIABLE = "CASEBOOK_READ_LOG"


def record(path: Path, kind: str = "file") -> None:
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"path": str(Path(path).resolve()), "kind": kind}) + "\n")


def read_log(log: Path) -> list[dict]:
    if not log.exists():
        return []
    entries = {line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()}
    return sorted((json.loads(line) for line in entries), key=lambda e: (e["kind"], e["path"]))
