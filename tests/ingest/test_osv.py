"""OSV records read into Advisories, and the faults of malformed ones named by JSON path."""

from __future__ import annotations

from typing import Any

import pytest

from thoth_graphql.domain import Advisory, AffectedRange
from thoth_graphql.ingest.osv import parse_osv_record
from thoth_graphql.ingest.solver_document import InvalidDocument

PYSEC = {
    "id": "PYSEC-2022-1",
    "modified": "2026-01-01T00:00:00Z",
    "details": "First line of the details.\nMore.",
    "severity": [
        {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"},
        {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
    ],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "Jinja2"},
            "ranges": [
                {"type": "GIT", "repo": "x", "events": [{"introduced": "abc"}]},
                {
                    "type": "ECOSYSTEM",
                    "events": [
                        {"introduced": "0"},
                        {"fixed": "2.10.1"},
                        {"introduced": "3.0"},
                        {"last_affected": "3.0.2"},
                        {"introduced": "3.1.0a1"},
                    ],
                },
            ],
            "versions": ["2.10", "3.0.0"],
        },
        {"package": {"ecosystem": "PyPI", "name": "markupsafe"}},
        {"package": {"ecosystem": "Go", "name": "x"}},
    ],
}


def test_a_record_gives_one_advisory_per_pypi_package() -> None:
    jinja, markupsafe = parse_osv_record(PYSEC, "doc")
    assert jinja == Advisory(
        "PYSEC-2022-1",
        "jinja2",
        (
            AffectedRange("0", "2.10.1"),
            AffectedRange("3.0", None, "3.0.2"),
            AffectedRange("3.1.0a1"),
        ),
        versions=("2.10", "3.0.0"),
        severity=6.1,
        summary="First line of the details.",
    )
    assert markupsafe.package == "markupsafe"
    assert markupsafe.ranges == ()


@pytest.mark.parametrize(
    ("record", "path"),
    [
        ([], "$"),
        ({"affected": []}, "$.id"),
        ({"id": "X", "affected": {}}, "$.affected"),
        (
            {"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": "-x-"}}]},
            "$.affected[0].package.name",
        ),
        (
            {
                "id": "X",
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "x"},
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1"}]}],
                    }
                ],
            },
            "$.affected[0].ranges[0].events[0]",
        ),
        (
            {
                "id": "X",
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "x"},
                        "versions": ["1.0", "not a version"],
                    }
                ],
            },
            "$.affected[0].versions[1]",
        ),
    ],
    ids=["not an object", "no id", "affected not a list", "bad name", "fixed first", "bad version"],
)
def test_faults_are_named_by_path(record: Any, path: str) -> None:
    with pytest.raises(InvalidDocument) as raised:
        parse_osv_record(record, "records[0]")
    assert raised.value.faults[0].path == path
    assert "not a valid OSV record" in str(raised.value)
