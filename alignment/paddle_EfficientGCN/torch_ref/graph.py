"""The NTU RGB+D skeleton graph, written from EfficientGCNv1 src/dataset/graphs.py (class Graph, dataset 'ntu',
max_hop=10, dilation=1; the ST-GCN distance partition)."""
import numpy as np

NUM_NODE = 25
# Graph._get_edge, 'ntu' branch: neighbor_1base (Kinect v2 bones, 1-based)
NEIGHBOR_1BASE = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10),
                  (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19),
                  (22, 23), (23, 8), (24, 25), (25, 12)]
# Graph._get_edge connect_joint: the parent of every joint (1-based in the source, minus 1), used by the bone
# features of src/dataset/ntu_feeder.py NTU_Feeder.multi_input
CONNECT_JOINT = np.array([2, 2, 21, 3, 21, 5, 6, 7, 21, 9, 10, 11, 1, 13, 14, 15, 1, 17, 18, 19, 2, 23, 8, 25,
                          12]) - 1


def edges():
    """Graph._get_edge: self links first, then the 0-based neighbour links."""
    return [(i, i) for i in range(NUM_NODE)] + [(i - 1, j - 1) for i, j in NEIGHBOR_1BASE]


def hop_distance(max_hop: int = 10) -> np.ndarray:
    """Graph._get_hop_distance: d where the d-th power of the (symmetric, self-looped) adjacency first reaches a
    pair, inf beyond max_hop (filled from the largest d down, so the smallest reaching d wins)."""
    adj = np.zeros((NUM_NODE, NUM_NODE))
    for i, j in edges():
        adj[i, j] = adj[j, i] = 1
    reach = np.stack([np.linalg.matrix_power(adj, d) for d in range(max_hop + 1)]) > 0
    hop = np.full((NUM_NODE, NUM_NODE), np.inf)
    for d in reversed(range(max_hop + 1)):
        hop[reach[d]] = d
    return hop


def adjacency(max_hop: int = 10, dilation: int = 1) -> np.ndarray:
    """Graph._get_adjacency: 1 wherever the hop distance is one of the valid hops, column-normalised by
    Graph._normalize_digraph (A @ D^-1, D = column sums), split into one [25, 25] matrix per valid hop."""
    hop = hop_distance(max_hop)
    valid = list(range(0, max_hop + 1, dilation))
    binary = np.zeros((NUM_NODE, NUM_NODE))
    for h in valid:
        binary[hop == h] = 1
    col = binary.sum(0)
    d_inv = np.diag([1.0 / c if c > 0 else 0.0 for c in col])  # _normalize_digraph: Dl[i] ** -1 where Dl > 0
    normalised = binary @ d_inv
    out = np.zeros((len(valid), NUM_NODE, NUM_NODE))
    for k, h in enumerate(valid):
        out[k][hop == h] = normalised[hop == h]
    return out
