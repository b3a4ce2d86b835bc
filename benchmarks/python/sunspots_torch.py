"""PyTorch reference of examples/transformer-sunspots.ts: the same transformer forecaster trained on the same split
of the yearly sunspot numbers (data/sunspots.csv, 1700-2008), test mean absolute error per seed and their mean.

Windows of the WINDOW previous years predict the next year; the first 80% of the windows (in time order) train, the
last 20% test. Values are divided by the training targets' standard deviation after subtracting their mean. Model:
dense(D) per step + a learned position table [WINDOW, D], one nn.TransformerEncoderLayer(D, HEADS, FF, dropout 0,
relu, batch_first, post-norm, layer_norm_eps 1e-5), flatten, dense(1); Adam (lr 1e-3, eps 1e-7), mean squared
error, batch 32, EPOCHS epochs with shuffling.

With `lstm` as second argument the model of examples/lstm-sunspots.ts trains instead: nn.LSTM(1, LSTM_UNITS,
batch_first) over the window, its last output into dense(1); Adam (lr LSTM_LR, eps 1e-7), LSTM_EPOCHS epochs.

Run: python3 benchmarks/python/sunspots_torch.py [seeds] [lstm]   Prints one JSON object.
"""
import csv
import json
import os
import sys

import torch

WINDOW, D, HEADS, FF, EPOCHS, BATCH = 16, 32, 4, 64, 150, 32
LSTM_UNITS, LSTM_LR, LSTM_EPOCHS = 32, 2e-3, 100
HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    with open(os.path.join(HERE, '..', '..', 'data', 'sunspots.csv')) as f:
        rows = list(csv.reader(f))[1:]
    return [float(r[1]) for r in rows]


def split(series):
    xs = [series[i:i + WINDOW] for i in range(len(series) - WINDOW)]
    ys = [series[i + WINDOW] for i in range(len(series) - WINDOW)]
    n_train = int(len(xs) * 0.8)
    return xs[:n_train], ys[:n_train], xs[n_train:], ys[n_train:]


class Forecaster(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Linear(1, D)
        self.pos = torch.nn.Parameter(torch.empty(WINDOW, D))
        torch.nn.init.xavier_uniform_(self.pos)
        self.block = torch.nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, activation='relu', batch_first=True,
                                                      layer_norm_eps=1e-5)
        self.head = torch.nn.Linear(WINDOW * D, 1)

    def forward(self, x):
        h = self.block(self.embed(x) + self.pos)
        return self.head(h.flatten(1))


class LstmForecaster(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(1, LSTM_UNITS, batch_first=True)
        self.head = torch.nn.Linear(LSTM_UNITS, 1)

    def forward(self, x):
        seq, _ = self.lstm(x)
        return self.head(seq[:, -1])


def run(seed, xs, ys, xt, yt, mean, std, lstm=False):
    torch.manual_seed(seed)
    x = (torch.tensor(xs) - mean).div(std).unsqueeze(-1)
    y = (torch.tensor(ys) - mean).div(std).unsqueeze(-1)
    model = LstmForecaster() if lstm else Forecaster()
    opt = torch.optim.Adam(model.parameters(), lr=LSTM_LR if lstm else 1e-3, eps=1e-7)
    g = torch.Generator().manual_seed(seed)
    for _ in range(LSTM_EPOCHS if lstm else EPOCHS):
        order = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x[idx]), y[idx]).backward()
            opt.step()
    with torch.no_grad():
        pred = model((torch.tensor(xt) - mean).div(std).unsqueeze(-1)).squeeze(-1) * std + mean
    return float((pred - torch.tensor(yt)).abs().mean())


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    lstm = len(sys.argv) > 2 and sys.argv[2] == 'lstm'
    torch.set_num_threads(1)
    xs, ys, xt, yt = split(load())
    t = torch.tensor(ys)
    mean, std = float(t.mean()), float(t.std(unbiased=False))
    maes = [run(s, xs, ys, xt, yt, mean, std, lstm) for s in range(seeds)]
    persistence = sum(abs(x[-1] - y) for x, y in zip(xt, yt)) / len(yt)
    print(json.dumps({'torch': torch.__version__, 'model': 'lstm' if lstm else 'transformer', 'train': len(xs), 'test': len(xt), 'mae': maes,
                      'meanMae': sum(maes) / len(maes), 'persistenceMae': persistence}))


main()
