"""PyTorch side of test/io/onnx/onnx-recurrent.test.ts: the outputs of recurrent layers given Keras-layout weights.

Reads a JSON list of cases on stdin and prints one JSON object {"results": [...]}: per case, the layer's outputs in
Keras's order (output, then with return_state the final states: forward's h (LSTM: h, c), then backward's), each
flattened. Weights arrive in Keras's layout (kernel [F, G U], recurrent_kernel [U, G U], gates side by side: LSTM
i, f, c, o; GRU z, r, h with bias [2, 3 U] (input row, recurrent row); SimpleRNN one block) and are converted to
PyTorch's (weight_ih [G U, F], weight_hh [G U, U]; LSTM gates i, f, g, o; GRU r, z, n with bias_ih, bias_hh).

With the default activations (tanh, and sigmoid for the gates) the layer is torch.nn.LSTM / GRU / RNN (tanh or relu
for RNN). Other activations run the Keras cell equations step by step with torch ops:
  SimpleRNN h = act(x W + h U + b)
  LSTM      i, f, c~, o = rec(.), rec(.), act(.), rec(.) of x W + h U + b; c = f c + i c~; h = o act(c)
  GRU       z, r = rec(x W_z + b_in_z + h U_z + b_rec_z), rec(.. r ..); n = act(x W_h + b_in_h + r (h U_h + b_rec_h));
            h = z h_prev + (1 - z) n
go_backwards runs the reversed sequence and returns its outputs in that order (as Keras); a bidirectional pair is
the forward layer and a go_backwards copy whose sequence is reversed back, merged by merge_mode.
"""
import json
import sys

import torch

ACT = {'tanh': torch.tanh, 'sigmoid': torch.sigmoid, 'relu': torch.relu, 'linear': lambda v: v}
TORCH_GATES = {'LSTM': [0, 1, 2, 3], 'GRU': [1, 0, 2], 'SimpleRNN': [0]}


def arr(values, shape):
    return torch.tensor(values, dtype=torch.float64).reshape(shape)


def torch_blocks(m, units, order):
    """Keras [rows, G U] -> torch [G U, rows] with the gate blocks in torch's order."""
    return torch.cat([m[:, k * units:(k + 1) * units].T for k in order])


def run_module(case, w, x, init):
    """One direction with torch.nn.LSTM / GRU / RNN: (sequence [B, T, U] in processing order, finals)."""
    cell, units, feats = case['cell'], case['units'], case['features']
    order = TORCH_GATES[cell]
    if cell == 'LSTM':
        mod = torch.nn.LSTM(feats, units, batch_first=True)
    elif cell == 'GRU':
        mod = torch.nn.GRU(feats, units, batch_first=True)
    else:
        mod = torch.nn.RNN(feats, units, batch_first=True, nonlinearity=case['activation'])
    mod = mod.double()
    g = len(order)
    bias = w['bias']
    with torch.no_grad():
        mod.weight_ih_l0.copy_(torch_blocks(w['kernel'], units, order))
        mod.weight_hh_l0.copy_(torch_blocks(w['recurrent_kernel'], units, order))
        b_in = torch.zeros(g * units, dtype=torch.float64)
        b_rec = torch.zeros(g * units, dtype=torch.float64)
        if bias is not None:
            rows = bias.reshape(-1, g * units)
            b_in = torch.cat([rows[0, k * units:(k + 1) * units] for k in order])
            if rows.shape[0] == 2:
                b_rec = torch.cat([rows[1, k * units:(k + 1) * units] for k in order])
        mod.bias_ih_l0.copy_(b_in)
        mod.bias_hh_l0.copy_(b_rec)
        state = None
        if init is not None:
            state = (init[0][None], init[1][None]) if cell == 'LSTM' else init[0][None]
        y, fin = mod(x, state)
    finals = [fin[0][0], fin[1][0]] if cell == 'LSTM' else [fin[0]]
    return y, finals


