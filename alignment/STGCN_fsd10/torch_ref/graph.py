"""The ST-GCN skeleton graph, written line by line from yysijie/st-gcn net/utils/graph.py (Graph,
get_hop_distance, normalize_digraph), with the `fsd10` layout of PaddleVideo
paddlevideo/modeling/backbones/stgcn.py Graph.get_edge (yysijie has no fsd10 layout).

Our own code (not a copy); numpy only. A[k, j, i]: joint j receives from joint i in partition k.
"""
import numpy as np


class Graph:
    """yysijie net/utils/graph.py Graph(layout, strategy, max_hop=1, dilation=1) -> self.A [K, V, V]."""

    def __init__(self, layout="fsd10", strategy="spatial", max_hop=1, dilation=1):
        self.max_hop = max_hop
        self.dilation = dilation
        self.get_edge(layout)
        self.hop_dis = get_hop_distance(self.num_node, self.edge, max_hop=max_hop)
        self.get_adjacency(strategy)

    def get_edge(self, layout):
        if layout == "fsd10":
            # PaddleVideo backbones/stgcn.py Graph.get_edge('fsd10'): OpenPose BODY_25, pairs (child, parent),
            # centre 8 (mid-hip)
            self.num_node = 25
            neighbor_link = [(1, 8), (0, 1), (15, 0), (17, 15), (16, 0), (18, 16), (5, 1), (6, 5), (7, 6),
                             (2, 1), (3, 2), (4, 3), (9, 8), (10, 9), (11, 10), (24, 11), (22, 11), (23, 22),
                             (12, 8), (13, 12), (14, 13), (21, 14), (19, 14), (20, 19)]
            self.center = 8
        elif layout == "ntu-rgb+d":
            # yysijie graph.py get_edge('ntu-rgb+d'): 1-based Kinect v2 joints, centre 21 (spine) -> index 20
            self.num_node = 25
            neighbor_1base = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21),
                              (10, 9), (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1),
                              (18, 17), (19, 18), (20, 19), (22, 23), (23, 8), (24, 25), (25, 12)]
            neighbor_link = [(i - 1, j - 1) for i, j in neighbor_1base]
            self.center = 21 - 1
        else:
            raise ValueError(f"layout {layout!r} is not in this reference (fsd10, ntu-rgb+d)")
        self.edge = [(i, i) for i in range(self.num_node)] + neighbor_link  # self links first, as yysijie

    def get_adjacency(self, strategy):
        valid_hop = range(0, self.max_hop + 1, self.dilation)
        adjacency = np.zeros((self.num_node, self.num_node))
        for hop in valid_hop:
            adjacency[self.hop_dis == hop] = 1
        normalize_adjacency = normalize_digraph(adjacency)
        if strategy == "uniform":
            self.A = normalize_adjacency[None]
        elif strategy == "distance":
            A = np.zeros((len(valid_hop), self.num_node, self.num_node))
            for k, hop in enumerate(valid_hop):
                A[k][self.hop_dis == hop] = normalize_adjacency[self.hop_dis == hop]
            self.A = A
        elif strategy == "spatial":
            # yysijie get_adjacency('spatial'): for entry (j, i) on hop h, compare the distances of j and i to
            # the centre: equal -> root, j farther -> close (centripetal), j nearer -> further (centrifugal);
            # hop 0 gives [root], hop 1 gives [root + close, further]
            A = []
            for hop in valid_hop:
                a_root = np.zeros((self.num_node, self.num_node))
                a_close = np.zeros((self.num_node, self.num_node))
                a_further = np.zeros((self.num_node, self.num_node))
                for i in range(self.num_node):
                    for j in range(self.num_node):
                        if self.hop_dis[j, i] != hop:
                            continue
                        dj, di = self.hop_dis[j, self.center], self.hop_dis[i, self.center]
                        if dj == di:
                            a_root[j, i] = normalize_adjacency[j, i]
                        elif dj > di:
                            a_close[j, i] = normalize_adjacency[j, i]
                        else:
                            a_further[j, i] = normalize_adjacency[j, i]
                if hop == 0:
                    A.append(a_root)
                else:
                    A.append(a_root + a_close)
                    A.append(a_further)
            self.A = np.stack(A)
        else:
            raise ValueError(f"strategy {strategy!r}")


def get_hop_distance(num_node, edge, max_hop=1):
    """yysijie graph.py get_hop_distance: d where (A^d > 0) first holds, counting down from max_hop; inf beyond."""
    A = np.zeros((num_node, num_node))
    for i, j in edge:
        A[j, i] = 1
        A[i, j] = 1
    hop_dis = np.full((num_node, num_node), np.inf)
    arrive = np.stack([np.linalg.matrix_power(A, d) for d in range(max_hop + 1)]) > 0
    for d in range(max_hop, -1, -1):  # smaller d overwrites larger
        hop_dis[arrive[d]] = d
    return hop_dis


def normalize_digraph(A):
    """yysijie graph.py normalize_digraph: A @ diag(1 / column sums), zero columns left at 0."""
    Dl = A.sum(0)
    Dn = np.zeros_like(A)
    for i in range(A.shape[0]):
        if Dl[i] > 0:
            Dn[i, i] = Dl[i] ** (-1)
    return A @ Dn
