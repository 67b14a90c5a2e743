"""Step 1, torch side: torch_ref's MoveNet in both official forms, strict-loading the torch state dicts."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

from common import TORCH_WEIGHTS, TORCH_WEIGHTS_OLD, fake, save, torch_model, torch_side

torch = torch_side()

out = {}
for key, path, old in (('logits', TORCH_WEIGHTS, False), ('logits_old_form', TORCH_WEIGHTS_OLD, True)):
    model = torch_model(path, old_form=old)
    with torch.no_grad():
        out[key] = torch.cat(model(torch.from_numpy(fake('fake_input'))), 1).numpy()
save('step1_forward', 'forward', 'torch', out)
