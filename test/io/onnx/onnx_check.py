"""ONNX's own checker on exported files, for test/io/onnx (needs Debian's python3-onnx).

Arguments: ONNX files. Prints one JSON object {"onnx": version, "results": [null | error text, ...]}: per file,
onnx.checker.check_model with full_check (the graph's structure, each node against its operator schema at the
model's opset, and strict shape inference over the whole graph).
"""
import json
import sys

import onnx


def check(path):
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        return None
    except Exception as err:  # noqa: BLE001 - the checker's error text is the result
        return f'{type(err).__name__}: {err}'


print(json.dumps({'onnx': onnx.__version__, 'results': [check(p) for p in sys.argv[1:]]}))
