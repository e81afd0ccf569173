"""Run a solution notebook top to bottom in a fresh kernel, as a learner's "Restart and run
all" would, and report how long it took and what went wrong."""

import os
import subprocess
import sys
import time

from nbclient import NotebookClient

from course.nbgrader_course import SINGLE_THREAD
from course.source import read_source


def warm_up():
    """Import matplotlib once outside any notebook: on a new machine its first import builds
    a font cache and says so on stderr, which must not land in a learner's or grader's cell."""
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], check=True,
                   capture_output=True)


def execute(source_path, timeout=60):
    """Execute ``solutions/NN_topic.py``; return (seconds, problems, executed notebook).

    problems lists every cell that raised or wrote to stderr (a test cell that writes to
    stderr scores 0 in nbgrader even when it passes).
    """
    os.environ.update(SINGLE_THREAD)
    nb = read_source(source_path)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            shutdown_kernel="immediate",
                            # no saved widget state: exported to HTML, each explorer then
                            # shows its PNG instead of a box that needs a CDN script
                            store_widget_state=False,
                            extra_arguments=["--HistoryManager.hist_file=:memory:",
                                             "--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(source_path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    problems = []
    for cell in nb.cells:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"{grade_id}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"{grade_id}: wrote to stderr: {out.text.strip()[:300]}")
    return seconds, problems, nb
