import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifySyncFailure } from '../../src/alerts/sync-failure.js';
import { ChangeTrackingExpiredError } from '../../src/connectors/dynamics/dynamics-errors.js';
import { PermanentError, RetryableError } from '../../src/errors.js';

describe('classifying why a sync fails', () => {
  const kind = (error: unknown) => classifySyncFailure(error).kind;
  it('reads the connectors’ error details', () => {
    const entra = (code: string, status = 401) =>
      new PermanentError('x', { service: 'entra-id', status, code });
    assert.equal(kind(entra('AADSTS7000222')), 'dataverse-secret-expired');
    assert.equal(kind(entra('AADSTS7000215')), 'dataverse-credentials');
    assert.equal(kind(entra('AADSTS65001', 400)), 'dataverse-consent');
    assert.equal(kind(new PermanentError('x', { service: 'dataverse', status: 403 })), 'dataverse-consent');
    assert.equal(kind(new PermanentError('x', { service: 'mailplus', status: 401 })), 'mailplus-key');
    assert.equal(kind(new PermanentError('x', { service: 'mailplus', status: 400 })), 'other');
    assert.equal(kind(new RetryableError('x', { service: 'dataverse', status: 503 })), 'other');
    assert.equal(kind(new Error('plain')), 'other');
  });
  it('keeps the class name, never the message', () => {
    const failure = classifySyncFailure(new ChangeTrackingExpiredError('quoted test1@example.invalid'));
    assert.deepEqual(failure, { kind: 'other', errorClass: 'ChangeTrackingExpiredError' });
  });
});
