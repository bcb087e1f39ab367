/**
 * GLTFExporter in Node: it needs a FileReader to turn its Blob into an ArrayBuffer (Node has Blob
 * but no FileReader), so a minimal one is installed when missing.
 */
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';

if (typeof globalThis.FileReader === 'undefined') {
  globalThis.FileReader = class FileReader {
    result = null;
    onloadend = null;
    readAsArrayBuffer(blob) {
      blob.arrayBuffer().then((buf) => {
        this.result = buf;
        this.onloadend?.();
      });
    }
  };
}

/** Scene -> GLB bytes. */
export async function exportGlb(object) {
  const exporter = new GLTFExporter();
  const result = await exporter.parseAsync(object, { binary: true, onlyVisible: true });
  return Buffer.from(result);
}
