"""NTU RGB+D skeleton graph with the distance partition used by EfficientGCN (max hop 10)."""
from typing import List, Tuple

import numpy as np

NUM_JOINTS = 25
# Kinect v2 bones, 1-based as in the NTU documentation.
NTU_EDGES_1BASED: List[Tuple[int, int]] = [
    (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (12, 11),
    (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (22, 23), (23, 8), (24, 25),
    (25, 12)]
# Parent of every joint (1-based), used for the bone features; joint 2 (spine middle) is the bone root.
CONNECT_JOINT_1BASED = [2, 2, 21, 3, 21, 5, 6, 7, 21, 9, 10, 11, 1, 13, 14, 15, 1, 17, 18, 19, 2, 23, 8, 25, 12]
CONNECT_JOINT = np.array(CONNECT_JOINT_1BASED) - 1
CENTER_JOINT = 1  # spine middle (0-based), the origin of the relative-joint features


def hop_distance(num_node: int, edges: List[Tuple[int, int]], max_hop: int) -> np.ndarray:
    """Shortest-path length between joints, inf beyond max_hop."""
    adj = np.eye(num_node)
    for i, j in edges:
        adj[i, j] = adj[j, i] = 1
    hop = np.full((num_node, num_node), np.inf)
    reach = [np.linalg.matrix_power(adj, d) > 0 for d in range(max_hop + 1)]
    for d in range(max_hop, -1, -1):
        hop[reach[d]] = d
    return hop


def ntu_adjacency(max_hop: int = 10) -> np.ndarray:
    """A[k] = column-normalised adjacency restricted to joints exactly k hops apart, k = 0..max_hop.

    The degree normalisation counts every joint within max_hop hops (not only the hops used by the model),
    which is why the official A[0:3] entries are small.
    """
    edges = [(i - 1, j - 1) for i, j in NTU_EDGES_1BASED]
    hop = hop_distance(NUM_JOINTS, edges, max_hop)
    adjacency = (hop <= max_hop).astype(np.float64)
    degree = adjacency.sum(0)
    normalised = adjacency @ np.diag(np.where(degree > 0, 1.0 / np.maximum(degree, 1e-12), 0.0))
    a = np.zeros((max_hop + 1, NUM_JOINTS, NUM_JOINTS))
    for k in range(max_hop + 1):
        a[k][hop == k] = normalised[hop == k]
    return a.astype(np.float32)
