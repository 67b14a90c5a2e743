#!/usr/bin/env python3
"""Compare the predictions infer.py wrote with --save_results against expected ones.

The same text in every model folder (`make check-copies`). Both files are infer.py's json:
{"model": ..., "results": [{"name": ..., <field>: <value>, ...}, ...], ...}. Entries are matched
by "name"; every field of an expected entry must be in the actual one: integers, strings and
booleans equal, floats (also inside lists) within atol + rtol * |expected|. Tolerances come
from --atol/--rtol, overridden by the expected file's "tolerance": {"<field>": [atol, rtol]}
("default" for the rest). --class_agreement F compares only "class_id" and passes when at least
a fraction F of the entries agree (int8 against fp32).

    python test_tipc/compare_results.py --expected test_tipc/results/fixed_fp32.json --actual out.json
Exit status 0 when they agree, 1 when they do not (one line per difference, at most 20), 2 on
a missing or unreadable file.
"""
import argparse
import json
import math
import sys
from typing import Any, Dict, List, Tuple


def load(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as err:
        print(f"error: cannot read results {path} ({err}), run infer.py with --save_results first",
              file=sys.stderr)
        sys.exit(2)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        print(f"error: {path} has no 'results' list, it was not written by infer.py --save_results",
              file=sys.stderr)
        sys.exit(2)
    return data


def compare_values(expected: Any, actual: Any, atol: float, rtol: float, where: str) -> List[str]:
    if isinstance(expected, bool) or isinstance(expected, (int, str)) or expected is None:
        if isinstance(expected, int) and not isinstance(expected, bool) and isinstance(actual, float):
            return [] if actual == expected else [f"{where}: expected {expected}, got {actual}"]
        return [] if expected == actual else [f"{where}: expected {expected!r}, got {actual!r}"]
    if isinstance(expected, float):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return [f"{where}: expected a number {expected}, got {actual!r}"]
        if math.isnan(expected) or math.isnan(actual) or abs(actual - expected) > atol + rtol * abs(expected):
            return [f"{where}: expected {expected:.6g}, got {actual:.6g} (|diff| {abs(actual - expected):.2e} > "
                    f"{atol:g} + {rtol:g}*|expected|)"]
        return []
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected a list of {len(expected)}, got {actual!r:.60}"]
        problems: List[str] = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            problems += compare_values(e, a, atol, rtol, f"{where}[{i}]")
        return problems
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r:.60}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += compare_values(value, actual[key], atol, rtol, f"{where}.{key}")
        return problems
    return [f"{where}: cannot compare {type(expected).__name__}"]


def match(expected: Dict[str, Any], actual: Dict[str, Any]) -> Tuple[List[Tuple[dict, dict]], List[str]]:
    by_name = {entry.get("name"): entry for entry in actual["results"]}
    pairs, problems = [], []
    if len(actual["results"]) != len(expected["results"]):
        problems.append(f"expected {len(expected['results'])} predictions, got {len(actual['results'])}")
    for entry in expected["results"]:
        other = by_name.get(entry.get("name"))
        if other is None:
            problems.append(f"{entry.get('name')}: no prediction")
        else:
            pairs.append((entry, other))
    return pairs, problems


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="compare infer.py --save_results files")
    p.add_argument("--expected", required=True)
    p.add_argument("--actual", required=True)
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--class_agreement", type=float, default=None,
                   help="compare class_id only; pass when this fraction of the entries agree")
    args = p.parse_args(argv)
    expected, actual = load(args.expected), load(args.actual)
    pairs, problems = match(expected, actual)
    if args.class_agreement is not None:
        agree = sum(e.get("class_id") == a.get("class_id") for e, a in pairs)
        fraction = agree / max(1, len(expected["results"]))
        print(f"class agreement {agree}/{len(expected['results'])} = {fraction:.3f} "
              f"(needed {args.class_agreement:.3f}): {args.actual} vs {args.expected}")
        return 0 if fraction >= args.class_agreement and not problems else 1
    tolerance = expected.get("tolerance", {})
    for e, a in pairs:
        for key, value in e.items():
            if key == "name":
                continue
            atol, rtol = tolerance.get(key, tolerance.get("default", (args.atol, args.rtol)))
            if key not in a:
                problems.append(f"{e['name']}.{key}: missing")
            else:
                problems += compare_values(value, a[key], atol, rtol, f"{e['name']}.{key}")
    if problems:
        for line in problems[:20]:
            print(line)
        print(f"results differ: {args.actual} vs {args.expected} ({len(problems)} differences)")
        return 1
    print(f"results agree: {args.actual} vs {args.expected} ({len(pairs)} predictions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
