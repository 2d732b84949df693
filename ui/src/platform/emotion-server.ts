// Stands in for `@emotion/server/create-instance` (see vite.config.ts): same
// shape, and a clear error should anything ever try to render on a server.
function serverRenderingUnavailable(): never {
  throw new Error(
    "Atlas Access Manager renders only in its window; server-side rendering is not available.",
  );
}

export default function createEmotionServer() {
  return {
    extractCritical: serverRenderingUnavailable,
    extractCriticalToChunks: serverRenderingUnavailable,
    renderStylesToString: serverRenderingUnavailable,
    renderStylesToNodeStream: serverRenderingUnavailable,
    constructStyleTagsFromChunks: serverRenderingUnavailable,
  };
}
