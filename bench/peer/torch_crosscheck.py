#!/usr/bin/env python3
"""Cross-checks nnc's compiled training step against PyTorch: the seed CNN without dropout
(so no random masks differ), nnc's initial params and batch, Keras' Adam in float64.

bench/peer/crosscheck.ts writes DIR/before.safetensors (params, x, labels) and
DIR/after.safetensors (params and Adam's m and v after `steps` steps); this script takes
the same steps in PyTorch and prints, per parameter, the relative difference of m and v and
the largest parameter difference. Exits 1 if any relative difference exceeds --tolerance.

Run through:  npx tsx bench/peer/crosscheck.ts --model prelu
"""

import argparse
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F


def load(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, v in header.items():
        if name == '__metadata__':
            continue
        start, end = v['data_offsets']
        out[name] = np.frombuffer(raw[8 + n + start:8 + n + end], dtype=np.float32).reshape(v['shape'])
    return out


def activate(h, alpha):
    """ReLU, or Keras' element-wise PReLU with alpha shaped like one example (NHWC -> NCHW)."""
    if alpha is None:
        return F.relu(h)
    a = alpha.permute(2, 0, 1) if alpha.dim() == 3 else alpha
    return torch.where(h > 0, h, a * h)


def forward_loss(p, x, y, prelu):
    alpha = (lambda k: p[f'prelu_{k}.alpha']) if prelu else (lambda k: None)
    h = activate(F.conv2d(x, p['conv2d_1.kernel'].permute(3, 2, 0, 1), p['conv2d_1.bias']), alpha(1))
    h = F.max_pool2d(h, 2)
    h = activate(F.conv2d(h, p['conv2d_2.kernel'].permute(3, 2, 0, 1), p['conv2d_2.bias']), alpha(2))
    h = F.max_pool2d(h, 2)
    h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # flatten in NHWC order, as Keras does
    h = activate(h @ p['dense_1.kernel'] + p['dense_1.bias'], alpha(3))
    z = h @ p['dense_2.kernel'] + p['dense_2.bias']
    return -(y * F.log_softmax(z, dim=1)).sum(1).mean()


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('dir')
    parser.add_argument('--model', choices=['relu', 'prelu'], required=True)
    parser.add_argument('--steps', type=int, default=2)
    parser.add_argument('--tolerance', type=float, default=1e-4)
    args = parser.parse_args(argv)
    before, after = load(f'{args.dir}/before.safetensors'), load(f'{args.dir}/after.safetensors')
    as64 = lambda a: torch.tensor(a.astype(np.float64))
    names = [k for k in before if k not in ('x', 'labels')]
    p = {k: as64(before[k]).requires_grad_() for k in names}
    x, y = as64(before['x']).permute(0, 3, 1, 2), as64(before['labels'])
    m = {k: torch.zeros_like(t) for k, t in p.items()}
    v = {k: torch.zeros_like(t) for k, t in p.items()}
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-7
    for t in range(1, args.steps + 1):
        for q in p.values():
            q.grad = None
        loss = forward_loss(p, x, y, args.model == 'prelu')
        loss.backward()
        print(f'step {t}: loss {loss.item():.7f}')
        with torch.no_grad():
            lr_t = lr * (1 - b2 ** t) ** 0.5 / (1 - b1 ** t)  # Keras' Adam
            for k, q in p.items():
                m[k] = b1 * m[k] + (1 - b1) * q.grad
                v[k] = b2 * v[k] + (1 - b2) * q.grad ** 2
                q -= lr_t * m[k] / (v[k].sqrt() + eps)
    worst = 0.0
    for k in sorted(names):
        rel = lambda got, want: float(np.abs(got - want).max() / (np.abs(want).max() + 1e-30))
        dm, dv = rel(after[f'adam.m:{k}'], m[k].numpy()), rel(after[f'adam.v:{k}'], v[k].numpy())
        dp = float(np.abs(after[k] - p[k].detach().numpy()).max())
        moved = float(np.abs(after[k] - before[k]).max())
        worst = max(worst, dm, dv)
        print(f'{k:18s} m: {dm:.1e}  v: {dv:.1e}  params: {dp:.1e} of a {moved:.1e} move')
    print(f'largest relative difference of Adam state: {worst:.1e} (tolerance {args.tolerance:g})')
    return 0 if worst <= args.tolerance else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
