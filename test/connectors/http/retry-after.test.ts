import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHttpDate } from '../../../src/connectors/http/http-date.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../src/connectors/http/retry-after.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds as milliseconds, whitespace around it allowed', () => {
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter(' 120 ', now), 120_000);
    assert.equal(parseRetryAfter('007', now), 7000);
  });

  it('reads an HTTP-date as the time left until it; a date in the past is 0', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 12:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Thursday, 01-Jan-26 12:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Thu Jan  1 12:00:05 2026', now), 5000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 11:59:00 GMT', now), 0);
  });

  it('is null when the header is missing or empty, so the caller picks its default', () => {
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
    assert.equal(parseRetryAfter('', now), null);
    assert.equal(parseRetryAfter('   ', now), null);
  });

  it('is null for anything that is neither form: fractions, signs, units, loose dates', () => {
    for (const garbage of ['1.5', '-5', '+5', '5s', '1e3', 'soon', 'garbage 12', '2026-01-01T12:00:05Z']) {
      assert.equal(parseRetryAfter(garbage, now), null, garbage);
    }
  });

  it('caps a huge wait at one day, in either form', () => {
    assert.equal(parseRetryAfter('86400', now), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('99999999999999999999999', now), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now), MAX_RETRY_AFTER_MS);
  });
});

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  it('reads the three forms a recipient must accept, all as GMT', () => {
    const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
    assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), expected);
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), expected);
    assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), expected);
  });

  it('refuses what Date.parse would take but HTTP does not', () => {
    for (const value of ['-5', '1', '2026-01-01', 'Sun, 06 Nov 1994 08:49:37 +0100', 'Sun, 06 Nov 1994']) {
      assert.equal(parseHttpDate(value), null, value);
    }
  });
});
