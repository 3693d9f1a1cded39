// Runs before the bundle: Excalidraw reads these globals when it loads fonts and embeds scenes.
window.EXCALIDRAW_ASSET_PATH = location.origin + "/";
window.EXCALIDRAW_EXPORT_SOURCE = "https://github.com/diagram-assets/diagrams";
// Every load the page's Content-Security-Policy refuses is recorded; the renderer fails the
// render that caused a refused network load.
window.__diagramsViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__diagramsViolations.push({
    uri: String(event.blockedURI || ""),
    directive: String(event.effectiveDirective || event.violatedDirective || ""),
  });
});
// How SVG exports embed fonts (see subset.js): the renderer may ask for another way in the page's
// query string; benchmarks use it to compare them in one run.
window.DIAGRAMS_FONT_SUBSET = new URLSearchParams(location.search).get("subset") || "cached";
