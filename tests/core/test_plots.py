"""The one figure helper: it saves, displays once, closes, and returns nothing to display."""

from __future__ import annotations

import matplotlib.pyplot as plt

from khar_analysis.core import plots


def _figure():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    ax.set_title("a title")
    return fig


def test_show_returns_nothing_so_no_path_is_displayed(tmp_path, monkeypatch):
    monkeypatch.setenv("KHAR_FIGURE_DIR", str(tmp_path / "figs"))
    fig = _figure()
    assert plots.show(fig, "one") is None
    assert (tmp_path / "figs" / "one.png").read_bytes().startswith(b"\x89PNG")
    assert not plt.fignum_exists(fig.number), "the figure is closed"


def test_show_outside_a_build_saves_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("KHAR_FIGURE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert plots.show(_figure(), "two") is None
    assert list(tmp_path.iterdir()) == []


def test_show_displays_png_with_alt_text_and_a_readable_text_fallback(monkeypatch):
    import base64

    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    plots.show(_figure(), "three")
    (bundle, kw), = shown
    assert kw["raw"] is True
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == "[Figure three: a title]"  # no "<IPython.core.display.Image object>"
    assert kw["metadata"] == {"image/png": {"alt": "Figure three: a title"}}
