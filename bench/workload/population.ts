import type { Rng } from './prng.ts';

/** Who spends: each api key belongs to one user (or none: service keys), one team and one org. */
export interface ApiKeyOwner {
  apiKey: string;
  userId: string | null;
  teamId: string;
  orgId: string;
}

export interface Model {
  model: string;
  provider: string;
  /** Price per token in 10^-12 USD (= USD per million tokens × 10^6). */
  promptUnits: number;
  completionUnits: number;
}

/** A handful of models and providers with list prices per million tokens. */
export const MODELS: readonly Model[] = [
  ['gpt-4o-mini', 'openai', 0.15, 0.6],
  ['gpt-4o', 'openai', 2.5, 10],
  ['claude-sonnet-4', 'anthropic', 3, 15],
  ['gemini-2.0-flash', 'vertex_ai', 0.1, 0.4],
  ['claude-3-5-haiku', 'anthropic', 0.8, 4],
  ['llama-3.1-70b-instruct', 'bedrock', 0.72, 0.72],
  ['mistral-large', 'mistral', 2, 6],
  ['text-embedding-3-small', 'openai', 0.02, 0],
].map(([model, provider, p, c]) => ({
  model: model as string,
  provider: provider as string,
  promptUnits: Math.round((p as number) * 1e6),
  completionUnits: Math.round((c as number) * 1e6),
}));

export interface PopulationSize {
  apiKeys: number;
  users: number;
  teams: number;
  orgs: number;
}

/**
 * Keys are 64 hex digits, the hashed form LiteLLM stores (the gateway would hash `sk-` values
 * itself). Users map to one team, teams to one org, so every key has a consistent owner chain.
 */
export function buildKeyOwners(size: PopulationSize, rng: Rng): ApiKeyOwner[] {
  const teamOrg = Array.from({ length: size.teams }, () => `org-${rng.int(size.orgs)}`);
  const userTeam = Array.from({ length: size.users }, () => rng.int(size.teams));
  return Array.from({ length: size.apiKeys }, () => {
    const apiKey = Array.from({ length: 8 }, () => rng.hex8()).join('');
    const user = rng.int(size.users);
    const team = userTeam[user] as number;
    // One key in ten is a service key: owned by a team, no user.
    const serviceKey = rng.chance(0.1);
    return {
      apiKey,
      userId: serviceKey ? null : `user-${user}`,
      teamId: `team-${team}`,
      orgId: teamOrg[team] as string,
    };
  });
}
