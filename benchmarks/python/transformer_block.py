"""PyTorch CPU side of benchmarks/core/transformer-block.ts: training samples per second of one
nn.TransformerEncoderLayer(d 128, 4 heads, feed-forward 256, dropout 0, relu, batch_first=True, norm_first=False) on
[32, 64, 128] batches, Adam (lr 1e-3) on the mean squared error against a random target, with 1 and 2 threads.
Each figure is the median over `rounds` timed epochs of `batches` steps after warm-up. Prints one JSON object.

Run: python3 benchmarks/python/transformer_block.py [batches] [rounds]
"""
import sys

import torch

from torch_training_speed import print_samples_per_second


def main():
    batches = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    batch, seq, d, heads, ff = 32, 64, 128, 4, 256
    torch.manual_seed(0)
    x = torch.randn(batches * batch, seq, d)
    y = torch.randn(batches * batch, seq, d)
    print_samples_per_second(
        lambda: torch.nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=0.0, activation='relu',
                                                 batch_first=True, norm_first=False),
        torch.nn.functional.mse_loss, x, y, batch, batches, rounds)


main()
