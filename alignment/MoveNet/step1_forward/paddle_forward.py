"""Step 1, Paddle side: MoveNet forward (eval, float32) with the converted random weights of both official forms:
`logits` (current form, ModuleList conv2) and `logits_old_form` (old form: one conv2 block applied n times,
converted by copying it into the n blocks). Output = the 4 heads concatenated [2,86,48,48]."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

from common import PADDLE_WEIGHTS, PADDLE_WEIGHTS_OLD, fake, paddle_model, paddle_side, save

paddle = paddle_side()

out = {}
for key, path in (('logits', PADDLE_WEIGHTS), ('logits_old_form', PADDLE_WEIGHTS_OLD)):
    model = paddle_model(path)
    with paddle.no_grad():
        out[key] = paddle.concat(model(paddle.to_tensor(fake('fake_input'))), axis=1).numpy()
save('step1_forward', 'forward', 'paddle', out)
