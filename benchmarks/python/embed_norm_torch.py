"""PyTorch figures for test/parity/embed-norm-torch.test.ts: forward values and gradients of F.embedding,
F.layer_norm and F.batch_norm (training and eval) on the inputs given as JSON on stdin. Prints one JSON line."""
import json
import sys

import torch
import torch.nn.functional as F


def t(values, shape, grad=False):
    return torch.tensor(values, dtype=torch.float32).reshape(shape).requires_grad_(grad)


def flat(x):
    return x.detach().reshape(-1).tolist()


def embedding(c):
    table = t(c["table"], c["tableShape"], True)
    ids = torch.tensor(c["ids"], dtype=torch.long).reshape(c["idsShape"])
    y = F.embedding(ids, table)
    y.backward(t(c["dy"], list(y.shape)))
    return {"y": flat(y), "dTable": flat(table.grad)}


def layer_norm(c):
    x = t(c["x"], c["shape"], True)
    norm = c["shape"][len(c["shape"]) - c["normalizedRank"]:]
    g = t(c["gamma"], norm, True)
    b = t(c["beta"], norm, True)
    y = F.layer_norm(x, norm, g, b, c["epsilon"])
    y.backward(t(c["dy"], c["shape"]))
    return {"y": flat(y), "dx": flat(x.grad), "dgamma": flat(g.grad), "dbeta": flat(b.grad)}


def batch_norm(c):
    # Channels on axis 1, as torch expects (the test gives myelin axis 1 too).
    x = t(c["x"], c["shape"], True)
    ch = c["shape"][1]
    g = t(c["gamma"], [ch], True)
    b = t(c["beta"], [ch], True)
    rm = torch.tensor(c["movingMean"], dtype=torch.float32)
    rv = torch.tensor(c["movingVariance"], dtype=torch.float32)
    # Keras momentum m keeps m of the old statistic; torch's momentum is the weight of the new one.
    y = F.batch_norm(x, rm, rv, g, b, training=c["training"], momentum=1 - c["momentum"], eps=c["epsilon"])
    y.backward(t(c["dy"], c["shape"]))
    return {"y": flat(y), "dx": flat(x.grad), "dgamma": flat(g.grad), "dbeta": flat(b.grad),
            "movingMean": rm.tolist(), "movingVariance": rv.tolist()}


def main():
    cases = json.load(sys.stdin)
    out = {"_torch": torch.__version__}
    for name, c in cases.items():
        out[name] = {"embedding": embedding, "layerNorm": layer_norm, "batchNorm": batch_norm}[c["kind"]](c)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
