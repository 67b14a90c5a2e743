"""infer.py / export_model.py contract (issues 11, 12, 17): they work from a checkpoint / export directory alone
(its config.yaml), always print every prediction with the class name, write --save_results atomically, and
print neither Paddle's "No ccache found" warning nor its IR pass names unless --verbose True."""
import json
import os
import subprocess
import sys

from conftest import ROOT, cli


def test_export_and_infer_from_the_checkpoint_alone(capsys, trained_lite, tmp_path):
    best = os.path.join(trained_lite['save_dir'], 'best_model', 'model.pdparams')
    out = tmp_path / 'inference'
    code, stdout, err = cli(capsys, 'export_model.py', '--model_path', best, '--save_dir', out)
    assert code == 0, err
    assert sorted(os.listdir(out)) == ['config.yaml', 'model.json', 'model.pdiparams']
    npy = os.path.join(trained_lite['root'], 'eval_data.npy')
    results = tmp_path / 'results' / 'r.json'
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env.pop('GLOG_minloglevel', None)
    done = subprocess.run([sys.executable, 'infer.py', '--model_dir', str(out), '--input_file', npy, '-b', '5',
                           '--enable_mkldnn', 'True', '--enable_benchmark', 'True', '--save_results', str(results)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    both = done.stdout + done.stderr
    assert 'ccache' not in both and 'Pass' not in both and 'OneDNN' not in both, both[:2000]
    assert 'W1' not in done.stderr and 'I1' not in done.stderr  # no glog lines
    assert done.stdout.count('Current video file:') == 24 and done.stdout.count('top-1 class name:') == 24
    assert done.stdout.index('Current video file:') < done.stdout.index('Perf info')  # predictions, then report
    saved = json.load(open(results))
    assert saved['backend'] == 'paddle' and saved['precision'] == 'fp32' and len(saved['results']) == 24
    r = saved['results'][0]
    assert set(r) == {'name', 'class_id', 'class_name', 'score', 'top5_ids', 'top5_scores'}
    from utils.config import class_names
    assert r['class_name'] == class_names(trained_lite['cfg'])[r['class_id']] and r['top5_ids'][0] == r['class_id']
    assert f'\ttop-1 class name: {r["class_name"]}' in done.stdout
    # --verbose True shows Paddle's own logs again
    loud = subprocess.run([sys.executable, 'infer.py', '--model_dir', str(out), '--input_file', npy, '-b', '24',
                           '--enable_mkldnn', 'True', '--verbose', 'True'],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert loud.returncode == 0 and ('OneDNN' in loud.stdout + loud.stderr or 'I1' in loud.stderr), loud.stderr[-500:]
