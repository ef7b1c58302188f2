import { listPids, readCmdline, readMachineCpu, readProcTimes } from './proc.ts';

export type CpuSnapshot = Record<string, number>;

/**
 * CPU seconds consumed so far by: the named service processes, all of Postgres (live processes
 * plus backends already reaped by the postmaster), the Kafka broker, this bench process, and the
 * whole machine. Two snapshots give who used the two cores during a run. Postgres and the broker
 * are shared, so other engineers' work shows up there too. With `postmasterPid`, also the whole
 * cluster the bench db lives on (exact when that cluster is private to the bench, e.g. a
 * BENCH_DATABASE_SERVER on its own port: server settings move CPU into the checkpointer and the WAL
 * writer, which the per-database figure does not see).
 */
export function snapshotCpu(
  services: Record<string, readonly number[]>,
  databases: readonly string[] = [],
  postmasterPid?: number,
): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [name, pids] of Object.entries(services)) {
    out[name] = pids.reduce((sum, pid) => sum + (readProcTimes(pid)?.cpu ?? 0), 0);
  }
  let postgres = 0;
  let ours = 0;
  let server = 0;
  let kafka = 0;
  for (const pid of listPids()) {
    const t = readProcTimes(pid);
    if (!t) continue;
    if (t.comm === 'postgres') {
      postgres += t.cpu;
      const parent = readProcTimes(t.ppid);
      if (parent?.comm !== 'postgres') postgres += t.childrenCpu;
      // The whole cluster the bench db lives on: its backends, checkpointer, WAL writer, background
      // writer and autovacuum, plus the backends it already reaped (the postmaster's children time).
      if (pid === postmasterPid) server += t.cpu + t.childrenCpu;
      else if (postmasterPid !== undefined && t.ppid === postmasterPid) server += t.cpu;
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
    ...(postmasterPid === undefined ? {} : { 'postgres (its server)': server }),
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
    .filter(
      ([k]) => !['machine busy', 'machine total', 'postgres (bench db)', 'postgres (its server)'].includes(k),
    )
    .reduce((n, [, v]) => n + v, 0);
  d.others = Math.round(((d['machine busy'] ?? 0) - known) * 10) / 10;
  return d;
}
