import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const outDir = resolve(import.meta.dirname, 'dist');

/**
 * Vite empties dist/ before every build, which would delete the committed
 * dist/.keep that lets `go build ./...` embed the directory on a fresh clone.
 * This plugin puts the (empty) placeholder back once the bundle is written.
 */
function keepDistPlaceholder(): Plugin {
  return {
    name: 'ideenmarkt-keep-dist-placeholder',
    apply: 'build',
    closeBundle() {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(resolve(outDir, '.keep'), '');
    },
  };
}

// The Go server (`bin/ideenmarkt serve`, default :8080) answers /api; in
// development Vite serves the app and forwards API calls to it.
const apiTarget = process.env.IDEENMARKT_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte(), keepDistPlaceholder()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      // ws: the live channel (/api/v1/live) is a websocket.
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
      '/readyz': { target: apiTarget },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
