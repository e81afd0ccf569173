"""The project's own promises: the README's commands are what CI runs, and environment.yml
lists the same dependencies as pyproject.toml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def readme_commands():
    """The commands in the README's first code block, comments stripped."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_gives_exactly_two_commands_and_ci_runs_the_test_one():
    commands = readme_commands()
    assert commands == ["make course", "make test"]
    ci = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci == ["make test"]


def test_readme_commands_are_on_its_first_screen():
    first_screen = (ROOT / "README.md").read_text().splitlines()[:25]
    assert "make course" in "\n".join(first_screen) and "make test" in "\n".join(first_screen)


def _normalise(requirement):
    return re.sub(r"\s+", "", requirement).lower()


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted |= set(extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {d for d in env["dependencies"] if isinstance(d, str)}
    conda -= {d for d in conda if d.split(">")[0].split("=")[0] in ("python", "pip")}
    assert {_normalise(d) for d in conda} == {_normalise(d) for d in wanted}
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."]


def test_python_floor_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    floor = project["requires-python"].removeprefix(">=")
    assert f"python>={floor}" in env["dependencies"]
