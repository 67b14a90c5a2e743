"""Step 0: every key (reader arrays, labels, test / val / train clips of keypoint and limb heatmaps, keypoint
dtypes per transform) by its MAX abs diff at 1e-6; measured: 6e-8 (one float32 ulp of the separable heatmap
product), 0 elsewhere."""

from common import check

check("step0_data", "data", "data_diff.log", threshold=1e-6, diff_method="max")
