import { listPids, readCmdline, readMachineCpu, readProcTimes } from './proc.ts';

export type CpuSnapshot = Record<string, number>;

/**
 * CPU seconds consumed so far by: the named service processes, all of Postgres (live processes
 * plus backends already reaped by the postmaster), the Kafka broker, this bench process, and the
 * whole machine. Two snapshots give who used the two cores during a run. Postgres and the broker
 * are shared, so other engineers' work shows up there too.
 */
export function snapshotCpu(
  services: Record<string, readonly number[]>,
  databases: readonly string[] = [],
): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [name, pids] of Object.entries(services)) {
    out[name] = pids.reduce((sum, pid) => sum + (readProcTimes(pid)?.cpu ?? 0), 0);
  }
  let postgres = 0;
  let ours = 0;
  let kafka = 0;
  for (const pid of listPids()) {
    const t = readProcTimes(pid);
    if (!t) continue;
    if (t.comm === 'postgres') {
      postgres += t.cpu;
      const parent = readProcTimes(t.ppid);
      if (parent?.comm !== 'postgres') postgres += t.childrenCpu;
      // Backends show "postgres: 15/main: <user> <database> <client> <state>".
      const words = readCmdline(pid).split(' ');
      if (databases.some((db) => words.includes(db))) ours += t.cpu;
    } else if (t.comm === 'java' && readCmdline(pid).split(' ').includes('kafka.Kafka')) kafka += t.cpu;
  }
  const self = readProcTimes(process.pid);
  const machine = readMachineCpu();
  return {
    ...out,
    postgres,
    'postgres (bench db)': ours,
    kafka,
    bench: self?.cpu ?? 0,
    'machine busy': machine.busy,
    'machine total': machine.total,
  };
}

/**
 * CPU seconds per process group between two snapshots. `others` is what the machine spent on
 * anything but our services, the broker, Postgres as a whole and this process: other engineers'
 * work, which makes absolute figures noisy.
 */
export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const d: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) d[k] = Math.round((v - (before[k] ?? 0)) * 10) / 10;
  const known = Object.entries(d)
    .filter(([k]) => !['machine busy', 'machine total', 'postgres (bench db)'].includes(k))
    .reduce((n, [, v]) => n + v, 0);
  d.others = Math.round(((d['machine busy'] ?? 0) - known) * 10) / 10;
  return d;
}
