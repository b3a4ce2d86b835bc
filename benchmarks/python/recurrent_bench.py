"""PyTorch CPU side of benchmarks/core/recurrent.ts: training samples per second of a text classifier
nn.Embedding(20000, 64) -> nn.LSTM or nn.GRU (64 units, batch_first) -> last step -> nn.Linear(64, 1), binary
cross-entropy on logits, Adam (lr 1e-3), sequences of 100 ids, batch 64, with 1 and 2 threads. Each figure is the
median over `rounds` timed epochs of `batches` steps after a warm-up of 3. Prints one JSON object.

Run: python3 benchmarks/python/recurrent_bench.py lstm|gru [batches] [rounds]
"""
import sys

import torch

from torch_training_speed import print_samples_per_second


class Classifier(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.embedding = torch.nn.Embedding(20000, 64)
        self.rnn = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}[cell](64, 64, batch_first=True)
        self.out = torch.nn.Linear(64, 1)

    def forward(self, ids):
        seq, _ = self.rnn(self.embedding(ids))
        return self.out(seq[:, -1])


def main():
    cell = sys.argv[1]
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    batch, seq = 64, 100
    torch.manual_seed(0)
    x = torch.randint(1, 20000, (batches * batch, seq))
    y = torch.randint(0, 2, (batches * batch, 1)).float()
    print_samples_per_second(lambda: Classifier(cell), torch.nn.BCEWithLogitsLoss(), x, y, batch, batches, rounds)


main()
