/**
 * Every workspace declares exactly what it imports: `npm run check:deps` (and the test
 * test/repo/workspace-deps.test.ts) lists
 *   - packages a workspace's src/ imports without declaring them (it works today only because npm
 *     hoists another workspace's dependency, and breaks in an image built from the lockfile);
 *   - dependencies declared but imported nowhere (they bloat every image);
 *   - production code importing a package declared only in devDependencies (missing from the images).
 * Test files (*.test.ts) and files outside src/ (build scripts, the dashboard's ui/ bundled at build
 * time) may import devDependencies. The root (test/, bench/, scripts/) must declare
 * what it imports in its devDependencies; it may use the workspace packages undeclared and keep
 * tools it never imports (biome, tsc, tsx, drizzle-kit).
 * Fix: `npm install X -w <workspace>` (or `npm uninstall X -w <workspace>`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface DependencyProblem {
  workspace: string;
  problem: 'undeclared' | 'unused' | 'dev-only in production code';
  dependency: string;
  /** A file that imports it (for undeclared and dev-only). */
  file?: string;
}

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/** The package a module specifier names: `hono/route` → hono, `@scope/x/y` → @scope/x. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Module specifiers a source file loads: static imports and re-exports (type-only included: the
 * package must be installed for tsc), `import()`, `require()`, `createRequire(...)('x')` and the
 * `resolve('x')` of require, createRequire(...) and import.meta (a file read from the package).
 */
export function importedSpecifiers(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const [arg] = node.arguments;
      const callee = node.expression;
      // require.resolve('x'), createRequire(...).resolve('x'), import.meta.resolve('x'): a file of x.
      const resolves =
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'resolve' &&
        ((ts.isIdentifier(callee.expression) && callee.expression.text === 'require') ||
          ts.isCallExpression(callee.expression) ||
          ts.isMetaProperty(callee.expression));
      const loads =
        callee.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(callee) && callee.text === 'require') ||
        ts.isCallExpression(callee) || // createRequire(import.meta.url)('x')
        resolves;
      if (loads && arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string, skip: (name: string) => boolean = () => false): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || skip(name)) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full, skip);
    return /\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

const isTestFile = (file: string) => /\.test\.[mc]?[jt]s$/.test(file);

export function workspaceDirs(root = ROOT): string[] {
  const patterns = readJson(path.join(root, 'package.json')).workspaces ?? [];
  return patterns.flatMap((pattern) => {
    const base = pattern.replace(/\/\*$/, '');
    return readdirSync(path.join(root, base))
      .map((name) => `${base}/${name}`)
      .filter((dir) => {
        try {
          return statSync(path.join(root, dir, 'package.json')).isFile();
        } catch {
          return false;
        }
      });
  });
}

/**
 * Imports of a workspace's files, by package, split into production code (src/, tests excepted)
 * and development code (tests, build scripts, sources bundled at build time such as the dashboard's
 * ui/), which may use devDependencies.
 */
function importsOf(files: string[], root: string, isProduction: (file: string) => boolean) {
  const production = new Map<string, string>();
  const tests = new Map<string, string>();
  for (const file of files) {
    const target = isProduction(file) ? production : tests;
    for (const spec of importedSpecifiers(file)) {
      const pkg = packageOf(spec);
      if (pkg && !target.has(pkg)) target.set(pkg, path.relative(root, file));
    }
  }
  return { production, tests };
}

export function checkWorkspaceDependencies(root = ROOT): DependencyProblem[] {
  const problems: DependencyProblem[] = [];
  const workspaceNames = new Set<string>();
  for (const dir of workspaceDirs(root)) {
    const pkg = readJson(path.join(root, dir, 'package.json'));
    workspaceNames.add(pkg.name);
    const deps = new Set(Object.keys(pkg.dependencies ?? {}));
    const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
    const srcDir = path.join(root, dir, 'src') + path.sep;
    const { production, tests } = importsOf(
      sourceFiles(path.join(root, dir)),
      root,
      (file) => file.startsWith(srcDir) && !isTestFile(file),
    );
    for (const [dep, file] of production) {
      if (dep === pkg.name || deps.has(dep)) continue;
      problems.push({
        workspace: dir,
        problem: devDeps.has(dep) ? 'dev-only in production code' : 'undeclared',
        dependency: dep,
        file,
      });
    }
    for (const [dep, file] of tests) {
      if (dep === pkg.name || deps.has(dep) || devDeps.has(dep)) continue;
      problems.push({ workspace: dir, problem: 'undeclared', dependency: dep, file });
    }
    for (const dep of deps) {
      if (!production.has(dep) && !dep.startsWith('@types/'))
        problems.push({ workspace: dir, problem: 'unused', dependency: dep });
    }
    for (const dep of devDeps) {
      if (!tests.has(dep) && !production.has(dep) && !dep.startsWith('@types/'))
        problems.push({ workspace: dir, problem: 'unused', dependency: dep });
    }
  }

  // The root: tests, benchmarks and scripts, all development code.
  const rootPkg = readJson(path.join(root, 'package.json'));
  const rootDeclared = new Set([
    ...Object.keys(rootPkg.dependencies ?? {}),
    ...Object.keys(rootPkg.devDependencies ?? {}),
  ]);
  const rootFiles = ['test', 'bench', 'scripts'].flatMap((d) => sourceFiles(path.join(root, d)));
  // Top-level files only (drizzle.config.ts); the workspaces were checked above.
  const topLevel = readdirSync(root).map((name) => path.join(root, name));
  rootFiles.push(...topLevel.filter((f) => /\.(ts|mts|mjs)$/.test(f) && statSync(f).isFile()));
  const rootImports = importsOf(rootFiles, root, () => false);
  const rootUses = new Map([...rootImports.tests, ...rootImports.production]);
  for (const [dep, file] of rootUses) {
    if (workspaceNames.has(dep) || rootDeclared.has(dep)) continue;
    problems.push({ workspace: '(root)', problem: 'undeclared', dependency: dep, file });
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const problems = checkWorkspaceDependencies();
  for (const p of problems) {
    console.log(`${p.workspace}: ${p.problem} ${p.dependency}${p.file ? ` (${p.file})` : ''}`);
  }
  if (problems.length) process.exit(1);
  console.log('check:deps: every workspace declares exactly what it imports');
}
