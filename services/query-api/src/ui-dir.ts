import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build:ui` writes the dashboard (git-ignored). This module stays at the top of src/
 * on purpose: bundled (npm run build), import.meta.url is that of dist/main.js, which sits at the
 * same depth under the service as this file, so the relative path holds both from source and
 * compiled.
 */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../ui/dist', import.meta.url));
