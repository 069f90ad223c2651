import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OAuth from 'oauth-1.0a';
import {
  hmacSha1Signature,
  normalizeParameters,
  parseAuthorizationHeader,
  percentEncode,
  signatureBaseString,
  signRequest,
} from '../../../src/connectors/mailplus/oauth1.js';

// RFC 5849 §3.1 / §3.4.1.1: the documented request, its protocol parameters and form body `c2&a3=2+q`.
const RFC_URL = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
const RFC_OAUTH: Array<[string, string]> = [
  ['oauth_consumer_key', '9djdj82h48djs9d2'],
  ['oauth_token', 'kkk9d7dh3k39sjv7'],
  ['oauth_signature_method', 'HMAC-SHA1'],
  ['oauth_timestamp', '137131201'],
  ['oauth_nonce', '7d8f3e4a'],
];
const RFC_BODY: Array<[string, string]> = [...new URLSearchParams('c2&a3=2+q')];
// The base string exactly as published in RFC 5849 §3.4.1.1.
const RFC_BASE_STRING =
  'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D' +
  '%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26' +
  'oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7';

describe('RFC 5849 signing', () => {
  it('builds the §3.4.1.1 signature base string byte for byte', () => {
    const base = signatureBaseString({
      method: 'post',
      url: RFC_URL,
      oauthParameters: RFC_OAUTH,
      bodyParameters: RFC_BODY,
    });
    assert.equal(base, RFC_BASE_STRING);
  });

  it('normalises parameters as §3.4.1.3.2 shows (duplicates sorted by value, empty values kept)', () => {
    const pairs = [...new URLSearchParams(RFC_URL.search), ...RFC_OAUTH, ...RFC_BODY];
    assert.equal(
      normalizeParameters(pairs),
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&' +
        'oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&' +
        'oauth_token=kkk9d7dh3k39sjv7',
    );
  });

  it('signs the §3.1 request as corrected by RFC Errata 2550 (secrets j49sk3j29djd / dh893hdasih9)', () => {
    // The RFC prints bYT5CMsGcbgUdFHObYMEfcx6bsw= without giving the secrets; the erratum supplies them
    // and the signature below, which independent implementations reproduce.
    assert.equal(
      hmacSha1Signature(RFC_BASE_STRING, 'j49sk3j29djd', 'dh893hdasih9'),
      'r6/TJjbCOr97/+UU0NsvSne7s5g=',
    );
  });

  it('reproduces the §1.2 photos request signature MdpQcU8iPSUjWoN/UDMsK2sui9I=', () => {
    const signed = signRequest({
      method: 'GET',
      url: new URL('http://photos.example.net/photos?file=vacation.jpg&size=original'),
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'kd94hf93k423kf44',
      token: { key: 'nnch734d00sl2jdk', secret: 'pfkkdhi9sl3r4s00' },
      timestamp: 137131202,
      nonce: 'chapoH',
      includeVersion: false,
    });
    assert.equal(signed.signature, 'MdpQcU8iPSUjWoN/UDMsK2sui9I=');
    assert.match(signed.authorization, /oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"/);
  });

  it("shows why the oauth-1.0a package's own normaliser is not used", () => {
    const library = new OAuth({
      consumer: { key: 'k', secret: 's' },
      signature_method: 'HMAC-SHA1',
      hash_function: () => '',
    });
    const oauthData = Object.fromEntries(RFC_OAUTH) as unknown as OAuth.Data;
    const theirs = library.getBaseString(
      { method: 'POST', url: RFC_URL.href, data: Object.fromEntries(RFC_BODY) },
      oauthData,
    );
    assert.notEqual(theirs, RFC_BASE_STRING);
  });

  it('percent-encodes per RFC 3986: only unreserved characters stay', () => {
    assert.equal(percentEncode("A-z0-9-._~!*'() +/=é"), 'A-z0-9-._~%21%2A%27%28%29%20%2B%2F%3D%C3%A9');
  });
});

describe('the Mail+ flavour: two-legged', () => {
  const signed = signRequest({
    method: 'GET',
    url: new URL('https://restapi.mailplus.nl/integrationservice-1.1.0/contact/updates/list?pageSize=2'),
    consumerKey: 'key',
    consumerSecret: 'se&cret',
    timestamp: 1767225600,
    nonce: 'n1',
  });

  it('sends no oauth_token, oauth_version 1.0, and signs with enc(secret)& as key', () => {
    const params = parseAuthorizationHeader(signed.authorization)!;
    assert.deepEqual([...params.keys()].sort(), [
      'oauth_consumer_key',
      'oauth_nonce',
      'oauth_signature',
      'oauth_signature_method',
      'oauth_timestamp',
      'oauth_version',
    ]);
    assert.equal(params.get('oauth_version'), '1.0');
    assert.equal(signed.signature, hmacSha1Signature(signed.baseString, 'se&cret'));
  });

  it('puts the query string into the base string', () => {
    assert.match(signed.baseString, /%26pageSize%3D2$/);
    assert.ok(
      signed.baseString.startsWith('GET&https%3A%2F%2Frestapi.mailplus.nl%2Fintegrationservice-1.1.0'),
    );
  });

  it('rejects malformed or repeated header parameters when parsing', () => {
    assert.equal(parseAuthorizationHeader('Basic abc'), null);
    assert.equal(parseAuthorizationHeader('OAuth oauth_nonce="a", oauth_nonce="b"'), null);
    assert.equal(parseAuthorizationHeader('OAuth oauth_nonce=a'), null);
  });
});
