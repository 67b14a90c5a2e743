"""The ST-GCN graph step by step, as PNG heatmaps: hop distance, normalised adjacency, partitions.

    python tools/visualize_graph.py --layout fsd10 --out_dir output/graph
writes hop_distance.png, normalized_adjacency.png and partitions_<strategy>.png for uniform,
distance and spatial (the model uses spatial: root, centripetal, centrifugal).
"""
import argparse
import os
import sys
import warnings

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from models.graph import LAYOUTS, STRATEGIES, Graph
from utils.common import folder_path

SUBSET_NAMES = {"uniform": ["all neighbours"], "distance": ["hop 0 (self)", "hop 1"],
                "spatial": ["root", "centripetal (+root, hop 1)", "centrifugal"]}


def heatmaps(matrices, titles, path: str, suptitle: str) -> None:
    fig, axes = plt.subplots(1, len(matrices), figsize=(4.2 * len(matrices), 4))
    for ax, matrix, title in zip(np.atleast_1d(axes), matrices, titles):
        image = ax.imshow(matrix, cmap="viridis")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("joint i (sender)")
        ax.set_ylabel("joint j (receiver)")
        fig.colorbar(image, ax=ax, fraction=0.046)
    fig.suptitle(suptitle)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--layout", choices=LAYOUTS, default="fsd10")
    p.add_argument("--out_dir", default=folder_path("output", "graph"))
    args = p.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    graph = Graph(args.layout, "spatial")
    hop = np.where(np.isinf(graph.hop_dis), -1, graph.hop_dis)  # -1: farther than max_hop
    heatmaps([hop], ["hop distance (-1: beyond max_hop 1)"], os.path.join(args.out_dir, "hop_distance.png"),
             f"{args.layout}: centre joint {graph.center}")
    heatmaps([graph.norm_adjacency], ["A D^-1 (columns sum to 1)"],
             os.path.join(args.out_dir, "normalized_adjacency.png"), f"{args.layout}: normalised adjacency")
    for strategy in STRATEGIES:
        A = Graph(args.layout, strategy).A
        heatmaps(list(A), SUBSET_NAMES[strategy], os.path.join(args.out_dir, f"partitions_{strategy}.png"),
                 f"{args.layout}: {strategy} partitions, A {list(A.shape)}")
    print(f"graph pictures written to {args.out_dir}")


if __name__ == "__main__":
    main()
