"""Loading a call-centre-sized config: ``telconf validate`` against PyYAML's C parser.

Generates a flat Teleum config of N numbers x 5 forwards (the issue: 20,000 numbers,
about 7 MB) and its templated twin (the same forwards from five templates), then times,
each in a fresh subprocess so that peak memory is the run's own:

- PyYAML's C loader (``yaml.load(..., Loader=yaml.CSafeLoader)``) parsing the flat file;
- ``telconf validate`` of the flat file;
- ``telconf validate`` of the templated file (``{use: queueN}``, no parameters);
- the parameterised pair (issue 25): five templates used with ``with: {line, mobile,
  mail}``, every number its own values, and the flat twin spelling them out: the C
  parse of that flat twin, its validate, and the templated file's validate.

Targets: flat within 1.5x of the parse and under 400 MB peak; templated under 1 s
(issue 17); parameterised templated at most 0.5x the parse of its flat twin and never
slower than the twin's own validate (issue 25).
Prints a table; exits 1 when a target is missed (2 when validate finds the file invalid).

    python benchmarks/loading.py                 # 20,000 numbers
    python benchmarks/loading.py --numbers 2000  # quicker
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

TEMPLATES = 5
FORWARDS = 5
HEAD = """\
version: 1
accounts:
  callcenter:
    provider: teleum
    credentials: {email: "${TELEUM_EMAIL}", password: "${TELEUM_PASSWORD}"}
    sip_lines:
"""


def _number(index: int) -> str:
    digits = f"{index:07d}"
    return f"+7 812 {digits[:3]}-{digits[3:5]}-{digits[5:]}"


def _forwards(kind: int, indent: str) -> str:
    """The five forwards of pattern ``kind`` (0..4), as block YAML at ``indent``."""
    lines = [
        f"- to: sip:{101 + kind}",
        '  schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]',
        f"- to: sip:{111 + kind}",
        "  timeout: 25",
        f'- to: "tel:+7 921 000-00-{kind:02d}"',
        "  timeout: 30",
        "  caller_id: group",
        f"- to: tel:+7 921 100-00-{kind:02d}",
        "  record: true",
        f"- to: voicemail:queue{kind}@example.com",
    ]
    assert sum(line.startswith("- ") for line in lines) == FORWARDS
    return "".join(f"{indent}{line}\n" for line in lines)


def _sip_lines() -> str:
    return "".join(f'      "{line}": {{description: "Desk {line}"}}\n'
                   for base in (101, 111) for line in range(base, base + TEMPLATES))


def flat(numbers: int) -> str:
    """The flat config: every number spells out its five forwards."""
    parts = [HEAD, _sip_lines(), "    numbers:\n"]
    for index in range(numbers):
        parts.append(f'      "{_number(index)}":\n        forwards:\n')
        parts.append(_forwards(index % TEMPLATES, "          "))
    return "".join(parts)


def templated(numbers: int) -> str:
    """The same config, the five forward patterns written once as templates."""
    parts = ["version: 1\ntemplates:\n"]
    for kind in range(TEMPLATES):
        parts.append(f"  queue{kind}:\n    forwards:\n")
        parts.append(_forwards(kind, "      "))
    parts += [HEAD[len("version: 1\n"):], _sip_lines(), "    numbers:\n"]
    parts.extend(f'      "{_number(index)}": {{use: queue{index % TEMPLATES}}}\n' for index in range(numbers))
    return "".join(parts)


def _parameters(index: int) -> dict[str, str]:
    """The ``with:`` values of number ``index``: its own SIP line, mobile and mailbox."""
    kind = index % TEMPLATES
    digits = f"{index:07d}"
    return {"line": str(101 + kind), "mobile": f"+7 921 {digits[:3]}-{digits[3:5]}-{digits[5:]}",
            "mail": f"n{index}@example.com"}


def _parameterised_forwards(kind: int, indent: str, values: dict[str, str] | None = None) -> str:
    """The five forwards of pattern ``kind``, with ``{line}``, ``{mobile}``, ``{mail}`` (or ``values``)."""
    line, mobile, mail = (values["line"], values["mobile"], values["mail"]) if values else \
        ("{line}", "{mobile}", "{mail}")
    lines = [
        f"- to: sip:{line}",
        '  schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]',
        f"- to: sip:{111 + kind}",
        "  timeout: 25",
        f'- to: "tel:{mobile}"',
        "  timeout: 30",
        "  caller_id: group",
        f"- to: tel:+7 921 100-00-{kind:02d}",
        "  record: true",
        f"- to: voicemail:{mail}",
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


def flat_parameterised(numbers: int) -> str:
    """The flat twin of :func:`templated_parameterised`: every number's forwards written out."""
    parts = [HEAD, _sip_lines(), "    numbers:\n"]
    for index in range(numbers):
        parts.append(f'      "{_number(index)}":\n        forwards:\n')
        parts.append(_parameterised_forwards(index % TEMPLATES, "          ", _parameters(index)))
    return "".join(parts)


