"""Step 1, Paddle: eval-mode logits of the folder's B0 on the fake batch (converted fake weights)."""
import paddle

import common as C

model = C.paddle_model()
x, _ = C.fake_batch()
with paddle.no_grad():
    logits = model(paddle.to_tensor(x))
logger = C.reprod_logger()
logger.add('logits', logits.numpy())
logger.save(C.step_file('step1_forward', 'forward_paddle.npy'))
