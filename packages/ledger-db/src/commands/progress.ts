/**
 * Progress of a long operator command (archive, restore), printed to stderr at most once a second:
 * rows and days done, rate, and time left from the rows still to go. stdout stays for results.
 */
export class Progress {
  private rows = 0;
  private days = 0;
  private readonly started = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly label: string,
    private readonly totalDays: number,
    /** Rows expected in all (exact from manifests, estimated from statistics); 0 when unknown. */
    private readonly totalRows: number,
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  addRows(n: number): void {
    this.rows += n;
    if (Date.now() - this.lastPrint >= 1_000) this.print();
  }

  dayDone(): void {
    this.days += 1;
    this.print();
  }

  /** One line: `archive: 3/10 days, 1,234,567 rows, 45,210 rows/s, about 2m10s left`. */
  line(now = Date.now()): string {
    const seconds = Math.max((now - this.started) / 1_000, 0.001);
    const rate = this.rows / seconds;
    let left = 'time left unknown';
    if (this.totalRows > this.rows && rate > 0)
      left = `about ${duration((this.totalRows - this.rows) / rate)} left`;
    else if (this.days > 0 && this.totalDays > this.days)
      left = `about ${duration((seconds / this.days) * (this.totalDays - this.days))} left`;
    else if (this.days >= this.totalDays) left = `done in ${duration(seconds)}`;
    const n = (v: number) => Math.round(v).toLocaleString('en-US');
    return `${this.label}: ${this.days}/${this.totalDays} days, ${n(this.rows)} rows, ${n(rate)} rows/s, ${left}`;
  }

  private print(): void {
    this.lastPrint = Date.now();
    this.write(this.line(this.lastPrint));
  }
}

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}
