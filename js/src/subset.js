// Font subsetting for SVG exports, in place of Excalidraw's `subset-shared` chunk (js/build.mjs
// redirects the library's dynamic import here). Same tools, same settings, same bytes: HarfBuzz
// keeps the drawing's code points, the woff2 encoder compresses the result. What changes is what
// is done again for every export:
//
//   Excalidraw, per font shard and export   here
//   woff2 → TTF (wasm, byte by byte copy)    once per shard and page
//   HarfBuzz face from the TTF               once per shard and page (preprocessed for subsetting)
//   subset to the drawing's code points      once per (shard, code points the shard has)
//   TTF → woff2, base64                      once per (shard, code points the shard has)
//
// A subset depends only on the shard and on which of the requested code points the shard maps, so
// the cache key is exactly that: the output of an export never depends on what was rendered before.
//
// window.DIAGRAMS_FONT_SUBSET selects the path (benchmarks compare them in one run):
//   "cached" (default) this module; "plain" Excalidraw's own code; "off" no subsetting, the
//   whole shard is embedded.
import {
  ExcalidrawCommands,
  excalidrawSubsetToBase64,
  fontInternals,
} from "excalidraw-font-internals";

export const Commands = ExcalidrawCommands;

const VARIATION_SELECTORS = [
  [0x180b, 0x180f],
  [0xfe00, 0xfe0f],
  [0xe0100, 0xe01ef],
];
const RESULT_BUDGET = 64 * 1024 * 1024; // characters of cached data URLs kept per page

export const stats = {
  shardsLoaded: 0,
  subsets: 0,
  hits: 0,
  decodeMs: 0,
  subsetMs: 0,
  encodeMs: 0,
};

const mode = () => globalThis.DIAGRAMS_FONT_SUBSET ?? "cached";

// ------------------------------------------------------------------------------- base64
// Excalidraw spreads the bytes into String.fromCharCode(...), which fails on large buffers;
// chunked, with the same (canonical) output.
export const toBase64 = async (buffer) => `data:font/woff2;base64,${base64(new Uint8Array(buffer))}`;

const base64 = (bytes) => {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
};

// ------------------------------------------------------------------------------- wasm tools
let toolsPromise = null;
const tools = () => {
  toolsPromise ??= (async () => {
    const { woff2Factory, woff2Binary, harfbuzzBinary } = fontInternals;
    // The emscripten module is itself a thenable that resolves to itself: awaiting it directly
    // never settles, so it is handed over wrapped.
    const codec = new Promise((resolve, reject) => {
      try {
        woff2Factory({ wasmBinary: woff2Binary }).then((module) => resolve({ module }));
      } catch (error) {
        reject(error);
      }
    });
    const [{ module: woff2 }, harfbuzz] = await Promise.all([
      codec,
      WebAssembly.instantiate(harfbuzzBinary),
    ]);
    return { woff2, hb: harfbuzz.instance.exports };
  })();
  return toolsPromise;
};

// An embind std::vector<uint8_t> to bytes; the vector is freed (Excalidraw's copy leaks it).
// Reading it element by element (one binding call per byte) takes ~10 ms for a font shard; the
// vector's own [begin, end) pointers in the module's memory give the same bytes in one copy.
const takeVector = (module, vector) => {
  try {
    const size = vector.size();
    const at = vector.$$?.ptr;
    if (typeof at === "number" && module.HEAPU32 && module.HEAPU8) {
      const begin = module.HEAPU32[at >> 2];
      const end = module.HEAPU32[(at >> 2) + 1];
      if (end - begin === size) return module.HEAPU8.slice(begin, end);
    }
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = vector.get(i);
    return out;
  } finally {
    vector.delete?.();
  }
};

// Start compiling the wasm tools now (off the main thread), so the first export does not wait.
export const prepare = () => {
  if (mode() === "cached") tools().catch(() => null);
};

// ------------------------------------------------------------------------------- cmap
// The code points a TrueType/OpenType font maps (cmap formats 0, 4, 6, 12), as a predicate.
// Returns null when the table cannot be read: the caller then keys on every code point asked for.
const readCmap = (ttf) => {
  const view = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  const numTables = view.getUint16(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (view.getUint32(rec) === 0x636d6170) cmap = view.getUint32(rec + 8);
  }
  if (cmap < 0) return null;
  const ranges = [];
  const count = view.getUint16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const sub = cmap + view.getUint32(cmap + 4 + i * 8 + 4);
    const format = view.getUint16(sub);
    if (format === 4) {
      const segX2 = view.getUint16(sub + 6);
      const ends = sub + 14;
      const starts = ends + segX2 + 2;
      const deltas = starts + segX2;
      const offsets = deltas + segX2;
      for (let s = 0; s < segX2; s += 2) {
        const end = view.getUint16(ends + s);
        const start = view.getUint16(starts + s);
        const delta = view.getUint16(deltas + s);
        const rangeOffset = view.getUint16(offsets + s);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph;
          if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
          else {
            const at = offsets + s + rangeOffset + (c - start) * 2;
            glyph = view.getUint16(at);
            if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
          }
          if (glyph !== 0) ranges.push([c, c]);
        }
      }
    } else if (format === 12) {
      const groups = view.getUint32(sub + 12);
      for (let g = 0; g < groups; g++) {
        const at = sub + 16 + g * 12;
        ranges.push([view.getUint32(at), view.getUint32(at + 4)]);
      }
    } else if (format === 0) {
      for (let c = 0; c < 256; c++) if (view.getUint8(sub + 6 + c)) ranges.push([c, c]);
    } else if (format === 6) {
      const first = view.getUint16(sub + 6);
      const n = view.getUint16(sub + 8);
      for (let k = 0; k < n; k++) if (view.getUint16(sub + 10 + k * 2)) ranges.push([first + k, first + k]);
    }
  }
  const singles = new Set();
  const spans = [];
  for (const [a, b] of ranges) {
    if (a === b) singles.add(a);
    else spans.push([a, b]);
  }
  for (const span of VARIATION_SELECTORS) spans.push(span);
  return (c) => singles.has(c) || spans.some(([a, b]) => c >= a && c <= b);
};

