import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DataverseEmulator, startDataverseEmulator } from '../../src/emulators/dataverse/emulator.js';
import { type MailplusEmulator, startMailplusEmulator } from '../../src/emulators/mailplus/index.js';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';

/** A port nothing listens on: bound once by us, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('koppel tenant', () => {
  let dataverse: DataverseEmulator;
  let mailplus: MailplusEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const koppel = (...args: string[]) => runCliInProcess(args, env);

  before(async () => {
    dataverse = await startDataverseEmulator({ seedContacts: 3, randomSeed: 1 });
    mailplus = await startMailplusEmulator({ randomSeed: 1 });
    dir = mkdtempSync(join(tmpdir(), 'koppel-tenant-'));
    writeFileSync(join(dir, 'dataverse-ca.pem'), dataverse.caCertificate);
    writeFileSync(join(dir, 'mailplus-ca.pem'), mailplus.caCertificate!);
    env = {
      KOPPEL_DATA_DIR: dir,
      KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
      DV_SECRET: dataverse.clientSecret,
      MP_SECRET: mailplus.consumerSecret,
    };
  });
  after(async () => {
    await dataverse.close();
    await mailplus.close();
  });

  it('adds, configures, lists and shows a tenant without ever printing or storing a secret in the clear', async () => {
    assert.equal((await koppel('tenant', 'add', 'acme', '--name', 'Acme BV')).code, 0);
    const duplicate = await koppel('tenant', 'add', 'acme', '--name', 'Again');
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /tenant "acme" already exists/);
    const set = await koppel(
      'tenant',
      'set',
      'acme',
      `dataverse.baseUrl=${dataverse.baseUrl}`,
      `dataverse.authority=${dataverse.authority}`,
      `dataverse.clientId=${dataverse.clientId}`,
      'dataverse.clientSecret=env:DV_SECRET',
      `dataverse.caFile=${join(dir, 'dataverse-ca.pem')}`,
      `mailplus.baseUrl=${mailplus.baseUrl}`,
      `mailplus.consumerKey=${mailplus.consumerKey}`,
      'mailplus.consumerSecret=env:MP_SECRET',
      `mailplus.caFile=${join(dir, 'mailplus-ca.pem')}`,
    );
    assert.equal(set.code, 0, set.stderr);
    const list = await koppel('tenant', 'list');
    assert.match(list.stdout, /acme +Acme BV +active +dataverse, mailplus/);
    const show = await koppel('tenant', 'show', 'acme');
    assert.match(show.stdout, /clientSecret: \(set, hidden\)/);
    assert.match(show.stdout, /consumerSecret: \(set, hidden\)/);
    for (const secret of [dataverse.clientSecret, mailplus.consumerSecret]) {
      assert.ok(!show.stdout.includes(secret), 'show hides secrets');
      assert.ok(
        !readFileSync(join(dir, 'koppel.db')).includes(secret),
        'the database holds no secret in the clear',
      );
    }
  });

  it('passes test-connection when both sides answer', async () => {
    const run = await koppel('tenant', 'test-connection', 'acme');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /dataverse +OK +signed in and read contacts/);
    assert.match(run.stdout, /mailplus +OK +signed in and read the account's \d+ contact properties/);
  });

  it('takes a secret only from standard input or the environment, never from the command line', async () => {
    const literal = await koppel('tenant', 'set', 'acme', 'dataverse.clientSecret=SuperSecret');
    assert.equal(literal.code, 1);
    assert.match(
      literal.stderr,
      /dataverse.clientSecret is a secret and is never taken from the command line.*dataverse.clientSecret=- .*dataverse.clientSecret=env:NAME/,
    );
    assert.ok(!literal.stderr.includes('SuperSecret'), 'the refusal does not echo the secret');
    const other = await koppel(
      'tenant',
      'set',
      'acme',
      'mailplus.consumerSecret=x',
      'mailplus.consumerKey=k',
    );
    assert.match(other.stderr, /mailplus.consumerSecret is a secret/);

    const empty = await runCliInProcess(
      ['tenant', 'set', 'acme', 'dataverse.clientSecret=-'],
      env,
      undefined,
      '\n',
    );
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /dataverse.clientSecret: standard input is empty; nothing was changed/);
    const emptyEnv = await runCliInProcess(['tenant', 'set', 'acme', 'mailplus.consumerSecret=env:BLANK'], {
      ...env,
      BLANK: '',
    });
    assert.match(emptyEnv.stderr, /mailplus.consumerSecret: environment variable BLANK is empty/);
    assert.match((await koppel('tenant', 'list')).stdout, /acme .*dataverse, mailplus/, 'secrets still set');

    const piped = await runCli(
      ['tenant', 'set', 'acme', 'dataverse.clientSecret=-'],
      env,
      undefined,
      `${dataverse.clientSecret}\n`,
    );
    assert.equal(piped.code, 0, piped.stderr);
    assert.match((await koppel('tenant', 'test-connection', 'acme')).stdout, /dataverse +OK/);
  });

  it('explains a wrong secret, an unreachable host and an untrusted certificate in plain words', async () => {
    const wrong = { ...env, WRONG: 'wrong' };
    await runCliInProcess(['tenant', 'set', 'acme', 'dataverse.clientSecret=env:WRONG'], wrong);
    await runCliInProcess(['tenant', 'set', 'acme', 'mailplus.consumerSecret=-'], env, undefined, 'wrong\n');
    let run = await koppel('tenant', 'test-connection', 'acme');
    assert.equal(run.code, 1);
    assert.match(run.stdout, /dataverse +FAIL +Microsoft Entra ID rejected the client secret/);
    assert.match(run.stdout, /mailplus +FAIL +Mail\+ rejected the consumer key or secret/);
    assert.match(run.stdout, /what to do: set dataverse.clientSecret/);

    const closedPort = await freePort();
    await koppel(
      'tenant',
      'set',
      'acme',
      `mailplus.baseUrl=https://127.0.0.1:${closedPort}`,
      'dataverse.caFile=',
    );
    run = await koppel('tenant', 'test-connection', 'acme');
    assert.match(
      run.stdout,
      new RegExp(`mailplus +FAIL +cannot reach 127.0.0.1:${closedPort}: nothing accepts connections`),
    );
    assert.match(
      run.stdout,
      /dataverse +FAIL +cannot reach .*TLS certificate is self-signed and not trusted/,
    );
  });

  it('rejects an unknown setting and an invalid value, naming the field', async () => {
    let run = await koppel('tenant', 'set', 'acme', 'dataverse.password=x');
    assert.match(run.stderr, /unknown setting "dataverse.password"; settable: dataverse.baseUrl/);
    run = await koppel('tenant', 'set', 'acme', 'dataverse.maxConcurrency=99');
    assert.match(run.stderr, /dataverse.maxConcurrency: must be at most 52/);
    run = await koppel('tenant', 'set', 'acme', 'mailplus.baseUrl=ftp://x');
    assert.match(run.stderr, /mailplus.baseUrl: must be an http\(s\) URL/);
    run = await koppel('tenant', 'add', 'Bad Id!', '--name', 'x');
    assert.match(run.stderr, /tenant id "Bad Id!" must be 1-63 lowercase letters/);
  });

  it('refuses plain http beyond loopback, over-long values and control characters, naming the field', async () => {
    let run = await koppel(
      'tenant',
      'set',
      'acme',
      'dataverse.baseUrl=http://acme.crm4.dynamics.com/api/data/v9.2/',
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /dataverse.baseUrl: plain http:\/\/ is allowed only for an emulator on loopback/,
    );
    run = await koppel('tenant', 'set', 'acme', 'mailplus.baseUrl=http://restapi.mailplus.nl');
    assert.match(run.stderr, /mailplus.baseUrl: plain http:\/\//);
    run = await koppel('tenant', 'set', 'acme', 'mailplus.baseUrl=http://127.0.0.1:1');
    assert.equal(run.code, 0, 'plain http to an emulator on loopback is allowed');
    run = await koppel('tenant', 'set', 'acme', `dataverse.clientId=${'x'.repeat(1025)}`);
    assert.match(run.stderr, /dataverse.clientId: must be at most 1024 characters/);
    run = await koppel('tenant', 'set', 'acme', 'dataverse.clientId=a\u001b[2Jb');
    assert.match(run.stderr, /dataverse.clientId must not contain control characters/);
    run = await koppel('tenant', 'add', 'long', '--name', 'N'.repeat(201));
    assert.match(run.stderr, /tenant name must be at most 200 characters/);
    run = await koppel('tenant', 'add', 'ctl', '--name', 'Evil\u001b[31m BV');
    assert.match(run.stderr, /tenant name must not contain control characters/);
    run = await koppel('tenant', 'show', 'no\u001b[2Jbody');
    assert.match(run.stderr, /no tenant "no\[2Jbody"/);
    assert.ok(!run.stderr.includes('\u001b'), 'control characters are stripped from output');
  });

  it('says what is missing when a tenant is not configured yet', async () => {
    await koppel('tenant', 'add', 'empty', '--name', 'Empty BV');
    const run = await koppel('tenant', 'test-connection', 'empty');
    assert.equal(run.code, 1);
    assert.match(run.stdout, /dataverse +FAIL +not configured: dataverse.baseUrl: not set/);
  });
});

describe('koppel tenant mapping', () => {
  let dataverse: DataverseEmulator;
  let mailplus: MailplusEmulator;
  let env: NodeJS.ProcessEnv;
  const koppel = (...args: string[]) => runCliInProcess(args, env);

  before(async () => {
    dataverse = await startDataverseEmulator({ seedContacts: 2, randomSeed: 3 });
    mailplus = await startMailplusEmulator({ randomSeed: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'koppel-mapping-'));
    writeFileSync(join(dir, 'dv.pem'), dataverse.caCertificate);
    writeFileSync(join(dir, 'mp.pem'), mailplus.caCertificate!);
    env = {
      KOPPEL_DATA_DIR: dir,
      KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
      DV_SECRET: dataverse.clientSecret,
      MP_SECRET: mailplus.consumerSecret,
    };
    await koppel('tenant', 'add', 'acme', '--name', 'Acme BV');
    await koppel(
      'tenant',
      'set',
      'acme',
      `dataverse.baseUrl=${dataverse.baseUrl}`,
      `dataverse.authority=${dataverse.authority}`,
      `dataverse.clientId=${dataverse.clientId}`,
      'dataverse.clientSecret=env:DV_SECRET',
      `dataverse.caFile=${join(dir, 'dv.pem')}`,
      `mailplus.baseUrl=${mailplus.baseUrl}`,
      `mailplus.consumerKey=${mailplus.consumerKey}`,
      'mailplus.consumerSecret=env:MP_SECRET',
      `mailplus.caFile=${join(dir, 'mp.pem')}`,
    );
    writeFileSync(
      join(dir, 'good.json'),
      JSON.stringify({
        scope: { kind: 'all-active' },
        fields: [
          {
            dataverse: 'emailaddress1',
            mailplus: 'email',
            direction: 'both',
            owner: 'dataverse',
            category: 'email',
          },
          {
            dataverse: 'lastname',
            mailplus: 'lastName',
            direction: 'both',
            owner: 'mailplus',
            category: 'name',
          },
        ],
      }),
    );
    writeFileSync(
      join(dir, 'unknown.json'),
      JSON.stringify({
        scope: { kind: 'all-active' },
        fields: [
          {
            dataverse: 'emailaddress1',
            mailplus: 'email',
            direction: 'both',
            owner: 'dataverse',
            category: 'email',
          },
          { dataverse: 'lastname', mailplus: 'lastNaam', direction: 'to-mailplus', category: 'name' },
        ],
      }),
    );
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ scope: { kind: 'everyone' }, fields: [] }));
    env.DIR = dir;
  });
  after(async () => {
    await dataverse.close();
    await mailplus.close();
  });

  it('shows the default mapping with its data categories', async () => {
    const run = await koppel('tenant', 'mapping', 'show', 'acme');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"mailplus": "firstName"/);
    assert.match(run.stdout, /data categories in use: .*email.*name/);
  });

  it('stores a definition that both systems can serve, and refuses one they cannot, naming the field', async () => {
    // A relative file name: resolved against the CLI's working directory.
    const good = await runCliInProcess(['tenant', 'mapping', 'set', 'acme', 'good.json'], env, env.DIR);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /2 fields/);
    assert.match((await koppel('tenant', 'mapping', 'show', 'acme')).stdout, /"owner": "mailplus"/);
    const unknown = await koppel('tenant', 'mapping', 'set', 'acme', join(env.DIR!, 'unknown.json'));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /fields\[1\]\.mailplus: .*lastNaam.*lastName/);
    const invalid = await koppel('tenant', 'mapping', 'set', 'acme', join(env.DIR!, 'invalid.json'));
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /scope/);
  });
});
