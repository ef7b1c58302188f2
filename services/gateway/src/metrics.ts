import { Counter, Histogram, type Registry } from '@spend-ledger/platform';

export interface GatewayMetrics {
  eventsAccepted: Counter;
  eventsRejected: Counter;
  publishFailures: Counter;
  publishSeconds: Histogram;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** Events that arrived without a cost, by how they were priced (price-map, price-override, unpriced). */
  eventsPriced: Counter<'source'>;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  return {
    eventsAccepted: new Counter({
      name: 'gateway_events_accepted_total',
      help: 'Events acknowledged by Kafka and answered 202',
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: 'gateway_events_rejected_total',
      help: 'Events in batches refused for validation errors',
      registers: [registry],
    }),
    publishFailures: new Counter({
      name: 'gateway_publish_failures_total',
      help: 'Requests answered 503 because Kafka did not acknowledge',
      registers: [registry],
    }),
    publishSeconds: new Histogram({
      name: 'gateway_publish_seconds',
      help: 'Time from publish to Kafka acknowledgement (acks=all)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    eventsPriced: new Counter({
      name: 'gateway_events_priced_total',
      help: 'Events that arrived without a cost, by source of the price; source="unpriced" were counted at 0',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
}
