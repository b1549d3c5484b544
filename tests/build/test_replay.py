"""``khar claim``'s door: an unknown id is one line naming the closest registered ids; parameters belong to the
claim's notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from khar_analysis.build import replay
from khar_analysis.build.errors import BuildError
from khar_analysis.claims import register as claims

IDS = ["ARMS-1", "ARMS-2", "ARMS-R", "EVT-1", "EVT-10", "REGIME-1", "REGIME-2", "TRADE-1"]


def _register() -> dict[str, claims.Claim]:
    return {i: claims.Claim(id=i, family=i.split("-")[0].lower(), line=None, anchor=[], gloss="a made-up claim",
                            claim_type="qualitative", claimed={"text": "something"},
                            rule={"kind": "untestable"}, would_test="records that would test it",
                            notebook="00_test") for i in IDS}


@pytest.mark.parametrize(("given", "first"), [("ARMS-3", "ARMS-1"), ("arms-1", "ARMS-1"), ("REGIME1", "REGIME-1"),
                                              ("EVT-100", "EVT-10")])
def test_close_ids_puts_the_likeliest_first(given, first):
    assert replay.close_ids(given, IDS)[0] == first


def test_an_unknown_id_is_one_line_listing_close_ids():
    with pytest.raises(replay.UnknownClaimError) as err:
        replay.find_claim("ARMS-9", _register())
    message = str(err.value)
    assert "\n" not in message and message.startswith("no registered claim 'ARMS-9'; close ids: ARMS-")
    assert isinstance(err.value, BuildError)  # the CLI prints it as one line and exits 2


def test_an_id_like_nothing_lists_some_ids():
    with pytest.raises(replay.UnknownClaimError, match=r"8 ids, e.g. ARMS-1, ARMS-2"):
        replay.find_claim("QQQQQQ", _register())


def test_a_known_id_is_its_claim():
    assert replay.find_claim("EVT-1", _register()).id == "EVT-1"


def test_parameters_for_another_notebook_are_refused_before_anything_runs():
    claim = _register()["ARMS-1"]
    with pytest.raises(BuildError, match=r"claim ARMS-1 is judged in 00_test; use -p 00_test:name=value"):
        replay._checked_params(claim, Path("00_test.ipynb"), {"01_other": {"x": 1}}, None)
