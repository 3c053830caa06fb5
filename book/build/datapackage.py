"""The casebook's data as one Frictionless Data Package (datapackage.json).

Every CSV becomes a tabular resource with its Table Schema inline, the case it belongs to, the
sources its rows cite and the licence, so that frictionless, pandas or R can load the whole
casebook from one address. Paths are relative to the package file, which sits at the root of
the repository and of the published site (both hold data/ beside it).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from book import bib, catalogue, data, paths

FILE_NAME = "datapackage.json"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _group(csv: Path) -> str:
    return "theory" if csv.parent == paths.theory_dir() else csv.parent.name


def resource_name(csv: Path) -> str:
    """'barking-dagenham-stages', 'theory-arnstein': unique, lower case, as the standard asks."""
    return f"{_group(csv)}-{csv.stem}".replace("_", "-")


def _source(key: str, library: bib.Bibliography) -> dict:
    entry = library.entries[key]
    fields = {name: str(field.value) for name, field in entry.fields_dict.items()}
    source = {"title": f"{bib.citation_label(key, library)}. {bib.plain_text(fields.get('title', ''))}", "key": key}
    if fields.get("url"):
        source["path"] = fields["url"]
    elif fields.get("doi"):
        source["path"] = f"https://doi.org/{fields['doi']}"
    return source


def _schema(csv: Path) -> dict:
    """The table's schema with its foreign keys pointing at the same group's resources."""
    schema = copy.deepcopy(json.loads((paths.schemas_dir() / f"{csv.stem}.json").read_text(encoding="utf-8")))
    for key in schema.get("foreignKeys", []):
        target = key["reference"].get("resource")
        if target:
            key["reference"]["resource"] = resource_name(csv.with_name(f"{target}.csv"))
    return schema


def descriptor() -> dict:
    """The whole package as a dict (deterministic: same data, same descriptor)."""
    metadata = yaml.safe_load((paths.root() / "_config.yml").read_text(encoding="utf-8"))
    library = bib.load()
    resources = []
    cited: set[str] = set()
    listing = catalogue.datasets().set_index("dataset")
    for csv in catalogue.csv_files():
        relative = csv.relative_to(paths.root()).as_posix()
        keys = [k for k in listing.loc[relative, "sources"].split("; ") if k in library.entries]
        cited.update(keys)
        group = _group(csv)
        resource = {
            "name": resource_name(csv),
            "path": relative,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": listing.loc[relative, "description"],
            "schema": _schema(csv),
            "licenses": [LICENCE],
            "sources": [_source(k, library) for k in keys],
        }
        if group != "theory":
            profile = data.case_profile(group)
            resource["case"] = {
                "id": group,
                "name": profile["name"].get("en", group),
                "name_zh": profile["name"].get("zh", ""),
            }
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "coproduction-casebook",
        "title": metadata.get("title", "The Co-production Casebook") + ": data",
        "description": "Every dataset of the casebook: theory tables and, for each case, its actors, "
        "stages of production, metrics, events and evidence, each row citing its source.",
        "licenses": [LICENCE],
        "sources": [_source(k, library) for k in sorted(cited)],
        "resources": resources,
    }


def text() -> str:
    return json.dumps(descriptor(), ensure_ascii=False, indent=1) + "\n"


def write(folder: Path | None = None) -> Path:
    target = (folder or paths.root()) / FILE_NAME
    target.write_text(text(), encoding="utf-8")
    return target
