# Monorepo driver: each model folder is a standalone repo; this file only runs their own commands.
# Every target skips, with a message, a folder that is not present yet.

FOLDERS := STGCN_fsd10 PaddlePoseC3D paddle_EfficientGCN PaddleMVF MoveNet
PYTHON  ?= python3
# Paddle wheel for `make install`; GPU users: make install PADDLE=paddlepaddle-gpu
PADDLE  ?= paddlepaddle==3.3.1
TORCH   ?= torch==2.13.0
MODE    := lite_train_lite_infer
export PYTHON
export PIP_ROOT_USER_ACTION := ignore

# `make test` installs once, then runs the sub-steps without reinstalling.
INSTALL_DEP := $(if $(SKIP_INSTALL),,install)

.PHONY: install test unit tipc-all align-all bench clean $(addprefix tipc-,$(FOLDERS)) $(addprefix align-,$(FOLDERS))

# Idempotent: pip skips what is already satisfied. Paddle is installed only when it is missing or
# when PADDLE is given on the command line, so a GPU build is never replaced by the CPU wheel.
install:
	@echo "== install into $$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@if [ "$(origin PADDLE)" = "command line" ] || ! $(PYTHON) -c "import paddle" 2>/dev/null; then \
		$(PYTHON) -m pip install -q "$(PADDLE)"; fi
	@if ! $(PYTHON) -c "import torch" 2>/dev/null; then $(PYTHON) -m pip install -q "$(TORCH)"; fi
	@for f in $(FOLDERS); do \
		if [ -f $$f/requirements.txt ]; then \
			grep -viE '^[[:space:]]*(paddlepaddle|paddlepaddle-gpu)([<>=!~ ;]|$$)' $$f/requirements.txt > .requirements.$$f.txt; \
			$(PYTHON) -m pip install -q -r .requirements.$$f.txt || exit 1; rm -f .requirements.$$f.txt; \
		else echo "skip: $$f not present"; fi; done
	@$(PYTHON) -m pip install -q -r alignment/requirements.txt

test: $(INSTALL_DEP)
	@$(MAKE) --no-print-directory unit tipc-all align-all SKIP_INSTALL=1
	@echo "make test: all steps passed"

# Each folder's pytest in its own process (the folders' packages share names like `models`).
unit: $(INSTALL_DEP)
	@for f in $(FOLDERS); do \
		if [ ! -d $$f/tests ]; then echo "skip: $$f not present"; continue; fi; \
		echo "== unit tests: $$f"; start=$$(date +%s); \
		(cd $$f && $(PYTHON) -m pytest -q -p no:cacheprovider tests) || exit 1; \
		echo "== $$f tests: $$(( $$(date +%s) - start )) s"; done

tipc-all: $(INSTALL_DEP)
	@for f in $(FOLDERS); do $(MAKE) --no-print-directory tipc-$$f SKIP_INSTALL=1 || exit 1; done

$(addprefix tipc-,$(FOLDERS)): tipc-%: $(INSTALL_DEP)
	@f=$*; if [ ! -d $$f/test_tipc ]; then echo "skip: $$f not present"; exit 0; fi; \
	cfg=$$(cd $$f && ls test_tipc/configs/*/train_infer_python.txt | head -n 1); \
	echo "== TIPC $(MODE): $$f ($$cfg)"; start=$$(date +%s); \
	cd $$f && bash test_tipc/prepare.sh $$cfg $(MODE) \
	&& bash test_tipc/test_train_inference_python.sh $$cfg $(MODE) \
	&& echo "== $$f TIPC: $$(( $$(date +%s) - start )) s"

# Regenerates every alignment log and fails unless each one's last line says `diff check passed`.
align-all: $(INSTALL_DEP)
	@for f in $(FOLDERS); do $(MAKE) --no-print-directory align-$$f SKIP_INSTALL=1 || exit 1; done

$(addprefix align-,$(FOLDERS)): align-%: $(INSTALL_DEP)
	@f=$*; if [ ! -f alignment/$$f/run_alignment.sh ]; then echo "skip: alignment/$$f not present"; exit 0; fi; \
	echo "== alignment: $$f"; start=$$(date +%s); \
	bash alignment/$$f/run_alignment.sh && $(PYTHON) alignment/check_logs.py alignment/$$f \
	&& echo "== $$f alignment: $$(( $$(date +%s) - start )) s"

bench: $(INSTALL_DEP)
	@for f in $(FOLDERS); do \
		if [ ! -f $$f/tools/benchmark.py ]; then echo "skip: $$f not present"; continue; fi; \
		echo "== bench: $$f"; (cd $$f && $(PYTHON) tools/benchmark.py --torch_ref ../alignment/$$f/torch_ref) || exit 1; done

clean:
	@for f in $(FOLDERS); do [ -d $$f ] && rm -rf $$f/output $$f/test_tipc/output $$f/test_tipc/data $$f/inference; done; true
	@find . -name __pycache__ -prune -exec rm -rf {} + ; find . -name .pytest_cache -prune -exec rm -rf {} +
	@find alignment \( -name '*.npy' -o -name '*.pth' -o -name '*.pdparams' \) -delete
