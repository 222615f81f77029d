#!/usr/bin/env python3
"""3D peer baseline for losscape: the landscape as a lecture notebook draws it.

The scene's surface as matplotlib's ``plot_surface`` over the same mesh losscape
draws (``--quads`` per side), coloured with viridis on the same log-scaled
height (log(f - min + 1e-3 * span), as losscape's colour scale), the contour
map on a floor below it, every trajectory lifted onto the surface with its
head marked and its shadow on the floor, the start marked; one 1600x1200 PNG.
The whole job runs in one process (import, read, compute, draw, save), to be
timed as a whole next to ``losscape render --view 3d``.

    python3 mpl3d_peer.py ../scenes/race.toml --out race3d.png --quads 158

Scenes, surfaces and optimizer rules come from ``mpl_peer.py`` beside it.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import mpl_peer as peer  # noqa: E402  (sets the Agg backend)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import colormaps  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402


def render(scene_path, out, quads, width, height, azim, elev):
    scene = peer.read_scene(scene_path)
    s = scene["surface_obj"]
    x0, x1, y0, y1 = s.view_box()
    X, Y = np.meshgrid(np.linspace(x0, x1, quads + 1), np.linspace(y0, y1, quads + 1))
    F = s.f(X, Y)
    lo = float(np.nanmin(F))
    span = float(np.nanmax(F)) - lo
    off = max(1e-3 * span, 1e-300)

    def height_of(f):
        return np.log(np.asarray(f) - lo + off)

    H = height_of(F)
    hmin, hmax = float(np.nanmin(H)), float(np.nanmax(H))
    floor = hmin - 0.6 * (hmax - hmin)
    trajs = peer.all_trajectories(scene)

    fig = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    ax = fig.add_subplot(projection="3d")
    ax.set_title(scene["name"])
    norm = Normalize(hmin, hmax)
    viridis = colormaps["viridis"]
    ax.contourf(X, Y, H, levels=24, zdir="z", offset=floor, cmap="viridis", alpha=0.8)
    ax.contour(X, Y, H, levels=24, zdir="z", offset=floor, colors="w", linewidths=0.5)
    ax.plot_surface(X, Y, H, rstride=1, cstride=1, facecolors=viridis(norm(H)),
                    shade=True, linewidth=0, antialiased=False)
    for i, ((path, loss), o) in enumerate(zip(trajs, scene["optimizer"])):
        color = peer.COLORS[i % 10]
        inside = ((path[:, 0] >= x0) & (path[:, 0] <= x1)
                  & (path[:, 1] >= y0) & (path[:, 1] <= y1))
        px = np.where(inside, path[:, 0], np.nan)
        py = np.where(inside, path[:, 1], np.nan)
        pz = height_of(np.clip(loss, lo, lo + span))
        ax.plot(px, py, pz, color=color, lw=2, label=o["label"], zorder=10)
        ax.plot(px, py, np.full(len(path), floor), color=color, lw=1, alpha=0.6)
        ax.plot([px[-1]], [py[-1]], [pz[-1]], "o", color=color, mec="k", zorder=11)
    st = scene["start"]
    ax.plot([st[0]], [st[1]], [float(height_of(s.f(st[0], st[1])))], "w*", ms=14,
            mec="k", zorder=12)
    ax.set_zlim(floor, hmax)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("log loss")
    ax.view_init(elev=elev, azim=azim)
    ax.legend(loc="upper right", fontsize=9)
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap="viridis"), ax=ax, shrink=0.6,
                 label="log loss")
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(prog="mpl3d_peer.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scene")
    p.add_argument("--out", required=True)
    p.add_argument("--quads", type=int, default=128, help="mesh quads per side")
    p.add_argument("--width", type=int, default=1600)
    p.add_argument("--height", type=int, default=1200)
    p.add_argument("--azimuth", type=float, default=-60.0)
    p.add_argument("--elevation", type=float, default=30.0)
    a = p.parse_args(argv)
    render(a.scene, a.out, a.quads, a.width, a.height, a.azimuth, a.elevation)


if __name__ == "__main__":
    main()