def templated_parameterised(numbers: int) -> str:
    """Five templates used with ``with: {line, mobile, mail}``, every number its own values."""
    parts = ["version: 1\ntemplates:\n"]
    for kind in range(TEMPLATES):
        parts.append(f"  queue{kind}:\n    forwards:\n")
        parts.append(_parameterised_forwards(kind, "      "))
    parts += [HEAD[len("version: 1\n"):], _sip_lines(), "    numbers:\n"]
    for index in range(numbers):
        values = _parameters(index)
        parts.append(f'      "{_number(index)}": {{use: queue{index % TEMPLATES}, with: {{line: "{values["line"]}", '
                     f'mobile: "{values["mobile"]}", mail: {values["mail"]}}}}}\n')
    return "".join(parts)


_MEASURE = textwrap.dedent("""\
    import resource, sys, time
    start, cpu = time.perf_counter(), time.process_time()
    {body}
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{{elapsed:.3f}} {{peak:.0f}} {{code}} {{cpu:.3f}}")
""")
_PARSE = "import yaml\nyaml.load(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)\ncode = 0"
_VALIDATE = ("from telconf.config import validate, errors_of\n"
             "code = 2 if errors_of(validate(sys.argv[1])) else 0")


def measure(body: str, path: Path) -> tuple[float, float, int, float]:
    """(seconds, peak MB, exit code, CPU seconds) of ``body`` run on ``path`` in a fresh interpreter.

    CPU time is shown beside the wall time: on a shared machine other work stretches the
    wall time of a CPU-bound run, much less its CPU time.
    """
    script = _MEASURE.format(body=body.replace("\n", "\n    ").strip())
    script = "\n".join(line[4:] if line.startswith("    ") else line for line in script.splitlines())
    out = subprocess.run([sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True)
    seconds, peak, code, cpu = out.stdout.split()
    return float(seconds), float(peak), int(code), float(cpu)


def fastest(runs: list[tuple[float, float, int, float]]) -> tuple[float, float, int, float]:
    """The fastest wall and CPU time, the highest peak and exit code of ``runs``."""
    return min(r[0] for r in runs), max(r[1] for r in runs), max(r[2] for r in runs), min(r[3] for r in runs)


def best(body: str, path: Path, repeat: int) -> tuple[float, float, int, float]:
    return fastest([measure(body, path) for _ in range(repeat)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=20_000, help="numbers in the config (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each row; the fastest counts (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        paths = {name: Path(folder, f"{name}.yaml") for name in ("flat", "templated", "flat_with", "with")}
        paths["flat"].write_text(flat(args.numbers), encoding="utf-8")
        paths["templated"].write_text(templated(args.numbers), encoding="utf-8")
        paths["flat_with"].write_text(flat_parameterised(args.numbers), encoding="utf-8")
        paths["with"].write_text(templated_parameterised(args.numbers), encoding="utf-8")
        parse = best(_PARSE, paths["flat"], args.repeat)
        flat_run = best(_VALIDATE, paths["flat"], args.repeat)
        templated_run = best(_VALIDATE, paths["templated"], args.repeat)
        # The parameterised pair, alternating so that a busy minute hits all three alike.
        pair: dict[str, list[tuple[float, float, int, float]]] = {"parse": [], "flat": [], "with": []}
        for _ in range(args.repeat):
            pair["parse"].append(measure(_PARSE, paths["flat_with"]))
            pair["flat"].append(measure(_VALIDATE, paths["flat_with"]))
            pair["with"].append(measure(_VALIDATE, paths["with"]))
        with_parse, with_flat, with_run = (fastest(runs) for runs in pair.values())
        size = {name: path.stat().st_size / 1e6 for name, path in paths.items()}
    ratio = flat_run[0] / parse[0]
    with_ratio = with_run[0] / with_parse[0]
    rows = [
        ("PyYAML CSafeLoader parse, flat", size["flat"], parse, ""),
        ("telconf validate, flat", size["flat"], flat_run,
         f"{ratio:.2f}x parse (<= 1.5x), peak <= 400 MB"),
        ("telconf validate, templated", size["templated"], templated_run, "< 1 s"),
        ("PyYAML CSafeLoader parse, flat, with:", size["flat_with"], with_parse, ""),
        ("telconf validate, flat, with:", size["flat_with"], with_flat, f"{with_flat[0] / with_parse[0]:.2f}x parse"),
        ("telconf validate, templated, with:", size["with"], with_run,
         f"{with_ratio:.2f}x parse (<= 0.5x), {with_run[0] / with_flat[0]:.2f}x its flat twin (<= 1x); CPU "
         f"{with_run[3] / with_parse[3]:.2f}x and {with_run[3] / with_flat[3]:.2f}x"),
    ]
    print(f"{args.numbers} numbers x {FORWARDS} forwards; fastest of {args.repeat} runs, each in its own process")
    print(f"{'row':38} {'MB':>6} {'seconds':>8} {'peak MB':>8} {'CPU s':>7}  target")
    for name, megabytes, (seconds, peak, _, cpu), target in rows:
        print(f"{name:38} {megabytes:6.2f} {seconds:8.2f} {peak:8.0f} {cpu:7.2f}  {target}")
    if flat_run[2] or templated_run[2] or with_flat[2] or with_run[2]:
        print("validate found the generated config invalid", file=sys.stderr)
        return 2
    met = (ratio <= 1.5 and flat_run[1] <= 400 and templated_run[0] < 1.0
           and with_ratio <= 0.5 and with_run[0] <= with_flat[0])
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
