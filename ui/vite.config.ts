/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // Tauri serves the built files itself; relative paths keep them loadable.
  base: "./",
  clearScreen: false,
  resolve: {
    alias: {
      // LeafyGreen's emotion package builds an @emotion/server instance at
      // import time; that package needs Node's streams and Buffer and throws
      // in a webview. The app never renders on a server, so it gets a
      // browser-safe replacement.
      "@emotion/server/create-instance": fileURLToPath(
        new URL("./src/platform/emotion-server.ts", import.meta.url),
      ),
    },
  },
  build: {
    outDir: "dist",
    target: "es2021",
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/devtoolsHook.ts", "./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
