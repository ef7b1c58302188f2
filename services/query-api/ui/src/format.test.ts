import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCount, formatMoney } from './format.ts';

describe('dashboard number formats', () => {
  it('shows money to cents in the locale, rounding the exact decimal', () => {
    assert.equal(formatMoney('1234.565000000000', 'en-US'), '$1,234.57');
    assert.equal(formatMoney('0.004999999999', 'en-US'), '$0.00');
    assert.equal(formatMoney('1234.5', 'de-DE'), '1.234,50\u00a0$');
  });

  it('groups counts as the locale does', () => {
    assert.equal(formatCount(1234567, 'en-US'), '1,234,567');
    assert.equal(formatCount(1234567, 'fr-FR'), '1\u202f234\u202f567');
  });
});
