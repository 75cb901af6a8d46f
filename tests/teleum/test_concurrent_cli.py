"""Two `telconf apply --yes` processes at once, as in the issue (issue 15).

Real processes against the emulator with latency: the exit codes and the output are
what an unlucky team would see. The verdicts hold whatever the order the server handles
the requests in: never two exits 0 with an account that matches neither config, never
"Apply complete" with an item not read back as desired, every conflict named.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from telconf.emulator import Emulators
from telconf.core.phones import display

from .helpers import EMAIL, ENV, add_forwards, emulator_forwards, fwd

NUMBERS = [f"7812323{2000 + i}" for i in range(10)]
FIRST = {wire: fwd(f"tel:7921000{2000 + i}") for i, wire in enumerate(NUMBERS)}
SECOND = {wire: fwd(f"tel:7921001{2000 + i}", timeout=25) for i, wire in enumerate(NUMBERS)}


def config(tmp_path: Path, name: str, url: str, keep: dict[str, object]) -> Path:
    numbers = "".join(f'      "{display(w)}":\n        forwards:\n          - to: tel:{display(keep[w].target.value)}\n'
                      f"            timeout: {keep[w].timeout}\n" for w in NUMBERS)
    path = tmp_path / f"{name}.yaml"
    path.write_text("version: 1\naccounts:\n  spb:\n    provider: teleum\n    url: " + url + "\n"
                    "    credentials:\n      email: ${TELEUM_EMAIL}\n      password: ${TELEUM_PASSWORD}\n"
                    "    numbers:\n" + numbers)
    return path


def start(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "telconf", "apply", "-c", str(path), "--yes", "--force"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **ENV, "NO_COLOR": "1"})


@pytest.mark.parametrize("first", ["a", pytest.param("b", marks=pytest.mark.slow)])
def test_two_apply_processes_at_once(emu: Emulators, tmp_path: Path, first: str) -> None:
    for wire in NUMBERS:
        emu.teleum.add_number(EMAIL, wire)
        add_forwards(emu, wire, [FIRST[wire], SECOND[wire]])
    emu.teleum.configure(latency_ms=3)
    paths = {"a": config(tmp_path, "a", emu.teleum_url, FIRST), "b": config(tmp_path, "b", emu.teleum_url, SECOND)}
    order = [first, "b" if first == "a" else "a"]
    processes = {name: start(paths[name]) for name in order}
    done = {name: (p.wait(timeout=120), *p.communicate()) for name, p in processes.items()}
    final = {wire: emulator_forwards(emu, wire) for wire in NUMBERS}
    matches = {name: all(final[w] == [keep[w]] for w in NUMBERS) for name, keep in (("a", FIRST), ("b", SECOND))}
    for name, (code, out, err) in done.items():
        assert code in (0, 1), err
        assert "Traceback" not in err and "Internal error" not in err
        if code == 0:
            assert "Apply complete:" in out and "10 items read back as desired" in out
        else:
            assert "Apply complete" not in out
            for line in (l for l in err.splitlines() if l.startswith(("    ! ", "    ~ "))):
                assert "forwards of +7 812 323-" in line  # every conflict names its number
            if "NO LIVE FORWARD" in err:  # first and loudest (after --force's warning), and last
                assert next(l for l in err.splitlines() if l.startswith("Error: ")).startswith(
                    "Error: NUMBERS LEFT WITH NO FORWARD: spb: forwards of +7 812 323-")
                assert err.splitlines()[-1].startswith("!!! NO LIVE FORWARD was read back on spb: forwards of ")
    if all(code == 0 for code, _, _ in done.values()):
        assert any(matches.values()), "both exited 0, and the account matches neither config"
    assert all(final[w] for w in NUMBERS), "a number was left with no forward"
    again = subprocess.run([sys.executable, "-m", "telconf", "apply", "-c", str(paths["a"]), "--yes", "--force"],
                           capture_output=True, text=True, env={**os.environ, **ENV}, timeout=120)
    assert again.returncode == 0, again.stderr
    assert all(emulator_forwards(emu, w) == [FIRST[w]] for w in NUMBERS)
