// Vite builds the storefront; Vitest runs its unit tests.
//
// JSX is compiled by Vite's own esbuild step (no React plugin). A production
// build hashes every asset name, keeps scripts and styles in files (the
// Content-Security-Policy allows no inline code) and leaves precompression
// and the size budget to scripts/compress.mjs and scripts/check-build.mjs.
//
// `npm run dev` and `npm run preview` proxy /api to API_ORIGIN when it is set
// (for example the local ALB, http://localhost:8080).
import { defineConfig } from 'vitest/config';

const apiOrigin = process.env['API_ORIGIN'];
const proxy = apiOrigin ? { '/api': { target: apiOrigin, changeOrigin: false } } : undefined;

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: proxy ? { proxy } : {},
  preview: proxy ? { proxy } : {},
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.mjs'],
    environment: 'node',
  },
});
