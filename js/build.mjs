// Builds the render page: one browser bundle of the official Excalidraw export functions, the
// page that loads it, and Excalidraw's own fonts, into the Python package's data folder.
// Usage: node build.mjs [outdir]
import { build } from "esbuild";
import {
  copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { codePoints, toRanges } from "./src/coverage.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, "..", "src", "diagram_assets", "render", "page"));
const pkgDir = join(here, "node_modules", "@excalidraw", "excalidraw");
const excalidrawVersion = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
// The formula renderer (LaTeX in Obsidian drawings, js/src/math.js): named in the page's identity.
const mathjaxVersion = JSON.parse(
  readFileSync(join(here, "node_modules", "mathjax-full", "package.json"), "utf8"),
).version;

// Fonts of the page's fallback family besides Excalidraw's own (js/src/fonts.js): Noto Color
// Emoji as COLRv1 (the flavour Chromium draws) and Noto Sans Symbols 2, each in shards with the
// unicode ranges its package's CSS gives, and DejaVu Sans (one file, no range in its CSS) for
// what none of the others has (superscripts and subscripts, phonetic letters, Greek Extended,
// math operators…): its unicode range is computed below from the fonts' cmaps, so a character
// another font of the family has keeps that font. Each is copied to fonts/<folder>/ with its
// package's licence.
const FALLBACK_FONTS = [
  { folder: "NotoColorEmoji", pkg: "@infolektuell/noto-color-emoji", css: "index.css", licence: "OFL.txt" },
  { folder: "NotoSansSymbols2", pkg: "@fontsource/noto-sans-symbols-2", css: "400.css", licence: "OFL.txt" },
  { folder: "DejaVuSans", pkg: "@fontsource/dejavu-sans", css: "400.css", licence: "LICENSE.txt", rest: true },
];
const fallbackFaces = {};
for (const font of FALLBACK_FONTS) {
  font.dir = join(here, "node_modules", ...font.pkg.split("/"));
  const faces = [];
  for (const rule of readFileSync(join(font.dir, font.css), "utf8").split("@font-face").slice(1)) {
    const file = rule.match(/url\(\.\/files\/([\w.-]+\.woff2)\)/)?.[1];
    const unicodeRange = rule.match(/unicode-range:\s*([^;]+);/)?.[1].trim();
    if (!file || (!unicodeRange && !font.rest)) {
      throw new Error(`${font.pkg}/${font.css}: cannot read the rule ${rule}`);
    }
    faces.push({ file, unicodeRange });
  }
  if (faces.length === 0 || (font.rest && faces.length !== 1)) {
    throw new Error(`${font.pkg}/${font.css}: expected ${font.rest ? "one font face" : "font faces"}`);
  }
  fallbackFaces[font.folder] = faces;
}

// The characters each font folder has glyphs for (Excalidraw's folders and the ones above), and
// those of the fallback family "Segoe UI Emoji" that ends every family's font list (the folders
// js/src/fonts.js puts in it). Written into the manifest: the Python side warns about text no
// bundled font covers, which a system font would then decide.
const FALLBACK_CHAIN = ["Liberation", "Nunito", "NotoColorEmoji", "NotoSansSymbols2", "Xiaolai"];
const excalidrawFonts = join(pkgDir, "dist", "prod", "fonts");
const folderPoints = {};
for (const folder of readdirSync(excalidrawFonts).sort()) {
  const points = new Set();
  for (const name of readdirSync(join(excalidrawFonts, folder)).filter((n) => n.endsWith(".woff2"))) {
    for (const p of codePoints(readFileSync(join(excalidrawFonts, folder, name)))) points.add(p);
  }
  folderPoints[folder] = points;
}
for (const font of FALLBACK_FONTS) {
  const points = new Set();
  for (const { file } of fallbackFaces[font.folder]) {
    for (const p of codePoints(readFileSync(join(font.dir, "files", file)))) points.add(p);
  }
  folderPoints[font.folder] = points;
}
const fallbackPoints = new Set();
for (const folder of FALLBACK_CHAIN) {
  if (!folderPoints[folder]) throw new Error(`no font folder ${folder}`);
  for (const p of folderPoints[folder]) fallbackPoints.add(p);
}
for (const font of FALLBACK_FONTS.filter((f) => f.rest)) {
  const rest = [...folderPoints[font.folder]].filter((p) => !fallbackPoints.has(p));
  fallbackFaces[font.folder][0].unicodeRange = toRanges(rest).replace(/([0-9A-F-]+)/g, "U+$1");
  for (const p of rest) fallbackPoints.add(p);
}
const coverage = {
  fallback: toRanges(fallbackPoints),
  fonts: Object.fromEntries(Object.entries(folderPoints).map(([folder, p]) => [folder, toRanges(p)])),
};

// Modules a renderer never runs (editor-only features, image downscaling, other UI languages).
// Replacing them with empty modules cuts the bundle by more than half; exports are unchanged.
const EMPTY = [
  /^@excalidraw\/mermaid-to-excalidraw/,
  /^mermaid/,
  /^pica$/,
  /^image-blob-reduce$/,
  /\/locales\/(?!en-)[^/]+\.js$/,
];

// Excalidraw lists a CDN (esm.sh) after the local font URL of every font face; Chromium checks
// every URL of a face's src list, so the page would name a remote host even when the local file
// loads. Point that fallback at the page's own origin under a path the server refuses: a font
// that fails to load locally then fails the render instead of reaching out to the network.
const CDN = "https://esm.sh/";
const distDir = join(pkgDir, "dist", "prod");

// Font subsetting for SVG exports: the library's dynamic import of its `subset-shared` chunk is
// redirected to js/src/subset.js, which caches what Excalidraw redoes for every export. That
// module needs the library's own wasm tools (woff2 codec, HarfBuzz), which the chunk keeps
// private: one more export statement makes them reachable. Every pattern must match exactly once.
const sharedChunk = readFileSync(join(distDir, "subset-shared.chunk.js"), "utf8");
const sharedMatch = sharedChunk.match(/from"\.\/(chunk-[A-Z0-9]+\.js)"/);
if (!sharedMatch) throw new Error("subset-shared.chunk.js: cannot find the chunk it re-exports");
const fontChunk = join(distDir, sharedMatch[1]);
const exportedAs = (name) => {
  const m = sharedChunk.match(new RegExp(`([\\w$]+) as ${name}[,}]`));
  if (!m) throw new Error(`subset-shared.chunk.js: no export named ${name}`);
  return m[1];
};
const once = (source, re, what) => {
  const all = [...source.matchAll(new RegExp(re.source, "g"))];
  if (all.length !== 1) throw new Error(`${what}: expected one match of ${re}, found ${all.length}`);
  return all[0];
};
const fontInternalsExport = (source) => {
  const woff2 = once(source, /([\w$]+)\(\{wasmBinary:([\w$]+)\}\)/, "woff2 codec");
  const hb = once(source, /WebAssembly\.instantiate\(([\w$]+)\)\)\.instance\.exports/, "HarfBuzz");
  return (
    `\nconst __diagramsFontInternals={woff2Factory:${woff2[1]},woff2Binary:${woff2[2]},` +
    `harfbuzzBinary:${hb[1]}};export{__diagramsFontInternals};\n`
  );
};
const patched = new Map(); // what -> how many files
const mark = (what) => patched.set(what, (patched.get(what) ?? 0) + 1);
const excalidrawPlugin = {
  name: "excalidraw-patches",
  setup(b) {
    b.onResolve({ filter: /^\.\/subset-shared\.chunk\.js$/ }, (args) =>
      args.importer.startsWith(distDir) ? { path: join(here, "src", "subset.js") } : undefined,
    );
    b.onResolve({ filter: /^excalidraw-font-internals$/ }, () => ({
      path: "excalidraw-font-internals",
      namespace: "font-internals",
    }));
    b.onLoad({ filter: /.*/, namespace: "font-internals" }, () => ({
      contents:
        `export { ${exportedAs("Commands")} as ExcalidrawCommands, ` +
        `${exportedAs("subsetToBase64")} as excalidrawSubsetToBase64, ` +
        `__diagramsFontInternals as fontInternals } from ${JSON.stringify(fontChunk)};`,
      loader: "js",
      resolveDir: here,
    }));
    b.onLoad({ filter: /@excalidraw[\\/]excalidraw[\\/]dist[\\/]prod[\\/].*\.js$/ }, (args) => {
      let source = readFileSync(args.path, "utf8");
      let changed = false;
      const count = source.split(CDN).length - 1;
      if (count > 1) throw new Error(`expected one CDN fallback in ${args.path}, found ${count}`);
      if (count === 1) {
        source = source.replace(CDN, "${window.EXCALIDRAW_ASSET_PATH}no-cdn/");
        mark("cdn");
        changed = true;
      }
      if (args.path === fontChunk) {
        source += fontInternalsExport(source);
        mark("fonts");
        changed = true;
      }
      return changed ? { contents: source, loader: "js" } : undefined;
    });
  },
};

