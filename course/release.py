"""The student release: ``solutions/NN_topic.py`` -> nbgrader -> ``notebooks/NN_topic/``.

``notebooks/`` is generated, never edited by hand; ``check`` says whether the committed copy
is what the sources give now.
"""

import filecmp
import shutil
from pathlib import Path

from course.source import write_source_notebook

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"


def assignments():
    """The assignment names, in course order: the stems of solutions/NN_*.py."""
    return sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.py"))


def generate(course, names=None):
    """Write each source into the course's source/ folder and run generate_assignment.

    Returns {name: path of the released notebook}.
    """
    released = {}
    for name in names or assignments():
        write_source_notebook(SOLUTIONS / f"{name}.py", course.path("source", name,
                                                                    f"{name}.ipynb"))
        course.generate_assignment(name)
        released[name] = course.path("release", name, f"{name}.ipynb")
    return released


def publish(released, target=NOTEBOOKS, prune=True):
    """Copy released notebooks to ``notebooks/NN/NN.ipynb``; with ``prune``, remove the
    folders of notebooks that have no source any more."""
    target.mkdir(exist_ok=True)
    for folder in target.iterdir():
        if prune and folder.is_dir() and folder.name not in released:
            shutil.rmtree(folder)
    for name, path in released.items():
        (target / name).mkdir(exist_ok=True)
        shutil.copyfile(path, target / name / f"{name}.ipynb")


def differences(released, target=NOTEBOOKS):
    """What differs between a fresh release and the committed ``notebooks/``: a list of
    messages, empty when they agree byte for byte."""
    problems = []
    committed = {p.name for p in target.iterdir() if p.is_dir()} if target.exists() else set()
    for name in sorted(committed - set(released)):
        problems.append(f"notebooks/{name} has no source solutions/{name}.py")
    for name, path in released.items():
        mine = target / name / f"{name}.ipynb"
        if not mine.exists():
            problems.append(f"notebooks/{name}/{name}.ipynb is missing")
        elif not filecmp.cmp(mine, path, shallow=False):
            problems.append(f"notebooks/{name}/{name}.ipynb differs from what "
                            f"solutions/{name}.py gives")
        extra = sorted(p.name for p in (target / name).iterdir() if p.name != f"{name}.ipynb") \
            if (target / name).exists() else []
        if extra:
            problems.append(f"notebooks/{name} holds files the release does not: {extra}")
    return problems
