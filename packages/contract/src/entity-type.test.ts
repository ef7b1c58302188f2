import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTeamMemberId, teamMemberId } from './entity-type.ts';

describe('teamMemberId', () => {
  it('reads naturally for ordinary ids', () => {
    assert.equal(teamMemberId('research', 'alice'), 'research/alice');
  });

  it('round-trips ids with any characters, separators and escapes included', () => {
    for (const [team, user] of [
      ['a/b', 'c'],
      ['%2F', '/'],
      ['50%', '%25/%2F'],
      ['ü 🚀', '__proto__'],
    ] as const) {
      const id = teamMemberId(team, user);
      assert.equal(id.split('/').length, 2, id);
      assert.deepEqual(parseTeamMemberId(id), { teamId: team, userId: user });
    }
  });

  it('refuses ids that are not a team member id', () => {
    for (const id of ['alice', 'a/b/c', '/alice', 'team/', 'a%2/b', 'a%zz/b']) {
      assert.equal(parseTeamMemberId(id), null, id);
    }
  });
});
