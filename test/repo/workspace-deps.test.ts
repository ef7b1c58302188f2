import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkWorkspaceDependencies,
  importedSpecifiers,
  packageOf,
} from '../../scripts/check-workspace-deps.ts';

describe('workspace dependencies', () => {
  it('every workspace declares exactly what it imports (fix with npm install X -w <workspace>)', () => {
    assert.deepEqual(checkWorkspaceDependencies(), []);
  });

  it('sees every way a module is loaded, and names the package', () => {
    const text = `
      import type { A } from 'pino';
      import { b } from 'hono/route';
      export { c } from '@scope/pkg/sub';
      import './local.ts';
      const m = await import('drizzle-orm/pg-core');
      const r = createRequire(import.meta.url)('kafkajs/src/x.js');
      const q = require('zod');
      const dir = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json');
      const p = import.meta.resolve('postgres');
      import { readFile } from 'node:fs/promises';`;
    const packages = importedSpecifiers('x.ts', text).map(packageOf).filter(Boolean);
    assert.deepEqual(packages.sort(), [
      '@scope/pkg',
      'drizzle-orm',
      'hono',
      'kafkajs',
      'pino',
      'postgres',
      'swagger-ui-dist',
      'zod',
    ]);
  });

  it('reports undeclared, unused and dev-only dependencies of a workspace', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'deps-check-'));
    try {
      const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      };
      write('package.json', JSON.stringify({ name: 'root', workspaces: ['services/*'] }));
      write(
        'services/a/package.json',
        JSON.stringify({
          name: '@x/a',
          dependencies: { hono: '1', pino: '1' },
          devDependencies: { prettier: '1', undici: '1' },
        }),
      );
      write('services/a/src/main.ts', "import 'hono';\nimport 'zod';\nimport 'undici';\n");
      write('services/a/src/main.test.ts', "import 'node:test';\n");
      const found = checkWorkspaceDependencies(root).map((p) => `${p.problem} ${p.dependency}`);
      assert.deepEqual(found.sort(), [
        'dev-only in production code undici',
        'undeclared zod',
        'unused pino',
        'unused prettier',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
