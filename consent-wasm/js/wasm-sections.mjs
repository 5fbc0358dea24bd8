// Reading a wasm module's sections, for the build's post-processing scripts.

/// An unsigned LEB128 at `pos`: [value, position after it].
export function leb(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [result >>> 0, pos];
}

/// The module's sections in order: { id, start, end } (the header at `start - 1` and before it).
export function* sections(wasm) {
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = leb(wasm, pos + 1);
    yield { id, header: pos, start, end: start + size };
    pos = start + size;
  }
}