// ------------------------------------------------------------------------------- shards
const shards = new Map(); // sha-256 of the woff2 file -> Promise<{face, maps}>

const digest = async (buffer) => {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
};

const loadShard = (key, woff2Buffer) => {
  let entry = shards.get(key);
  if (!entry) {
    entry = (async () => {
      const { woff2, hb } = await tools();
      let t = performance.now();
      const ttf = takeVector(woff2, woff2.woff2Dec(woff2Buffer, woff2Buffer.byteLength));
      stats.decodeMs += performance.now() - t;
      t = performance.now();
      const ptr = hb.malloc(ttf.byteLength);
      new Uint8Array(hb.memory.buffer).set(ttf, ptr);
      const blob = hb.hb_blob_create(ptr, ttf.byteLength, 2, 0, 0);
      const face = hb.hb_face_create(blob, 0);
      hb.hb_blob_destroy(blob);
      const prepared = hb.hb_subset_preprocess(face);
      hb.hb_face_destroy(face);
      stats.subsetMs += performance.now() - t;
      stats.shardsLoaded += 1;
      let maps = null;
      try {
        maps = readCmap(ttf);
      } catch {
        maps = null;
      }
      return { face: prepared, maps };
    })();
    shards.set(key, entry);
    entry.catch(() => shards.delete(key));
  }
  return entry;
};

// The same HarfBuzz calls as Excalidraw's subsetter: every layout feature kept, the code points
// given, nothing else changed.
const subsetFace = (hb, face, codePoints) => {
  const input = hb.hb_subset_input_create_or_fail();
  if (input === 0) throw new Error("hb_subset_input_create_or_fail failed");
  let result = 0;
  try {
    const features = hb.hb_subset_input_set(input, 6);
    hb.hb_set_clear(features);
    hb.hb_set_invert(features);
    const unicodes = hb.hb_subset_input_unicode_set(input);
    for (const c of codePoints) hb.hb_set_add(unicodes, c);
    result = hb.hb_subset_or_fail(face, input);
  } finally {
    hb.hb_subset_input_destroy(input);
  }
  if (result === 0) throw new Error("hb_subset_or_fail failed");
  const blob = hb.hb_face_reference_blob(result);
  try {
    const data = hb.hb_blob_get_data(blob, 0);
    const length = hb.hb_blob_get_length(blob);
    if (length === 0) throw new Error("HarfBuzz returned an empty subset");
    return new Uint8Array(hb.memory.buffer).slice(data, data + length);
  } finally {
    hb.hb_blob_destroy(blob);
    hb.hb_face_destroy(result);
  }
};

// ------------------------------------------------------------------------------- results
const results = new Map(); // shard key + code points -> Promise<data URL>
let resultChars = 0;

const remember = (key, promise) => {
  results.set(key, promise);
  promise.then(
    (url) => {
      resultChars += url.length;
      for (const [old, value] of results) {
        if (resultChars <= RESULT_BUDGET || old === key) break;
        results.delete(old);
        value.then((u) => (resultChars -= u.length)).catch(() => null);
      }
    },
    () => results.delete(key),
  );
  return promise;
};

const cachedSubset = async (arrayBuffer, codePoints) => {
  const key = await digest(arrayBuffer);
  const shard = await loadShard(key, arrayBuffer);
  const wanted = [...new Set(codePoints)].filter((c) => (shard.maps ? shard.maps(c) : true));
  wanted.sort((a, b) => a - b);
  const resultKey = `${key}:${wanted.join(",")}`;
  const known = results.get(resultKey);
  if (known) {
    stats.hits += 1;
    // Most recently used last, so the budget drops the oldest.
    results.delete(resultKey);
    results.set(resultKey, known);
    return known;
  }
  return remember(
    resultKey,
    (async () => {
      const { woff2, hb } = await tools();
      let t = performance.now();
      const ttf = subsetFace(hb, shard.face, wanted);
      stats.subsetMs += performance.now() - t;
      t = performance.now();
      const compressed = takeVector(woff2, woff2.woff2Enc(ttf.buffer, ttf.byteLength));
      const url = await toBase64(compressed);
      stats.encodeMs += performance.now() - t;
      stats.subsets += 1;
      return url;
    })(),
  );
};

// The function Excalidraw calls (through its worker fallback) for each font face it embeds.
export const subsetToBase64 = async (arrayBuffer, codePoints) => {
  const how = mode();
  if (how === "off") return toBase64(arrayBuffer);
  if (how === "plain") return excalidrawSubsetToBase64(arrayBuffer, codePoints);
  try {
    return await cachedSubset(arrayBuffer, codePoints);
  } catch (error) {
    // Same fallback as Excalidraw: a font that cannot be subset is embedded whole.
    console.error("Skipped glyph subsetting", error);
    return toBase64(arrayBuffer);
  }
};

export const subsetToBinary = async (arrayBuffer, codePoints) => {
  const url = await subsetToBase64(arrayBuffer, codePoints);
  const binary = atob(url.slice(url.indexOf(",") + 1));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out.buffer;
};