const stubPlugin = {
  name: "stub-unused",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (EMPTY.some((re) => re.test(args.path))) return { path: args.path, namespace: "empty" };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "export default {};", loader: "js" }));
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: [join(here, "src", "page.js")],
  outfile: join(outdir, "bundle.js"),
  bundle: true,
  format: "iife",
  platform: "browser",
  minify: true,
  legalComments: "none",
  conditions: ["production"],
  define: {
    "process.env.NODE_ENV": '"production"',
    "process.env.IS_PREACT": '"false"',
    __EXCALIDRAW_VERSION__: JSON.stringify(excalidrawVersion),
    __DIAGRAMS_FALLBACK_FACES__: JSON.stringify(fallbackFaces),
  },
  loader: { ".css": "empty", ".woff2": "empty" },
  plugins: [stubPlugin, excalidrawPlugin],
  logLevel: "warning",
  metafile: true,
});

for (const what of ["cdn", "fonts"]) {
  const n = patched.get(what) ?? 0;
  if (n !== 1) throw new Error(`the Excalidraw package was patched ${n} times (${what}), expected once`);
}

copyFileSync(join(here, "src", "index.html"), join(outdir, "index.html"));
copyFileSync(join(here, "src", "config.js"), join(outdir, "config.js"));
cpSync(join(pkgDir, "dist", "prod", "fonts"), join(outdir, "fonts"), { recursive: true });
for (const font of FALLBACK_FONTS) {
  const to = join(outdir, "fonts", font.folder);
  mkdirSync(to);
  for (const { file } of fallbackFaces[font.folder]) copyFileSync(join(font.dir, "files", file), join(to, file));
  copyFileSync(join(font.dir, "LICENSE"), join(to, font.licence));
}

