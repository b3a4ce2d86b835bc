"""PyTorch side of test/parity/conv-torch.test.ts: reads cases (channels-last inputs and Keras-layout kernels) as
JSON on stdin and writes, per case, torch.nn.functional.conv2d (groups = channels for a depthwise case) / conv1d's output and the gradients of
sum(y * g) with respect to x, the kernel and the bias, converted back to channels last, as JSON on stdout.
'same' padding is applied as Keras does (total max((ceil(n / s) - 1) s + (k - 1) d + 1 - n, 0), the smaller
half first) with F.pad, since PyTorch's padding='same' takes no strides.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F


def same_pads(n, k, s, d):
    total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def run(case):
    x = torch.tensor(case["x"], dtype=torch.float64).reshape(case["xShape"])
    w = torch.tensor(case["w"], dtype=torch.float64).reshape(case["wShape"])
    b = torch.tensor(case["b"], dtype=torch.float64)
    g = torch.tensor(case["g"], dtype=torch.float64)
    x.requires_grad_(True)
    w.requires_grad_(True)
    b.requires_grad_(True)
    strides, dilation = case["strides"], case["dilation"]
    groups = 1
    if len(case["xShape"]) == 4:
        xc = x.permute(0, 3, 1, 2)          # NHWC -> NCHW
        if case.get("depthwise"):
            # [kh, kw, c, m] -> [c m, 1, kh, kw]: output channel c m + m' is group c's filter m'.
            kh, kw, c, m = w.shape
            wc = w.permute(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
            groups = c
        else:
            wc = w.permute(3, 2, 0, 1)      # [kh, kw, c, f] -> [f, c, kh, kw]
        if case["padding"] == "same":
            (pt, pb), (pl, pr) = [same_pads(x.shape[1 + i], w.shape[i], strides[i], dilation[i]) for i in range(2)]
            xc = F.pad(xc, (pl, pr, pt, pb))
        y = F.conv2d(xc, wc, b, stride=strides, dilation=dilation, groups=groups).permute(0, 2, 3, 1)
    else:
        xc = x.permute(0, 2, 1)             # NLC -> NCL
        wc = w.permute(2, 1, 0)             # [k, c, f] -> [f, c, k]
        if case["padding"] == "same":
            xc = F.pad(xc, same_pads(x.shape[1], w.shape[0], strides[0], dilation[0]))
        y = F.conv1d(xc, wc, b, stride=strides[0], dilation=dilation[0]).permute(0, 2, 1)
    y = torch.tanh(y) if case["activation"] == "tanh" else torch.relu(y) if case["activation"] == "relu" else y
    (y * g.reshape(y.shape)).sum().backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {"yShape": list(y.shape), "y": flat(y), "dx": flat(x.grad), "dw": flat(w.grad), "db": flat(b.grad)}


def main():
    cases = json.load(sys.stdin)
    json.dump([run(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
