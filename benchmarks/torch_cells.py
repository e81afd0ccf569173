"""PyTorch CPU versions of the three cells, built from seqlib's parameters so that a check can
show they compute the same numbers as seqlib before their times are compared.

- RNN: ``nn.RNN`` (tanh). weight_ih = Wax, weight_hh = Waa, bias_ih = ba, bias_hh = 0.
- LSTM: ``nn.LSTM``, whose gates are stacked (i, f, g, o) = our (Γu, Γf, c̃, Γo).
- GRU: ``nn.GRU`` applies its reset gate after the product (r * (W_hn h + b_hn)) where the
  notes apply Γr before it (Wc [Γr * c<t-1>; x<t>]), so here it is written with autograd from
  the notes' equations, with the input projection of every step done in one product before the
  loop, as PyTorch's own RNNs do on the CPU.

PyTorch's layout is time first, then batch: x (T_x, m, n_x), states (T_x, m, n_a).
"""

import numpy as np


def load_torch(threads, disabled=False):
    """(torch, None) or (None, why it is skipped); torch gets ``threads`` intra-op threads."""
    if disabled:
        return None, "PyTorch columns skipped: --no-torch"
    try:
        import torch
    except ImportError as error:
        return None, f"PyTorch columns skipped: PyTorch is not importable ({error})"
    torch.set_num_threads(threads)
    return torch, None


class TorchCell:
    """One cell type in PyTorch, with its inputs, ready to run forward + backward.

    cell: "rnn", "gru" or "lstm"; params: seqlib's recurrent parameters; x (n_x, m, T_x),
    a0 (n_a, m) and da (n_a, m, T_x) in seqlib's layout and dtype.
    """

    def __init__(self, torch, cell, params, x, a0, da):
        self.torch, self.cell = torch, cell
        dtype = {np.float64: torch.float64, np.float32: torch.float32}[x.dtype.type]
        n_a = a0.shape[0]
        self.x = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 1, 0))).requires_grad_()
        self.h0 = torch.from_numpy(a0.T.copy()).requires_grad_()  # (m, n_a)
        self.da = torch.from_numpy(np.ascontiguousarray(da.transpose(2, 1, 0)))
        if cell == "gru":
            W = np.concatenate([params["Wr"], params["Wu"], params["Wc"]])  # (3 n_a, n_a + n_x)
            b = np.concatenate([params["br"], params["bu"], params["bc"]])[:, 0]
            def as_param(a):
                return torch.nn.Parameter(torch.from_numpy(np.ascontiguousarray(a)))

            self.W_a_ru, self.W_a_c = as_param(W[: 2 * n_a, :n_a]), as_param(W[2 * n_a :, :n_a])
            self.W_x, self.b = as_param(W[:, n_a:]), as_param(b)
            self.parameters = [self.W_a_ru, self.W_a_c, self.W_x, self.b]
            return
        if cell == "rnn":
            W, b = np.concatenate([params["Waa"], params["Wax"]], axis=1), params["ba"]
            self.module = torch.nn.RNN(x.shape[0], n_a, nonlinearity="tanh", dtype=dtype)
        else:  # PyTorch's order: input (update) gate, forget, cell candidate, output
            W = np.concatenate([params[k] for k in ("Wu", "Wf", "Wc", "Wo")])
            b = np.concatenate([params[k] for k in ("bu", "bf", "bc", "bo")])
            self.module = torch.nn.LSTM(x.shape[0], n_a, dtype=dtype)
            self.c0 = torch.zeros((1, *self.h0.shape), dtype=dtype)
        with torch.no_grad():
            self.module.weight_hh_l0.copy_(torch.from_numpy(W[:, :n_a]))
            self.module.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(W[:, n_a:])))
            self.module.bias_ih_l0.copy_(torch.from_numpy(b[:, 0]))
            self.module.bias_hh_l0.zero_()
        self.parameters = list(self.module.parameters())

    def forward(self):
        """The hidden states a<1> ... a<T_x>, (T_x, m, n_a)."""
        if self.cell == "rnn":
            return self.module(self.x, self.h0[None])[0]
        if self.cell == "lstm":
            return self.module(self.x, (self.h0[None], self.c0))[0]
        return self._gru()

    def _gru(self):
        torch = self.torch
        n_a = self.h0.shape[1]
        zx = self.x @ self.W_x.T + self.b  # W_x x<t> + b for every t, (T_x, m, 3 n_a)
        h, states = self.h0, []
        for t in range(zx.shape[0]):
            r, u = torch.sigmoid(zx[t, :, : 2 * n_a] + h @ self.W_a_ru.T).chunk(2, dim=1)
            candidate = torch.tanh(zx[t, :, 2 * n_a :] + (r * h) @ self.W_a_c.T)
            h = h + u * (candidate - h)  # Γu * c̃ + (1 - Γu) * c<t-1>
            states.append(h)
        return torch.stack(states)

    def run(self):
        """Forward + backward from da: gradients of the weights, x and a<0>."""
        for p in [*self.parameters, self.x, self.h0]:
            p.grad = None
        self.forward().backward(self.da)

    def results(self):
        """a (n_a, m, T_x) and dx (n_x, m, T_x) in seqlib's layout, after ``run``."""
        self.run()
        with self.torch.no_grad():
            a = self.forward().numpy().transpose(2, 1, 0)
        return a, self.x.grad.numpy().transpose(2, 1, 0)
