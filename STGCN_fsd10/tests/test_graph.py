import os

import numpy as np
from conftest import quiet

from models.graph import Graph, hop_distance, layout_edges, normalize_digraph


def test_spatial_partitions_fsd10_by_hand():
    """PaddleVideo backbones/stgcn.py Graph (get_edge 'fsd10', centre 8; get_adjacency 'spatial', as yysijie
    net/utils/graph.py): entry (j, i) is centripetal when j is farther from the centre than i."""
    g = Graph("fsd10", "spatial")
    assert g.A.shape == (3, 25, 25) and g.center == 8
    # mid-hip 8 links to 1 (neck), 9 (R hip), 12 (L hip) and itself: column 8 holds 1/4 on those rows
    assert np.allclose(g.norm_adjacency[[1, 8, 9, 12], 8], 0.25)
    # neck 1 links to 0, 2, 5, 8 and itself: degree 5
    assert np.isclose(g.A[0, 1, 1], 0.2)       # root: the joint itself
    assert np.isclose(g.A[1, 1, 8], 0.25)      # 1 is farther from the centre than 8: centripetal subset
    assert np.isclose(g.A[2, 8, 1], 0.2)       # 8 is closer than 1: centrifugal subset
    # the three subsets split the normalised adjacency exactly
    assert np.allclose(g.A.sum(axis=0), g.norm_adjacency)


def test_uniform_and_distance_strategies():
    """yysijie net/utils/graph.py Graph.get_adjacency 'uniform' / 'distance'."""
    uniform, distance = Graph("fsd10", "uniform").A, Graph("fsd10", "distance").A
    assert uniform.shape == (1, 25, 25) and distance.shape == (2, 25, 25)
    assert np.allclose(distance[0], np.diag(np.diag(uniform[0])))  # hop 0: self links only
    assert np.allclose(distance.sum(axis=0), uniform[0])


def test_hop_distance_and_normalisation():
    """yysijie graph.py get_hop_distance and normalize_digraph (A @ D^-1, column sums)."""
    hop = hop_distance(4, [(0, 1), (1, 2), (2, 3)], max_hop=2)
    assert hop[0, 0] == 0 and hop[0, 1] == 1 and hop[0, 2] == 2 and np.isinf(hop[0, 3])
    norm = normalize_digraph(np.array([[1.0, 1.0], [1.0, 0.0]]))
    assert np.allclose(norm, [[0.5, 1.0], [0.5, 0.0]])  # columns sum to 1


def test_ntu_layout():
    """yysijie graph.py get_edge('ntu-rgb+d'): 1-based pairs, centre 21 - 1 = 20."""
    num_node, edges, center = layout_edges("ntu-rgb+d")
    assert num_node == 25 and center == 20 and len(edges) == 24
    assert Graph("ntu-rgb+d", "spatial").A.shape == (3, 25, 25)


def test_visualize_graph_writes_the_pictures(tmp_path):
    from tools import visualize_graph
    quiet(visualize_graph.main, ["--layout", "fsd10", "--out_dir", str(tmp_path)])
    assert sorted(os.listdir(tmp_path)) == ["hop_distance.png", "normalized_adjacency.png", "partitions_distance.png",
                                            "partitions_spatial.png", "partitions_uniform.png"]