// The Content-Security-Policy the page server sends with every file. It belongs to the page
// (and to its digest): what it allows changes what the page produces. The page may load only its
// own files; fonts and images embedded as data: URLs are allowed. 'wasm-unsafe-eval' lets the
// font subsetter (HarfBuzz compiled to WebAssembly) run; 'unsafe-eval' lets the woff2 codec's
// emscripten glue build its bindings with `new Function` — without it every SVG silently embedded
// whole font shards instead of subsets. Only the bundle runs: a scene is data, never code.
const csp = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "worker-src 'self' blob:",
].join("; ");

// A manifest of every file the page may load, with a digest of the whole page: the renderer
// serves only these files, and the digest is part of every job's input digest.
const files = [];
const hash = createHash("sha256");
hash.update(`csp\0${csp}\0`);
const walk = (rel) => {
  for (const name of readdirSync(join(outdir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(outdir, r)).isDirectory()) walk(r);
    else if (r !== "manifest.json") {
      files.push(r);
      hash.update(r + "\0");
      hash.update(readFileSync(join(outdir, r)));
    }
  }
};
walk("");
writeFileSync(
  join(outdir, "manifest.json"),
  JSON.stringify(
    { excalidraw: excalidrawVersion, mathjax: mathjaxVersion, digest: hash.digest("hex"), csp, files, coverage },
    null,
    1,
  ) + "\n",
);
// The page's identity for input digests, from its *sources* (this script, the lock file of npm
// packages, js/src): committed next to the Python package, so `diagrams check` knows it without
// Node or a built page (e.g. in a pre-commit hook), and the renderer can tell a stale page.
const sourceHash = createHash("sha256");
const sources = ["build.mjs", "package-lock.json", ...readdirSync(join(here, "src")).sort().map((n) => `src/${n}`)];
for (const rel of sources) {
  sourceHash.update(`${rel}\0`);
  sourceHash.update(readFileSync(join(here, rel)));
  sourceHash.update("\0");
}
const source = sourceHash.digest("hex");
const manifestPath = join(outdir, "manifest.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
writeFileSync(manifestPath, JSON.stringify({ ...manifest, source }, null, 1) + "\n");
writeFileSync(
  join(here, "..", "src", "diagram_assets", "render", "page-source.json"),
  JSON.stringify({ excalidraw: excalidrawVersion, mathjax: mathjaxVersion, source, files: sources }, null, 1) + "\n",
);

const size = (result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes / 1e6).toFixed(2);
console.log(`page built: ${outdir} (bundle ${size} MB, ${files.length} files, Excalidraw ${excalidrawVersion})`);
