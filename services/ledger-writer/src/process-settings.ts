/**
 * How a writer process is started: node flags and glibc malloc settings, which the process cannot
 * set for itself once running. Every launcher uses these (deploy/local/up.sh, docker-compose.yml,
 * deploy/kubernetes, the package's start script, the bench); test/deploy checks the manifests.
 * Why (docs/decisions.md, "Writer memory"): with V8's default 16 MiB semi-spaces the young
 * generation alone is 32 MB of RSS; glibc otherwise keeps the freed multi-MB buffers of each
 * window's statement (postgres.js copies the parameters three times) in its heap instead of
 * returning them.
 */
export const WRITER_NODE_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=4'] as const;

export const WRITER_MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  // Fixed thresholds (setting them turns glibc's dynamic ones off): every buffer of 128 KiB or
  // more is its own mapping, given back to the kernel when freed.
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
} as const;

/** The environment that starts a node process with all of the above (for a launcher in TypeScript). */
export const WRITER_PROCESS_ENV = { NODE_OPTIONS: WRITER_NODE_FLAGS.join(' '), ...WRITER_MALLOC_ENV };

/** The settings above that this process was started without (for a warning at start-up). */
export function missingProcessSettings(
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const flags = WRITER_NODE_FLAGS.filter((f) => !given.some((g) => g.startsWith(f.split('=')[0] as string)));
  const malloc = Object.entries(WRITER_MALLOC_ENV)
    .filter(([name]) => env[name] === undefined)
    .map(([name, value]) => `${name}=${value}`);
  return [...flags, ...malloc];
}
