"""The course's interactive explorers: thin ipywidgets layers over ``seqlib.explore``.

    gate_explorer(cell, step_fn)     gates and states per unit over time (notebooks 02, 06, 07)
    gradient_flow_explorer()         ‖∂J/∂a<t>‖ against t for RNN, GRU, LSTM (notebook 05)
    bptt_explorer()                  vertical and horizontal parts of da<t> (notebook 03)
    sampling_explorer(model)         temperature, seed, samples, next-character bars (04)

Each returns an ``Explorer``. Displayed, it sends one bundle with the live widget *and* a PNG
of its current state: JupyterLab 4 and Notebook 7 show the widget; nbconvert, the feedback
HTML and other front ends without widgets show the picture instead of an empty box.
Figures are drawn with matplotlib's Agg canvas into an ``ipywidgets.Image``: no pyplot state,
no extra front-end extension.

ipywidgets and matplotlib are imported when an explorer is built, never by ``import seqlib``.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from seqlib import explore
from seqlib.initialization import init_parameters

_GATE_LIMITS = {"gamma_f": (0, 1), "gamma_u": (0, 1), "gamma_o": (0, 1), "gamma_r": (0, 1),
                "c_tilde": (-1, 1), "a": (-1, 1)}


class Explorer:
    """A live widget with a picture of its state for front ends that cannot show widgets.

    widget: the ipywidgets box to interact with; image: the ipywidgets.Image it draws in;
    controls: {name: control widget}, e.g. controls["t"].value = 3 moves the time slider;
    status: an ipywidgets.HTML line (what ran, progress); data: what the last figure plots.
    """

    def __init__(self, title, controls, draw, extra=()):
        import ipywidgets as w

        self.title = title
        self.controls = controls
        self.data = {}
        self._draw = draw
        self.status = w.HTML()
        self.progress = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="200px",
                                                                            visibility="hidden"))
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.image.add_class("seqlib-explorer-figure")
        self.widget = w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"),
                              w.HBox(list(controls.values()), layout=w.Layout(flex_flow="wrap")),
                              *extra, w.HBox([self.status, self.progress]), self.image])
        self.widget.add_class("seqlib-explorer")
        for control in controls.values():
            control.observe(lambda change: self.refresh(), names="value")
        self.refresh()

    def refresh(self):
        """Draw the figure for the controls' current values."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 4.2), dpi=80)
        FigureCanvasAgg(fig)
        self._draw(self, fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()

    def show_progress(self, done, total, text):
        """Progress of a long computation: the bar and the status line."""
        self.progress.max, self.progress.value = total, done
        self.progress.layout.visibility = "visible" if done < total else "hidden"
        self.status.value = html.escape(text, quote=False)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        bundle["text/plain"] = (f"{self.title} (a picture of its first state; run the notebook "
                                f"in JupyterLab or Notebook 7 to move the sliders)")
        return bundle


# ---------------------------------------------------------------- gate explorer
def gate_explorer(cell="gru", step_fn=None, model=None, text="emma", n_a=8, seed=0):
    """Step through one cell's gates and states over a short text.

    cell: the cell shown first, "rnn", "gru" or "lstm"; step_fn: the learner's one-step
    forward for that cell (rnn_cell_forward, gru_cell_forward or lstm_cell_forward), used
    while that cell is selected; seqlib's reference otherwise, or when it is not written yet.
    model: a trained seqlib.charlm.CharLM, whose parameters, vocabulary and next-character
    distribution are shown when its cell is selected; without it, random parameters with
    n_a units (seed) over the vocabulary of the shipped names.
    """
    import ipywidgets as w

    from seqlib.charlm import char_vocab
    from seqlib.data import load_names

    names = load_names()
    vocab = model.vocab if model is not None else char_vocab(names)
    choices = sorted({text, *names[:: max(1, len(names) // 12)][:12]})
    controls = {
        "cell": w.Dropdown(options=[("RNN", "rnn"), ("GRU", "gru"), ("LSTM", "lstm")],
                           value=cell, description="cell"),
        "text": w.Combobox(value=text, options=choices, description="text",
                           layout=w.Layout(width="220px")),
        "t": w.IntSlider(value=min(3, len(text) + 1), min=1, max=len(text) + 1,
                          description="step t"),
        "unit": w.IntSlider(value=0, min=0, max=(model.n_a if model else n_a) - 1,
                            description="unit"),
    }
    equation = w.HTML()
    cache = {}

    def parameters_for(name):
        if model is not None and model.cell == name:
            return model.parameters
        if name not in cache:
            cache[name] = init_parameters(name, len(vocab), n_a, len(vocab),
                                          rng=np.random.default_rng(seed))
        return cache[name]

    def draw(explorer, fig):
        name, typed = controls["cell"].value, controls["text"].value[:40]
        key = (name, typed)
        if explorer.data.get("key") != key:
            x, labels = explore.text_inputs(vocab, typed)
            explorer.show_progress(0, 1, "computing…")
            trace = explore.gate_trace(name, parameters_for(name), x,
                                       step_fn if name == cell else None)
            explorer.data = {"key": key, "trace": trace, "labels": labels}
            # moving these sliders calls draw again: the trace above is kept
            controls["t"].max = len(labels)
            units = trace[explore.TRACE_KEYS[name][-1]].shape[0]
            controls["unit"].max = units - 1
        trace, labels = explorer.data["trace"], explorer.data["labels"]
        t, unit = controls["t"].value, controls["unit"].value
        explorer.show_progress(1, 1, _source_text(trace, name, cell, step_fn))
        keys = explore.TRACE_KEYS[name]
        with_bars = model is not None and model.cell == name
        grid = fig.add_gridspec(len(keys), 2 if with_bars else 1,
                                width_ratios=[3, 1] if with_bars else None,
                                left=0.07, right=0.97, top=0.93, bottom=0.2, hspace=0.15)
        for row, k in enumerate(keys):
            ax = fig.add_subplot(grid[row, 0])
            values = trace[k]
            low, high = _GATE_LIMITS.get(k, (-max(1e-9, np.abs(values).max()),
                                             max(1e-9, np.abs(values).max())))
            ax.imshow(values, aspect="auto", vmin=low, vmax=high,
                      cmap="viridis" if low == 0 else "RdBu_r", interpolation="nearest")
            ax.add_patch(_column(fig, t - 1, values.shape[0]))
            ax.set_ylabel(explore.LABELS[k], rotation=0, labelpad=14, fontsize=11)
            ax.set_yticks([unit])
            ax.set_yticklabels([str(unit)], fontsize=7)
            ax.set_xticks(range(len(labels)))
            ax.set_xticklabels(labels if row == len(keys) - 1 else [], fontsize=9)
        fig.suptitle(f"{name.upper()}: step t = {t} reads '{labels[t - 1]}'", fontsize=11)
        text_eq = explore.step_equation(trace, t, unit)
        fig.text(0.07, 0.02, text_eq, family="DejaVu Sans Mono", fontsize=9)
        equation.value = f"<pre>{html.escape(text_eq)}</pre>"
        if with_bars:
            ax = fig.add_subplot(grid[:, 1])
            p = trace["y"][:, t - 1]
            top = np.argsort(p)[::-1][:8][::-1]
            ax.barh(range(len(top)), p[top], color="C0")
            ax.set_yticks(range(len(top)))
            ax.set_yticklabels([_char(vocab, i) for i in top])
            ax.set_xlim(0, 1)
            ax.set_title("next character", fontsize=10)

    return Explorer(f"Gate explorer ({cell.upper()} first)", controls, draw, extra=[equation])


def _source_text(trace, name, cell, step_fn):
    if trace["source"] == "yours":
        return (f"running your {explore.STEP_NAMES[name]} (largest difference from seqlib's: "
                f"{trace['max_difference']:.1e})")
    if trace["reason"]:
        return trace["reason"]
    if step_fn is not None and name != cell:
        return f"running seqlib's {explore.STEP_NAMES[name]} (yours is for the {cell.upper()})"
    return f"running seqlib's {explore.STEP_NAMES[name]}"


def _column(fig, i, rows):
    from matplotlib.patches import Rectangle

    return Rectangle((i - 0.5, -0.5), 1, rows, fill=False, edgecolor="black", linewidth=2)


def _char(vocab, i):
    token = vocab.decode([int(i)])[0]
    return {"<EOS>": "end", "<UNK>": "?"}.get(token, token)


# ---------------------------------------------------------------- gradient flow
def gradient_flow_explorer(radius=1.0, T=50, input_scale=0.0, seed=0):
    """‖∂J/∂a<t>‖ against t for the RNN, the GRU and the LSTM on the same input."""
    import ipywidgets as w

    controls = {
        "radius": w.FloatSlider(value=radius, min=0.5, max=2.0, step=0.05,
                                description="radius ρ"),
        "T": w.IntSlider(value=T, min=5, max=150, step=5, description="length T"),
        "input_scale": w.FloatSlider(value=input_scale, min=0.0, max=2.0, step=0.1,
                                     description="input size"),
        "cells": w.SelectMultiple(options=[("RNN", "rnn"), ("GRU", "gru"), ("LSTM", "lstm")],
                                  value=("rnn", "gru", "lstm"), description="cells", rows=3),
        "clip": w.Checkbox(value=False, description="clip at norm 10"),
    }

    def draw(explorer, fig):
        values = {k: c.value for k, c in controls.items()}
        ax = fig.add_subplot(1, 1, 1)
        steps = np.arange(1, values["T"] + 1)
        explorer.data = {}
        cells = values["cells"]
        for done, name in enumerate(cells):
            explorer.show_progress(done, len(cells), f"computing the {name.upper()}…")
            norms = explore.gradient_flow(name, values["radius"], values["T"],
                                          clip=10.0 if values["clip"] else None,
                                          rng=np.random.default_rng(seed),
                                          input_scale=values["input_scale"])
            explorer.data[name] = norms
            ax.semilogy(steps, np.maximum(norms, 1e-300), label=name.upper())
        explorer.show_progress(len(cells), len(cells),
                               "J = w · a<T>; the three cells read the same input")
        ax.axhline(1, color="grey", lw=0.5)
        if values["clip"]:
            ax.axhline(10, color="C3", ls=":", lw=1, label="clip")
        ax.set_xlabel("time step t")
        ax.set_ylabel("‖∂J/∂a<t>‖")
        ax.set_title(f"gradient reaching a<t> from the loss at T = {values['T']}, "
                     f"ρ = {values['radius']:.2f}, input size {values['input_scale']:.1f}")
        if cells:
            ax.legend(loc="best")
        fig.tight_layout()

    return Explorer("Gradient-flow explorer", controls, draw)


# ---------------------------------------------------------------- BPTT contributions
def bptt_explorer(scale=1.0, T=20, seed=3):
    """The vertical and horizontal parts of the gradient into each a<t>, stacked over t."""
    import ipywidgets as w

    controls = {
        "scale": w.FloatSlider(value=scale, min=0.25, max=4.0, step=0.25,
                               description="Waa ×"),
        "T": w.IntSlider(value=T, min=2, max=40, description="length T_x"),
    }

    def draw(explorer, fig):
        vertical, horizontal = explore.random_rnn_contributions(
            controls["scale"].value, controls["T"].value, np.random.default_rng(seed))
        explorer.data = {"vertical": vertical, "horizontal": horizontal}
        steps = np.arange(1, len(vertical) + 1)
        ax = fig.add_subplot(1, 1, 1)
        ax.bar(steps, vertical, label="vertical: from ŷ<t>")
        ax.bar(steps, horizontal, bottom=vertical, label="horizontal: from a<t+1>")
        ax.set_xlabel("time step t")
        ax.set_ylabel("norm of the gradient into a<t>")
        ax.set_title(f"a random RNN with a target at every step, Waa × {controls['scale'].value}")
        ax.legend(loc="upper right")
        fig.tight_layout()

    return Explorer("BPTT: the two parts of da<t>", controls, draw)


# ---------------------------------------------------------------- sampling
def sampling_explorer(model, prefix="", temperature=1.0, seed=0, n=8):
    """Samples from a trained CharLM and its next-character distribution at a temperature."""
    import ipywidgets as w

    controls = {
        "temperature": w.FloatSlider(value=temperature, min=0.1, max=2.5, step=0.1,
                                     description="temperature"),
        "seed": w.IntSlider(value=seed, min=0, max=99, description="seed"),
        "prefix": w.Text(value=prefix, description="after", placeholder="a prefix, e.g. jo",
                         layout=w.Layout(width="220px")),
    }
    names = w.HTML()

    def draw(explorer, fig):
        T, typed = controls["temperature"].value, controls["prefix"].value
        p = explore.next_char_distribution(model, typed, T)
        drawn = explore.samples(model, n=n, temperature=T, seed=controls["seed"].value)
        explorer.data = {"p": p, "samples": drawn}
        names.value = "<b>samples:</b> " + html.escape(", ".join(drawn))
        ax = fig.add_subplot(1, 1, 1)
        ax.bar(range(len(p)), p, color="C0")
        ax.set_xticks(range(len(p)))
        ax.set_xticklabels([_char(model.vocab, i) for i in range(len(p))], fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_ylabel("probability")
        ax.set_title(f"next character after '{typed}' at T = {T:.1f}", fontsize=11)
        fig.text(0.01, 0.01, "samples: " + ", ".join(drawn), fontsize=9)
        fig.tight_layout(rect=(0, 0.06, 1, 1))

    return Explorer("Sampling explorer", controls, draw, extra=[names])
