/**
 * Every registered layer class exports to ONNX: each name of `my.layers.layerClassNames()` has an exporter, and its
 * factory (`my.layers.dense` for 'Dense', ...) is called in one of the onnxruntime comparisons of this folder, so a
 * new layer class fails here until its exporter and its check against onnxruntime exist. The only exception is a
 * class in `my.io.onnxRefusedClasses()` (lib/io/onnx/refusals.ts, each with its reason: Masking, whose mask ONNX cannot
 * carry): exporting it raises a ModelFormatError naming the layer and the reason, checked here. A class without an
 * exporter (as a custom one below) raises a ModelFormatError naming the layer.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../../lib/index';

const REFUSED = my.io.onnxRefusedClasses();

/** The registered layer classes that have no ONNX exporter and are not refused with a reason. */
function classesWithoutExporter(): string[] {
  const exportable = new Set(my.io.onnxExportableClasses());
  return my.layers.layerClassNames().filter((c) => !exportable.has(c) && !(c in REFUSED));
}

/** The factory of `className` in `my.layers` (its lower-camel-case name: 'LeakyReLU' -> 'leakyRelu'), or null. */
function factoryOf(className: string): string | null {
  const found = Object.keys(my.layers).find((k) => /^[a-z]/.test(k) && k.toLowerCase() === className.toLowerCase()
    && typeof (my.layers as Record<string, unknown>)[k] === 'function');
  return found ?? null;
}

/** The source of the other ONNX test files of this folder. */
function onnxTestSources(): string {
  return fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.ts') && f !== path.basename(__filename))
    .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8'))
    .join('\n');
}

describe('ONNX export covers every layer class', () => {
  test('layerClassNames lists the built-in classes, sorted', () => {
    const names = my.layers.layerClassNames();
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['Dense', 'Conv2D', 'MultiHeadAttention', 'TimeDistributed', 'PositionEmbedding', 'LeakyReLU']));
    expect(new Set(names).size).toBe(names.length);
  });

  test('every registered layer class has an ONNX exporter', () => {
    expect(classesWithoutExporter()).toEqual([]);
  });

  test.each(my.layers.layerClassNames().filter((c) => !(c in REFUSED)))('%s is checked against onnxruntime in test/io/onnx', (className) => {
    const factory = factoryOf(className);
    expect(factory).not.toBeNull();
    expect(onnxTestSources()).toMatch(new RegExp(`\\b(L|layers)\\.${factory}\\(`));
  });

  test('refusals: each has a reason, has no exporter, and exporting it (or an embedding with maskZero) names the layer and the reason', () => {
    const exportable = new Set(my.io.onnxExportableClasses());
    const registered = my.layers.layerClassNames();
    for (const [className, reason] of Object.entries(REFUSED)) {
      expect(reason).toMatch(/masks are not exported to ONNX/);
      expect(exportable.has(className)).toBe(false);
      if (!registered.includes(className)) continue;  // a class of a branch not merged yet
      const model = my.sequential([my.layers.deserializeLayer({ className, config: { name: 'refused', inputShape: [4, 3] } })]);
      expect(() => my.io.toOnnx(model)).toThrow(my.ModelFormatError);
      expect(() => my.io.toOnnx(model)).toThrow(`exportOnnx: layer refused (${className}) ${reason}`);
      model.dispose();
    }
    const masked = my.sequential([my.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, name: 'ids', inputShape: [3] })]);
    expect(() => my.io.toOnnx(masked)).toThrow(/^exportOnnx: layer ids \(Embedding\) has maskZero: true, and masks are not exported to ONNX/);
    masked.dispose();
  });

  test('a class registered without an exporter is caught here, and exporting it names the layer', () => {
    class Tripler extends my.layers.Layer {
      readonly className = 'Tripler';
      constructor(config: Record<string, unknown> = {}) { super({ name: 'tripler', ...config }, 'Tripler'); }
      call(x: my.Tensor): my.Tensor { return my.mul(x, 3); }
      computeOutputShape(s: number[]): number[] { return s.slice(); }
    }
    my.layers.registerLayer('Tripler', (c) => new Tripler(c));
    expect(my.layers.layerClassNames()).toContain('Tripler');
    expect(classesWithoutExporter()).toEqual(['Tripler']);
    const model = my.sequential([my.layers.dense({ inputShape: [2], units: 2 }), new Tripler()]);
    expect(() => my.io.toOnnx(model)).toThrow(my.ModelFormatError);
    expect(() => my.io.toOnnx(model)).toThrow(/layer tripler of class Tripler has no ONNX export; classes with one: .*Dense.*\(registerOnnxExporter adds one\)/);
    model.dispose();
  });
});
