#!/usr/bin/env node
// Turns a CUDA source of native/cuda into C++ for the host emulator: every launch
// `kernel<<<grid, block[, shared[, stream]]>>>(args...)` becomes `::emu::launch("kernel", grid, block, shared,
// stream, kernel, args...)` (the name for MYELIN_CUDA_EMU_TRACE), keeping the line breaks (and a #line directive), so that compiler messages point into
// the .cu file. Usage: node kernel-source.js <in.cu> <out.cc>
'use strict';
const fs = require('fs');

/** The index just past the bracket that closes the one at `open` (parentheses only). */
function closing(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses after offset ${open}`);
}

/** Splits at the commas outside parentheses. */
function topLevelArgs(text) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts;
}

function transform(source, file) {
  let out = '';
  let at = 0;
  const launch = /([A-Za-z_][A-Za-z_0-9:]*(?:<[^<>;{}]*>)?)\s*<<<([\s\S]*?)>>>\s*\(/g;
  let m;
  while ((m = launch.exec(source)) !== null) {
    const open = m.index + m[0].length - 1;
    const close = closing(source, open);
    const config = topLevelArgs(m[2]).map((s) => s.trim());
    if (config.length < 2 || config.length > 4) throw new Error(`${file}: launch configuration <<<${m[2]}>>> needs 2 to 4 parts`);
    while (config.length < 4) config.push(config.length === 2 ? '0' : 'nullptr');
    const args = source.slice(open + 1, close - 1);
    const name = JSON.stringify(m[1].replace(/\s+/g, ' '));
    out += source.slice(at, m.index) + `::emu::launch(${name}, ${config.join(', ')}, ${m[1]}${args.trim() === '' ? '' : `, ${args}`})`;
    at = close;
    launch.lastIndex = close;
  }
  return out + source.slice(at);
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node kernel-source.js <in.cu> <out.cc>');
  process.exit(2);
}
const source = fs.readFileSync(input, 'utf8');
fs.writeFileSync(output, `#line 1 "${input.replace(/\\/g, '/')}"\n${transform(source, input)}`);
