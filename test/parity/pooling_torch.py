"""PyTorch side of test/parity/pooling-parity.test.ts: forward and input gradient of each case, float64.

Reads a JSON list of cases on stdin: {op, params, shape (channels last), x (flat), dy (flat, output's shape)};
writes {version, results: [{y, dx}]} on stdout, both flat and channels last. Each op is PyTorch's own function on
the NCHW / NCL view of x: F.max_pool2d, F.avg_pool2d(count_include_pad=False), F.max_pool1d, F.avg_pool1d,
F.adaptive_avg_pool2d / F.adaptive_max_pool2d (1 x 1), F.adaptive_avg_pool1d / F.adaptive_max_pool1d, F.pad and
F.interpolate (nearest; bilinear with align_corners=False).
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def channels_first(t):
    return t.permute(0, t.dim() - 1, *range(1, t.dim() - 1))


def channels_last(t):
    return t.permute(0, *range(2, t.dim()), 1)


def run(op, p, x):
    if op == 'max_pool2d':
        # TensorFlow's 'same' padding may be uneven: pad with -inf first, then pool without padding.
        top, bottom, left, right = p['pad']
        x = F.pad(x, (left, right, top, bottom), value=float('-inf'))
        return F.max_pool2d(x, p['pool'], p['stride'])
    if op == 'avg_pool2d':
        return F.avg_pool2d(x, p['pool'], p['stride'], padding=p['pad'], count_include_pad=False)
    if op == 'max_pool1d':
        left, right = p['pad']
        return F.max_pool1d(F.pad(x, (left, right), value=float('-inf')), p['pool'], p['stride'])
    if op == 'avg_pool1d':
        return F.avg_pool1d(x, p['pool'], p['stride'], padding=p['pad'], count_include_pad=False)
    if op == 'global_avg_2d':
        return F.adaptive_avg_pool2d(x, 1).flatten(1)
    if op == 'global_max_2d':
        return F.adaptive_max_pool2d(x, 1).flatten(1)
    if op == 'global_avg_1d':
        return F.adaptive_avg_pool1d(x, 1).flatten(1)
    if op == 'global_max_1d':
        return F.adaptive_max_pool1d(x, 1).flatten(1)
    if op == 'pad':
        (top, bottom), (left, right) = p['pad']
        return F.pad(x, (left, right, top, bottom))
    if op == 'nearest':
        return F.interpolate(x, scale_factor=tuple(float(s) for s in p['size']), mode='nearest')
    if op == 'bilinear':
        return F.interpolate(x, scale_factor=tuple(float(s) for s in p['size']), mode='bilinear', align_corners=False)
    raise ValueError(f'unknown op {op}')


def main():
    cases = json.load(sys.stdin)
    results = []
    for c in cases:
        x = torch.tensor(c['x']).reshape(c['shape'])
        xf = channels_first(x).detach().requires_grad_(True)
        y = run(c['op'], c['params'], xf)
        y_last = channels_last(y) if y.dim() > 2 else y
        dy = torch.tensor(c['dy']).reshape(y_last.shape)
        (y_last * dy).sum().backward()
        results.append({'y': y_last.detach().reshape(-1).tolist(), 'dx': channels_last(xf.grad).reshape(-1).tolist()})
    json.dump({'version': torch.__version__, 'results': results}, sys.stdout)


main()
