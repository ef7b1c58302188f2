import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { aSpendEvent, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { parse } from 'yaml';
import { type Pipeline, QUERY_TOKEN, startPipeline } from '../integration/support/pipeline.ts';
import { PrometheusServer, promtoolCheckRules } from './support/prometheus-server.ts';
import { REPO_ROOT } from './support/services.ts';

const ALERTS_FILE = `${REPO_ROOT}deploy/prometheus/alerts.yaml`;

/** Labels Prometheus adds to every scraped series (target labels), usable in any expression. */
const TARGET_LABELS = new Set(['job', 'instance', 'pod', 'namespace', 'container']);

interface Expression {
  where: string;
  expr: string;
}

/** Every PromQL expression of the Grafana dashboard and the alert rules. */
function deployedExpressions(): Expression[] {
  const dashboard = JSON.parse(readFileSync(`${REPO_ROOT}deploy/grafana/spend-ledger.json`, 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  };
  const rules = parse(readFileSync(ALERTS_FILE, 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
  };
  return [
    ...dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })),
    ),
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
  ];
}

interface Selectors {
  /** Metric name → label names matched in its selectors. */
  metrics: Map<string, Set<string>>;
  /** Labels named in by/without/on/ignoring clauses. */
  grouping: Set<string>;
}

/** Parses with the PromQL grammar (strict: a syntax error throws) and collects what it selects. */
function selectorsOf(expr: string): Selectors {
  const tree = parser.configure({ strict: true }).parse(expr);
  const metrics = new Map<string, Set<string>>();
  const grouping = new Set<string>();
  const text = (from: number, to: number) => expr.slice(from, to);
  tree.iterate({
    enter: (node) => {
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        assert.ok(id, `a selector without a metric name in ${expr}`);
        const labels = metrics.get(text(id.from, id.to)) ?? new Set<string>();
        for (const m of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
          const name = m.getChild('LabelName');
          if (name) labels.add(text(name.from, name.to));
        }
        metrics.set(text(id.from, id.to), labels);
      }
      if (node.name === 'GroupingLabels') {
        for (const l of node.node.getChildren('LabelName')) grouping.add(text(l.from, l.to));
      }
    },
  });
  return { metrics, grouping };
}

