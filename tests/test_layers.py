"""The apps' layers hold (import-linter, configured in pyproject.toml), and a new import from an
app to one above it breaks the contract that CI checks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(project: Path) -> subprocess.CompletedProcess:
    """lint-imports on `project` (a pyproject.toml and its src/motcua), as CI runs it."""
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The Python sources and the configuration, copied: a bad import is tried on the copy."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "motcua",
        tmp_path / "src" / "motcua",
        ignore=shutil.ignore_patterns("__pycache__", "static", "locale", "templates"),
    )
    return tmp_path


def test_the_layers_contract_is_kept():
    checked = _lint(ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "The apps are layered KEPT" in checked.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("catalog/admin.py", "motcua.dossiers.models"),
        ("dossiers/services.py", "motcua.payments.services"),
        ("portal/views.py", "motcua.backoffice.views"),
        ("core/text.py", "motcua.agencies.models"),
        ("payments/views.py", "motcua.backoffice.models"),
    ],
)
def test_an_upward_import_breaks_the_contract(project_copy: Path, module: str, upward: str):
    source = project_copy / "src" / "motcua" / module
    source.write_text(source.read_text() + f"\n\ndef _upward():\n    import {upward}\n")
    checked = _lint(project_copy)
    assert checked.returncode != 0
    importer = "motcua." + module.split("/")[0]
    imported = ".".join(upward.split(".")[:2])
    assert f"{importer} is not allowed to import {imported}" in checked.stdout, checked.stdout
