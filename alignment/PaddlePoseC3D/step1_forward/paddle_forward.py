"""Step 1, Paddle side: eval-mode logits of the converted network on the fake batch, and the test-time video
scores (models.recognizer3d.average_views: softmax per view, mean over each video's 2 views)."""

import paddle

from common import fake_batch, load_paddle_model, save_log
from models.recognizer3d import average_views

model = load_paddle_model()
x, _ = fake_batch()
with paddle.no_grad():
    logits = model(paddle.to_tensor(x))
    probs = average_views(logits, 2)
save_log("step1_forward", "forward", "paddle", {"logits": logits.numpy(), "video_probs": probs.numpy()})
