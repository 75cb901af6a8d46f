"""Plans: what would change, in which order, shown to people and tools.

    data.py        the plan as plain data (Change, Call, AccountPlan, Plan, placeholders)
    order.py       the one place deciding the stage of each (kind, action)
    planner.py     read every account, diff, order and batch its calls -> Plan
    safety.py      the mass-delete rule (refused unless --force)
    saved.py       plan files: written by `plan --out`, checked and marked by `apply FILE`
    render*.py     text (terminal), Markdown (pull requests), JSON (tools; schemas/plan.schema.json)

``telconf.engine.apply`` carries a Plan out; renderers and apply only read plan data.
"""
