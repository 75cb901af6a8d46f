"""Beeline cloudcc: ``client`` speaks HTTP, ``live`` reads payloads, ``changes`` diffs,
``blacklists``/``batching`` make few requests, ``provider`` ties them together."""
