import { CONTRACT_VERSION, type SpendEvent } from '@spend-ledger/contract';
import type { OutgoingMessage } from '@spend-ledger/kafka';

/** The message the gateway produces for an event (services/gateway/src/routes/events.ts toMessage). */
export const toMessage = (event: SpendEvent): OutgoingMessage => ({
  key: event.api_key,
  value: JSON.stringify(event),
  headers: { 'contract-version': CONTRACT_VERSION },
});
