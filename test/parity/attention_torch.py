"""PyTorch side of test/parity/attention-torch.test.ts.

Reads a JSON list of cases on stdin and prints one JSON list of results. Weights arrive in Keras's layout
(query/key/value kernels [d, H, dh], biases [H, dh], output kernel [H, dh, d]) and are converted to PyTorch's:
in_proj_weight [3d, d] holds Wq^T, Wk^T, Wv^T stacked; out_proj.weight is Wo^T. Gradients go back in Keras's layout.

- kind 'mha': torch.nn.MultiheadAttention(batch_first=True); attn_mask from the 0/1 mask [B, T, S] (True where a
  step may NOT attend, repeated per head) and the causal mask; the output, the per-head weights, and the gradients
  of sum(out * dy) with respect to query, key, value and every weight.
- kind 'encoder': torch.nn.TransformerEncoderLayer(batch_first=True, norm_first=False, dropout=0, relu): the output,
  then one SGD step (lr) on the mean squared error against `target`, and the weights after it in Keras's layout.
"""
import json
import sys

import torch


def t(case, key):
    return torch.tensor(case[key], dtype=torch.float32).reshape(case['shapes'][key])


def load_mha(mha, w, d, heads):
    """Copies Keras-layout weights w (dict) into a torch MultiheadAttention."""
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([w['qk'].reshape(d, d).T, w['kk'].reshape(d, d).T, w['vk'].reshape(d, d).T]))
        mha.in_proj_bias.copy_(torch.cat([w['qb'].reshape(-1), w['kb'].reshape(-1), w['vb'].reshape(-1)]))
        mha.out_proj.weight.copy_(w['ok'].reshape(d, d).T)
        mha.out_proj.bias.copy_(w['ob'])


def mha_grads(mha, d, heads):
    """The gradients of a MultiheadAttention's weights in Keras's layout, in Keras's weight order."""
    g, b = mha.in_proj_weight.grad, mha.in_proj_bias.grad
    dh = d // heads
    out = []
    for i in range(3):
        out.append(g[i * d:(i + 1) * d].T.reshape(d, heads, dh))
        out.append(b[i * d:(i + 1) * d].reshape(heads, dh))
    out.append(mha.out_proj.weight.grad.T.reshape(heads, dh, d))
    out.append(mha.out_proj.bias.grad)
    return out


def attn_mask(case, batch, heads, tq, ts):
    """PyTorch's boolean attn_mask (True: not allowed) [B * H, T, S], or None."""
    blocked = torch.zeros(batch, tq, ts, dtype=torch.bool)
    if case.get('mask') is not None:
        blocked |= t(case, 'mask') == 0
    if case.get('causal'):
        blocked |= torch.ones(tq, ts, dtype=torch.bool).triu(1)
    if case.get('mask') is None and not case.get('causal'):
        return None
    return blocked.repeat_interleave(heads, dim=0)


def flat(x):
    return x.detach().double().reshape(-1).tolist()


def run_mha(case):
    heads, d = case['heads'], case['d']
    q, k, v, dy = (t(case, n).requires_grad_() for n in ['query', 'key', 'value', 'dy'])
    mha = torch.nn.MultiheadAttention(d, heads, bias=True, batch_first=True)
    load_mha(mha, {n: t(case, n) for n in ['qk', 'qb', 'kk', 'kb', 'vk', 'vb', 'ok', 'ob']}, d, heads)
    batch, tq, ts = q.shape[0], q.shape[1], k.shape[1]
    out, weights = mha(q, k, v, attn_mask=attn_mask(case, batch, heads, tq, ts), need_weights=True,
                       average_attn_weights=False)
    (out * dy).sum().backward()
    return {'out': flat(out), 'weights': flat(weights), 'dquery': flat(q.grad), 'dkey': flat(k.grad),
            'dvalue': flat(v.grad), 'dweights': [flat(g) for g in mha_grads(mha, d, heads)]}


def run_encoder(case):
    heads, d, ff = case['heads'], case['d'], case['ff']
    layer = torch.nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=0.0, activation='relu',
                                             batch_first=True, norm_first=False, layer_norm_eps=case['eps'])
    w = {n: t(case, n) for n in case['weightNames']}
    load_mha(layer.self_attn, w, d, heads)
    with torch.no_grad():
        layer.norm1.weight.copy_(w['g1']); layer.norm1.bias.copy_(w['b1'])
        layer.linear1.weight.copy_(w['f1k'].T); layer.linear1.bias.copy_(w['f1b'])
        layer.linear2.weight.copy_(w['f2k'].T); layer.linear2.bias.copy_(w['f2b'])
        layer.norm2.weight.copy_(w['g2']); layer.norm2.bias.copy_(w['b2'])
    x, target = t(case, 'x'), t(case, 'target')
    out = layer(x)
    loss = torch.nn.functional.mse_loss(out, target)
    layer.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in layer.parameters():
            p -= case['lr'] * p.grad
    a = layer.self_attn
    dh = d // heads
    after = [a.in_proj_weight[i * d:(i + 1) * d].T.reshape(d, heads, dh) if j == 0 else
             a.in_proj_bias[i * d:(i + 1) * d].reshape(heads, dh) for i in range(3) for j in range(2)]
    after += [a.out_proj.weight.T.reshape(heads, dh, d), a.out_proj.bias, layer.norm1.weight, layer.norm1.bias,
              layer.linear1.weight.T, layer.linear1.bias, layer.linear2.weight.T, layer.linear2.bias,
              layer.norm2.weight, layer.norm2.bias]
    return {'out': flat(out), 'loss': float(loss), 'after': [flat(p) for p in after]}


def main():
    cases = json.load(sys.stdin)
    print(json.dumps({'_torch': torch.__version__,
                      'results': [run_mha(c) if c['kind'] == 'mha' else run_encoder(c) for c in cases]}))


if __name__ == '__main__':
    main()
