"""The environment files agree: pyproject.toml's exact pins, environment.yml (conda) and requirements.lock (uv)."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

LOCK_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})\b")


def _norm(name: str) -> str:
    """PEP 503 normalised name: `ruamel.yaml`, `ruamel_yaml` and `Ruamel-YAML` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """{normalised name: (version, sha256 hashes)} from a `uv pip compile --generate-hashes` file.

    Raises ValueError for a requirement line that is not an exact `name==version` pin.
    """
    entries: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            match = LOCK_ENTRY.match(stripped)
            if not match:
                raise ValueError(f"requirements.lock: not an exact pin: {stripped!r}")
            current = _norm(match["name"])
            entries[current] = (match["version"], [])
        elif current is not None:
            entries[current][1].extend(HASH.findall(stripped))
    return entries


def _pyproject_pins(root) -> dict[str, str]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    want = {}
    for pin in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, sep, version = pin.partition("==")
        assert sep, f"pyproject pin {pin!r} is not exact (==)"
        want[_norm(name)] = version
    return want


def test_environment_yml_agrees_with_pyproject(lay):
    project = tomllib.loads((lay.root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    want = _pyproject_pins(lay.root)
    env = yaml.safe_load((lay.root / "environment.yml").read_text(encoding="utf-8"))
    got = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python="):
            name, _, version = dep.partition("=")
            got[_norm(name)] = version
    assert got == want
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert project["requires-python"] == f">={python.split('=')[1]}"
    assert {"-e ."} <= set(next(d for d in env["dependencies"] if isinstance(d, dict))["pip"])


def test_every_pyproject_pin_is_locked_at_its_version(lay):
    locked = parse_lock((lay.root / "requirements.lock").read_text(encoding="utf-8"))
    wrong = {name: (version, locked.get(name, ("missing",))[0])
             for name, version in _pyproject_pins(lay.root).items()
             if locked.get(name, ("missing",))[0] != version}
    assert not wrong, f"pyproject pin vs lock (run `make lock`): {wrong}"


def test_every_locked_package_is_pinned_with_a_hash(lay):
    text = (lay.root / "requirements.lock").read_text(encoding="utf-8")
    locked = parse_lock(text)
    assert len(locked) > len(_pyproject_pins(lay.root)), "the lock holds the whole tree, not only the direct pins"
    assert not [name for name, (_, hashes) in locked.items() if not hashes]
    assert "khar-analysis" not in locked, "the project itself is installed editable by make, never from the lock"
    assert "make lock" in text.splitlines()[1], "the header names the command that regenerates the lock"


def test_make_installs_the_lock_and_rebuilds_when_it_changes(lay):
    makefile = (lay.root / "Makefile").read_text(encoding="utf-8")
    stamp_rule = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.MULTILINE)
    assert stamp_rule and "$(LOCK)" in stamp_rule[1].split()
    assert re.search(r"^LOCK := requirements\.lock$", makefile, re.MULTILINE)
    assert re.search(r"pip sync .*--require-hashes \$\(LOCK\)", makefile)
    assert re.search(r"pip install .*--no-deps -e \.", makefile)
    assert re.search(r"ipykernel install .*--name \$\(KERNEL\)", makefile)
    assert re.search(r"^lock:", makefile, re.MULTILINE)


def test_parse_lock_reads_names_versions_and_hashes():
    text = (
        "# header\n"
        "ruamel-yaml==0.19.1 \\\n"
        "    --hash=sha256:" + "a" * 64 + " \\\n"
        "    --hash=sha256:" + "b" * 64 + "\n"
        "    # via khar-analysis (pyproject.toml)\n"
        "Six==1.17.0 \\\n"
        "    --hash=sha256:" + "c" * 64 + "\n"
    )
    assert parse_lock(text) == {"ruamel-yaml": ("0.19.1", ["a" * 64, "b" * 64]), "six": ("1.17.0", ["c" * 64])}


def test_parse_lock_refuses_a_floating_requirement():
    with pytest.raises(ValueError, match="not an exact pin"):
        parse_lock("pandas>=2\n")
