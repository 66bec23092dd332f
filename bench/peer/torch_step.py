#!/usr/bin/env python3
"""PyTorch peer for the step benchmark: the seed's Keras MNIST CNN (PReLU or ReLU) in PyTorch.

One training step (forward, backward, Adam update) on a batch of 250 random 28x28 images,
timed after a warm-up; prints one JSON line with the median milliseconds per step.

The layers match the Keras model exactly: conv2d(32, 3x3) -> act -> maxPool 2 -> dropout .25
-> conv2d(64, 3x3) -> act -> maxPool 2 -> dropout .25 -> flatten -> dense 256 -> act ->
dense 10 softmax, glorot-uniform kernels and zero biases. Keras' PReLU has one alpha per
element of its input (shape [H, W, C]); torch's nn.PReLU shares alpha across each channel's
pixels, so the PReLU here is a small module with alpha of shape [C, H, W] (NCHW layout does
not change the work done). Loss: softmax + categorical cross-entropy on one-hot labels,
computed as -sum(onehot * log_softmax) (the same function Keras evaluates, without its
1e-7 probability clipping). Optimizer: Adam, lr 1e-3, betas (0.9, 0.999), eps 1e-7 (Keras').

Run with Debian's torch:  /usr/bin/python3 bench/peer/torch_step.py --model prelu --steps 20 --warmup 3 --threads 2
"""

import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

BATCH = 250
CLASSES = 10


class ElementwisePReLU(nn.Module):
    """Keras PReLU without shared axes: one alpha for every element of an example."""

    def __init__(self, shape, alpha_init=0.25):
        super().__init__()
        self.alpha = nn.Parameter(torch.full(shape, alpha_init))

    def forward(self, x):
        return torch.where(x > 0, x, self.alpha * x)


def activation(kind, shape):
    return ElementwisePReLU(shape) if kind == 'prelu' else nn.ReLU()


def build_model(kind):
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), activation(kind, (32, 26, 26)), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(32, 64, 3), activation(kind, (64, 11, 11)), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(64 * 5 * 5, 256), activation(kind, (256,)),
        nn.Linear(256, CLASSES),  # softmax is folded into the loss below
    )
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)  # Keras' glorot_uniform: same fan-in/fan-out for HWIO and OIHW
            nn.init.zeros_(layer.bias)
    return model


def categorical_crossentropy(logits, onehot):
    return -(onehot * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


def random_batch(generator):
    x = torch.rand(BATCH, 1, 28, 28, generator=generator)
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    return x, F.one_hot(labels, CLASSES).float()


def train_step(model, optimizer, x, onehot):
    optimizer.zero_grad(set_to_none=True)
    loss = categorical_crossentropy(model(x), onehot)
    loss.backward()
    optimizer.step()
    return loss.item()


def setup(kind, threads, seed=1):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = build_model(kind)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    return model, optimizer, torch.Generator().manual_seed(seed)


def benchmark(kind, steps, warmup, threads):
    model, optimizer, generator = setup(kind, threads)
    x, onehot = random_batch(generator)
    for _ in range(warmup):
        train_step(model, optimizer, x, onehot)
    times = []
    cpu_times = []
    for _ in range(steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        train_step(model, optimizer, x, onehot)
        times.append((time.perf_counter() - start) * 1000.0)
        cpu_times.append((time.process_time() - cpu_start) * 1000.0)
    return {
        'model': kind,
        'ms_per_step': round(statistics.median(times), 3),
        # CPU time of all threads: on a busy shared machine, wall time overstates the step and this does not.
        'cpu_ms_per_step': round(statistics.median(cpu_times), 3),
        'threads': threads,
        'torch': torch.__version__,
        'batch': BATCH,
        'steps': steps,
        'params': sum(p.numel() for p in model.parameters()),
    }


def learnable_batch(generator, templates):
    """Random images that carry their class: faint noise over one of ten random sparse templates."""
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    x = 0.2 * torch.rand(BATCH, 1, 28, 28, generator=generator) + 0.8 * templates[labels]
    return x, F.one_hot(labels, CLASSES).float()


def sanity(kind, threads, steps=20):
    """Trains on fresh learnable random batches: the loss must fall well below ln(10) ~ 2.30."""
    model, optimizer, generator = setup(kind, threads)
    templates = (torch.rand(CLASSES, 1, 28, 28, generator=generator) > 0.8).float()  # like MNIST: ~20% lit pixels
    losses = [train_step(model, optimizer, *learnable_batch(generator, templates)) for _ in range(steps)]
    print(f'{kind}: loss over {steps} steps on random templated batches: ' + ' '.join(f'{l:.3f}' for l in losses))
    return losses[-1] < 0.5 * losses[0]


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'{text} is not a positive integer')
    return value


def non_negative(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f'{text} is not a non-negative integer')
    return value


def main(argv):
    parser = argparse.ArgumentParser(description='PyTorch training-step time of the seed MNIST CNN')
    parser.add_argument('--model', choices=['prelu', 'relu'], required=True)
    parser.add_argument('--steps', type=positive, default=20, help='timed steps (the median is reported)')
    parser.add_argument('--warmup', type=non_negative, default=3, help='untimed steps first')
    parser.add_argument('--threads', type=positive, default=1, help='torch.set_num_threads')
    parser.add_argument('--sanity', action='store_true', help='instead of timing, check that the loss falls over 20 steps')
    args = parser.parse_args(argv)
    if args.sanity:
        return 0 if sanity(args.model, args.threads) else 1
    print(json.dumps(benchmark(args.model, args.steps, args.warmup, args.threads)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
