import numpy as np

from models.graph import CONNECT_JOINT, NTU_EDGES_1BASED, hop_distance, ntu_adjacency


def test_hop_distance_small_chain():
    """EfficientGCNv1 src/dataset/graphs.py Graph._get_hop_distance."""
    hop = hop_distance(4, [(0, 1), (1, 2), (2, 3)], max_hop=2)
    assert hop[0, 0] == 0 and hop[0, 1] == 1 and hop[0, 2] == 2 and np.isinf(hop[0, 3])


def test_ntu_adjacency_distance_partition():
    """graphs.py Graph._get_adjacency / _normalize_digraph with max_hop=10: column-normalised over every
    joint within 10 hops, one matrix per hop."""
    a = ntu_adjacency(10)
    assert a.shape == (11, 25, 25)
    edges = [(i - 1, j - 1) for i, j in NTU_EDGES_1BASED]
    hop = hop_distance(25, edges, 10)
    # columns of the summed partitions are normalised over every joint within 10 hops
    col = a.sum(0).sum(0)
    np.testing.assert_allclose(col, np.ones(25), rtol=1e-5)
    # A[0] is diagonal with 1 / (number of joints within 10 hops)
    np.testing.assert_allclose(np.diag(a[0]), 1.0 / (hop <= 10).sum(0), rtol=1e-6)
    # joint 1 (1-based, spine base) and joint 2 are neighbours: A[1] entry non-zero, A[2] zero
    assert a[1, 0, 1] > 0 and a[2, 0, 1] == 0


def test_connect_joint_parents_are_bones():
    """graphs.py Graph._get_edge connect_joint (ntu): each parent is a bone neighbour."""
    edges = {tuple(sorted((i - 1, j - 1))) for i, j in NTU_EDGES_1BASED}
    for child, parent in enumerate(CONNECT_JOINT):
        assert child == parent == 1 or tuple(sorted((child, parent))) in edges
