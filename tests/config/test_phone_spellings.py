"""The quick path of ``phones.normalise`` for Russian spellings agrees with the full parse.

Config checking leans on it for big black lists; this pins it to phonenumbers' answer.
"""

from __future__ import annotations

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from telconf.core import phones, phones_plus7


def full_parse(raw: str) -> str | None:
    """What ``normalise`` answered before the quick path existed."""
    raw = raw.strip()
    parsed = phones._parse(raw, "RU")
    if parsed is None and raw.isdigit():
        parsed = phones._parse("+" + raw, "RU")
    return None if parsed is None else phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


def quick(raw: str) -> str | None:
    try:
        return phones.normalise(raw)
    except phones.InvalidPhone:
        return None


@st.composite
def russian_spellings(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["+7", "7", "8", "+7 ", "8 (", "7-", " +7(", "8-"]))
    first = draw(st.sampled_from("0123456789" + "3489" * 3))
    digits = first + draw(st.text("0123456789", min_size=8, max_size=10))
    separated = "".join(d + draw(st.sampled_from(["", "", "", " ", "-", ")", "("])) for d in digits)
    return prefix + separated


@settings(max_examples=200, deadline=None)
@given(russian_spellings())
def test_quick_path_agrees_with_full_parse(raw: str) -> None:
    assert quick(raw) == full_parse(raw)


def test_usual_spellings() -> None:
    for raw in ("+7 (812) 323-23-23", "88123232323", "78123232323", "8 812 323 23 23", "+7 7172 12 34 56"):
        assert quick(raw) == full_parse(raw) and quick(raw) is not None
    assert quick("+7 812 323") is None


def test_the_copy_of_the_plus7_metadata_is_the_installed_library_s() -> None:
    """The quick path reads telconf's copy of the +7 metadata; it must be the library's, byte for byte."""
    assert phones_plus7.installed_digest() == phones_plus7.DIGEST, (
        "phonenumbers' metadata changed: remake telconf/core/phones_plus7.py with `python -m telconf.core.phones_plus7`")
    assert phones_plus7.REGIONS == phones_plus7.from_library()
    assert phones_plus7.matches_installed()


def test_without_a_matching_copy_the_library_s_metadata_is_used(monkeypatch) -> None:
    monkeypatch.setattr(phones_plus7, "DIGEST", "sha256 of another release")
    monkeypatch.setattr(phones_plus7, "REGIONS", ())  # a stale copy would be wrong: it must not be read
    phones._plus7_regions.cache_clear()
    try:
        assert not phones_plus7.matches_installed()
        assert quick("+7 (812) 323-23-23") == "78123232323" == full_parse("+7 (812) 323-23-23")
        assert quick("+7 7172 12 34 56") == full_parse("+7 7172 12 34 56") is not None
        assert len(phones._plus7_regions()) == 2
    finally:
        phones._plus7_regions.cache_clear()