/** Series names and their label names, from Prometheus text exposition. */
function exposedSeries(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  const add = (name: string, labels: string[] = []) => {
    const set = series.get(name) ?? new Set<string>();
    for (const l of labels) set.add(l);
    series.set(name, set);
  };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      if (kind === 'histogram' || kind === 'summary') {
        for (const suffix of ['_sum', '_count', ...(kind === 'histogram' ? ['_bucket'] : [])])
          add(name + suffix);
      } else add(name);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s/.exec(line);
    if (sample)
      add(
        sample[1] as string,
        [...(sample[2] ?? '').matchAll(/([a-zA-Z_]\w*)="/g)].map((m) => m[1] as string),
      );
  }
  return series;
}

describe('dashboard and alert rules use metrics the services register', () => {
  let p: Pipeline;
  let prometheus: PrometheusServer | undefined;
  let exposed: Map<string, Set<string>>;
  before(async () => {
    p = await startPipeline({ partitions: 2 });
    // Traffic, so that labelled series (route, status, partition) exist.
    assert.equal((await p.post(aSpendEvent({ request_id: `metrics-${uniqueSuffix()}` }))).status, 202);
    assert.equal((await p.post([{ bad: true }])).status, 400);
    await p.waitForLagZero();
    await fetch(`${p.query.url}/v1/spend/team/t1`, { headers: { authorization: `Bearer ${QUERY_TOKEN}` } });
    await fetch(`${p.writers[0]!.opsUrl}/lag`);
    exposed = new Map();
    for (const url of [p.gateway.opsUrl, p.writers[0]!.opsUrl, p.query.opsUrl]) {
      for (const [name, labels] of exposedSeries(await (await fetch(`${url}/metrics`)).text())) {
        exposed.set(name, new Set([...(exposed.get(name) ?? []), ...labels]));
      }
    }
  });
  after(async () => {
    await prometheus?.stop();
    await p?.stop();
  });

  it('finds the expressions and exposed series it compares', () => {
    const expressions = deployedExpressions();
    assert.ok(expressions.length >= 20, `${expressions.length} expressions`);
    assert.ok(exposed.has('writer_consumer_lag_messages'));
    assert.ok(exposed.get('query_http_request_duration_seconds_bucket')?.has('route'));
    // The checks below can fail: an unknown metric and a syntax error are caught.
    assert.throws(() => selectorsOf('sum(rate(gateway_events_accepted_total[5m])'));
    assert.ok(!exposed.has('gateway_events_accepted'));
  });

  it('every expression parses, and names only registered metrics and their labels', () => {
    const problems: string[] = [];
    for (const { where, expr } of deployedExpressions()) {
      let selectors: Selectors;
      try {
        selectors = selectorsOf(expr);
      } catch (error) {
        problems.push(`${where}: does not parse: ${(error as Error).message}`);
        continue;
      }
      const usable = new Set(TARGET_LABELS);
      for (const [metric, labels] of selectors.metrics) {
        const known = exposed.get(metric);
        if (!known) {
          problems.push(`${where}: ${metric} is not registered by any service`);
          continue;
        }
        for (const l of known) usable.add(l);
        for (const l of labels) {
          if (!known.has(l) && !TARGET_LABELS.has(l)) problems.push(`${where}: ${metric} has no label ${l}`);
        }
      }
      for (const l of selectors.grouping) {
        if (!usable.has(l)) problems.push(`${where}: groups by ${l}, which none of its metrics has`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('follows Prometheus naming: counters end in _total, durations in _seconds, sizes in _bytes', () => {
    const ours = [...exposed.keys()].filter((n) => /^(gateway|writer|query)_/.test(n));
    assert.ok(ours.length >= 10);
    for (const name of ours) {
      assert.match(name, /^[a-z][a-z0-9_]*$/, name);
      assert.doesNotMatch(name, /_(ms|milliseconds|kb|mb)(_|$)/, `${name}: base units only`);
      assert.doesNotMatch(name, /_count_total$|_total_total$/, name);
    }
  });

  it('gives every alert a duration or an increase window, a severity and a summary', () => {
    const rules = parse(readFileSync(`${REPO_ROOT}deploy/prometheus/alerts.yaml`, 'utf8')) as {
      groups: Array<{
        rules: Array<{
          alert: string;
          expr: string;
          labels?: { severity?: string };
          annotations?: { summary?: string };
        }>;
      }>;
    };
    const alerts = rules.groups.flatMap((g) => g.rules);
    assert.ok(alerts.length >= 6);
    for (const r of alerts) {
      assert.match(r.alert, /^SpendLedger[A-Z]\w+$/);
      assert.ok(['warning', 'critical'].includes(r.labels?.severity ?? ''), `${r.alert} severity`);
      assert.ok(r.annotations?.summary, `${r.alert} summary`);
    }
  });

  it('promtool accepts the alert rules', async () => {
    const { ok, output } = await promtoolCheckRules(ALERTS_FILE);
    assert.ok(ok, output);
    assert.match(output, /SUCCESS/);
  });

  it('a real Prometheus scraping the services evaluates every expression, with series after traffic', async () => {
    const targets = [p.gateway.opsUrl, p.writers[0]!.opsUrl, p.query.opsUrl].map((u) => new URL(u).host);
    prometheus = await PrometheusServer.start({ targets, ruleFiles: [ALERTS_FILE] });
    const server = prometheus;
    // Three targets up, each scraped at least three times: enough samples for rate() and deriv().
    await waitUntil(
      async () => {
        const r = await server.query('min(count_over_time(up[1m])) >= 3 and count(up == 1) == 3');
        return (r.data?.result.length ?? 0) > 0 || undefined;
      },
      { description: 'Prometheus to scrape the three services', timeoutMs: 60_000, intervalMs: 500 },
    );
    const problems: string[] = [];
    for (const { where, expr } of deployedExpressions()) {
      const r = await server.query(expr);
      if (r.status !== 'success') {
        problems.push(`${where}: ${r.error}`);
        continue;
      }
      // Alerts select only what is wrong, and nothing is; 5xx series need a 5xx. Everything else on
      // the dashboard shows data once traffic has flowed.
      const mayBeEmpty = where.startsWith('alert') || /status=~"5\.\."/.test(expr);
      if (!mayBeEmpty && r.data?.result.length === 0) problems.push(`${where}: no series for ${expr}`);
    }
    assert.deepEqual(problems, []);
    // The 5xx panels read series that exist (only their 5xx subset is empty).
    for (const metric of ['gateway_http_requests_total', 'query_http_request_duration_seconds_count']) {
      assert.ok(((await server.query(metric)).data?.result.length ?? 0) > 0, metric);
    }
    // Prometheus loaded the rule file and evaluates every rule without error.
    const rules = await waitUntil(
      async () => {
        const loaded = await server.rules();
        return loaded.length > 0 && loaded.every((r) => r.health !== 'unknown') ? loaded : undefined;
      },
      { description: 'the alert rules to be evaluated', timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.deepEqual(
      rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`),
      [],
    );
    assert.equal(rules.length, deployedExpressions().filter((e) => e.where.startsWith('alert')).length);
  });
});
