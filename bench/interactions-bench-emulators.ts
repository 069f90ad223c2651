// The emulators of `npm run bench:interactions`, in a process of their own so koppel's memory is
// measured alone: a Dataverse organisation with the contacts, and a Mail+ account whose simulated
// mailings to those contacts fill the four interaction feeds.
import { startDataverseEmulator } from '../src/emulators/dataverse/emulator.js';
import { startMailplusEmulator } from '../src/emulators/mailplus/index.js';
import { serve } from './lib/rpc.js';

export interface BenchEmulators {
  dataverse: { baseUrl: string; authority: string; clientId: string; clientSecret: string; ca: string };
  mailplus: { baseUrl: string; consumerKey: string; consumerSecret: string };
  contactIds: string[];
  events: number;
  counts: Record<string, number>;
}

export interface BenchCalls {
  dataverse: number;
  dataverseBatches: number;
  mailplus: number;
  activities: number;
}

let started: Awaited<ReturnType<typeof start>> | undefined;

async function start(arg: { contacts: number; events: number }) {
  const dataverse = await startDataverseEmulator({ seedContacts: arg.contacts, randomSeed: 17 });
  const mailplus = await startMailplusEmulator({ randomSeed: 17, tls: false, updatesLagMs: 0 });
  const contactIds = dataverse.admin.listContacts().map((row) => String(row.contactid));
  const counts = { sent: 0, opened: 0, clicked: 0, bounced: 0 };
  let events = 0;
  for (let mailing = 1; events < arg.events; mailing++) {
    const to = contactIds.slice(0, Math.min(contactIds.length, Math.ceil((arg.events - events) / 1.5)));
    const simulated = mailplus.admin.simulateMailing({
      name: `Bench mailing ${mailing}`,
      subject: 'Bench',
      to,
    });
    for (const [type, n] of Object.entries(simulated.counts)) {
      counts[type as keyof typeof counts] += n;
      events += n;
    }
  }
  return { dataverse, mailplus, contactIds, events, counts };
}

serve({
  start: async (arg: { contacts: number; events: number }): Promise<BenchEmulators> => {
    started = await start(arg);
    const { dataverse, mailplus } = started;
    return {
      dataverse: {
        baseUrl: dataverse.baseUrl,
        authority: dataverse.authority,
        clientId: dataverse.clientId,
        clientSecret: dataverse.clientSecret,
        ca: dataverse.caCertificate,
      },
      mailplus: {
        baseUrl: mailplus.baseUrl,
        consumerKey: mailplus.consumerKey,
        consumerSecret: mailplus.consumerSecret,
      },
      contactIds: started.contactIds,
      events: started.events,
      counts: started.counts,
    };
  },
  resetCalls: () => {
    started!.dataverse.admin.resetRequestLog();
    started!.mailplus.admin.resetRequests();
  },
  calls: (): BenchCalls => {
    const log = started!.dataverse.admin.requestLog();
    return {
      dataverse: log.length,
      dataverseBatches: log.filter((r) => r.path.endsWith('$batch')).length,
      mailplus: started!.mailplus.admin.requestCounts().total,
      activities: started!.dataverse.admin.activities().length,
    };
  },
});
process.send!({ ready: true });
