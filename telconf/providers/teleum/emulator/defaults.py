"""The Teleum emulator's default tables: forward types and caller-id kinds, and their wire ids.

Their own module so that the app (``app.py``) and the calls (``calls.py``),
which the app imports, both read them from one place at import time.
"""

from __future__ import annotations

FORWARD_TYPES = ("SIP", "Телефон", "Автоответчик", "Факс")
RCID_KINDS = ("вызывающего", "групповой", "свой")
DEFAULT_TYPE_IDS = {name: str(i) for i, name in enumerate(FORWARD_TYPES, 1)}
DEFAULT_RCID_IDS = {name: str(i) for i, name in enumerate(RCID_KINDS, 1)}
