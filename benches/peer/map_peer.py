#!/usr/bin/env python3
"""Peer baseline for `losscape bench`'s map stage: a basin map as a numpy user would
write it, vectorized over all starts at once.

Every pixel of Rosenbrock's view [-2, 2] x [-1, 3] (a, b = 1, 100) is a start; GD (lr 1e-3)
and Adam (lr 1e-2, torch's defaults otherwise) take 500 steps from all of them together. Each
run ends as losscape's map decides (src/engine/map): within 1e-3 of the view's diagonal of
the minimum (1, 1) it has converged; a non-finite iterate or loss, or one farther than 1000
diagonals from the view's centre, has diverged. Ended runs keep being stepped (masking them
out costs numpy more than it saves); their outcome is recorded once.

    map_peer.py [--size 256] [--steps 500] [--reps 3]

Prints one JSON object: per optimizer, the best of --reps in ms (time.perf_counter, after one
warm-up) and how the runs ended.
"""
import argparse
import json
import time

import numpy as np

A, B = 1.0, 100.0
VIEW = (-2.0, 2.0, -1.0, 3.0)


def loss_grad(x, y):
    r = y - x * x
    f = (A - x) ** 2 + B * r * r
    gx = -2.0 * (A - x) - 4.0 * B * x * r
    gy = 2.0 * B * r
    return f, gx, gy


def basin_map(kind, lr, size, steps):
    x0, x1, y0, y1 = VIEW
    t = (np.arange(size) + 0.5) / size
    xs = x0 + t * (x1 - x0)
    ys = y1 - t * (y1 - y0)  # row 0 at the top
    x, y = np.meshgrid(xs, ys)
    x, y = x.ravel().copy(), y.ravel().copy()
    n = x.size
    diag = np.hypot(x1 - x0, y1 - y0)
    tol2 = (1e-3 * diag) ** 2
    esc2 = (1e3 * diag) ** 2
    cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    outcome = np.zeros(n, np.int8)  # 0 running/not converged, 1 converged, 2 diverged
    at = np.full(n, -1, np.int32)
    live = np.ones(n, bool)
    b1, b2, eps = 0.9, 0.999, 1e-8
    m = np.zeros((2, n))
    v = np.zeros((2, n))
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            f, gx, gy = loss_grad(x, y)
            bad = ~(np.isfinite(x) & np.isfinite(y) & np.isfinite(f))
            bad |= (x - cx) ** 2 + (y - cy) ** 2 > esc2
            conv = ~bad & ((x - 1.0) ** 2 + (y - 1.0) ** 2 <= tol2)
            for mask, code in ((live & bad, 2), (live & conv, 1)):
                outcome[mask] = code
                at[mask] = k
            live &= ~(bad | conv)
            if k == steps or not live.any():
                break
            if kind == "gd":
                x = x - lr * gx
                y = y - lr * gy
            else:
                g = np.stack((gx, gy))
                m += (1.0 - b1) * (g - m)
                v = v * b2 + g * g * (1.0 - b2)
                tt = k + 1
                step = lr / (1.0 - b1 ** tt)
                denom = np.sqrt(v) / np.sqrt(1.0 - b2 ** tt) + eps
                d = m / denom * step
                x = x - d[0]
                y = y - d[1]
    return outcome


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    report = {"size": args.size, "steps": args.steps, "numpy": np.__version__}
    for kind, lr in (("gd", 1e-3), ("adam", 1e-2)):
        basin_map(kind, lr, args.size, args.steps)
        best = float("inf")
        for _ in range(args.reps):
            t = time.perf_counter()
            outcome = basin_map(kind, lr, args.size, args.steps)
            best = min(best, (time.perf_counter() - t) * 1e3)
        report[kind] = {
            "lr": lr,
            "ms": round(best, 3),
            "converged": int((outcome == 1).sum()),
            "diverged": int((outcome == 2).sum()),
            "not_converged": int((outcome == 0).sum()),
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
