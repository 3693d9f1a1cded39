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

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, "..", "src", "diagram_assets", "render", "page"));
const pkgDir = join(here, "node_modules", "@excalidraw", "excalidraw");
const excalidrawVersion = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;

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
const cdnPlugin = {
  name: "no-cdn-fallback",
  setup(b) {
    b.onLoad({ filter: /@excalidraw[\\/]excalidraw[\\/]dist[\\/]prod[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const count = source.split(CDN).length - 1;
      if (count === 0) return undefined;
      if (count !== 1) throw new Error(`expected one CDN fallback in ${args.path}, found ${count}`);
      cdnPatched += 1;
      return { contents: source.replace(CDN, "${window.EXCALIDRAW_ASSET_PATH}no-cdn/"), loader: "js" };
    });
  },
};
let cdnPatched = 0;

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
  },
  loader: { ".css": "empty", ".woff2": "empty" },
  plugins: [stubPlugin, cdnPlugin],
  logLevel: "warning",
  metafile: true,
});

if (cdnPatched !== 1) throw new Error(`the CDN fallback was patched ${cdnPatched} times, expected once`);

copyFileSync(join(here, "src", "index.html"), join(outdir, "index.html"));
copyFileSync(join(here, "src", "config.js"), join(outdir, "config.js"));
cpSync(join(pkgDir, "dist", "prod", "fonts"), join(outdir, "fonts"), { recursive: true });

// A manifest of every file the page may load, with a digest of the whole page: the renderer
// serves only these files, and the digest is part of every job's input digest.
const files = [];
const hash = createHash("sha256");
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
  JSON.stringify({ excalidraw: excalidrawVersion, digest: hash.digest("hex"), files }, null, 1) + "\n",
);
const size = (result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes / 1e6).toFixed(2);
console.log(`page built: ${outdir} (bundle ${size} MB, ${files.length} files, Excalidraw ${excalidrawVersion})`);
