import { ManualClock } from '../../src/clock.js';
import { MailplusConnector, MailplusPort } from '../../src/connectors/mailplus/index.js';
import { startPair } from '../connectors/mailplus/fixtures.js';
import { InMemoryMarketing } from '../fakes/in-memory-marketing.js';
import { marketingPortContract } from './marketing-port.contract.js';

marketingPortContract('in-memory fake', async () => {
  const clock = new ManualClock(Date.now());
  const fake = new InMemoryMarketing(clock);
  return { port: fake, clock, optOut: (id) => fake.optOut(id), close: () => fake.close() };
});

marketingPortContract('Mail+ adapter on the emulator', async () => {
  const clock = new ManualClock(Date.now());
  const pair = await startPair({ clock, emulator: { updatesLagMs: 0 } });
  const connector = new MailplusConnector(pair.client, { clock, overlapMs: 500 });
  return {
    port: new MailplusPort(connector, pair.client),
    clock,
    optOut: (id) => pair.emulator.admin.optOut(id),
    close: () => pair.close(),
  };
});
