/** What a redacted value (or the secret part of a text) is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Names whose value is a secret, compared after lower-casing and dropping everything but letters and
 * digits (`X-Api-Key`, `api_key` and `apiKey` are all `apikey`). "Ends with token" catches
 * access_token and x-auth-token but not prompt_tokens or tokenizer.
 */
const SECRET_NAME_PARTS = [
  'password',
  'passwd',
  'secret',
  'credential',
  'privatekey',
  'authorization',
  'cookie',
];
const SECRET_NAME_ENDINGS = ['apikey', 'token', 'accesskey', 'bearer', 'jwt', 'sessionid'];
const SECRET_NAMES = new Set(['auth', 'pwd']);

function isSecretName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    SECRET_NAMES.has(n) ||
    SECRET_NAME_PARTS.some((part) => n.includes(part)) ||
    SECRET_NAME_ENDINGS.some((ending) => n.endsWith(ending))
  );
}

/** A whole value that is an HTTP credential: `Bearer …`, `Basic …`, `Token …`. */
const CREDENTIAL_VALUE = /^\s*(?:bearer|basic|token)\s+\S{8,}\s*$/i;

/**
 * Secrets inside any text: bearer tokens, `sk-` keys (OpenAI, Anthropic, LiteLLM virtual keys), JWTs,
 * this ledger's own query tokens (`slq_`), AWS access key ids, Google API keys, GitHub and Slack
 * tokens. Each match is replaced, the rest of the text kept (an error message stays readable).
 */
const SECRET_SOURCE = [
  String.raw`\bBearer\s+[A-Za-z0-9._~+/=-]{8,}`,
  String.raw`\bsk-[\w.-]{8,}`,
  String.raw`\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*`,
  String.raw`\bslq_[\w-]{16,}`,
  String.raw`\bAKIA[0-9A-Z]{16}\b`,
  String.raw`\bAIza[\w-]{35}`,
  String.raw`\bgh[pousr]_[A-Za-z0-9]{36,}`,
  String.raw`\bxox[abposr]-[\w-]{10,}`,
].join('|');
const SECRET_IN_TEXT = new RegExp(SECRET_SOURCE);
const SECRETS_IN_TEXT = new RegExp(SECRET_SOURCE, 'g');

// No pattern above matches fewer characters than this (`sk-` + 8); most metadata values are shorter.
const SHORTEST_SECRET = 11;

function redactText(text: string): string {
  if (text.length < SHORTEST_SECRET) return text;
  if (CREDENTIAL_VALUE.test(text)) return REDACTED;
  return SECRET_IN_TEXT.test(text) ? text.replace(SECRETS_IN_TEXT, REDACTED) : text;
}

/**
 * What a member name means, cached: the same few dozen names come with every event, and working
 * them out (lower-casing, stripping, a dozen comparisons, the text patterns) cost more than the rest
 * of the redaction. The cache stops growing at MAX_CACHED_NAMES (names are client text).
 */
interface NameInfo {
  secret: boolean;
  safeName: string;
}
const names = new Map<string, NameInfo>();
const MAX_CACHED_NAMES = 10_000;

function nameInfo(name: string): NameInfo {
  let info = names.get(name);
  if (info === undefined) {
    info = { secret: isSecretName(name), safeName: redactText(name) };
    if (names.size < MAX_CACHED_NAMES) names.set(name, info);
  }
  return info;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = redactValue(value[i]);
      if (next !== value[i]) {
        out ??= value.slice();
        out[i] = next;
      }
    }
    return out ?? value;
  }
  return redactObject(value as Record<string, unknown>);
}

function redactObject(object: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(object);
  // Built only from the first member that changes: a clean object costs no allocation but `keys`.
  let entries: Array<[string, unknown]> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i] as string;
    const value = object[name];
    const info = nameInfo(name);
    const safeValue =
      info.secret && (typeof value === 'string' || (typeof value === 'object' && value !== null))
        ? REDACTED
        : redactValue(value);
    if (entries === undefined && (info.safeName !== name || safeValue !== value)) {
      entries = keys.slice(0, i).map((k): [string, unknown] => [k, object[k]]);
    }
    entries?.push([info.safeName, safeValue]);
  }
  // fromEntries defines own properties: a "__proto__" key stays a key and never sets a prototype.
  return entries === undefined ? object : Object.fromEntries(entries);
}

/**
 * Metadata as the ledger stores it: values under secret-looking names (authorization, api_key,
 * token, secret, password, cookie, …) at any depth become "[redacted]" when they are text or
 * containers (numbers, booleans and null are kept: `max_token: 7` is no secret), and secret-looking
 * text anywhere (bearer tokens, sk- keys, JWTs, …), in values and in names, is replaced by
 * "[redacted]". Proxies forward request headers and error messages in metadata; the ledger serves
 * metadata to every reader of /v1/logs. Returns the same object when nothing needed redacting, and
 * is idempotent.
 */
export function redactSecrets(metadata: Record<string, unknown>): Record<string, unknown> {
  return redactObject(metadata);
}
