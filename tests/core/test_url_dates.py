"""Dates read from URLs."""

from __future__ import annotations

import pytest

from khar_analysis.core import dates as urls


@pytest.mark.parametrize(("url", "iso", "kind"), [
    ("https://example.org/world/2024/dec/25/story", "2024-12-25", "report"),
    ("https://example.org/a/b-2024-07-28/", "2024-07-28", "report"),
    ("https://example.org/item/news-digest-2003-8-8-art-1.html", "2003-08-08", "report"),
    ("https://example.org/2024/06/some-story", "2024-06", "month"),
    ("https://example.org/files/Paper-September-2016.pdf", "2016-09", "month"),
    ("https://example.org/topical/2021/some-story", "2021", "year"),
    ("https://example.org/wp-content/uploads/2013/10/file.pdf", "2013-10", "upload"),
    ("https://example.org/posts/detail/slug-1722458765", "2024-07-31", "timestamp"),
])
def test_url_date(url, iso, kind):
    d = urls.url_date(url)
    assert (d.iso(), d.kind) == (iso, kind)


@pytest.mark.parametrize("url", ["https://example.org/articles/55498", "https://example.org/a/3474115",
                                 "https://example.org/x/627104d770071082be26c189161b1ac9", ""])
def test_url_without_a_date(url):
    assert urls.url_date(url) is None
