import { ManualClock } from '../../src/clock.js';
import {
  MailplusConnector,
  MailplusInteractionFeed,
  MailplusPort,
} from '../../src/connectors/mailplus/index.js';
import { startPair } from '../connectors/mailplus/fixtures.js';
import { InMemoryMarketing } from '../fakes/in-memory-marketing.js';
import { marketingPortContract } from './marketing-port.contract.js';

marketingPortContract('in-memory fake', async () => {
  const clock = new ManualClock(Date.now());
  const fake = new InMemoryMarketing(clock);
  let mailings = 0;
  return {
    port: fake,
    clock,
    optOut: (id) => fake.optOut(id),
    sendMailing: (name, subject, to) => {
      const id = `mailing-${++mailings}`;
      fake.addMailing({ id, name, subject });
      for (const externalId of to)
        fake.recordInteraction({ type: 'sent', externalId, mailingId: id, mailingName: name, subject });
      return id;
    },
    interact: (type, mailingId, externalId, hard) =>
      void fake.recordInteraction({
        type,
        externalId,
        mailingId,
        ...(type === 'bounced' ? { bounceType: hard ? 'hard' : 'soft' } : {}),
      }),
    close: () => fake.close(),
  };
});

marketingPortContract('Mail+ adapter on the emulator', async () => {
  const clock = new ManualClock(Date.now());
  const pair = await startPair({ clock, emulator: { updatesLagMs: 0 } });
  const connector = new MailplusConnector(pair.client, { clock, overlapMs: 500 });
  const interactions = new MailplusInteractionFeed(pair.client, { clock, overlapMs: 500 });
  return {
    port: new MailplusPort(connector, pair.client, interactions),
    clock,
    optOut: (id) => pair.emulator.admin.optOut(id),
    sendMailing: (name, subject, to) => pair.emulator.admin.sendMailing({ name, subject, to }),
    interact: (type, mailingId, externalId, hard) =>
      pair.emulator.admin.interact(
        type,
        mailingId,
        externalId,
        type === 'bounced' ? { bounceType: hard ? 'HARD' : 'SOFT' } : {},
      ),
    close: () => pair.close(),
  };
});
