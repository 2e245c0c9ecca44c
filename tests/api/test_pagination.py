"""Page-size limits and cursors, without a server."""

from __future__ import annotations

import base64

import pytest

from thoth_graphql.api.errors import ErrorCode, UserInputError
from thoth_graphql.api.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    decode_cursor,
    encode_cursor,
    page_size,
)


def test_page_size_defaults_and_bounds() -> None:
    assert page_size(None) == DEFAULT_PAGE_SIZE
    assert page_size(0) == 0
    assert page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE
    for refused in (-1, MAX_PAGE_SIZE + 1):
        with pytest.raises(UserInputError) as caught:
            page_size(refused)
        assert caught.value.extensions == {"code": ErrorCode.BAD_USER_INPUT.value}


def test_a_cursor_decodes_to_what_was_encoded() -> None:
    parts = ("dask", "2.10.1", "https://index.example/simple?x=1&y=é")
    assert decode_cursor(encode_cursor("PackageVersion", *parts), "PackageVersion", 3) == parts


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "%%%",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["PackageVersion", 1, 2, 3]').decode(),
        encode_cursor("Package", "dask"),
        encode_cursor("PackageVersion", "dask", "1"),
    ],
)
def test_a_malformed_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(UserInputError):
        decode_cursor(cursor, "PackageVersion", 3)
