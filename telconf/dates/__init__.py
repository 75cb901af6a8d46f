"""Dates: temporary overrides and public holidays on top of a number's weekly settings.

A number's ``overrides:`` list says what it should be between two moments (``from``,
``until``) or on the public holidays of the account's ``calendar:``. The desired state
of a number *at a moment* is its base keys with the first active override's keys on
top; ``resolve.config_at`` computes it for a whole config before the planner (and the
routing model) ever sees it, so plans, routes and route tests honour overrides through
the one model. The package names no provider: a provider's builder hands in a function
that builds an override's body exactly as it builds a number.

    model     Override, Window: plain values (stdlib only)
    moments   parsing ``--at`` and ``from``/``until`` in an account's time zone
    calendars public holidays (the ``holidays`` package, imported only when used)
    select    which override is active at a moment, the next change, coming changes
    build     the config side: ``overrides:`` and ``calendar:`` of an account, with checks
    resolve   a config as of a moment, and what a plan says about that moment
"""
