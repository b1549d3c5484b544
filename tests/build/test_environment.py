"""environment.yml (conda users) and pyproject.toml (pip, CI) pin the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_agrees_with_pyproject(lay):
    project = tomllib.loads((lay.root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = project["dependencies"] + project["optional-dependencies"]["dev"]
    want = {}
    for pin in pins:
        name, sep, version = pin.partition("==")
        assert sep, f"pyproject pin {pin!r} is not exact (==)"
        want[_norm(name)] = version
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
