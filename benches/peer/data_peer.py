#!/usr/bin/env python3
"""Peer baseline for losscape's data-surface grid: the logistic-regression empirical risk
(1/n) Σ [log(1 + e^z) − b·z], z = x·a + y, on an N × N grid, as a numpy user would write it:
broadcast over the grid and the examples at once (in slabs of rows, so the (rows, N, n)
intermediate stays within memory; one slab of 16 rows of 512 against 1,000 examples is 65 MB).

    python3 data_peer.py DATA.csv --grid 512 --view -4 4 -4 4 [--reps 5]

DATA.csv: two columns, feature and target, with a header row. Prints one JSON object:
{"n": ..., "grid": N, "grid_ms": {"median": ..., "min": ..., "max": ...}} (one warm-up, then
--reps timed runs, time.perf_counter).
"""
import argparse
import json
import statistics
import time

import numpy as np


def risk_grid(a, b, xs, ys, rows_per_slab=16):
    out = np.empty((ys.size, xs.size))
    for j0 in range(0, ys.size, rows_per_slab):
        y = ys[j0:j0 + rows_per_slab]
        z = xs[None, :, None] * a[None, None, :] + y[:, None, None]
        # log(1 + e^z) in its stable form, as torch's BCEWithLogitsLoss
        loss = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - b * z
        out[j0:j0 + rows_per_slab] = loss.mean(axis=2)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--grid", type=int, default=512)
    p.add_argument("--view", type=float, nargs=4, default=[-4, 4, -4, 4])
    p.add_argument("--reps", type=int, default=5)
    args = p.parse_args()
    ab = np.loadtxt(args.data, delimiter=",", skiprows=1, ndmin=2)
    a, b = ab[:, 0].copy(), ab[:, 1].copy()
    n = args.grid
    x0, x1, y0, y1 = args.view
    # pixel centres, as losscape samples them
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    risk_grid(a, b, xs, ys)
    ms = []
    for _ in range(max(1, args.reps)):
        t = time.perf_counter()
        risk_grid(a, b, xs, ys)
        ms.append((time.perf_counter() - t) * 1e3)
    print(json.dumps({
        "n": int(a.size),
        "grid": n,
        "grid_ms": {"median": round(statistics.median(ms), 3), "min": round(min(ms), 3),
                    "max": round(max(ms), 3)},
    }))


if __name__ == "__main__":
    main()
