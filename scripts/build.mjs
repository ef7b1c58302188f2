// `npm run build`: compiles every entry point to one JavaScript file with esbuild, in about a second.
// Each bundle holds its service's own code and the workspace packages it uses (@spend-ledger/*,
// compiled from their TypeScript sources); every other package stays an import resolved from
// node_modules at run time, so the images need only the production dependencies. Type checking is
// `npm run typecheck` (tsc), not this step: esbuild only strips types.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Workspace → its entry points: src/X.ts (or src/dir/X.ts) becomes dist/X.js. Add a new entry point here.
 */
export const ENTRY_POINTS = {
  'services/gateway': ['main'],
  'services/ledger-writer': ['main'],
  'services/query-api': ['main'],
  // Operator commands: `node packages/ledger-db/dist/cli.js` and the migration step.
  'packages/ledger-db': ['commands/cli', 'migrate-cli'],
};

/** Bundles @spend-ledger/* and relative imports; leaves every other bare import to node_modules. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@spend-ledger/') ? undefined : { path: args.path, external: true },
    );
  },
};

async function buildWorkspace(workspace, entries) {
  const outdir = path.join(ROOT, workspace, 'dist');
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: entries.map((e) => ({ in: path.join(workspace, 'src', `${e}.ts`), out: path.basename(e) })),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Keeps class and function names in stack traces and logs.
    keepNames: true,
    plugins: [externalDependencies],
    logLevel: 'warning',
  });
}

const quiet = process.argv.includes('--quiet');
const started = performance.now();
await Promise.all(Object.entries(ENTRY_POINTS).map(([w, entries]) => buildWorkspace(w, entries)));
if (!quiet)
  console.log(
    `build: ${Object.keys(ENTRY_POINTS).length} workspaces in ${Math.round(performance.now() - started)} ms`,
  );
