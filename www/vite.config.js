// The browser app: `npm start` serves it on 127.0.0.1 with Vite's dev server.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // No CORS: the page is its own origin, and `sync-config.json` holds a token that another local
  // origin (any localhost port, which Vite's default allows) must not read.
  server: { host: "127.0.0.1", port: 5173, cors: false },
  preview: { host: "127.0.0.1", port: 4173 },
  // Pre-bundling would move the package's glue away from the .wasm it loads by relative URL.
  optimizeDeps: { exclude: ["connect-provider"] },
  build: { outDir: fileURLToPath(new URL("../target/www", import.meta.url)), emptyOutDir: true, target: "es2022" },
});
