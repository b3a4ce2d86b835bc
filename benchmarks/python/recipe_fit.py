"""The reference recipe in PyTorch (CPU), for comparison with benchmarks/recipe-fit.ts.

Same data files (data/), same split (benchmarks/sklearn-splits.json: sklearn train_test_split, random_state 0,
stratified, or a file of indices written by recipe-fit.ts --write-splits), StandardScaler fitted on the
training part, Linear(f, 64) + ReLU + Linear(64, k), Glorot-uniform weights and zero biases (the Keras and
myelin defaults), Adam(lr 1e-3, eps 1e-7: Keras' epsilon), cross-entropy, batch 32 reshuffled every epoch,
200 epochs. Prints one JSON line per data set: test accuracy per seed and the median fit time of `--repeats`.

Usage: python3 benchmarks/python/recipe_fit.py [--datasets iris,wine,breast_cancer,digits] [--seeds 0,1,2]
       [--repeats 3] [--epochs 200] [--threads N] [--splits file.json]
"""
import argparse, json, os, statistics, time
import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = {'iris': 'iris.csv', 'wine': 'wine_data.csv', 'breast_cancer': 'breast_cancer.csv', 'digits': 'digits.csv.gz'}


def load(name):
    d = np.loadtxt(os.path.join(ROOT, 'data', FILES[name]), delimiter=',', skiprows=0 if name == 'digits' else 1)
    return d[:, :-1].astype(np.float32), d[:, -1].astype(np.int64)


def fit_once(xtr, ytr, xte, yte, k, seed, epochs):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(xtr.shape[1], 64), torch.nn.ReLU(), torch.nn.Linear(64, k))
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = xtr.shape[0]
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    return acc, seconds


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--datasets', default='iris,wine,breast_cancer,digits')
    p.add_argument('--seeds', default='0,1,2')
    p.add_argument('--repeats', type=int, default=3, help='timed fits (seed 0) whose median is reported')
    p.add_argument('--epochs', type=int, default=200)
    p.add_argument('--threads', type=int, default=0, help='torch.set_num_threads (0: torch default)')
    p.add_argument('--splits', default=os.path.join(ROOT, 'benchmarks', 'sklearn-splits.json'))
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    splits = json.load(open(a.splits))
    for name in a.datasets.split(','):
        x, y = load(name)
        tr, te = np.array(splits[name]['train']), np.array(splits[name]['test'])
        mean, std = x[tr].astype(np.float64).mean(0), x[tr].astype(np.float64).std(0)
        std[std < 10 * np.finfo(np.float64).eps] = 1.0
        xs = ((x - mean) / std).astype(np.float32)
        xtr, xte = torch.from_numpy(xs[tr]), torch.from_numpy(xs[te])
        ytr, yte = torch.from_numpy(y[tr]), torch.from_numpy(y[te])
        k = int(y.max()) + 1
        accs = {}
        times = []
        for s in [int(v) for v in a.seeds.split(',')]:
            acc, sec = fit_once(xtr, ytr, xte, yte, k, s, a.epochs)
            accs[s] = round(acc, 4)
            if s == 0:
                times.append(sec)
        while len(times) < a.repeats:
            times.append(fit_once(xtr, ytr, xte, yte, k, 0, a.epochs)[1])
        print(json.dumps({'dataset': name, 'framework': 'pytorch %s' % torch.__version__, 'threads': torch.get_num_threads(),
                          'accuracy_by_seed': accs, 'fit_seconds_median': round(statistics.median(times), 3) if times else None,
                          'fit_seconds': [round(t, 3) for t in times]}), flush=True)


if __name__ == '__main__':
    main()
