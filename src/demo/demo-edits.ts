import type { DataverseEmulator } from '../emulators/dataverse/emulator.js';
import type { MailplusEmulator } from '../emulators/mailplus/index.js';

/** A change made on one side during the demo, and how to tell it has arrived on the other. */
export interface DemoEdit {
  describe: string;
  make(): void;
  arrived(): boolean;
}

/**
 * A few edits a CRM user and a subscriber would make: a renamed contact, a deactivated contact and a
 * "do not bulk e-mail" in Dataverse; an unsubscribe and a global opt-out in Mail+.
 */
export function demoEdits(
  dataverse: DataverseEmulator,
  mailplus: MailplusEmulator,
  ids: string[],
): DemoEdit[] {
  const [renamed, deactivated, noBulk, unsubscribed, optedOut] = ids;
  const dv = dataverse.admin;
  const mp = mailplus.admin;
  const property = (id: string, name: string) => mp.contact(id)?.properties?.[name];
  return [
    {
      describe: 'Dataverse: a CRM user corrects a first name',
      make: () => dv.updateContact(renamed!, { firstname: 'Demo-Anouk' }),
      arrived: () => property(renamed!, 'firstName') === 'Demo-Anouk',
    },
    {
      describe: 'Dataverse: a contact is deactivated (anonymized in Mail+)',
      make: () => dv.updateContact(deactivated!, { statecode: 1, statuscode: 2 }),
      arrived: () => property(deactivated!, 'email') === undefined,
    },
    {
      describe: 'Dataverse: a contact is marked "do not bulk e-mail" (anonymized in Mail+)',
      make: () => dv.updateContact(noBulk!, { donotbulkemail: true }),
      arrived: () => property(noBulk!, 'email') === undefined,
    },
    {
      describe: 'Mail+: a subscriber unsubscribes from the newsletter (do not bulk e-mail in Dataverse)',
      make: () => mp.unsubscribe(unsubscribed!, 1),
      arrived: () => dv.getContact(unsubscribed!)?.donotbulkemail === true,
    },
    {
      describe: 'Mail+: a subscriber opts out of all e-mail (do not bulk e-mail in Dataverse)',
      make: () => mp.optOut(optedOut!),
      arrived: () => dv.getContact(optedOut!)?.donotbulkemail === true,
    },
  ];
}
