import { formatSpend, type SpendEvent } from '@spend-ledger/contract';
import { buildKeyOwners, MODELS } from './population.ts';
import { createRng, type Rng } from './prng.ts';
import { zipfSampler } from './zipf.ts';

export interface WorkloadOptions {
  seed: number;
  /** Events the run expects to draw: timestamps are spread over `days` across this many. */
  expectedEvents: number;
  apiKeys: number;
  endUsers: number;
  tags: number;
  days: number;
  /** Share of events that repeat a recent request_id (client or producer retries). */
  duplicateShare: number;
  failureShare: number;
}

export const DEFAULT_WORKLOAD: Omit<WorkloadOptions, 'expectedEvents'> = {
  seed: 20261126,
  apiKeys: 5_000,
  endUsers: 50_000,
  tags: 300,
  days: 3,
  duplicateShare: 0.02,
  failureShare: 0.03,
};

/** What the ledger must hold after every drawn event was written once. */
export interface WorkloadTotals {
  emitted: number;
  duplicates: number;
  unique: number;
  failures: number;
  /** Exact sum of the unique events' spend, 10^-12 USD. */
  spendUnits: bigint;
}

const START_MS = Date.UTC(2026, 10, 26);
const DAY_MS = 86_400_000;
const RECENT = 1_000;

/**
 * Realistic spend events, seeded and repeatable, already in the contract's normal form (parsing one
 * with SpendEventSchema returns it unchanged), keys in the schema's output order so JSON text is
 * byte-identical to what the gateway produces. Zipf-skewed api keys and end users, 0–3 tags from a
 * few hundred, a handful of models, timestamps moving forward across a few UTC days, spend with 12
 * decimals, a share of failures and a share of retried request_ids.
 */
export class SpendEventGenerator {
  private readonly rng: Rng;
  private readonly owners;
  private readonly pickKey: () => number;
  private readonly pickEndUser: () => number;
  private readonly pickTag: () => number;
  private readonly pickModel: () => number;
  private readonly recent: SpendEvent[] = [];
  private readonly prefix: string;
  private readonly totals: WorkloadTotals = {
    emitted: 0,
    duplicates: 0,
    unique: 0,
    failures: 0,
    spendUnits: 0n,
  };

  constructor(private readonly options: WorkloadOptions) {
    this.rng = createRng(options.seed);
    const popRng = createRng(options.seed ^ 0x5eed);
    this.owners = buildKeyOwners(
      {
        apiKeys: options.apiKeys,
        users: Math.max(1, Math.round(options.apiKeys * 0.6)),
        teams: Math.max(1, Math.round(options.apiKeys / 40)),
        orgs: Math.max(1, Math.round(options.apiKeys / 250)),
      },
      popRng,
    );
    this.pickKey = zipfSampler(options.apiKeys, 1.05, this.rng);
    this.pickEndUser = zipfSampler(options.endUsers, 0.9, this.rng);
    this.pickTag = zipfSampler(options.tags, 1.0, this.rng);
    this.pickModel = zipfSampler(MODELS.length, 1.2, this.rng);
    this.prefix = `chatcmpl-${options.seed.toString(36)}`;
  }

  get stats(): Readonly<WorkloadTotals> {
    return this.totals;
  }

  next(): SpendEvent {
    const t = this.totals;
    t.emitted += 1;
    if (this.recent.length > 0 && this.rng.chance(this.options.duplicateShare)) {
      t.duplicates += 1;
      return this.recent[this.rng.int(this.recent.length)] as SpendEvent;
    }
    const [event, units] = this.fresh(t.unique);
    t.unique += 1;
    if (event.status === 'failure') t.failures += 1;
    t.spendUnits += units;
    if (this.recent.length < RECENT) this.recent.push(event);
    else this.recent[this.rng.int(RECENT)] = event;
    return event;
  }

  /** Draws `n` events into an array. */
  take(n: number): SpendEvent[] {
    return Array.from({ length: n }, () => this.next());
  }

  private fresh(index: number): [SpendEvent, bigint] {
    const { rng } = this;
    const owner = this.owners[this.pickKey()]!;
    const model = MODELS[this.pickModel()]!;
    const spanMs = this.options.days * DAY_MS;
    const startMs =
      START_MS + Math.floor((index / Math.max(1, this.options.expectedEvents)) * spanMs) + rng.int(1_000);
    const failed = rng.chance(this.options.failureShare);
    const promptTokens = 20 + Math.floor(rng.next() ** 2 * 6_000);
    const completionTokens =
      failed || model.completionUnits === 0 ? 0 : 5 + Math.floor(rng.next() ** 3 * 2_000);
    // List price plus sub-cent noise so every one of the 12 decimals is exercised.
    // Below 2^53 (at most ~1.3e11 units), so the number is exact before it becomes a bigint.
    const units = BigInt(
      failed
        ? 0
        : promptTokens * model.promptUnits + completionTokens * model.completionUnits + rng.int(1_000_000),
    );
    const tagCount = rng.int(4);
    const tags = new Set<string>();
    for (let i = 0; i < tagCount; i++) tags.add(`tag-${this.pickTag()}`);
    const event: SpendEvent = {
      // Random prefix (inserts land all over the primary-key index, as real ids do) + unique counter.
      request_id: `${this.prefix}-${rng.hex8()}${rng.hex8()}-${index.toString(36)}`,
      timestamp: new Date(startMs).toISOString(),
      end_time: new Date(startMs + 200 + rng.int(20_000)).toISOString(),
      api_key: owner.apiKey,
      user_id: owner.userId,
      team_id: owner.teamId,
      org_id: owner.orgId,
      end_user_id: rng.chance(0.3) ? null : `eu-${this.pickEndUser()}`,
      tags: [...tags],
      model: model.model,
      model_group: model.model,
      provider: model.provider,
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      spend_source: 'sender',
      spend: formatSpend(units),
      status: failed ? 'failure' : 'success',
      metadata: rng.chance(0.2)
        ? { route: '/chat/completions', cache_hit: false, region: 'eu-west-1' }
        : null,
    };
    return [event, units];
  }
}
