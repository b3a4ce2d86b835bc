/**
 * Runs ONNX's own checker (onnx.checker.check_model with full_check: structure, operator schemas at the model's
 * opset, strict shape inference) on ONNX bytes, through Debian's python3-onnx (test/io/onnx/onnx_check.py).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pythonCan, pythonPath } from '../../../benchmarks/peers';

/** Whether the Python of the tests imports onnx; the reason when it does not. */
export function onnxCheckerAvailable(): { ok: boolean; message: string } {
  const r = pythonCan(pythonPath(), 'import onnx; print(onnx.__version__)');
  return r.ok ? { ok: true, message: `onnx ${r.out}` } : { ok: false, message: `${pythonPath()} cannot import onnx (${r.out.split('\n').pop()}); install it: apt-get install python3-onnx` };
}

/** The checker's verdict on each model: null when it passes, else its error text. */
export function onnxCheckerErrors(models: Uint8Array[]): Array<string | null> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-onnx-check-'));
  try {
    const files = models.map((bytes, i) => {
      const file = path.join(dir, `model_${i}.onnx`);
      fs.writeFileSync(file, bytes);
      return file;
    });
    const r = spawnSync(pythonPath(), [path.join(__dirname, 'onnx_check.py'), ...files], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`onnx_check.py failed (exit ${r.status}): ${r.stderr}`);
    return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { results: Array<string | null> }).results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
