// The render page: official Excalidraw export functions behind one small API,
// window.diagrams.render(request) -> {images, fonts, warnings}, called by the Python renderer.
// fonts.js first: it records the font faces Excalidraw creates (see there).
import { installFonts, loadSceneFonts } from "./fonts.js";
import { exportToBlob, exportToSvg, getCommonBounds, restore } from "@excalidraw/excalidraw";
import { stats as fontStats, prepare as prepareSubsetting } from "./subset.js";
import { addFormulaFiles, mathjaxVersion, typeset } from "./math.js";

const WARM_UP_FAMILIES = [1, 2, 3, 5, 6, 7, 8, 9];

const blobToBase64 = (blob) =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] ?? "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });

// restore() repairs old elements and, while doing so, gives them a fresh random versionNonce
// and updated = Date.now(). Put back the values the input had so embedded scenes stay
// byte-identical between renders.
const restoreScene = (scene, refreshDimensions) => {
  const restored = restore(
    { elements: scene.elements, appState: scene.appState, files: scene.files },
    null,
    null,
    { refreshDimensions, repairBindings: true },
  );
  const pinned = new Map(scene.elements.map((e) => [e.id, e]));
  for (const element of restored.elements) {
    const original = pinned.get(element.id);
    if (!original) continue;
    for (const key of ["version", "versionNonce", "updated", "seed"]) {
      if (typeof original[key] === "number") element[key] = original[key];
    }
  }
  return restored;
};

const exportAppState = (appState, options) => ({
  ...appState,
  exportBackground: options.background,
  exportWithDarkMode: options.dark,
  exportEmbedScene: options.embedScene,
  exportScale: options.scale,
});

// The scale a PNG is drawn at: the requested scale, lowered so neither side exceeds maxSize.
const pngDimensions = (options, sizes) => (width, height) => {
  let scale = options.scale;
  const longest = Math.max(width, height) * scale;
  if (options.maxSize && longest > options.maxSize) scale = options.maxSize / Math.max(width, height);
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  if (w > options.canvasLimit.side || h > options.canvasLimit.side || w * h > options.canvasLimit.area) {
    throw new Error(
      `PNG would be ${w}x${h} px, over Chromium's canvas limit ` +
        `(${options.canvasLimit.side} px a side, ${options.canvasLimit.area} px in all); ` +
        `lower the scale or set max_size`,
    );
  }
  sizes.push({ width: w, height: h, scale, exportWidth: width });
  return { width: w, height: h, scale };
};

// Excalidraw draws a grey placeholder for an image whose file is missing on the canvas (PNG),
// but leaves it out of SVG exports. Give such images a placeholder file of their own size in
// SVG too, so both formats show where an image is missing.
const placeholderFile = (id, width, height) => {
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height));
  const r = Math.min(Math.min(w, h) * 0.4, 100);
  const x = (w - r) / 2;
  const y = (h - r) / 2;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">` +
    `<rect width="${w}" height="${h}" fill="#E7E7E7"/>` +
    `<g transform="translate(${x} ${y}) scale(${r / 100})" fill="#888">` +
    `<path fill-rule="evenodd" d="M8 14h84a8 8 0 0 1 8 8v56a8 8 0 0 1-8 8H8a8 8 0 0 1-8-8V22a8 8 0 0 1 8-8z` +
    `M10 24v52h80V24z"/><path d="M14 72l20-22 12 12 20-24 20 26v8H14z"/><circle cx="28" cy="36" r="7"/>` +
    `</g></svg>`;
  return {
    id,
    mimeType: "image/svg+xml",
    dataURL: `data:image/svg+xml;base64,${btoa(svg)}`,
    created: 1,
  };
};

const withPlaceholders = (elements, files) => {
  const missing = elements.filter((e) => e.type === "image" && !(e.fileId && files[e.fileId]));
  if (missing.length === 0) return { elements, files, missing: [] };
  const extra = { ...files };
  const byId = new Map();
  for (const e of missing) {
    const id = `diagrams-missing-image-${Math.round(e.width)}x${Math.round(e.height)}`;
    extra[id] ??= placeholderFile(id, e.width, e.height);
    byId.set(e.id, { ...e, fileId: id, status: "saved" });
  }
  return {
    elements: elements.map((e) => byId.get(e.id) ?? e),
    files: extra,
    missing: missing.map((e) => e.id),
  };
};

// Milliseconds spent per step of the last renders, for benchmarks.
const clock = (timings, key, started) => {
  timings[key] = (timings[key] ?? 0) + (performance.now() - started);
};

