// Which characters a font file has glyphs for, read from its cmap table: used by js/build.mjs
// (in Node, at page build time, never in the page) to write the page's font coverage into its
// manifest and to give the last fallback font the unicode range the others lack.
//
// Reads WOFF2 (the tables are one Brotli stream; the cmap table is never transformed) and the
// cmap subtables fonts use for Unicode: format 4 (BMP) and format 12 (all planes).
import { brotliDecompressSync } from "node:zlib";

// WOFF2's table tags by their index in the table directory's flags (the spec's "known tags").
const KNOWN_TAGS = (
  "cmap head hhea hmtx maxp name OS/2 post cvt_ fpgm glyf loca prep CFF_ VORG EBDT EBLC gasp " +
  "hdmx kern LTSH PCLT VDMX vhea vmtx BASE GDEF GPOS GSUB EBSC JSTF MATH CBDT CBLC COLR CPAL " +
  "SVG_ sbix acnt avar bdat bloc bsln cvar fdsc feat fmtx fvar gvar hsty just lcar mort morx " +
  "opbd prop trak Zapf Silf Glat Gloc Feat Sill"
).split(" ").map((t) => t.replace("_", " "));

const base128 = (bytes, at) => {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = bytes[at.pos++];
    if (i === 0 && b === 0x80) throw new Error("bad UIntBase128");
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return value;
  }
  throw new Error("UIntBase128 longer than 5 bytes");
};

// The cmap table of a WOFF2 file, as bytes.
const woff2Cmap = (file) => {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0) !== 0x774f4632) throw new Error("not a WOFF2 file");
  if (view.getUint32(4) === 0x74746366) throw new Error("font collections are not supported");
  const numTables = view.getUint16(12);
  const compressedLength = view.getUint32(20);
  const at = { pos: 48 };
  let offset = 0;
  let cmap = null;
  for (let i = 0; i < numTables; i++) {
    const flags = file[at.pos++];
    let tag = KNOWN_TAGS[flags & 0x3f];
    if ((flags & 0x3f) === 0x3f) {
      tag = String.fromCharCode(...file.subarray(at.pos, at.pos + 4));
      at.pos += 4;
    }
    const version = flags >> 6;
    const length = base128(file, at);
    // glyf and loca are transformed unless version 3; every other table unless version 0
    const transformed = tag === "glyf" || tag === "loca" ? version !== 3 : version !== 0;
    const stored = transformed ? base128(file, at) : length;
    if (tag === "cmap") cmap = { offset, length: stored };
    offset += stored;
  }
  if (!cmap) throw new Error("no cmap table");
  const tables = brotliDecompressSync(file.subarray(at.pos, at.pos + compressedLength));
  return tables.subarray(cmap.offset, cmap.offset + cmap.length);
};

const addFormat4 = (view, start, into) => {
  const segments = view.getUint16(start + 6) / 2;
  const ends = start + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  for (let s = 0; s < segments; s++) {
    const first = view.getUint16(starts + 2 * s);
    const last = view.getUint16(ends + 2 * s);
    const delta = view.getUint16(deltas + 2 * s);
    const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
    for (let c = first; c <= last && c !== 0xffff; c++) {
      let glyph;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        glyph = view.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (c - first));
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) into.add(c);
    }
  }
};

const addFormat12 = (view, start, into) => {
  const groups = view.getUint32(start + 12);
  for (let g = 0; g < groups; g++) {
    const at = start + 16 + 12 * g;
    const first = view.getUint32(at);
    const last = view.getUint32(at + 4);
    const glyph = view.getUint32(at + 8);
    for (let c = first; c <= last; c++) if (glyph + (c - first) !== 0) into.add(c);
  }
};

// The code points a WOFF2 file (bytes) maps to a glyph.
export const codePoints = (file) => {
  const cmap = woff2Cmap(file);
  const view = new DataView(cmap.buffer, cmap.byteOffset, cmap.byteLength);
  const found = new Set();
  for (let i = 0; i < view.getUint16(2); i++) {
    const platform = view.getUint16(4 + 8 * i);
    const encoding = view.getUint16(6 + 8 * i);
    const start = view.getUint32(8 + 8 * i);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = view.getUint16(start);
    if (format === 4) addFormat4(view, start, found);
    else if (format === 12) addFormat12(view, start, found);
  }
  return found;
};

// "20-7E,A0,…": sorted code points as ranges (hexadecimal, as in CSS unicode-range without "U+").
export const toRanges = (points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const parts = [];
  let first = null;
  let last = null;
  const flush = () => {
    if (first === null) return;
    const hex = (n) => n.toString(16).toUpperCase();
    parts.push(first === last ? hex(first) : `${hex(first)}-${hex(last)}`);
  };
  for (const p of sorted) {
    if (last !== null && p === last + 1) last = p;
    else {
      flush();
      first = last = p;
    }
  }
  flush();
  return parts.join(",");
};
