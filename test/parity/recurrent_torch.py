"""PyTorch side of test/parity/recurrent-torch.test.ts.

Reads a JSON list of cases on stdin and prints one JSON object {"results": [...]}. Each case holds a recurrent
layer's input x [B, T, F], its weights in Keras's layout (kernel [F, k U], recurrent [U, k U], bias [k U]; the GRU's
bias [2, 3 U]: input row, recurrent row), the initial states and the upstream gradients of the output sequence
[B, T, U] and of the final states. The weights go into torch.nn.LSTM / GRU / RNN (batch_first): LSTM gates i, f, g, o
are Keras's i, f, c, o; GRU gates r, z, n are Keras's z, r, h reordered; PyTorch's second bias b_hh is 0 for the LSTM
and the RNN. With a 0/1 mask [B, T] the same weights run in torch.nn.LSTMCell / GRUCell / RNNCell, step by step, a
masked step keeping the previous state (Keras's rule). goBackwards runs over x flipped in time.
Results: the sequence, the final states and the gradients of sum(seq * dy) + sum(state_i * dstate_i) with respect to
x, the initial states and every weight, in Keras's layout.
"""
import json
import sys

import torch


def t(case, key):
    return torch.tensor(case[key], dtype=torch.float64).reshape(case['shapes'][key])


def gru_order(w, u):
    """Keras z, r, h blocks along the first axis -> PyTorch r, z, n (the same permutation undoes itself)."""
    return torch.cat([w[u:2 * u], w[0:u], w[2 * u:3 * u]])


def run(case):
    kind, u = case['kind'], case['units']
    x = t(case, 'x').requires_grad_(True)
    kernel, recurrent, bias = t(case, 'kernel'), t(case, 'recurrent'), t(case, 'bias')
    n_states = 2 if kind == 'lstm' else 1
    states0 = [t(case, 's%d' % i).requires_grad_(True) for i in range(n_states)]
    if kind == 'gru':
        w_ih, w_hh = gru_order(kernel.T, u), gru_order(recurrent.T, u)
        b_ih, b_hh = gru_order(bias[0], u), gru_order(bias[1], u)
    else:
        w_ih, w_hh, b_ih, b_hh = kernel.T, recurrent.T, bias, torch.zeros_like(bias)
    xin = x.flip(1) if case['goBackwards'] else x
    mask = case.get('mask')
    if mask is None:
        module = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}[kind](x.shape[2], u, batch_first=True)
        suffix = '_l0'
    else:
        module = {'lstm': torch.nn.LSTMCell, 'gru': torch.nn.GRUCell, 'rnn': torch.nn.RNNCell}[kind](x.shape[2], u)
        suffix = ''
    module = module.double()
    params = [getattr(module, n + suffix) for n in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')]
    with torch.no_grad():
        for p, v in zip(params, (w_ih, w_hh, b_ih, b_hh)):
            p.copy_(v)
    if mask is None:
        hx = (states0[0][None], states0[1][None]) if kind == 'lstm' else states0[0][None]
        seq, fin = module(xin, hx)
        finals = [fin[0][0], fin[1][0]] if kind == 'lstm' else [fin[0]]
    else:
        m = torch.tensor(mask, dtype=torch.float64).reshape(case['shapes']['mask'])
        if case['goBackwards']:
            m = m.flip(1)
        state = list(states0)
        outs = []
        for s in range(x.shape[1]):
            new = module(xin[:, s], tuple(state)) if kind == 'lstm' else module(xin[:, s], state[0])
            new = list(new) if kind == 'lstm' else [new]
            keep = m[:, s:s + 1]
            state = [keep * a + (1 - keep) * b for a, b in zip(new, state)]
            outs.append(state[0])
        seq, finals = torch.stack(outs, 1), state
    loss = (seq * t(case, 'dy')).sum()
    for i, f in enumerate(finals):
        loss = loss + (f * t(case, 'ds%d' % i)).sum()
    loss.backward()
    g_ih, g_hh, gb_ih, gb_hh = [p.grad for p in params]
    if kind == 'gru':
        dkernel, drecurrent = gru_order(g_ih, u).T, gru_order(g_hh, u).T
        dbias = torch.stack([gru_order(gb_ih, u), gru_order(gb_hh, u)])
    else:
        dkernel, drecurrent, dbias = g_ih.T, g_hh.T, gb_ih  # b = b_ih + b_hh: one gradient
    flat = lambda v: v.detach().reshape(-1).tolist()
    return {
        'seq': flat(seq), 'finals': [flat(f) for f in finals], 'dx': flat(x.grad), 'dkernel': flat(dkernel),
        'drecurrent': flat(drecurrent), 'dbias': flat(dbias), 'dstates': [flat(s.grad) for s in states0],
    }


def to_torch(kind, u, kernel, recurrent, bias):
    """Keras-layout weights -> PyTorch's (w_ih, w_hh, b_ih, b_hh)."""
    if kind == 'gru':
        return gru_order(kernel.T, u), gru_order(recurrent.T, u), gru_order(bias[0], u), gru_order(bias[1], u)
    return kernel.T, recurrent.T, bias, torch.zeros_like(bias)


def to_keras(kind, u, g_ih, g_hh, gb_ih, gb_hh):
    """PyTorch-layout gradients -> Keras's (kernel, recurrent, bias)."""
    if kind == 'gru':
        return gru_order(g_ih, u).T, gru_order(g_hh, u).T, torch.stack([gru_order(gb_ih, u), gru_order(gb_hh, u)])
    return g_ih.T, g_hh.T, gb_ih


def run_bidirectional(case):
    """nn.LSTM / GRU / RNN(bidirectional=True): weights [forward kernel, recurrent, bias, backward ...]."""
    kind, u = case['kind'], case['units']
    x = t(case, 'x').requires_grad_(True)
    n_states = 2 if kind == 'lstm' else 1
    module = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}[kind](
        x.shape[2], u, batch_first=True, bidirectional=True).double()
    names = ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')
    params = []
    for d, suffix in enumerate(('_l0', '_l0_reverse')):
        w = to_torch(kind, u, t(case, 'kernel%d' % d), t(case, 'recurrent%d' % d), t(case, 'bias%d' % d))
        ps = [getattr(module, n + suffix) for n in names]
        with torch.no_grad():
            for p, v in zip(ps, w):
                p.copy_(v)
        params.append(ps)
    seq, fin = module(x)
    finals = [fin[0][0], fin[1][0], fin[0][1], fin[1][1]] if kind == 'lstm' else [fin[0], fin[1]]
    loss = (seq * t(case, 'dy')).sum()
    for i, f in enumerate(finals):
        loss = loss + (f * t(case, 'ds%d' % i)).sum()
    loss.backward()
    flat = lambda v: v.detach().reshape(-1).tolist()
    dweights = []
    for ps in params:
        dweights += [flat(g) for g in to_keras(kind, u, *[p.grad for p in ps])]
    return {'seq': flat(seq), 'finals': [flat(f) for f in finals], 'dx': flat(x.grad), 'dweights': dweights}


def main():
    cases = json.loads(sys.stdin.read())
    print(json.dumps({'results': [run_bidirectional(c) if c.get('bidirectional') else run(c) for c in cases], 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
