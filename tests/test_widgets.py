"""The explorers built headless: moving a control redraws the figure, and the display bundle
carries a PNG for front ends without widgets."""

import base64
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from seqlib import charlm, widgets  # noqa: E402
from seqlib.gru import gru_cell_forward  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def model():
    vocab = charlm.char_vocab(["anna", "bob", "carl", "dora", "emma"])
    return charlm.init_char_lm(vocab, 8, np.random.default_rng(0), cell="gru")


def moved(explorer, name, value):
    """Set one control; return whether the picture changed."""
    before = explorer.image.value
    explorer.controls[name].value = value
    return explorer.image.value != before


def test_import_seqlib_needs_no_display_library():
    code = "import seqlib, seqlib.explore, seqlib.widgets, sys; " \
           "print('ipywidgets' in sys.modules or 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_gate_explorer_slider_and_cell(model):
    def mine(xt, a_prev, parameters):
        return gru_cell_forward(xt, a_prev, parameters)

    explorer = widgets.gate_explorer("gru", step_fn=mine, text="emma")
    assert "your gru_cell_forward" in explorer.status.value
    assert moved(explorer, "t", 5)
    assert moved(explorer, "unit", 3)
    assert moved(explorer, "cell", "lstm")
    assert "seqlib" in explorer.status.value and set(explorer.data["trace"]) >= {"gamma_f"}
    assert moved(explorer, "text", "bob")
    assert explorer.controls["t"].max == 4


def test_gate_explorer_falls_back_and_says_so():
    def gru_cell_forward(xt, a_prev, parameters):
        raise NotImplementedError()

    explorer = widgets.gate_explorer("gru", step_fn=gru_cell_forward)
    assert "not written yet" in explorer.status.value
    assert explorer.data["trace"]["source"] == "seqlib"


def test_gate_explorer_with_a_model_shows_the_next_character(model):
    explorer = widgets.gate_explorer("gru", model=model, text="ann")
    p = explorer.data["trace"]["y"]
    np.testing.assert_allclose(p[:, 1], charlm.probabilities(model, "a"), rtol=1e-12)
    assert moved(explorer, "t", 4)


def test_gradient_flow_explorer_sliders():
    explorer = widgets.gradient_flow_explorer(radius=1.0, T=30)
    before = explorer.data["rnn"].copy()
    assert moved(explorer, "radius", 1.5)
    assert explorer.data["rnn"][0] > 100 * before[0]
    assert moved(explorer, "clip", True)
    assert explorer.data["rnn"].max() <= 10 + 1e-9
    assert moved(explorer, "T", 60) and len(explorer.data["lstm"]) == 60
    assert moved(explorer, "cells", ("lstm",)) and set(explorer.data) == {"lstm"}
    assert explorer.progress.value == explorer.progress.max


def test_bptt_explorer_slider():
    explorer = widgets.bptt_explorer()
    before = explorer.data["horizontal"].copy()
    assert moved(explorer, "scale", 3.0)
    assert explorer.data["horizontal"][0] > before[0]
    assert moved(explorer, "T", 10) and len(explorer.data["vertical"]) == 10


def test_sampling_explorer_sliders(model):
    explorer = widgets.sampling_explorer(model, prefix="an", n=6)
    p1 = explorer.data["p"].copy()
    assert moved(explorer, "temperature", 0.3)
    assert explorer.data["p"].max() > p1.max()
    samples = explorer.data["samples"]
    assert moved(explorer, "seed", 7) and explorer.data["samples"] != samples
    assert moved(explorer, "prefix", "b")


def test_bundle_has_widget_png_and_text(model):
    for explorer in (widgets.gate_explorer("rnn"), widgets.gradient_flow_explorer(T=10),
                     widgets.bptt_explorer(T=5), widgets.sampling_explorer(model)):
        bundle = explorer._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert base64.b64decode(bundle["image/png"]).startswith(PNG)
        assert "JupyterLab" in bundle["text/plain"]
