import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitUntil } from '@spend-ledger/testing';
import { stringify } from 'yaml';

const run = promisify(execFile);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

/** `promtool check rules FILE`: its exit code and output. */
export async function promtoolCheckRules(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', ['check', 'rules', file]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

/**
 * A real Prometheus (Debian's package, installed by scripts/ensure-infra.sh) scraping the given
 * ops endpoints every second and evaluating the alert rules, with its data in a temporary folder.
 */
export class PrometheusServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(options: { targets: string[]; ruleFiles: string[] }): Promise<PrometheusServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'spend-ledger-prometheus-'));
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: options.ruleFiles,
        scrape_configs: [{ job_name: 'spend-ledger', static_configs: [{ targets: options.targets }] }],
      }),
    );
    const port = await freePort();
    const child = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4_000);
    });
    const server = new PrometheusServer(child, dir, `http://127.0.0.1:${port}`);
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
        return (await fetch(`${server.url}/-/ready`).catch(() => undefined))?.status === 200 || undefined;
      },
      { description: 'Prometheus to be ready', timeoutMs: 30_000, intervalMs: 200 },
    );
    return server;
  }

  async query(expr: string): Promise<QueryResult> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as QueryResult;
  }

  async rules(): Promise<Array<{ name: string; health: string; lastError?: string }>> {
    const res = (await (await fetch(`${this.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
    };
    return res.data.groups.flatMap((g) => g.rules);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
