"""The engine that runs plans: the conductor (read, diff, order, apply), the apply
lanes and their items, offline snapshot plans, and route tests (``telconf test``)."""
