"""Writes the built-in data sets (assets/data/*.csv). Run once; the CSVs are committed and
embedded in the binary, so this script is not needed at build or run time.
Usage: python3 generate.py (numpy; fixed seeds, so the files are reproducible)."""
import numpy as np


def write(name, header, rows):
    with open(f"{name}.csv", "w") as f:
        f.write(header + "\n")
        for a, b in rows:
            f.write(f"{a:.4g},{b:.4g}\n")


rng = np.random.default_rng(13)
# a noisy line b = 2a + 1
a = np.linspace(0.0, 4.0, 20)
write("line", "x,y", zip(a, 2 * a + 1 + rng.normal(0, 0.6, a.size)))
# the same line with features far from zero: a ravine until normalized
a = np.linspace(8.0, 12.0, 20)
write("line-far", "x,y", zip(a, 0.2 * a + 1 + rng.normal(0, 0.15, a.size)))
# two overlapping classes
a0, a1 = rng.normal(-1.0, 1.2, 30), rng.normal(1.0, 1.2, 30)
write("classes-overlap", "x,class", [(v, 0) for v in a0] + [(v, 1) for v in a1])
# two separable classes: no minimum without l2
a0, a1 = rng.uniform(-3.0, -0.4, 12), rng.uniform(0.4, 3.0, 12)
write("classes-separable", "x,class", [(v, 0) for v in a0] + [(v, 1) for v in a1])
# data from a one-unit tanh network p = 1.5·tanh(1.2·a)
a = np.linspace(-2.0, 2.0, 24)
write("tanh", "x,y", zip(a, 1.5 * np.tanh(1.2 * a) + rng.normal(0, 0.08, a.size)))
# a larger set for batch-size lessons: the noisy line, 1,000 examples
a = rng.uniform(-2.0, 2.0, 1000)
write("line-large", "x,y", zip(a, 2 * a + 1 + rng.normal(0, 1.0, a.size)))
# 1,000 examples of two overlapping classes
a = rng.normal(0.0, 1.5, 1000)
p = 1 / (1 + np.exp(-(1.5 * a - 0.5)))
write("classes-large", "x,class", zip(a, (rng.uniform(size=a.size) < p).astype(int)))
# few training examples and many held-out ones from the same line: their minima differ
a = rng.uniform(0.0, 4.0, 8)
write("line-few", "x,y", zip(a, 2 * a + 1 + rng.normal(0, 1.2, a.size)))
a = rng.uniform(0.0, 4.0, 200)
write("line-heldout", "x,y", zip(a, 2 * a + 1 + rng.normal(0, 1.2, a.size)))
