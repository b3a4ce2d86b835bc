"""Loss golden values (run once by hand). Keras formulas written in NumPy float64, cross-checked with
torch.nn.functional where torch has the same loss. Prints TypeScript for golden-data.ts."""
import json
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(3)
B, C = 3, 4
reg_true = rng.uniform(-2, 2, (B, C)).round(3)
reg_pred = rng.uniform(-2, 2, (B, C)).round(3)
bin_true = rng.integers(0, 2, (B, C)).astype(float)
bin_prob = rng.uniform(0.02, 0.98, (B, C)).round(3)
bin_logit = rng.uniform(-4, 4, (B, C)).round(3)
cat_true = np.eye(C)[rng.integers(0, C, B)]
cat_prob_raw = rng.uniform(0.05, 1, (B, C)).round(3)  # not normalised: the loss normalises
cat_logit = rng.uniform(-3, 3, (B, C)).round(3)
sparse_idx = rng.integers(0, C, B).astype(float)

e = reg_pred - reg_true
out = {}
out['mse'] = (e ** 2).mean(-1)
out['mae'] = np.abs(e).mean(-1)
def huber(e, d):
    a = np.abs(e)
    return np.where(a <= d, 0.5 * e ** 2, d * (a - 0.5 * d)).mean(-1)
out['huber1'] = huber(e, 1.0)
out['huber05'] = huber(e, 0.5)
assert np.allclose(out['huber1'], F.huber_loss(torch.tensor(reg_pred), torch.tensor(reg_true), reduction='none', delta=1.0).mean(-1).numpy())
eps = 1e-7
def bce(t, p):
    p = np.clip(p, eps, 1 - eps)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)
out['bce'] = bce(bin_true, bin_prob)
assert np.allclose(out['bce'], F.binary_cross_entropy(torch.tensor(bin_prob), torch.tensor(bin_true), reduction='none').mean(-1).numpy())
out['bceSmooth02'] = bce(bin_true * 0.8 + 0.1, bin_prob)
out['bceLogits'] = F.binary_cross_entropy_with_logits(torch.tensor(bin_logit), torch.tensor(bin_true), reduction='none').mean(-1).numpy()
def cce(t, p):
    p = p / p.sum(-1, keepdims=True)
    p = np.clip(p, eps, 1 - eps)
    return -(t * np.log(p)).sum(-1)
out['cce'] = cce(cat_true, cat_prob_raw)
out['cceSmooth01'] = cce(cat_true * 0.9 + 0.1 / C, cat_prob_raw)
out['cceLogits'] = F.cross_entropy(torch.tensor(cat_logit), torch.tensor(cat_true), reduction='none').numpy()
out['cceLogitsSmooth01'] = F.cross_entropy(torch.tensor(cat_logit), torch.tensor(cat_true), reduction='none', label_smoothing=0.1).numpy()
out['sparse'] = cce(np.eye(C)[sparse_idx.astype(int)], cat_prob_raw)
out['sparseLogits'] = F.cross_entropy(torch.tensor(cat_logit), torch.tensor(sparse_idx).long(), reduction='none').numpy()
inputs = dict(regTrue=reg_true, regPred=reg_pred, binTrue=bin_true, binProb=bin_prob, binLogit=bin_logit,
              catTrue=cat_true, catProbRaw=cat_prob_raw, catLogit=cat_logit, sparseIdx=sparse_idx)
r = lambda a: [float('%.10g' % x) for x in np.asarray(a, dtype=float).ravel()]
print('/** Loss golden values: Keras formulas in NumPy float64 (numpy %s), checked against torch.nn.functional (PyTorch %s); see make-golden.py. */' % (np.__version__, torch.__version__))
print('export const INPUTS: Record<string, number[]> = %s;' % json.dumps({k: r(v) for k, v in inputs.items()}))
print('export const EXPECTED: Record<string, number[]> = %s;' % json.dumps({k: r(v) for k, v in out.items()}))
print('export const B = %d;\nexport const C = %d;' % (B, C))
