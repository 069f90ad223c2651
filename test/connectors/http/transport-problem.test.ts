import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackHost } from '../../../src/connectors/http/is-loopback-host.js';
import { transportProblem } from '../../../src/connectors/http/transport-problem.js';

const problem = (url: string, allowInsecureLoopback = false) =>
  transportProblem('x.baseUrl', new URL(url), allowInsecureLoopback);

describe('transportProblem', () => {
  it('accepts https anywhere', () => {
    assert.equal(problem('https://example.test/'), null);
    assert.equal(problem('https://127.0.0.1/'), null);
  });

  it('accepts plain http only to a loopback host, and only when allowed', () => {
    for (const url of [
      'http://127.0.0.1:1/',
      'http://127.9.8.7/',
      'http://localhost:1/',
      'http://[::1]:1/',
    ]) {
      assert.equal(problem(url, true), null, url);
      assert.match(
        problem(url)!,
        /^x\.baseUrl .*only for a loopback host and only if you set allowInsecureLoopback/,
      );
    }
  });

  it('refuses plain http to any other host even when allowed, and other schemes', () => {
    assert.match(
      problem('http://10.0.0.1/', true)!,
      /^x\.baseUrl must use https:\/\/; only https:\/\/ is allowed/,
    );
    assert.match(problem('http://127.example.test/', true)!, /must use https/);
    assert.match(problem('ftp://127.0.0.1/', true)!, /must use https:\/\/, got ftp:/);
  });
});

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 (with or without brackets) and localhost, in any case', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      assert.equal(isLoopbackHost(host), true, host);
    }
    for (const host of ['128.0.0.1', '10.0.0.1', '::2', 'localhost.example.test', '127.0.0', '0.0.0.0']) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });
});
