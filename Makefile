# Monorepo driver: each model folder is a standalone repo; this file only runs their own commands.
# Every target skips, with a message, a folder that is not present yet.

SHELL   := /bin/bash
FOLDERS := STGCN_fsd10 PaddlePoseC3D paddle_EfficientGCN PaddleMVF MoveNet
PYTHON  ?= python3
# Paddle wheel for `make install`; GPU users: make install PADDLE=paddlepaddle-gpu
PADDLE  ?= paddlepaddle==3.3.1
TORCH   ?= torch==2.13.0
# TIPC mode of `make tipc-all` / `make tipc-<Folder>`: lite_train_lite_infer (default),
# lite_train_whole_infer, whole_infer or whole_train_whole_infer (needs the real datasets)
MODE    ?= lite_train_lite_infer
# where `make test` writes what it checks (alignment logs, notebooks, timings); gitignored
OUT     := output
export PYTHON
export PIP_ROOT_USER_ACTION := ignore

# `make test` installs once, then runs the sub-steps without reinstalling.
INSTALL_DEP := $(if $(SKIP_INSTALL),,install)
P2O_CONFIG  := model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt

.PHONY: install test unit lint check-copies check-clean tipc-all tipc-onnx align-all notebooks bench clean \
	$(addprefix tipc-,$(FOLDERS)) $(addprefix tipc-onnx-,$(FOLDERS)) $(addprefix align-,$(FOLDERS))

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
	@$(PYTHON) -m pip install -q -r alignment/requirements.txt -r requirements-dev.txt

# Everything CI checks; the tree must be as clean after it as before (only ignored outputs appear).
test: $(INSTALL_DEP)
	@mkdir -p $(OUT); git status --porcelain > $(OUT)/git_status_before.txt
	@$(MAKE) --no-print-directory check-copies lint unit SKIP_INSTALL=1
	@$(MAKE) --no-print-directory tipc-all SKIP_INSTALL=1
	@$(MAKE) --no-print-directory tipc-all MODE=whole_infer SKIP_INSTALL=1
	@$(MAKE) --no-print-directory tipc-onnx SKIP_INSTALL=1
	@$(MAKE) --no-print-directory align-all ALIGN_OUT=$(CURDIR)/$(OUT)/alignment SKIP_INSTALL=1
	@$(MAKE) --no-print-directory notebooks check-clean SKIP_INSTALL=1
	@echo "make test: all steps passed"

# The files each folder carries as its own copy on purpose are one text (tools/check_copies.sh).
check-copies:
	@bash tools/check_copies.sh

lint: $(INSTALL_DEP)
	@$(PYTHON) -m ruff check --quiet . && echo "lint: ruff clean"

# `git status` after the test steps equals `git status` before them.
check-clean:
	@git status --porcelain > $(OUT)/git_status_after.txt; \
	if ! diff -u $(OUT)/git_status_before.txt $(OUT)/git_status_after.txt; then \
		echo "error: the test steps changed tracked files or left untracked ones (diff above)"; exit 1; fi; \
	echo "check-clean: git status unchanged"

# Each folder's pytest in its own process (the folders' packages share names like `models`).
unit: $(INSTALL_DEP)
	@for f in $(FOLDERS); do \
		if [ ! -d $$f/tests ]; then echo "skip: $$f not present"; continue; fi; \
		echo "== unit tests: $$f"; start=$$(date +%s); \
		(cd $$f && $(PYTHON) -m pytest -q -p no:cacheprovider tests) || exit 1; \
		echo "== $$f tests: $$(( $$(date +%s) - start )) s"; done

# Every folder's chain in MODE, then one summary table; fails when any chain failed.
tipc-all: $(INSTALL_DEP)
	@mkdir -p $(OUT); : > $(OUT)/tipc_$(MODE).txt; \
	for f in $(FOLDERS); do \
		if [ ! -d $$f/test_tipc ]; then echo "skip: $$f not present"; continue; fi; \
		start=$$(date +%s); $(MAKE) --no-print-directory tipc-$$f MODE=$(MODE) SKIP_INSTALL=1; rc=$$?; \
		echo "$$f $$(( $$(date +%s) - start )) $$rc" >> $(OUT)/tipc_$(MODE).txt; done; \
	bash tools/tipc_summary.sh $(OUT)/tipc_$(MODE).txt $(MODE)

