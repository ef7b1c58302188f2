import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { waitUntil } from '@spend-ledger/testing';
import { REPO_ROOT } from './fault-env.ts';

export type ServiceName = 'gateway' | 'ledger-writer' | 'query-api';

/**
 * One service as a child process, exactly as production runs it (node services/<name>/dist/main.js,
 * built by test-fault.sh), so the suite can SIGKILL it. Its JSON log goes to .local/fault-logs/<label>.log for post-mortems.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  readonly logFile: string;

  constructor(
    readonly service: ServiceName,
    readonly label: string,
    private readonly env: Record<string, string>,
    readonly port: number,
    /** Where /healthz and /readyz answer; the writer's one port is its ops port. */
    readonly opsPort = port,
  ) {
    mkdirSync(`${REPO_ROOT}.local/fault-logs`, { recursive: true });
    this.logFile = `${REPO_ROOT}.local/fault-logs/${label}.log`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get opsUrl(): string {
    return `http://127.0.0.1:${this.opsPort}`;
  }

  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [`services/${this.service}/dist/main.js`], {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    const child = this.child;
    await waitUntil(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${this.label} exited with ${child.exitCode}; see ${this.logFile}`);
        const res = await fetch(`${this.opsUrl}/healthz`).catch(() => undefined);
        return res?.status === 200 || undefined;
      },
      { description: `${this.label} to listen`, timeoutMs: 60_000, intervalMs: 100 },
    ).catch((error) => {
      if (child.exitCode !== null)
        throw new Error(`${this.label} exited with ${child.exitCode}; see ${this.logFile}`);
      throw error;
    });
  }

  /** Waits until /readyz answers 200 (consumer joined, dependencies reachable). */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      async () => (await fetch(`${this.opsUrl}/readyz`).catch(() => undefined))?.status === 200 || undefined,
      {
        description: `${this.label} to be ready`,
        timeoutMs,
      },
    );
  }

  /** Started and not exited. */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** One line for a failure report: state and the last lines of the log. */
  describe(lines = 12): string {
    const state = this.alive
      ? 'running'
      : `exited (code ${this.child?.exitCode ?? '-'}, signal ${this.child?.signalCode ?? '-'})`;
    let tail = '';
    try {
      tail = readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n    ');
    } catch {}
    return `${this.label}: ${state}; ${this.logFile}:\n    ${tail}`;
  }

  /** SIGKILL: no shutdown code runs, exactly like a crashed pod or an OOM kill. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /**
   * SIGTERM and wait for the ordered shutdown to finish; SIGKILL after `graceMs`, so a hung service
   * cannot hold the suite (and CI) open.
   */
  async stop(graceMs = 30_000): Promise<number | null> {
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    try {
      return await this.signal('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }

  private async signal(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}
