"""Phone numbers: parse any usual spelling, normalise to the wire form ``78123232323``.

Every module that handles a phone number goes through here, so that one number has
one spelling everywhere (config keys, forwards, black lists, provider payloads).
"""

from __future__ import annotations

import re

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
    if region == "RU" and _RU_SPELLING.match(raw):
        digits = _NOT_DIGIT.sub("", raw)
        if len(digits) == 11 and phonenumbers.is_valid_number(
            phonenumbers.PhoneNumber(country_code=7, national_number=int(digits[1:]))
        ):
            return "7" + digits[1:]
    parsed = _parse(raw, region)
    if parsed is None and raw.isdigit():
        parsed = _parse("+" + raw, region)
    if parsed is None:
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


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
    try:
        parsed = phonenumbers.parse("+" + wire, None)
    except phonenumbers.NumberParseException:
        return "+" + wire
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None
