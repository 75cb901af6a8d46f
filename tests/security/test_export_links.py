"""Issue 22 row 5: export writes no file through a link in its output tree.

The nightly export job writes into a Git checkout whose content others commit: any side
file (the schema copy, a block list, a voice file) or folder there may be a symbolic link
to a file of the job's user. Every side file is replaced like the main file (a new file
renamed over the old name: a link is replaced, never followed); a linked folder on the
way is refused before anything is written through it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from telconf.emulator import Emulators
from telconf.providers.beeline.emulator import demo as beeline_demo
from tests.gitops.conftest import DemoRepo, demo_repo  # noqa: F401 - demo_repo is a fixture

VICTIM = "the job user's own file: must stay as it is\n"


def side_files(repo: DemoRepo, emulators: Emulators, out: Path) -> list[str]:
    """Export once into a clean folder; the files written beside the main one (a big black list included)."""
    for i in range(60):  # more than BLOCK_FILE_AT: the export writes a block_file
        emulators.beeline.add_blacklist(beeline_demo.LOGIN[0], 1, beeline_demo.NUMBERS[0], f"7900100{i:04d}")
    code, _, err = repo.run("export", "-c", str(repo.config), "-o", str(out / "telconf.yaml"))
    assert code == 0, err
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "telconf.yaml")
    assert "telconf.schema.json" in files and any("/blacklists/" in f for f in files), files
    assert any("/media/" in f for f in files), files
    return files


def test_side_files_that_are_links_are_replaced_not_followed(demo_repo: DemoRepo, emulators: Emulators,  # noqa: F811
                                                             tmp_path: Path) -> None:
    files = side_files(demo_repo, emulators, tmp_path / "clean")
    out = tmp_path / "nightly"  # not "backup": the fixture exported there
    victims = []
    for index, relative in enumerate(files):
        victim = tmp_path / f"victim-{index}"
        victim.write_text(VICTIM)
        victims.append(victim)
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).symlink_to(victim)
    code, _, err = demo_repo.run("export", "-c", str(demo_repo.config), "-o", str(out / "telconf.yaml"))
    assert code == 0, err
    assert [v.read_text() for v in victims] == [VICTIM] * len(victims)
    for relative in files:
        written = out / relative
        assert not written.is_symlink() and written.is_file(), relative
        assert written.read_bytes() == (tmp_path / "clean" / relative).read_bytes(), relative
    assert not [p for p in out.rglob(".*.tmp")], "a temporary file was left behind"


@pytest.mark.parametrize("folder", ["msk-callcenter", "msk-callcenter/blacklists", "msk-callcenter/media"])
def test_a_linked_folder_in_the_output_tree_is_refused(demo_repo: DemoRepo, emulators: Emulators,  # noqa: F811
                                                       tmp_path: Path, folder: str) -> None:
    side_files(demo_repo, emulators, tmp_path / "clean")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "nightly"  # not "backup": the fixture exported there
    (out / folder).parent.mkdir(parents=True, exist_ok=True)
    (out / folder).symlink_to(elsewhere, target_is_directory=True)
    code, _, err = demo_repo.run("export", "-c", str(demo_repo.config), "-o", str(out / "telconf.yaml"))
    assert code == 1
    assert f"{out / folder} is a symbolic link or not a folder: telconf does not write through it" in err
    assert "Traceback" not in err
    assert list(elsewhere.iterdir()) == []
