/**
 * A child process that runs ONNX models with onnxruntime-node for the tests (outside jest's sandbox, whose typed
 * array classes differ from the ones onnxruntime's native binding creates). Messages (advanced serialization):
 * in `{ id, bytes: Uint8Array, feeds: { name: { data: Float32Array, shape } } }`, out `{ id, outputs: [{ data,
 * shape }] }` in the model's output order, or `{ id, error }`.
 */
'use strict';
const ort = require('onnxruntime-node');

process.on('message', async (msg) => {
  try {
    const session = await ort.InferenceSession.create(msg.bytes);
    const feeds = {};
    for (const [name, a] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor('float32', Float32Array.from(a.data), a.shape);
    const result = await session.run(feeds);
    const outputs = session.outputNames.map((n) => ({ data: Float32Array.from(result[n].data), shape: result[n].dims.map(Number) }));
    await session.release();
    process.send({ id: msg.id, outputs });
  } catch (err) {
    process.send({ id: msg.id, error: String(err && err.message ? err.message : err) });
  }
});
