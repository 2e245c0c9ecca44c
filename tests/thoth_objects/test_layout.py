"""The object store layout: keys for requests, statuses, results and completions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from thoth_objects import layout


def test_keys_of_an_analysis() -> None:
    assert layout.request_key("a-1") == "requests/a-1.json"
    assert layout.status_key("a-1") == "status/a-1.json"
    assert layout.result_key("solver", "solver-a-1") == "results/solver/solver-a-1.json"
    assert layout.result_key("inspection", "i") == "results/inspection/i.json"
    assert layout.analysis_id_of("requests/a-1.json") == "a-1"
    assert layout.analysis_id_of("status/a-1.json") == "a-1"


@pytest.mark.parametrize("bad", ["", "../x", "a/b", ".x", "a..b", "a b", "x" * 129])
def test_ids_must_be_key_safe(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid id"):
        layout.request_key(bad)


def test_unknown_result_kinds_and_foreign_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown result kind"):
        layout.result_key("graph", "x")
    with pytest.raises(ValueError, match="not a request or status key"):
        layout.analysis_id_of("results/solver/x.json")


def test_analysis_ids_sort_by_creation_time() -> None:
    early = layout.new_analysis_id(datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC))
    late = layout.new_analysis_id(datetime(2026, 1, 1, 12, 0, 1, tzinfo=UTC))
    assert re.fullmatch(r"20260101T120000Z-[0-9a-f]{8}", early)
    assert early < late
    assert layout.check_id(early) == early


def test_completion_keys_sort_by_finishing_time_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    first = layout.completion_key(datetime(2026, 1, 1, 13, 0, tzinfo=plus_two), "z")
    second = layout.completion_key(datetime(2026, 1, 1, 11, 30, tzinfo=UTC), "a")
    assert first == "completed/20260101T110000.000000Z-z.json"
    assert first < second


def test_completion_keys_are_read_back_and_a_follower_can_start_before_a_time() -> None:
    moment = datetime(2026, 1, 1, 11, 30, 0, 250000, tzinfo=UTC)
    key = layout.completion_key(moment, "20260101T113000Z-ab12")
    assert layout.completion_analysis_id(key) == "20260101T113000Z-ab12"
    assert layout.completion_time(key) == moment
    earlier = layout.completion_prefix(moment - timedelta(minutes=5))
    assert earlier < key < layout.completion_prefix(moment + timedelta(microseconds=1))
    with pytest.raises(ValueError, match="not a completion key"):
        layout.completion_analysis_id("completed/nodash.json")
    assert layout.dispatch_key("a-1") == "dispatch/a-1.json"
    assert layout.analysis_id_of("dispatch/a-1.json") == "a-1"