const exportOne = async (elements, appState, files, options, frame, timings) => {
  const image = { frame: frame ? { id: frame.id, name: frame.name ?? null } : null };
  const state = exportAppState(appState, options);
  if (options.formats.includes("svg")) {
    let t = performance.now();
    const patched = withPlaceholders(elements, files);
    const svg = await exportToSvg({
      elements: patched.elements,
      appState: state,
      files: patched.files,
      exportPadding: options.padding,
      exportingFrame: frame,
      renderEmbeddables: false,
    });
    clock(timings, "svg", t);
    t = performance.now();
    image.svg = svg.outerHTML;
    image.svgWidth = Number(svg.getAttribute("width"));
    image.svgHeight = Number(svg.getAttribute("height"));
    clock(timings, "svgText", t);
  }
  if (options.formats.includes("png")) {
    let t = performance.now();
    const sizes = [];
    const blob = await exportToBlob({
      elements,
      appState: state,
      files,
      exportPadding: options.padding,
      exportingFrame: frame,
      mimeType: "image/png",
      getDimensions: pngDimensions(options, sizes),
    });
    clock(timings, "png", t);
    image.png = blob;
    image.pngWidth = sizes[0]?.width;
    image.pngHeight = sizes[0]?.height;
    image.exportWidth = sizes[0]?.exportWidth;
  }
  return image;
};

// A part a note embeds (#^group=, #^area=, #^frame=, #^clippedframe=), resolved in Python to
// the element ids the Obsidian plugin exports: those elements alone; `clip` draws frames
// clipped, without name or outline; `crop` cuts the image to those elements' box plus padding
// (area=), as the plugin sets the SVG's viewBox.
const CLIPPED = { enabled: true, name: false, outline: false, clip: true };
const exportPart = async (elements, appState, files, options, part, timings) => {
  const ids = new Set(part.ids);
  const chosen = elements.filter((e) => ids.has(e.id));
  const state = part.clip ? { ...appState, frameRendering: CLIPPED } : appState;
  const image = await exportOne(chosen, state, files, options, null, timings);
  image.part = part.key;
  const cropIds = new Set(part.crop);
  const cropped = chosen.filter((e) => cropIds.has(e.id));
  if (cropped.length === 0 || chosen.length === 0) return image;
  // the export's origin is the box of what it draws, less the padding; the crop is the box
  // of the cropped elements, plus the padding, in the same coordinates
  // Excalidraw sizes an export by its root elements: those in a frame it draws are left out
  const frames = new Set(chosen.filter((e) => e.type === "frame" || e.type === "magicframe").map((e) => e.id));
  const [minX, minY] = getCommonBounds(chosen.filter((e) => frames.has(e.id) || !frames.has(e.frameId)));
  const [x1, y1, x2, y2] = getCommonBounds(cropped);
  const box = { x: x1 - minX, y: y1 - minY, w: x2 - x1 + 2 * options.padding, h: y2 - y1 + 2 * options.padding };
  if (image.svg !== undefined) image.svg = cropSvg(image, box);
  if (image.png) image.png = await cropPng(image, box);
  return image;
};

// Only the root <svg> tag's viewBox, width and height change: the rest stays byte for byte.
const cropSvg = (image, box) => {
  const end = image.svg.indexOf(">");
  const root = image.svg.slice(0, end);
  const vw = Number(/viewBox="[^ ]+ [^ ]+ ([^ ]+) /.exec(root)?.[1]) || 1;
  const ratio = image.svgWidth / vw;
  image.svgWidth = box.w * ratio;
  image.svgHeight = box.h * ratio;
  const cropped = root
    .replace(/viewBox="[^"]*"/, `viewBox="${box.x} ${box.y} ${box.w} ${box.h}"`)
    .replace(/ width="[^"]*"/, ` width="${image.svgWidth}"`)
    .replace(/ height="[^"]*"/, ` height="${image.svgHeight}"`);
  return cropped + image.svg.slice(end);
};

const cropPng = async (image, box) => {
  const bitmap = await createImageBitmap(image.png);
  const scale = bitmap.width / image.exportWidth;
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(box.w * scale));
  canvas.height = Math.max(1, Math.round(box.h * scale));
  canvas.getContext("2d").drawImage(bitmap, -box.x * scale, -box.y * scale);
  bitmap.close();
  image.pngWidth = canvas.width;
  image.pngHeight = canvas.height;
  return await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
};

// An export canvas is garbage once its PNG is encoded, but its pixels (4 bytes each: 300 MB for
// a large drawing at scale 2) would stay until V8's next full collection. Release them as soon
// as the encoder is done with them.
const toBlob = HTMLCanvasElement.prototype.toBlob;
let encodeTimings = null;
HTMLCanvasElement.prototype.toBlob = function toBlobThenRelease(callback, ...rest) {
  const canvas = this;
  const t = performance.now();
  const timings = encodeTimings;
  return toBlob.call(
    canvas,
    (blob) => {
      if (timings) clock(timings, "pngEncode", t);
      canvas.width = 0;
      canvas.height = 0;
      callback(blob);
    },
    ...rest,
  );
};

