import type { SyncFailureKind } from './sync-failure.js';

/** What an alert is about; one open alert per tenant and kind. */
export const ALERT_KINDS = ['sync-failing', 'dead-letters', 'full-resync'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What an alert mail may say: ids, counts and error classes only, never personal data. */
export interface AlertDetail {
  failure?: SyncFailureKind;
  errorClass?: string;
  minutes?: number;
  deadLetters?: number;
  threshold?: number;
}

export interface AlertText {
  subject: string;
  text: string;
}

interface Lines {
  what: string;
  todo: string;
}

const SYNC_TODO: Record<SyncFailureKind, { nl: Lines; en: Lines }> = {
  'dataverse-secret-expired': {
    nl: {
      what: 'Het client secret van de app-registratie in Microsoft Entra ID is verlopen.',
      todo: 'Maak in Entra ID een nieuw client secret aan en sla het op met: koppel tenant set {t} dataverse.clientSecret=<nieuw secret>. Controleer daarna met: koppel tenant test-connection {t}.',
    },
    en: {
      what: 'The client secret of the app registration in Microsoft Entra ID has expired.',
      todo: 'Create a new client secret in Entra ID and store it with: koppel tenant set {t} dataverse.clientSecret=<new secret>. Then check with: koppel tenant test-connection {t}.',
    },
  },
  'dataverse-credentials': {
    nl: {
      what: 'Microsoft Entra ID weigert de inloggegevens van de app-registratie (client id of secret klopt niet).',
      todo: 'Controleer dataverse.clientId, dataverse.clientSecret en dataverse.authority (koppel tenant show {t}) en zet ze goed met koppel tenant set {t} ...; test met: koppel tenant test-connection {t}.',
    },
    en: {
      what: 'Microsoft Entra ID refuses the credentials of the app registration (wrong client id or secret).',
      todo: 'Check dataverse.clientId, dataverse.clientSecret and dataverse.authority (koppel tenant show {t}) and correct them with koppel tenant set {t} ...; test with: koppel tenant test-connection {t}.',
    },
  },
  'dataverse-consent': {
    nl: {
      what: 'Dataverse laat koppel niet meer toe: de toestemming (admin consent) is ingetrokken, of de applicatiegebruiker of zijn beveiligingsrol is verwijderd.',
      todo: 'Laat een beheerder van de klant de toestemming opnieuw geven en de applicatiegebruiker met zijn rol herstellen in de Power Platform-beheeromgeving; test daarna met: koppel tenant test-connection {t}.',
    },
    en: {
      what: 'Dataverse no longer lets koppel in: the admin consent was revoked, or the application user or its security role was removed.',
      todo: "Ask the customer's administrator to grant consent again and restore the application user with its role in the Power Platform admin center; then test with: koppel tenant test-connection {t}.",
    },
  },
  'mailplus-key': {
    nl: {
      what: 'Spotler Mail+ weigert de API-sleutel (consumer key en secret): de sleutel is uitgeschakeld of vervangen.',
      todo: 'Maak in Mail+ een nieuwe API-sleutel aan of schakel de oude weer in, en sla hem op met: koppel tenant set {t} mailplus.consumerKey=... mailplus.consumerSecret=...; test met: koppel tenant test-connection {t}.',
    },
    en: {
      what: 'Spotler Mail+ refuses the API key (consumer key and secret): the key was disabled or replaced.',
      todo: 'Create a new API key in Mail+ or enable the old one again, and store it with: koppel tenant set {t} mailplus.consumerKey=... mailplus.consumerSecret=...; test with: koppel tenant test-connection {t}.',
    },
  },
  other: {
    nl: {
      what: 'De synchronisatie mislukt steeds (foutklasse {e}).',
      todo: 'Zoek in het log naar event sync.round-failed met tenant {t} en test de verbindingen met: koppel tenant test-connection {t}.',
    },
    en: {
      what: 'The sync keeps failing (error class {e}).',
      todo: 'Look for event sync.round-failed with tenant {t} in the log and test the connections with: koppel tenant test-connection {t}.',
    },
  },
};

function openLines(kind: AlertKind, d: AlertDetail): { nl: Lines; en: Lines } {
  if (kind === 'sync-failing') {
    const todo = SYNC_TODO[d.failure ?? 'other'];
    const since = {
      nl: ` De synchronisatie mislukt nu ${d.minutes} minuten.`,
      en: ` The sync has been failing for ${d.minutes} minutes.`,
    };
    return {
      nl: { what: todo.nl.what + since.nl, todo: todo.nl.todo },
      en: { what: todo.en.what + since.en, todo: todo.en.todo },
    };
  }
  if (kind === 'dead-letters')
    return {
      nl: {
        what: `Er staan ${d.deadLetters} dode berichten (dead letters) voor deze tenant, meer dan de drempel van ${d.threshold}: die wijzigingen zijn niet afgeleverd.`,
        todo: 'Bekijk de redenen met: koppel dlq list --tenant {t}. Los de oorzaak op (veldtoewijzing, weigering door de dienst) en bied ze opnieuw aan met: koppel dlq replay <ids>, of verwijder ze met: koppel dlq purge <ids>.',
      },
      en: {
        what: `There are ${d.deadLetters} dead letters for this tenant, above the threshold of ${d.threshold}: those changes were not delivered.`,
        todo: 'See the reasons with: koppel dlq list --tenant {t}. Fix the cause (field mapping, a refusal by the service) and replay them with: koppel dlq replay <ids>, or remove them with: koppel dlq purge <ids>.',
      },
    };
  return {
    nl: {
      what: 'Het change-tracking-token van Dataverse is verlopen (koppel heeft de wijzigingen te lang niet gelezen); een volledige hersynchronisatie is gestart.',
      todo: 'Er is niets te doen: koppel leest alle contacten opnieuw en verwijdert daarna uit Mail+ wat in Dataverse verwijderd is. Dat kost API-aanroepen; u krijgt bericht als het klaar is. Gebeurt dit vaker, zorg dan dat koppel niet dagen stilstaat.',
    },
    en: {
      what: "Dataverse's change-tracking token expired (koppel did not read the changes for too long); a full resync has started.",
      todo: 'Nothing to do: koppel reads every contact again and then removes from Mail+ what was deleted in Dataverse. It costs API calls; you will be told when it is done. If this recurs, make sure koppel does not stand still for days.',
    },
  };
}

const SUBJECT: Record<AlertKind, { nl: string; en: string }> = {
  'sync-failing': { nl: 'synchronisatie mislukt', en: 'sync failing' },
  'dead-letters': { nl: 'dode berichten boven de drempel', en: 'dead letters above the threshold' },
  'full-resync': { nl: 'volledige hersynchronisatie gestart', en: 'full resync started' },
};

const RECOVERED: Record<AlertKind, { nl: string; en: string }> = {
  'sync-failing': { nl: 'De synchronisatie werkt weer.', en: 'The sync works again.' },
  'dead-letters': {
    nl: 'Het aantal dode berichten is weer onder de drempel.',
    en: 'The number of dead letters is below the threshold again.',
  },
  'full-resync': { nl: 'De volledige hersynchronisatie is klaar.', en: 'The full resync has finished.' },
};

const fill = (text: string, tenant: string, d: AlertDetail) =>
  text.replaceAll('{t}', tenant).replaceAll('{e}', d.errorClass ?? 'Error');

/** The alert, in Dutch and then English: what happened and what to do. */
export function alertMail(tenant: string, kind: AlertKind, detail: AlertDetail): AlertText {
  const l = openLines(kind, detail);
  return {
    subject: `[koppel] ${tenant}: ${SUBJECT[kind].nl} / ${SUBJECT[kind].en}`,
    text: [
      `Tenant: ${tenant}`,
      '',
      fill(l.nl.what, tenant, detail),
      `Wat te doen: ${fill(l.nl.todo, tenant, detail)}`,
      '',
      '---',
      '',
      fill(l.en.what, tenant, detail),
      `What to do: ${fill(l.en.todo, tenant, detail)}`,
      '',
      'Dit bericht wordt niet herhaald zolang de situatie duurt; u krijgt bericht als het is opgelost.',
      'This alert is not repeated while the condition lasts; you will be told when it clears.',
    ].join('\n'),
  };
}

/** The notice that an open alert cleared. */
export function recoveryMail(tenant: string, kind: AlertKind): AlertText {
  return {
    subject: `[koppel] ${tenant}: opgelost / resolved: ${SUBJECT[kind].en}`,
    text: [
      `Tenant: ${tenant}`,
      '',
      `${RECOVERED[kind].nl} Er is niets meer te doen.`,
      '',
      '---',
      '',
      `${RECOVERED[kind].en} Nothing more to do.`,
    ].join('\n'),
  };
}
