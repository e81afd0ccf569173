"""The explorers in a real browser: JupyterLab on loopback, headless Chromium via Playwright.

The set-up installs what it needs itself: Debian's ``chromium`` (apt-get, when root and it is
missing) and ``playwright-core`` from npm into a temporary folder (never a downloaded
browser). It then starts ``jupyter lab`` on 127.0.0.1 with a temporary config, runtime and data
folder and a token, opens a copy of notebook 06's *solution* (so the explorers run real code)
with the other three explorers appended, runs every cell, moves the first slider of each
explorer with the keyboard and checks that its picture changed. Screenshots land in
``build/test-artifacts/``. Skipped, with the reason, when Chromium cannot be installed, node is
missing or the server does not start.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "build" / "test-artifacts"
SCRIPT = Path(__file__).with_name("browser") / "explorers.mjs"
CHROMIUM = Path("/usr/bin/chromium")
EXTRA_CELL = """\
import numpy as np
from seqlib import charlm
from seqlib.widgets import bptt_explorer, gradient_flow_explorer, sampling_explorer

names_model = charlm.init_char_lm(charlm.char_vocab(["anna", "bob", "carl"]), 8,
                                  np.random.default_rng(0))
display(gradient_flow_explorer(T=30), bptt_explorer(T=10),
        sampling_explorer(names_model, prefix="a"))
"""


def ensure_chromium():
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("no /usr/bin/chromium, and not root with apt-get to install Debian's")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.skip(f"cannot install Debian's chromium: {' '.join(command)} failed: "
                        f"{done.stderr.strip()[-300:]}")
    if not CHROMIUM.exists():
        pytest.skip("apt-get installed chromium but /usr/bin/chromium is missing")


@pytest.fixture(scope="module")
def playwright_dir(tmp_path_factory):
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed to drive the browser")
    ensure_chromium()
    folder = tmp_path_factory.mktemp("playwright")
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                           "--prefix", str(folder), "playwright-core"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"cannot install playwright-core from npm: {done.stderr.strip()[-300:]}")
    return folder


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    from course.source import read_source

    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    root.mkdir()
    nb = read_source(ROOT / "solutions" / "06_gru.py")
    nb.cells.append(nbformat.v4.new_code_cell(EXTRA_CELL))
    nbformat.write(nb, root / "explorers.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(base / "config"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTER_DATA_DIR": str(base / "data"),
           "JUPYTER_PLATFORM_DIRS": "1"}
    log = open(base / "lab.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--ServerApp.open_browser=False", "--LabApp.news_url=",
         "--LabServerApp.announcements_url=", "--ServerApp.port_retries=0",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.skip("jupyter lab did not start: "
                                + (base / "lab.log").read_text()[-500:])
                time.sleep(0.5)
        yield f"{url}/lab/tree/explorers.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_sliders_change_the_pictures(playwright_dir, lab):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("explorer-*.png"):
        old.unlink()
    # Two tries: JupyterLab sometimes drops a "Run All" sent while the page still loads. A
    # real failure (an explorer whose picture does not change) fails both.
    for attempt in (1, 2):
        done = subprocess.run(["node", str(SCRIPT), str(playwright_dir / "node_modules"),
                               str(CHROMIUM), lab, str(ARTIFACTS), "4"],
                              capture_output=True, text=True, timeout=200)
        if done.returncode == 0:
            break
        print(f"browser attempt {attempt} failed:\n{done.stderr[-2000:]}")
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result["errors"], result["errors"]
    assert result["explorers"] == 4 and result["changed"] == [True] * 4, result
