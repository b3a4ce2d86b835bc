"""Reference values of Keras 3 metrics over all rows of the given batches, in NumPy float64, transcribed from
keras/src/metrics/f_score_metrics.py (FBetaScore.update_state / result), accuracy_metrics.py with TensorFlow's
in_top_k tie rule (top_k_categorical_accuracy, sparse_top_k_categorical_accuracy), regression_metrics.py
(RootMeanSquaredError, R2Score.result).

stdin: {"cases": [{"name", "metric", "options", "yTrue": [...rows], "yPred": [...rows]}]}; stdout: {name: value}
"""
import json
import sys

import numpy as np

EPS = 1e-7


def f_score(t, p, average, threshold, beta):
    if threshold is None:
        top = p.max(axis=-1, keepdims=True)
        pred = ((p >= top) & (np.abs(p) > 1e-9)).astype(float)
    else:
        pred = (p > threshold).astype(float)
    axis = None if average == 'micro' else 0
    tp = np.sum(pred * t, axis=axis)
    fp = np.sum(pred * (1 - t), axis=axis)
    fn = np.sum((1 - pred) * t, axis=axis)
    weights = np.sum(t, axis=axis)
    precision = tp / (tp + fp + EPS)
    recall = tp / (tp + fn + EPS)
    f = (precision * recall) / (beta ** 2 * precision + recall + EPS) * (1 + beta ** 2)
    if average == 'weighted':
        return float(np.sum(f * weights / (np.sum(weights) + EPS)))
    return float(np.mean(f))


def in_top_k(targets, p, k):
    return np.array([np.sum(row > row[int(c)]) < k for c, row in zip(targets, p)], dtype=float)


def r2(t, p, aggregation):
    if t.ndim == 1:
        t, p = t[:, None], p[:, None]
    n = t.shape[0]
    s, sq, sse = t.sum(0), (t * t).sum(0), ((t - p) ** 2).sum(0)
    total = sq - s * (s / n)
    with np.errstate(divide='ignore', invalid='ignore'):
        raw = 1 - sse / total
    raw = np.where(np.isinf(raw), 0.0, raw)
    if aggregation == 'uniformAverage':
        return float(np.mean(raw))
    return float(np.sum(total * raw) / np.sum(total))


def value(c):
    t, p, o = np.array(c['yTrue'], dtype=float), np.array(c['yPred'], dtype=float), c.get('options', {})
    m = c['metric']
    if m == 'f1Score':
        return f_score(t, p, o.get('average', 'macro'), o.get('threshold'), 1.0)
    if m == 'fBetaScore':
        return f_score(t, p, o.get('average', 'macro'), o.get('threshold'), o['beta'])
    if m == 'topK':
        return float(np.mean(in_top_k(np.argmax(t, -1), p, o.get('k', 5))))
    if m == 'sparseTopK':
        return float(np.mean(in_top_k(t.reshape(-1), p, o.get('k', 5))))
    if m == 'rmse':
        return float(np.sqrt(np.mean((t - p) ** 2)))
    if m == 'r2':
        return r2(t, p, o.get('classAggregation', 'uniformAverage'))
    raise ValueError(m)


print(json.dumps({c['name']: value(c) for c in json.load(sys.stdin)['cases']}))