// After a large render, collect its garbage (the scene, the SVG's DOM) before the next one
// instead of letting it pile up (Chromium runs with --js-flags=--expose-gc).
const LARGE_RENDER = { pixels: 8e6, svgChars: 1e6 };
const collectIfLarge = (result) => {
  const large = result.images.some((i) => {
    const svgSize = typeof i.svg === "number" ? i.svg : (i.svg?.length ?? 0);
    return (i.pngWidth ?? 0) * (i.pngHeight ?? 0) > LARGE_RENDER.pixels || svgSize > LARGE_RENDER.svgChars;
  });
  if (large && typeof globalThis.gc === "function") globalThis.gc();
};

// Renders one scene: every image as {frame, svg: string, png: Blob, sizes}.
const renderImages = async (scene, options) => {
  const timings = {};
  encodeTimings = timings;
  const started = performance.now();
  const formulaErrors = addFormulaFiles(scene); // Obsidian's LaTeX formulas become image files
  clock(timings, "formulas", started);
  const loadingFonts = performance.now();
  await loadSceneFonts(scene.elements);
  clock(timings, "fonts", loadingFonts);
  const restoring = performance.now();
  const restored = restoreScene(scene, options.refreshDimensions);
  const elements = restored.elements.filter((e) => !e.isDeleted);
  const files = restored.files ?? {};
  clock(timings, "restore", restoring);
  const images = [];
  const appState = restored.appState;
  if (options.whole) images.push(await exportOne(elements, appState, files, options, null, timings));
  if (options.frames) {
    for (const frame of elements.filter((e) => e.type === "frame" || e.type === "magicframe")) {
      images.push(await exportOne(elements, appState, files, options, frame, timings));
    }
  }
  for (const part of options.parts ?? []) {
    images.push(await exportPart(elements, appState, files, options, part, timings));
  }
  const missingImages = elements
    .filter((e) => e.type === "image" && !(e.fileId && files[e.fileId]))
    .map((e) => e.id);
  clock(timings, "total", started);
  return { images, missingImages, formulaErrors, timings };
};

// The scene comes as an argument and the images go back inline (PNG as base64): everything
// passes through the DevTools protocol as JSON.
const render = async (request) => {
  const result = await renderImages(request.scene, request.options);
  for (const image of result.images) {
    if (image.png) image.png = await blobToBase64(image.png);
  }
  return result;
};

// The scene is fetched from the page server and the images are posted back to it as one binary
// body (each image's SVG as UTF-8, then its PNG); only sizes and names travel through the
// DevTools protocol. `token` names this render's one-time URLs.
const renderJob = async (token, options) => {
  let t = performance.now();
  const response = await fetch(`/job/${token}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`the page server did not give the scene (${response.status})`);
  const scene = await response.json();
  const fetched = performance.now() - t;
  const result = await renderImages(scene, options);
  result.timings.fetch = fetched;
  t = performance.now();
  const parts = [];
  for (const image of result.images) {
    if (image.svg !== undefined) {
      const svg = new Blob([image.svg]);
      image.svg = svg.size;
      parts.push(svg);
    }
    if (image.png) {
      parts.push(image.png);
      image.png = image.png.size;
    }
  }
  const upload = await fetch(`/result/${token}`, { method: "POST", body: new Blob(parts) });
  if (!upload.ok) throw new Error(`the page server did not take the images (${upload.status})`);
  clock(result.timings, "upload", t);
  t = performance.now();
  parts.length = 0;
  collectIfLarge(result);
  clock(result.timings, "gc", t);
  return result;
};

// Before the first real render: one export that makes Excalidraw register its fonts, then load
// every non-CJK face, so the first canvas never draws with a fallback font (see the rendering
// notes: Liberation Sans otherwise comes out serif on a fresh page).
const warmUp = async () => {
  prepareSubsetting();
  const elements = WARM_UP_FAMILIES.map((fontFamily, i) => ({
    type: "text", id: `warm-${fontFamily}`, x: 0, y: i * 30, width: 100, height: 25, text: "Aa",
    originalText: "Aa", fontFamily, fontSize: 20, seed: 1, version: 1, versionNonce: 1,
  }));
  const restored = restore({ elements, appState: {}, files: {} }, null, null);
  await exportToBlob({ elements: restored.elements, appState: restored.appState, files: {}, mimeType: "image/png" });
  await Promise.all(
    [...document.fonts].filter((f) => f.family !== "Xiaolai").map((f) => f.load().catch(() => null)),
  );
  await installFonts();
};

window.diagrams = {
  excalidrawVersion: __EXCALIDRAW_VERSION__,
  mathjaxVersion,
  typeset,
  ready: warmUp().then(() => true),
  render,
  renderJob,
  takeViolations: () => window.__diagramsViolations.splice(0),
  fontStats: () => ({ ...fontStats }),
};
