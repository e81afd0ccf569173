"""Feedback that shows a student why a test failed, but not the hidden tests.

nbgrader's ClearHiddenTests removes the hidden region from a test cell's source, but a failed
check's traceback still quotes the lines around the failing call, hidden ones included
(IPython shows a few lines of context). This preprocessor, run before ClearHiddenTests when
feedback is generated, drops from every test cell's traceback the frame of the test cell
itself; the error's last line, the check's message with its hint, stays.
"""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ClearHiddenTracebacks(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not nbgrader.get("grade"):
            return cell, resources
        hidden = _hidden_lines(cell.source)
        for output in cell.get("outputs", []):
            if output.output_type != "error":
                continue
            kept = [frame for frame in output.traceback
                    if not any(line in ANSI.sub("", frame) for line in hidden)]
            if len(kept) != len(output.traceback):
                kept.insert(-1 if kept else 0, "(the test cell's lines are not shown)")
            output.traceback = kept
        return cell, resources


def _hidden_lines(source):
    """The non-empty lines inside BEGIN/END HIDDEN TESTS, and the markers themselves."""
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if "BEGIN HIDDEN TESTS" in stripped:
            inside = True
        if inside and stripped:
            lines.append(stripped)
        if "END HIDDEN TESTS" in stripped:
            inside = False
    return lines
