import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LOCAL_BROKER_ENV } from '@spend-ledger/testing';
import { readPeakRssMb, readProcTimes } from './proc.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ServiceName = 'gateway' | 'ledger-writer' | 'query-api';

export interface ServiceOptions {
  /** Shown in forwarded log lines, e.g. writer-2. */
  label: string;
  env: Record<string, string>;
  /** Write a V8 CPU profile into this directory when the service exits. */
  cpuProfileDir?: string;
  /** Repository whose compiled service runs (another worktree, for an A/B); this one by default. */
  root?: string;
}

export interface ChildService {
  label: string;
  pid: number;
  url: string;
  /** Its /healthz, /readyz and /metrics (the writer's is `url`). */
  opsUrl: string;
  spawnedAt: number;
  listeningAt: number;
  /** Peak RSS so far in MB (VmHWM); read it before stop(). */
  peakRssMb(): number | undefined;
  cpuSeconds(): number;
  /** SIGTERM (the service's ordered shutdown), SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs a service exactly as production does (`node services/<name>/dist/main.js`, compiled by
 * `npm run bench`; config from the environment) in a child process, so its RSS and CPU are its own.
 * Ops ports are ephemeral. Resolves when the service logged its "listening" line; warnings and
 * errors are forwarded to stderr.
 */
export async function spawnService(name: ServiceName, options: ServiceOptions): Promise<ChildService> {
  const args: string[] = [];
  if (options.cpuProfileDir) args.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  args.push(`services/${name}/dist/main.js`);
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: options.root ?? REPO_ROOT,
    env: {
      ...process.env,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LOG_LEVEL: 'info',
      // The bench runs on the single-node local broker.
      ...LOCAL_BROKER_ENV,
      GATEWAY_OPS_PORT: '0',
      QUERY_OPS_PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const { url, opsUrl } = await waitForListening(child, options.label, exited);
  const pid = child.pid as number;
  return {
    label: options.label,
    pid,
    url,
    opsUrl,
    spawnedAt,
    listeningAt: performance.now(),
    peakRssMb: () => readPeakRssMb(pid),
    cpuSeconds: () => readProcTimes(pid)?.cpu ?? 0,
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForListening(
  child: ChildProcess,
  label: string,
  exited: Promise<number | null>,
): Promise<{ url: string; opsUrl: string }> {
  const tail: string[] = [];
  const forward = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    let entry: { level?: number; msg?: string; url?: string; opsUrl?: string } = {};
    try {
      entry = JSON.parse(line);
    } catch {
      process.stderr.write(`[${label}] ${line}\n`);
      return undefined;
    }
    if ((entry.level ?? 0) >= 40) process.stderr.write(`[${label}] ${line}\n`);
    if (!entry.msg?.endsWith('listening') || !entry.url) return undefined;
    return { url: entry.url, opsUrl: entry.opsUrl ?? entry.url };
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 60 s`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const urls = forward(line);
      if (urls) {
        clearTimeout(timer);
        resolve(urls);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => forward(line));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before listening:\n${tail.join('\n')}`));
    });
  });
}
