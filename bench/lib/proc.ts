import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux x86). */
const HZ = 100;

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Peak resident set size of a live process in MB (VmHWM), the honest per-service peak. */
export function readPeakRssMb(pid: number): number | undefined {
  const kb = /VmHWM:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
}

export interface ProcTimes {
  comm: string;
  ppid: number;
  /** User + system CPU seconds of the process itself. */
  cpu: number;
  /** User + system CPU seconds of its reaped children (Postgres backends that already exited). */
  childrenCpu: number;
}

export function readProcTimes(pid: number): ProcTimes | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  // Fields after the command: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3]);
  return { comm, ppid: n(4), cpu: (n(14) + n(15)) / HZ, childrenCpu: (n(16) + n(17)) / HZ };
}

export const listPids = (): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

export const readCmdline = (pid: number): string =>
  (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');

/** Busy and total CPU seconds of the whole machine since boot (/proc/stat). */
export function readMachineCpu(): { busy: number; total: number } {
  const f = (read('/proc/stat') ?? '').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: (total - idle) / HZ, total: total / HZ };
}
