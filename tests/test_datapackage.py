"""The data as a Frictionless Data Package: committed, in step with data/, valid, complete."""

from __future__ import annotations

import json

import frictionless
import pytest

from book import catalogue, paths
from book.build import datapackage


def test_committed_package_is_up_to_date():
    committed = (paths.root() / datapackage.FILE_NAME).read_text(encoding="utf-8")
    assert committed == datapackage.text(), (
        "datapackage.json is out of date with data/: run `make datapackage` and commit the result"
    )


def test_package_validates_with_frictionless():
    report = frictionless.Package(str(paths.root() / datapackage.FILE_NAME)).validate()
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "message"])[:10]


def test_every_dataset_is_a_resource_with_licence_sources_and_case():
    package = json.loads((paths.root() / datapackage.FILE_NAME).read_text(encoding="utf-8"))
    paths_in_package = {r["path"] for r in package["resources"]}
    assert paths_in_package == {p.relative_to(paths.root()).as_posix() for p in catalogue.csv_files()}
    for resource in package["resources"]:
        assert resource["licenses"][0]["name"] == "CC-BY-4.0"
        assert resource["sources"], resource["name"]
        assert ("case" in resource) == resource["path"].startswith("data/cases/")


@pytest.mark.build
def test_site_publishes_the_package_beside_its_data(built_site):
    """Loaded from the site's root, the package finds every file it names (data/ is published too)."""
    report = frictionless.Package(str(built_site / datapackage.FILE_NAME)).validate()
    assert report.valid, report.flatten(["taskName", "message"])[:5]
