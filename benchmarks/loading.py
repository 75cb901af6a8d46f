"""Loading a call-centre-sized config: ``telconf validate`` against PyYAML's C parser.

Generates a flat Teleum config of N numbers x 5 forwards (the issue: 20,000 numbers,
about 7 MB) and its templated twin (the same forwards from five templates), then times,
each in a fresh subprocess so that peak memory is the run's own:

- PyYAML's C loader (``yaml.load(..., Loader=yaml.CSafeLoader)``) parsing the flat file;
- ``telconf validate`` of the flat file;
- ``telconf validate`` of the templated file.

Targets (issue 17): flat within 1.5x of the parse and under 400 MB peak; templated under 1 s.
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


_MEASURE = textwrap.dedent("""\
    import resource, sys, time
    start = time.perf_counter()
    {body}
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{{elapsed:.3f}} {{peak:.0f}} {{code}}")
""")
_PARSE = "import yaml\nyaml.load(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)\ncode = 0"
_VALIDATE = ("from telconf.config import validate, errors_of\n"
             "code = 2 if errors_of(validate(sys.argv[1])) else 0")


def measure(body: str, path: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of ``body`` run on ``path`` in a fresh interpreter."""
    script = _MEASURE.format(body=body.replace("\n", "\n    ").strip())
    script = "\n".join(line[4:] if line.startswith("    ") else line for line in script.splitlines())
    out = subprocess.run([sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True)
    seconds, peak, code = out.stdout.split()
    return float(seconds), float(peak), int(code)


def best(body: str, path: Path, repeat: int) -> tuple[float, float, int]:
    runs = [measure(body, path) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), max(r[2] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=20_000, help="numbers in the config (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each row; the fastest counts (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        flat_path, templated_path = Path(folder, "flat.yaml"), Path(folder, "templated.yaml")
        flat_path.write_text(flat(args.numbers), encoding="utf-8")
        templated_path.write_text(templated(args.numbers), encoding="utf-8")
        parse = best(_PARSE, flat_path, args.repeat)
        flat_run = best(_VALIDATE, flat_path, args.repeat)
        templated_run = best(_VALIDATE, templated_path, args.repeat)
        sizes = flat_path.stat().st_size / 1e6, templated_path.stat().st_size / 1e6
    ratio = flat_run[0] / parse[0]
    rows = [
        ("PyYAML CSafeLoader parse, flat", sizes[0], parse, ""),
        ("telconf validate, flat", sizes[0], flat_run,
         f"{ratio:.2f}x parse (<= 1.5x), peak <= 400 MB"),
        ("telconf validate, templated", sizes[1], templated_run, "< 1 s"),
    ]
    print(f"{args.numbers} numbers x {FORWARDS} forwards; fastest of {args.repeat} runs, each in its own process")
    print(f"{'row':34} {'MB':>6} {'seconds':>8} {'peak MB':>8}  target")
    for name, size, (seconds, peak, _), target in rows:
        print(f"{name:34} {size:6.2f} {seconds:8.2f} {peak:8.0f}  {target}")
    if flat_run[2] or templated_run[2]:
        print("validate found the generated config invalid", file=sys.stderr)
        return 2
    met = ratio <= 1.5 and flat_run[1] <= 400 and templated_run[0] < 1.0
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
