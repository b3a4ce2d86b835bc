/**
 * tensorBoard: CRC-32C against RFC 3720's vectors, the TFRecord framing with both CRCs checked, and the event
 * files of a real fit read back (file version first, epoch scalars equal to the history, validation scalars in
 * validation/, batch scalars, weight histograms that count every weight).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { crc32c } from '../../lib/io/tensorboard/crc32c';
import { decodeRecords, encodeRecord } from '../../lib/io/tensorboard/records';
import { readEventFile, type TensorBoardEvent } from '../../lib/io/tensorboard/events';

describe('CRC-32C', () => {
  test('RFC 3720 B.4 vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
});

describe('TFRecord framing', () => {
  test('round trip; a flipped bit in the length or the data is reported', () => {
    const a = encodeRecord(new TextEncoder().encode('hello'));
    const b = encodeRecord(new Uint8Array(0));
    const file = new Uint8Array([...a, ...b]);
    expect(new DataView(a.buffer).getBigUint64(0, true)).toBe(5n);
    expect(decodeRecords(file, 'f').map((d) => new TextDecoder().decode(d))).toEqual(['hello', '']);
    const badData = file.slice(); badData[13] ^= 1;
    expect(() => decodeRecords(badData, 'f')).toThrow(/data CRC mismatch/);
    const badLength = file.slice(); badLength[0] ^= 1;
    expect(() => decodeRecords(badLength, 'f')).toThrow(/length CRC mismatch/);
    expect(() => decodeRecords(file.subarray(0, 20), 'f')).toThrow(my.ModelFormatError);
  });
});

describe('tensorBoard callback', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  function only(dir: string): TensorBoardEvent[] {
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d+\\.${os.hostname().replace(/\./g, '\\.')}$`));
    return readEventFile(path.join(dir, files[0]));
  }

  test('epoch scalars, validation scalars, batch scalars and histograms from a real fit', async () => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-tb-'));
    dirs.push(logDir);
    const { x, y } = my.data.loadDataset('iris');
    const model = my.sequential([my.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), my.layers.dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, {
      epochs: 3, batchSize: 50, verbose: 0, validationSplit: 0.2, seed: 1,
      callbacks: [my.callbacks.tensorBoard(logDir, { updateFreq: 'batch', histogramFreq: 2 })],
    });
    const train = only(path.join(logDir, 'train'));
    expect(train[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2' });
    const epochs = train.filter((e) => e.summary?.some((v) => v.tag === 'epoch_loss'));
    expect(epochs.map((e) => e.step)).toEqual([0, 1, 2]);
    epochs.forEach((e, i) => {
      const loss = e.summary?.find((v) => v.tag === 'epoch_loss') as { simpleValue: number };
      expect(loss.simpleValue).toBeCloseTo(history.history.loss[i], 5);
      expect(e.wallTime).toBeGreaterThan(1.7e9);
    });
    // 120 training rows in batches of 50: 3 batches per epoch, steps 1..9.
    const batches = train.filter((e) => e.summary?.some((v) => v.tag === 'batch_loss'));
    expect(batches.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Histograms on epochs 0 and 2, one per weight, counting every value.
    const histos = train.flatMap((e) => (e.summary ?? []).filter((v) => 'histo' in v).map((v) => ({ step: e.step, v })));
    expect(histos.map((h) => h.step)).toEqual([0, 0, 0, 0, 2, 2, 2, 2]);
    const kernel = model.weights[0];
    const h = histos.find((k) => k.step === 2 && k.v.tag === kernel.name)?.v as { histo: { num: number; min: number; max: number; bucket: number[]; sum: number } };
    const values = Array.from(kernel.dataSync());
    expect(h.histo.num).toBe(32);
    expect(h.histo.bucket.reduce((a, b) => a + b, 0)).toBe(32);
    expect(h.histo.min).toBeCloseTo(Math.min(...values), 6);
    expect(h.histo.max).toBeCloseTo(Math.max(...values), 6);
    expect(h.histo.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 5);
    const validation = only(path.join(logDir, 'validation'));
    expect(validation[0].fileVersion).toBe('brain.Event:2');
    const valLoss = validation.slice(1).map((e) => (e.summary?.find((v) => v.tag === 'epoch_loss') as { simpleValue: number }).simpleValue);
    valLoss.forEach((v, i) => expect(v).toBeCloseTo(history.history.val_loss[i], 5));
    expect(validation.slice(1).map((e) => e.step)).toEqual([0, 1, 2]);
    model.dispose();
  });

  test('updateFreq n writes every n-th batch; epoch-level has no batch hook', async () => {
    expect(my.callbacks.tensorBoard('x').onBatchEnd).toBe(my.callbacks.Callback.prototype.onBatchEnd);
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-tb-'));
    dirs.push(logDir);
    const x = my.randomUniform([40, 3], { seed: 2 });
    const y = my.randomUniform([40, 1], { seed: 3 });
    const model = my.sequential([my.layers.dense({ inputShape: [3], units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, callbacks: [my.callbacks.tensorBoard(logDir, { updateFreq: 3 })] });
    const train = only(path.join(logDir, 'train'));
    expect(train.filter((e) => e.summary?.some((v) => v.tag === 'batch_loss')).map((e) => e.step)).toEqual([3, 6]);
    expect(fs.existsSync(path.join(logDir, 'validation'))).toBe(false);
    model.dispose();
  });

  test('bad options: ValueError naming the option', () => {
    expect(() => my.callbacks.tensorBoard('')).toThrow(/logDir/);
    expect(() => my.callbacks.tensorBoard('d', { updateFreq: 0 })).toThrow(/updateFreq/);
    expect(() => my.callbacks.tensorBoard('d', { updateFreq: 'step' as never })).toThrow(my.ValueError);
    expect(() => my.callbacks.tensorBoard('d', { histogramFreq: -1 })).toThrow(/histogramFreq/);
  });
});
