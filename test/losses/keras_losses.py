"""Per-sample values of the Keras 3 losses KL divergence, hinge, squared hinge, Poisson, cosine similarity and
log-cosh, in float64: NumPy transcriptions of keras/src/losses/losses.py (kl_divergence, hinge, squared_hinge,
convert_binary_labels_to_hinge, poisson, cosine_similarity with ops.normalize, log_cosh) and, where PyTorch has the
same loss, torch.nn.functional (kl_div, poisson_nll_loss, cosine_similarity) as a second opinion.

stdin: {"cases": [{"name", "loss", "yTrue": [[...]], "yPred": [[...]]}]}; stdout: {name: {"numpy": [...], "torch": [...] | null}}
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

EPS = 1e-7


def hinge_targets(t):
    return 2.0 * t - 1.0 if np.all((t == 0) | (t == 1)) else t


def normalize(x):
    return x / np.maximum(np.sqrt(np.sum(x * x, axis=-1, keepdims=True)), EPS)


def numpy_loss(name, t, p):
    if name == 'klDivergence':
        tc, pc = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
        return np.sum(tc * np.log(tc / pc), axis=-1)
    if name == 'hinge':
        return np.mean(np.maximum(1 - hinge_targets(t) * p, 0), axis=-1)
    if name == 'squaredHinge':
        return np.mean(np.maximum(1 - hinge_targets(t) * p, 0) ** 2, axis=-1)
    if name == 'poisson':
        return np.mean(p - t * np.log(p + EPS), axis=-1)
    if name == 'cosineSimilarity':
        return -np.sum(normalize(t) * normalize(p), axis=-1)
    if name == 'logCosh':
        return np.mean(np.log(np.cosh(p - t)), axis=-1)
    raise ValueError(name)


def torch_loss(name, t, p):
    tt, pp = torch.tensor(t, dtype=torch.float64), torch.tensor(p, dtype=torch.float64)
    if name == 'klDivergence':
        tc, pc = tt.clamp(EPS, 1), pp.clamp(EPS, 1)
        return F.kl_div(pc.log(), tc, reduction='none').sum(-1).tolist()
    if name == 'poisson':
        return F.poisson_nll_loss(pp, tt, log_input=False, eps=EPS, reduction='none').mean(-1).tolist()
    if name == 'cosineSimilarity':
        return (-F.cosine_similarity(tt, pp, dim=-1, eps=EPS)).tolist()
    return None


def main():
    spec = json.load(sys.stdin)
    out = {}
    for c in spec['cases']:
        t, p = np.array(c['yTrue'], dtype=np.float64), np.array(c['yPred'], dtype=np.float64)
        out[c['name']] = {'numpy': numpy_loss(c['loss'], t, p).tolist(), 'torch': torch_loss(c['loss'], t, p)}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
