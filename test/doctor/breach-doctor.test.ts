import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breachDpo, breachMail } from '../../src/doctor/checks/breach-checks.js';
import { openDoctorContext } from '../../src/doctor/doctor-context.js';
import { createLogger } from '../../src/log/logger.js';
import { createTestApp, TEST_MASTER_KEY } from '../helpers/stores.js';

describe('doctor: the breach procedure can reach people', () => {
  it('warns without SMTP, sender, DPO address or DPO account, and passes once all are there', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    const findings = async (config = t.app.config, env: NodeJS.ProcessEnv = {}) => {
      const context = await openDoctorContext(
        config,
        { KOPPEL_MASTER_KEY: TEST_MASTER_KEY, ...env },
        {
          clock: t.clock,
        },
      );
      try {
        return { mail: await breachMail.run(context), dpo: await breachDpo.run(context) };
      } finally {
        await context.store?.close();
      }
    };
    try {
      const bare = await findings();
      assert.equal(bare.mail.status, 'warn');
      assert.match(
        bare.mail.summary,
        /notifications\.smtp\.url \(or \$KOPPEL_SMTP_URL\) and notifications\.from not set/,
      );
      assert.equal(bare.dpo.status, 'warn');
      assert.match(bare.dpo.summary, /no DPO e-mail address .* and no account with role dpo/);

      const configured = {
        ...t.app.config,
        notifications: { ...t.app.config.notifications, from: 'koppel <privacy@example.invalid>' },
        processor: { ...t.app.config.processor, dpo: { email: 'fg@example.invalid' } },
      };
      const fromEnv = await findings(configured, { KOPPEL_SMTP_URL: 'smtps://mail.example.invalid:465' });
      assert.equal(fromEnv.mail.status, 'pass');
      assert.match(fromEnv.mail.summary, /over smtps as koppel <privacy@example\.invalid>/);
      assert.equal(fromEnv.dpo.status, 'warn', 'still no dpo account');
      assert.match(fromEnv.dpo.summary, /^the breach register has no account with role dpo$/);

      await t.app.admins.add('fg', 'dpo', 'violet-harbour-lantern-42');
      assert.equal((await findings(configured)).dpo.status, 'pass');
    } finally {
      await t.close();
    }
  });
});
