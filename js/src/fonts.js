// The fonts Excalidraw leaves to the machine, served from the page instead.
//
// Excalidraw embeds its own families (Excalifont, Virgil, Nunito, Xiaolai…) but names two it
// expects the system to have: "Helvetica" (frame titles, embeddable placeholders, text in the
// old Helvetica family) and "Segoe UI Emoji", the last family of every font string it draws
// with ("20px Virgil, Segoe UI Emoji"). Left to Chromium, both are resolved by fontconfig, and so
// is every character the drawing's own family lacks (CJK outside Excalifont, emoji, arrows): the
// widths Excalidraw measures and the pixels it draws then differ from machine to machine.
//
// Here both names are families of the page (@font-face rules win over system fonts of the same
// name), made only of files the page serves:
//   "Helvetica"       Liberation Sans, Excalidraw's own file (metric-compatible with Helvetica and
//                     Arial, so a title measured here fits where a viewer draws it in Helvetica)
//   "Segoe UI Emoji"  checked in this order for each character:
//                       Liberation Sans — Latin, Greek, Cyrillic, arrows and signs as text
//                       Nunito (Excalidraw's shards) — Vietnamese and the rest of Latin Extended
//                       Noto Color Emoji (COLRv1, sharded by unicode-range) — emoji
//                       Noto Sans Symbols 2 — dingbats, shapes, arrows, Braille as text
//                       Xiaolai (Excalidraw's CJK font, the same shards) — Chinese, kana, Hangul
//                       DejaVu Sans — only what none of the above has (js/build.mjs computes its
//                       range): superscripts and subscripts, phonetic letters, math, Hebrew…
// so every family's fallback ends in bundled faces. Characters none of them has (most of Arabic,
// Indic scripts, Thai…) are still drawn with a system font; the page's manifest lists what the
// bundled fonts cover, and a build warns about text outside it. A shard loads only when a drawing uses it;
// `loadSceneFonts` loads what a scene needs before anything is measured or drawn.
//
// Excalidraw creates the FontFace objects of its own families itself; their sources and unicode
// ranges are recorded as they are made (the FontFace constructor is wrapped before Excalidraw
// runs), so the fallback family reuses exactly the files and ranges Excalidraw uses.

export const HELVETICA = "Helvetica";
export const FALLBACK = "Segoe UI Emoji";
const LIBERATION = "Liberation Sans";
const NUNITO = "Nunito";
const XIAOLAI = "Xiaolai";
const RECORDED = new Set([LIBERATION, NUNITO, XIAOLAI]);

// {folder: [{file, unicodeRange}]}: the shards of the fonts js/build.mjs copies to fonts/<folder>/.
const BUNDLED = __DIAGRAMS_FALLBACK_FACES__;

const recorded = new Map(); // family -> [{source, descriptors}] as Excalidraw created them
const NativeFontFace = globalThis.FontFace;
globalThis.FontFace = new Proxy(NativeFontFace, {
  construct(target, args, newTarget) {
    const [family, source, descriptors] = args;
    if (RECORDED.has(family) && typeof source === "string") {
      if (!recorded.has(family)) recorded.set(family, []);
      recorded.get(family).push({ source, descriptors: { ...(descriptors ?? {}) } });
    }
    return Reflect.construct(target, args, newTarget);
  },
});

const ownFace = (family, source, descriptors = {}) =>
  new NativeFontFace(family, source, { style: "normal", weight: "400", display: "block", ...descriptors });

const recordedFaces = (family) => {
  const faces = recorded.get(family) ?? [];
  if (faces.length === 0) {
    throw new Error(`the page has no ${family} font face: Excalidraw did not register it`);
  }
  return faces;
};

let upFront = [];
let installed = false;

// Adds the page's "Helvetica" and "Segoe UI Emoji" families. Call once Excalidraw has created
// its font faces (after one export); returns when the faces every render may need are loaded.
export const installFonts = async () => {
  if (installed) return;
  installed = true;
  const liberation = recordedFaces(LIBERATION)[0];
  const helvetica = ownFace(HELVETICA, liberation.source);
  const faces = [];
  // Declared from the lowest priority to the highest: where unicode ranges overlap, the face
  // declared last is tried first, and the next one when it lacks the glyph.
  // DejaVu Sans's range is only what no other face has: it decides no other character.
  for (const { file, unicodeRange } of BUNDLED.DejaVuSans) {
    const url = `${window.EXCALIDRAW_ASSET_PATH}fonts/DejaVuSans/${file}`;
    faces.push(ownFace(FALLBACK, `url(${url}) format("woff2")`, { unicodeRange }));
  }
  for (const { source, descriptors } of recordedFaces(XIAOLAI)) {
    faces.push(ownFace(FALLBACK, source, { unicodeRange: descriptors.unicodeRange }));
  }
  for (const folder of ["NotoSansSymbols2", "NotoColorEmoji"]) {
    for (const { file, unicodeRange } of BUNDLED[folder]) {
      const url = `${window.EXCALIDRAW_ASSET_PATH}fonts/${folder}/${file}`;
      faces.push(ownFace(FALLBACK, `url(${url}) format("woff2")`, { unicodeRange }));
    }
  }
  for (const { source, descriptors } of recordedFaces(NUNITO)) {
    faces.push(ownFace(FALLBACK, source, { unicodeRange: descriptors.unicodeRange }));
  }
  const text = ownFace(FALLBACK, liberation.source);
  faces.push(text);
  for (const face of [helvetica, ...faces]) document.fonts.add(face);
  upFront = [helvetica, text];
  await Promise.all(upFront.map((face) => face.load()));
};

// The text Excalidraw draws for a scene besides its text elements' own: frame titles and
// embeddable placeholders (in Helvetica).
const generatedText = (elements) => {
  const parts = [];
  for (const e of elements) {
    if (e.type === "frame" || e.type === "magicframe") parts.push(e.name ?? "Frame AI Frame");
    if (e.type === "embeddable" || e.type === "iframe") {
      parts.push(e.link ?? "", "Empty Web-Embed", "IFrame element", "...");
    }
  }
  return parts.join("");
};

// Loads the faces of the page's families that a scene's characters need (Excalidraw loads its own
// families' faces for text elements, but not for the text it generates). A face that is still
// loading when the canvas draws is replaced by a system font for that draw.
export const loadSceneFonts = async (elements) => {
  const chars = new Set(generatedText(elements));
  for (const e of elements) {
    if (e.type === "text") for (const c of e.originalText ?? e.text ?? "") chars.add(c);
  }
  if (chars.size === 0) return;
  const text = [...chars].join("");
  const faces = await document.fonts.load(`16px "${HELVETICA}", "${FALLBACK}"`, text);
  const failed = faces.filter((f) => f.status === "error");
  if (failed.length > 0) throw new Error(`a bundled font did not load (${failed[0].family})`);
};
