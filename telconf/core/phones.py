"""Phone numbers: parse any usual spelling, normalise to the wire form ``78123232323``.

Every module that handles a phone number goes through here, so that one number has
one spelling everywhere (config keys, forwards, black lists, provider payloads).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from telconf.core import phones_plus7

if TYPE_CHECKING:
    import phonenumbers

DEFAULT_REGION = "RU"
# The usual Russian spellings (`+7 (812) 323-23-23`, `88123232323`, `78123232323`): for
# these the national number is the last ten digits, so the costly parse can be skipped
# (big black lists hold tens of thousands). Anything else takes the general path.
_RU_SPELLING = re.compile(r"(?:\+7|7|8)[0-9 ()-]*\Z")
_NOT_DIGIT = re.compile(r"[^0-9]")


class InvalidPhone(ValueError):
    """The text is not a valid phone number."""


def normalise(text: str | int, region: str = DEFAULT_REGION) -> str:
    """Return the wire form (digits, international, no ``+``) of ``text``.

    ``+7 (812) 323-23-23``, ``88123232323`` and ``78123232323`` all give
    ``78123232323``. Digits-only text that is not valid in ``region`` is tried as an
    international number (``442079460958``), as the providers write them.
    """
    raw = str(text).strip()
    if region == "RU" and (_is_wire_spelling(raw) or _RU_SPELLING.match(raw)):
        digits = raw if raw.isdigit() else _NOT_DIGIT.sub("", raw)
        if len(digits) == 11 and _valid_plus7(str(int(digits[1:]))):
            return "7" + digits[1:]
    import phonenumbers  # only off the fast path: the package costs about 25 ms to import

    parsed = _parse(raw, region)
    if parsed is None and raw.isdigit():
        parsed = _parse("+" + raw, region)
    if parsed is None:
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


def _is_wire_spelling(raw: str) -> bool:
    """``78123232323`` or ``88123232323``: what block files and the wire hold, matched without a regex."""
    return len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] in "78"


def is_valid(text: str | int, region: str = DEFAULT_REGION) -> bool:
    """True when ``text`` is a valid phone number."""
    try:
        normalise(text, region)
    except InvalidPhone:
        return False
    return True


def display(wire: str) -> str:
    """The readable international form of a wire number: ``+7 812 323-23-23``.

    Numbers the library cannot format are shown as ``+<digits>``.
    """
    import phonenumbers

    try:
        parsed = phonenumbers.parse("+" + wire, None)
    except phonenumbers.NumberParseException:
        return "+" + wire
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _valid_plus7(national: str) -> bool:
    """``phonenumbers.is_valid_number`` of +7 ``national``, with the metadata's patterns compiled once.

    The library finds the region (Russia, or Kazakhstan by its leading digits) and then
    tries the number against each type of number in turn, compiling nothing ahead; a
    config of 20,000 numbers spent seconds there. Same rules, same metadata, same answer.
    The metadata comes from ``phones_plus7``'s copy when the installed library's files are
    the ones it was copied from (the library then stays unimported), else from the library.
    """
    for leading, general, kinds in _plus7_regions():
        if leading is not None:
            if leading.match(national):
                return _known_kind(national, general, kinds)
        elif _known_kind(national, general, kinds):
            return True
    return False


_Desc = tuple[frozenset[int], "re.Pattern[str] | None"]


def _known_kind(national: str, general: _Desc, kinds: tuple[_Desc, ...]) -> bool:
    return _matches(national, general) and any(_matches(national, kind) for kind in kinds)


def _matches(national: str, desc: _Desc) -> bool:
    lengths, pattern = desc
    if pattern is None or (lengths and len(national) not in lengths):
        return False
    return pattern.fullmatch(national) is not None


_Region = tuple["re.Pattern[str] | None", _Desc, tuple[_Desc, ...]]


@functools.lru_cache(maxsize=None)
def _plus7_regions() -> tuple[_Region, ...]:
    """The regions of +7 in the library's order, their patterns compiled once."""
    metadata = phones_plus7.REGIONS if phones_plus7.matches_installed() else phones_plus7.from_library()

    def desc(item: phones_plus7.Desc) -> _Desc:
        lengths, pattern = item
        return frozenset(lengths), re.compile(pattern) if pattern else None

    return tuple((re.compile(leading) if leading is not None else None, desc(general), tuple(map(desc, kinds)))
                 for _, leading, general, kinds in metadata)


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None
