"""The spatial graph convolution, written from yysijie/st-gcn net/utils/tgcn.py ConvTemporalGraphical.

PaddleVideo paddlevideo/modeling/backbones/stgcn.py ConvTemporalGraphical does the same with a transpose +
matmul in place of the einsum (Paddle 2.2 had no einsum): out[n,c,t,w] = sum_k sum_v x[n,k,c,t,v] A[k,v,w].
"""
import torch
import torch.nn as nn


class ConvTemporalGraphical(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, t_kernel_size=1, t_stride=1, t_padding=0,
                 t_dilation=1, bias=True):
        super().__init__()
        self.kernel_size = kernel_size  # K, the number of partitions of A
        # one conv producing K groups of out_channels maps (temporal kernel 1 in every ST-GCN use)
        self.conv = nn.Conv2d(in_channels, out_channels * kernel_size, kernel_size=(t_kernel_size, 1),
                              padding=(t_padding, 0), stride=(t_stride, 1), dilation=(t_dilation, 1), bias=bias)

    def forward(self, x, A):
        assert A.size(0) == self.kernel_size
        x = self.conv(x)
        n, kc, t, v = x.size()
        x = x.view(n, self.kernel_size, kc // self.kernel_size, t, v)  # k outermost, as tgcn.py
        x = torch.einsum("nkctv,kvw->nctw", x, A)
        return x.contiguous(), A
