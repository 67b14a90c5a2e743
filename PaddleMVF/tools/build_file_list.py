"""UCF-101 split files -> mmaction rawframe lists ``ucf101_{train,val}_split_N_rawframes.txt``.

Reads UCF-101's own ``classInd.txt``, ``trainlist0N.txt`` and ``testlist0N.txt`` (from
UCF101TrainTestSplits-RecognitionTask.zip) and counts the frames of each video under ``rawframes/``.
Each output line is ``<Class>/<video> <total_frames> <label 0-based>``.

    python tools/build_file_list.py --dataset_root data/ucf101 --annotations data/ucf101/annotations
"""
import argparse
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from utils import UserError, run_main


def read_class_names(path: str) -> list:
    """UCF-101 classInd.txt (`<1-based id> <name>` per line) -> names ordered by label."""
    if not os.path.isfile(path):
        raise UserError(f"class index {path} not found, pass the dataset's annotations/classInd.txt")
    pairs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[0].isdigit():
                raise UserError(f"bad line {n} in {path}: {line.strip()!r}, expected `<id> <ClassName>`")
            pairs.append((int(parts[0]), parts[1]))
    return [name for _, name in sorted(pairs)]


def count_frames(frame_dir: str) -> int:
    return sum(1 for n in os.listdir(frame_dir) if n.startswith("img_") and n.endswith(".jpg"))


def build_list(ucf_list: str, class_ids: dict, frame_root: str) -> list:
    """Lines `<dir> <total_frames> <label>` for one trainlist/testlist file."""
    if not os.path.isfile(ucf_list):
        raise UserError(f"{ucf_list} not found, pass --annotations <folder with UCF-101's split files>")
    lines = []
    with open(ucf_list) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            video = line.split()[0]
            rel = os.path.splitext(video)[0]
            cls = rel.split("/")[0]
            if cls not in class_ids:
                raise UserError(f"class {cls!r} (line {n} of {ucf_list}) is not in classInd.txt")
            frame_dir = os.path.join(frame_root, rel)
            if not os.path.isdir(frame_dir):
                raise UserError(f"frames of {video} missing at {frame_dir}, run tools/build_rawframes.py first")
            total = count_frames(frame_dir)
            if total == 0:
                raise UserError(f"{frame_dir} holds no img_*.jpg, re-extract {video}")
            lines.append(f"{rel} {total} {class_ids[cls]}\n")
    return lines


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset_root", required=True, help="folder holding rawframes/; the lists are written here")
    p.add_argument("--annotations", default=None, help="UCF-101 split files (default <dataset_root>/annotations)")
    p.add_argument("--splits", type=int, nargs="+", default=[1, 2, 3])
    args = p.parse_args()
    ann = args.annotations or os.path.join(args.dataset_root, "annotations")
    names = read_class_names(os.path.join(ann, "classInd.txt"))
    class_ids = {n: i for i, n in enumerate(names)}
    frame_root = os.path.join(args.dataset_root, "rawframes")
    for s in args.splits:
        for src, kind in ((f"trainlist0{s}.txt", "train"), (f"testlist0{s}.txt", "val")):
            lines = build_list(os.path.join(ann, src), class_ids, frame_root)
            out = os.path.join(args.dataset_root, f"ucf101_{kind}_split_{s}_rawframes.txt")
            with open(out, "w") as f:
                f.writelines(lines)
            print(f"{out}: {len(lines)} videos")


if __name__ == "__main__":
    run_main(main)
