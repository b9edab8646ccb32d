"""The dependencies installed are the ones declared: requirements.lock (what `make install`
installs, hashed) holds every pin of pyproject.toml at the same version."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    """name → version of `name[extras]==version` lines."""
    found = {}
    for line in requirements:
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;\\]+)", line.strip())
        if match:
            found[normalized(match.group(1))] = match.group(3)
    return found


def test_every_declared_pin_is_locked_at_its_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    assert len(pins(declared)) == len(declared), "every dependency is pinned exactly"
    locked = pins((ROOT / "requirements.lock").read_text().splitlines())
    assert {name: locked.get(name) for name in pins(declared)} == pins(declared), (
        "requirements.lock is behind pyproject.toml: run `make lock`"
    )


def test_the_lock_carries_a_hash_for_every_package():
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    packages = [line for line in lines if re.match(r"^[A-Za-z0-9]", line)]
    assert packages and all(line.endswith("\\") for line in packages), "each is followed by hashes"