def run_steps(case, w, x, init):
    """One direction by the Keras cell equations: (sequence [B, T, U] in processing order, finals)."""
    cell, units = case['cell'], case['units']
    act, rec = ACT[case['activation']], ACT[case['recurrentActivation']]
    B, T = x.shape[0], x.shape[1]
    h = init[0] if init is not None else torch.zeros(B, units, dtype=torch.float64)
    c = init[1] if init is not None and cell == 'LSTM' else torch.zeros(B, units, dtype=torch.float64)
    gates = {'LSTM': 4, 'GRU': 3, 'SimpleRNN': 1}[cell]
    bias = w['bias'] if w['bias'] is not None else torch.zeros(2 if cell == 'GRU' else 1, gates * units, dtype=torch.float64)
    bias = bias.reshape(-1, gates * units)
    b_in = bias[0]
    b_rec = bias[1] if bias.shape[0] == 2 else torch.zeros(gates * units, dtype=torch.float64)
    blk = lambda v, k: v[:, k * units:(k + 1) * units]
    seq = []
    for t in range(T):
        xw = x[:, t] @ w['kernel'] + b_in
        hu = h @ w['recurrent_kernel'] + b_rec
        if cell == 'SimpleRNN':
            h = act(xw + hu)
        elif cell == 'LSTM':
            i, f, cc, o = rec(blk(xw, 0) + blk(hu, 0)), rec(blk(xw, 1) + blk(hu, 1)), act(blk(xw, 2) + blk(hu, 2)), rec(blk(xw, 3) + blk(hu, 3))
            c = f * c + i * cc
            h = o * act(c)
        else:
            z, r = rec(blk(xw, 0) + blk(hu, 0)), rec(blk(xw, 1) + blk(hu, 1))
            n = act(blk(xw, 2) + r * blk(hu, 2))
            h = z * h + (1 - z) * n
        seq.append(h)
    finals = [h, c] if cell == 'LSTM' else [h]
    return torch.stack(seq, 1), finals


def direction(case, w, x, init, backwards):
    default = case['activation'] == 'tanh' and case['recurrentActivation'] == 'sigmoid'
    if case['cell'] == 'SimpleRNN':
        default = case['activation'] in ('tanh', 'relu')
    xs = x.flip(1) if backwards else x
    return (run_module if default else run_steps)(case, w, xs, init)


def merge(a, b, mode):
    return {'concat': lambda: torch.cat([a, b], -1), 'sum': lambda: a + b, 'mul': lambda: a * b, 'ave': lambda: (a + b) / 2}[mode]()


def run_case(case):
    x = arr(case['x'], case['xShape'])
    states = 2 if case['cell'] == 'LSTM' else 1
    inits = [arr(s, [x.shape[0], case['units']]) for s in case['initial']]
    weights = []
    for w in case['weights']:
        weights.append({k: (arr(w[k], case['shapes'][k]) if w[k] is not None else None) for k in ('kernel', 'recurrent_kernel', 'bias')})
    init_of = lambda d: inits[d * states:(d + 1) * states] if inits else None
    if len(weights) == 1:
        seq, finals = direction(case, weights[0], x, init_of(0), case['goBackwards'])
        out = [seq if case['returnSequences'] else seq[:, -1]]
        return out + (finals if case['returnState'] else [])
    fw_seq, fw_fin = direction(case, weights[0], x, init_of(0), False)
    bw_seq, bw_fin = direction(case, weights[1], x, init_of(1), True)
    if case['returnSequences']:
        a, b = fw_seq, bw_seq.flip(1)
    else:
        a, b = fw_seq[:, -1], bw_seq[:, -1]
    out = [a, b] if case['mergeMode'] is None else [merge(a, b, case['mergeMode'])]
    return out + (fw_fin + bw_fin if case['returnState'] else [])


def main():
    cases = json.load(sys.stdin)
    results = [[o.reshape(-1).tolist() for o in run_case(c)] for c in cases]
    print(json.dumps({'results': results}))


if __name__ == '__main__':
    main()
