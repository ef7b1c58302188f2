/**
 * `npm run build:ui`: bundles the dashboard into dist/ (git-ignored), which the query API serves under
 * /ui. Assets get a content hash in their name (cached for a year); index.html names them and is
 * revalidated on every load. Everything the page needs is in dist/: no third-party origin at run time.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const result = await build({
  entryPoints: [path.join(root, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  metafile: true,
  legalComments: 'linked',
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => `/ui/${path.relative(dist, file)}`);
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
if (!script || !style) throw new Error(`build:ui produced no script or stylesheet: ${outputs.join(', ')}`);

await writeFile(
  path.join(dist, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Spend Ledger</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${style}">
<script type="module" src="${script}"></script>
</head>
<body>
<noscript>The Spend Ledger dashboard needs JavaScript; the API itself is at /docs.</noscript>
<div id="app"></div>
</body>
</html>
`,
);
console.log(`build:ui: ${outputs.filter((f) => !f.endsWith('.map')).join(', ')}`);
