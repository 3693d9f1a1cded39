// Runs before the bundle: Excalidraw reads these globals when it loads fonts and embeds scenes.
window.EXCALIDRAW_ASSET_PATH = location.origin + "/";
window.EXCALIDRAW_EXPORT_SOURCE = "https://github.com/diagram-assets/diagrams";
