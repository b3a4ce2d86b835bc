"""NumPy peer of the benchmarks: an MLP with hand-written backprop and the same Adam as myelin.

Usage: python3 numpy_worker.py <spec.json>
Forward h_{i+1} = relu(h_i W_i + b_i), last layer linear (logits). Loss from logits:
  binary:      mean(max(z, 0) - z y + log(1 + exp(-|z|))),   dz = (sigmoid(z) - y) / B
  categorical: mean(logsumexp(z) - sum(y z)),                 dz = (softmax(z) - y) / B
  sparse:      the same with one-hot y from class indices.
Adam (PyTorch placement of epsilon, as myelin's backend): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps), lr 1e-3, b1 0.9, b2 0.999, eps 1e-7. All float32.
"""
import time

import numpy as np

from bench_common import initial_weights, load, peak_rss_mib, read_spec, report


class Mlp:
    def __init__(self, spec):
        self.params = []
        for w, b in initial_weights(spec):
            self.params += [w.astype(np.float32).copy(), b.astype(np.float32).copy()]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0
        self.lr = np.float32(spec["learningRate"])

    def forward(self, x):
        hs = [x]
        n = len(self.params) // 2
        for i in range(n):
            z = hs[-1] @ self.params[2 * i] + self.params[2 * i + 1]
            if i < n - 1:
                np.maximum(z, 0, out=z)
            hs.append(z)
        return hs

    def backward(self, hs, dz):
        n = len(self.params) // 2
        grads = [None] * len(self.params)
        for i in range(n - 1, -1, -1):
            grads[2 * i] = hs[i].T @ dz
            grads[2 * i + 1] = dz.sum(axis=0)
            if i > 0:
                dz = dz @ self.params[2 * i].T
                dz *= hs[i] > 0
        return grads

    def adam(self, grads, b1=np.float32(0.9), b2=np.float32(0.999), eps=np.float32(1e-7)):
        self.t += 1
        c1 = np.float32(1 - 0.9 ** self.t)
        c2 = np.float32(np.sqrt(1 - 0.999 ** self.t))
        step = self.lr / c1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            denom = np.sqrt(v)
            denom /= c2
            denom += eps
            p -= step * (m / denom)


def loss_and_grad(kind, z, y):
    """Mean loss and d(loss)/dz for logits z."""
    b = z.shape[0]
    if kind == "binary":
        loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        p = 1 / (1 + np.exp(-z))
        return float(loss), ((p - y) / b).astype(np.float32)
    zmax = z.max(axis=1, keepdims=True)
    e = np.exp(z - zmax)
    s = e.sum(axis=1, keepdims=True)
    logp = z - zmax - np.log(s)
    loss = -np.sum(y * logp) / b
    return float(loss), ((e / s - y) / b).astype(np.float32)


def one_hot(labels, classes):
    out = np.zeros((labels.shape[0], classes), dtype=np.float32)
    out[np.arange(labels.shape[0]), labels.astype(np.int64)] = 1
    return out


def main():
    spec = read_spec()
    x = load(spec, "x_train")
    y = load(spec, "y_train")
    classes = spec["layers"][-1]["units"]
    if spec["loss"] == "sparse":
        y = one_hot(y, classes)
    kind = spec["loss"]
    n, bs = spec["samples"], spec["batchSize"]

    warm = Mlp(spec)
    for s in range(spec["warmupSteps"]):
        xb, yb = x[s * bs:(s + 1) * bs], y[s * bs:(s + 1) * bs]
        if xb.shape[0] == 0:
            break
        hs = warm.forward(xb)
        warm.adam(warm.backward(hs, loss_and_grad(kind, hs[-1], yb)[1]))
    del warm

    model = Mlp(spec)
    to_acc = spec["kind"] == "to-accuracy"
    if to_acc:
        x_test, y_test = load(spec, "x_test"), load(spec, "y_test").astype(np.int64)
    rng = np.random.default_rng(7)
    steps, seen, epochs, partial, acc = 0, 0, 0, False, None
    t0 = time.perf_counter()
    for epoch in range(spec["epochs"]):
        perm = rng.permutation(n)
        running = 0.0
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            xb, yb = x[idx], y[idx]
            hs = model.forward(xb)
            loss, dz = loss_and_grad(kind, hs[-1], yb)
            model.adam(model.backward(hs, dz))
            running += loss * idx.shape[0]
            steps += 1
            seen += idx.shape[0]
            if time.perf_counter() - t0 > spec["timeLimitSeconds"]:
                partial = True
                break
        epochs = epoch + 1
        if partial:
            break
        if to_acc:
            acc = float(np.mean(model.forward(x_test)[-1].argmax(axis=1) == y_test))
            if acc >= spec["targetAccuracy"]:
                break
    seconds = time.perf_counter() - t0
    final = None
    if not partial:
        total = 0.0
        for i in range(0, n, 4096):
            total += loss_and_grad(kind, model.forward(x[i:i + 4096])[-1], y[i:i + 4096])[0] * x[i:i + 4096].shape[0]
        final = total / n
    result = {
        "trainSeconds": seconds, "steps": steps, "samplesSeen": seen, "epochs": epochs, "finalLoss": final,
        "partial": partial, "peakRssMiB": peak_rss_mib(), "details": "numpy %s" % np.__version__,
    }
    if to_acc:
        result["testAccuracy"] = acc
        result["reached"] = acc is not None and acc >= spec["targetAccuracy"]
    report(result)


if __name__ == "__main__":
    main()
