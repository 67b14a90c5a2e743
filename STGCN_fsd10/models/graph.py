"""The skeleton graph of ST-GCN (paper Sec. 3, partition strategies of its Fig. 3).

Hop distances, the normalised adjacency A·D^-1 and its partitions into K subsets.
"""
from typing import List, Tuple

import numpy as np

# OpenPose BODY_25 (FSD-10): 0 nose, 1 neck, 2-4 R shoulder/elbow/wrist, 5-7 L shoulder/elbow/wrist,
# 8 mid-hip, 9-11 R hip/knee/ankle, 12-14 L hip/knee/ankle, 15/16 R/L eye, 17/18 R/L ear,
# 19-21 L big toe/small toe/heel, 22-24 R big toe/small toe/heel.
FSD10_EDGES = [(1, 8), (0, 1), (15, 0), (17, 15), (16, 0), (18, 16), (5, 1), (6, 5), (7, 6),
               (2, 1), (3, 2), (4, 3), (9, 8), (10, 9), (11, 10), (24, 11), (22, 11), (23, 22),
               (12, 8), (13, 12), (14, 13), (21, 14), (19, 14), (20, 19)]
FSD10_JOINTS = ["nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist",
                "mid_hip", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye", "l_eye",
                "r_ear", "l_ear", "l_big_toe", "l_small_toe", "l_heel", "r_big_toe", "r_small_toe",
                "r_heel"]
# NTU RGB+D (Kinect v2), 1-based as in the dataset's documentation; centre is joint 21 (spine).
NTU_EDGES_1BASED = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21),
                    (10, 9), (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1),
                    (18, 17), (19, 18), (20, 19), (22, 23), (23, 8), (24, 25), (25, 12)]

LAYOUTS = ("fsd10", "ntu-rgb+d")
STRATEGIES = ("uniform", "distance", "spatial")


def layout_edges(layout: str) -> Tuple[int, List[Tuple[int, int]], int]:
    """(number of joints, bone list (child, parent), centre joint) of a layout."""
    if layout == "fsd10":
        return 25, list(FSD10_EDGES), 8
    if layout == "ntu-rgb+d":
        return 25, [(i - 1, j - 1) for i, j in NTU_EDGES_1BASED], 20
    raise ValueError(f"unknown layout {layout!r}, expected one of {LAYOUTS}")


def hop_distance(num_node: int, edges: List[Tuple[int, int]], max_hop: int = 1) -> np.ndarray:
    """Shortest path length between joints, inf beyond max_hop (self distance 0)."""
    adj = np.eye(num_node)
    for i, j in edges:
        adj[i, j] = adj[j, i] = 1
    dist = np.full((num_node, num_node), np.inf)
    reach = [np.linalg.matrix_power(adj, d) > 0 for d in range(max_hop + 1)]
    for d in range(max_hop, -1, -1):  # the smallest d that reaches wins
        dist[reach[d]] = d
    return dist


def normalize_digraph(adj: np.ndarray) -> np.ndarray:
    """A·D^-1 with D the column sums (each column sums to 1; empty columns stay 0)."""
    deg = adj.sum(axis=0)
    inv = np.zeros_like(deg)
    inv[deg > 0] = 1.0 / deg[deg > 0]
    return adj @ np.diag(inv)


class Graph:
    """Adjacency tensor A [K, V, V] of one layout under one partition strategy.

    uniform:  K=1, every neighbour in one subset.
    distance: K=max_hop+1, one subset per hop distance.
    spatial:  K=3 for max_hop=1: root, centripetal (closer to the centre joint), centrifugal.
    """

    def __init__(self, layout: str = "fsd10", strategy: str = "spatial", max_hop: int = 1,
                 dilation: int = 1) -> None:
        self.layout, self.strategy = layout, strategy
        self.num_node, self.edges, self.center = layout_edges(layout)
        self.hop_dis = hop_distance(self.num_node, self.edges, max_hop)
        self.valid_hops = list(range(0, max_hop + 1, dilation))
        adjacency = np.isin(self.hop_dis, self.valid_hops).astype(np.float64)
        self.norm_adjacency = normalize_digraph(adjacency)
        self.A = self._partition(strategy)

    def _partition(self, strategy: str) -> np.ndarray:
        hop, norm = self.hop_dis, self.norm_adjacency
        if strategy == "uniform":
            return norm[None]
        if strategy == "distance":
            return np.stack([np.where(hop == h, norm, 0.0) for h in self.valid_hops])
        if strategy != "spatial":
            raise ValueError(f"unknown strategy {strategy!r}, expected one of {STRATEGIES}")
        # entry (j, i): j receives from i; compare both joints' distance to the centre
        to_center = hop[:, self.center]
        j_dist, i_dist = to_center[:, None], to_center[None, :]
        subsets = []
        for h in self.valid_hops:
            on_hop = hop == h
            root = np.where(on_hop & (j_dist == i_dist), norm, 0.0)
            close = np.where(on_hop & (j_dist > i_dist), norm, 0.0)
            further = np.where(on_hop & (j_dist < i_dist), norm, 0.0)
            subsets += [root] if h == 0 else [root + close, further]
        return np.stack(subsets)
