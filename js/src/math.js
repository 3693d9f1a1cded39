// LaTeX formulas of Obsidian drawings, typeset as the Obsidian Excalidraw plugin typesets them:
// MathJax 3 (mathjax-full), TeX input with every package the plugin enables, SVG output whose
// glyphs are paths (fontCache "local": no font file, nothing fetched), turned into the image
// file of the element that carries the formula. Excalidraw then stretches it into that element's
// box, like any image. The plugin leaves the colour to MathJax (`currentColor`, black in an
// image; `\color{…}` in the formula colours it).
import { mathjax } from "mathjax-full/js/mathjax.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { SVG } from "mathjax-full/js/output/svg.js";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { AllPackages } from "mathjax-full/js/input/tex/AllPackages.js";
import { VERSION } from "mathjax-full/js/components/version.js";

export const mathjaxVersion = VERSION;

// The plugin's packages minus the two that hide mistakes: `noerrors` draws a formula that does not
// parse as its source text, `noundefined` draws an unknown command in red. Without them such a
// formula fails, and the renderer warns and draws the missing-image placeholder.
const PACKAGES = AllPackages.filter((p) => p !== "noerrors" && p !== "noundefined");
const SCALE = 4; // what the plugin passes to MathJax (it scales the container, not the SVG)

let adaptor = null;
const setUp = () => {
  if (adaptor) return;
  adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
};

// A fresh MathJax document per drawing: a \newcommand in one drawing never changes another, and
// the same drawing gives the same bytes whatever the page rendered before. `localID: ""` names the
// glyph paths MJX-TEX-… instead of with a page-wide counter (each formula is its own image, so the
// ids cannot collide).
const newDocument = () => {
  setUp();
  const input = new TeX({
    packages: PACKAGES,
    formatError: (_jax, error) => {
      throw error;
    },
  });
  const output = new SVG({ fontCache: "local", localID: "" });
  return mathjax.document("", { InputJax: input, OutputJax: output });
};

const toBase64 = (text) => {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
};

// As the plugin sizes it: a formula narrower than 2ex gets 1ex more width (centred), then width and
// height in ex become ten times as many user units, so the SVG stands alone in an image. Returns
// the SVG text and its size in ex (for the element's aspect ratio).
const sizeLikeThePlugin = (svgText) => {
  const svg = new DOMParser().parseFromString(svgText.replaceAll("&nbsp;", " "), "image/svg+xml")
    .documentElement;
  if (svg.nodeName !== "svg") throw new Error("MathJax gave no SVG");
  const width = svg.width.baseVal;
  const height = svg.height.baseVal;
  if (width.valueInSpecifiedUnits < 2) {
    width.valueAsString = `${(width.valueInSpecifiedUnits + 1).toFixed(3)}ex`;
  }
  const size = { width: width.valueInSpecifiedUnits, height: height.valueInSpecifiedUnits };
  width.valueAsString = (width.valueInSpecifiedUnits * 10).toFixed(3);
  height.valueAsString = (height.valueInSpecifiedUnits * 10).toFixed(3);
  return { svg: svg.outerHTML, ...size };
};

// When the plugin loads a formula it gives the element the image's aspect ratio, keeping the
// element's area and centre (its `scaleLoadedImage`); a drawing saved by an older plugin, or
// resized by hand, is reshaped the same way. Sizes come from the ex values, not from pixels
// measured with the machine's default font, so every machine gives the same shape.
const reshape = (element, size) => {
  const ratio = size.width / size.height;
  const { width: w, height: h } = element;
  if (!(w > 0 && h > 0 && ratio > 0 && Number.isFinite(ratio)) || w / h === ratio) return;
  const height = Math.sqrt((w * h) / ratio);
  const width = Math.sqrt(w * h * ratio);
  element.x += (w - width) / 2;
  element.y += (h - height) / 2;
  element.width = width;
  element.height = height;
};

const errorText = (error) => {
  const message = String(error?.message ?? error).replace(/\s+/g, " ").trim();
  return message || "MathJax could not typeset it";
};

// Typesets each TeX source (without the $$ delimiters) of one drawing, in order, in one document:
// [{svg, width, height}] (size in ex) or [{error}] per formula.
export const typeset = (sources) => {
  const html = newDocument();
  return sources.map((tex) => {
    try {
      const node = html.convert(String(tex), { display: true, scale: SCALE });
      return sizeLikeThePlugin(adaptor.innerHTML(node));
    } catch (error) {
      return { error: errorText(error) };
    }
  });
};

// Adds an image file to `scene.files` for every formula of the scene ({fileId: TeX}) that is not
// there already, and gives the elements showing it its shape; returns {fileId: error} for the
// formulas MathJax cannot typeset.
export const addFormulaFiles = (scene) => {
  const formulas = scene.formulas ?? {};
  const ids = Object.keys(formulas).filter((id) => !scene.files?.[id]);
  const errors = {};
  if (ids.length === 0) return errors;
  scene.files = { ...(scene.files ?? {}) };
  const sizes = new Map();
  typeset(ids.map((id) => formulas[id])).forEach((result, i) => {
    const id = ids[i];
    if (result.error !== undefined) {
      errors[id] = result.error;
      return;
    }
    scene.files[id] = {
      id,
      mimeType: "image/svg+xml",
      dataURL: `data:image/svg+xml;base64,${toBase64(result.svg)}`,
      created: 1,
    };
    sizes.set(id, result);
  });
  for (const element of scene.elements ?? []) {
    const size = element?.type === "image" && !element.isDeleted && sizes.get(element.fileId);
    if (size) reshape(element, size);
  }
  return errors;
};