$(addprefix tipc-,$(FOLDERS)): tipc-%: $(INSTALL_DEP)
	@f=$*; if [ ! -d $$f/test_tipc ]; then echo "skip: $$f not present"; exit 0; fi; \
	cfg=$$(cd $$f && ls test_tipc/configs/*/train_infer_python.txt | head -n 1); \
	echo "== TIPC $(MODE): $$f ($$cfg)"; mkdir -p $(OUT); out=$(OUT)/tipc_$${f}_$(MODE).out; \
	(cd $$f && bash test_tipc/prepare.sh $$cfg $(MODE) && bash test_tipc/test_train_inference_python.sh $$cfg $(MODE)) \
		2>&1 | tee $$out; rc=$${PIPESTATUS[0]}; [ $$rc -eq 0 ] || exit $$rc; bash tools/check_quiet.sh $$out

# The paddle2onnx chain of every folder (export, paddle2onnx, ONNX Runtime vs Paddle Inference).
tipc-onnx: $(INSTALL_DEP)
	@mkdir -p $(OUT); : > $(OUT)/tipc_paddle2onnx.txt; \
	for f in $(FOLDERS); do \
		if [ ! -d $$f/test_tipc ]; then echo "skip: $$f not present"; continue; fi; \
		start=$$(date +%s); $(MAKE) --no-print-directory tipc-onnx-$$f SKIP_INSTALL=1; rc=$$?; \
		echo "$$f $$(( $$(date +%s) - start )) $$rc" >> $(OUT)/tipc_paddle2onnx.txt; done; \
	bash tools/tipc_summary.sh $(OUT)/tipc_paddle2onnx.txt paddle2onnx

$(addprefix tipc-onnx-,$(FOLDERS)): tipc-onnx-%: $(INSTALL_DEP)
	@f=$*; cfg=$$(cd $$f && ls test_tipc/configs/*/$(P2O_CONFIG) | head -n 1); \
	echo "== TIPC paddle2onnx: $$f ($$cfg)"; mkdir -p $(OUT); out=$(OUT)/tipc_$${f}_paddle2onnx.out; \
	(cd $$f && bash test_tipc/prepare.sh $$cfg paddle2onnx_infer && bash test_tipc/test_paddle2onnx.sh $$cfg) \
		2>&1 | tee $$out; rc=$${PIPESTATUS[0]}; [ $$rc -eq 0 ] || exit $$rc; bash tools/check_quiet.sh $$out

# Runs steps 0-5 of each model and fails unless every log ends in `diff check passed`. Without
# ALIGN_OUT it refreshes the committed logs; `make test` points ALIGN_OUT at a scratch directory.
align-all: $(INSTALL_DEP)
	@for f in $(FOLDERS); do $(MAKE) --no-print-directory align-$$f SKIP_INSTALL=1 || exit 1; done

$(addprefix align-,$(FOLDERS)): align-%: $(INSTALL_DEP)
	@f=$*; if [ ! -f alignment/$$f/run_alignment.sh ]; then echo "skip: alignment/$$f not present"; exit 0; fi; \
	echo "== alignment: $$f"; start=$$(date +%s); \
	ALIGN_OUT=$(if $(ALIGN_OUT),$(ALIGN_OUT)/$$f,) bash alignment/$$f/run_alignment.sh \
	&& echo "== $$f alignment: $$(( $$(date +%s) - start )) s"

# Each folder's notebooks/aistudio.ipynb, executed headless in a fresh copy of the folder.
notebooks: $(INSTALL_DEP)
	@$(PYTHON) tools/run_notebooks.py --check_clean && $(PYTHON) tools/run_notebooks.py $(FOLDERS)

bench: $(INSTALL_DEP)
	@for f in $(FOLDERS); do \
		if [ ! -f $$f/tools/benchmark.py ]; then echo "skip: $$f not present"; continue; fi; \
		echo "== bench: $$f (load average $$(cut -d' ' -f1-3 /proc/loadavg))"; start=$$(date +%s); \
		(cd $$f && $(PYTHON) tools/benchmark.py --torch_ref ../alignment/$$f/torch_ref \
			--update_readme True) || exit 1; echo "== $$f bench: $$(( $$(date +%s) - start )) s"; done
	@$(PYTHON) tools/bench_report.py

clean:
	@for f in $(FOLDERS); do [ -d $$f ] && rm -rf $$f/output $$f/test_tipc/output $$f/test_tipc/data $$f/inference; done; true
	@rm -rf $(OUT)
	@find . -name __pycache__ -prune -exec rm -rf {} + ; find . -name .pytest_cache -prune -exec rm -rf {} +
	@find alignment \( -name '*.npy' -o -name '*.pth' -o -name '*.pdparams' \) -delete
