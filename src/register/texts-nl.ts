import type { Texts } from './texts.js';

const ACTIONS: Record<string, string> = {
  anonymize: 'wordt het contact in Mail+ geanonimiseerd',
  'withdraw-permissions': 'worden de toestemmingen van het contact in Mail+ ingetrokken',
};

const SOURCES: Record<string, string> = {
  file: 'een sleutelbestand op de server (rechten 0600)',
  env: 'een omgevingsvariabele, uit de geheimenkluis van de beheerder',
  'azure-key-vault': 'Azure Key Vault; de sleutel verlaat de kluis nooit',
};

const STORE_TLS: Record<string, string> = {
  'local-file': 'De opslag is een lokaal SQLite-bestand: er loopt geen netwerkverbinding naartoe.',
  require: 'De verbinding met PostgreSQL is versleuteld met TLS.',
  'verify-full':
    'De verbinding met PostgreSQL is versleuteld met TLS en het servercertificaat wordt gecontroleerd.',
  unencrypted:
    'De verbinding met PostgreSQL is NIET versleuteld (store.ssl is "disable"): zet store.ssl op "verify-full".',
};

export const nl: Texts = {
  lang: 'nl',
  notConfigured: (path) => `niet ingesteld: vul ${path} in de configuratie in`,
  none: 'geen',
  yes: 'ja',
  no: 'nee',
  generated: (at, hash) => `Gemaakt door koppel op ${at} uit de configuratie met hash ${hash}.`,
  fields: {
    name: 'Naam',
    address: 'Adres',
    registration: 'Inschrijving (KvK)',
    email: 'E-mail',
    phone: 'Telefoon',
    dpo: 'Functionaris gegevensbescherming',
    role: 'Rol',
    id: 'Tenant-id',
    status: 'Status',
    definition: 'Synchronisatiedefinitie',
    scope: 'Contacten binnen bereik',
    categories: 'Categorieën persoonsgegevens',
    activities: 'Categorieën verwerkingen',
    systems: 'Systemen van de verwerkingsverantwoordelijke',
    lifecycle: 'Verwijdering in het CRM',
    contact: 'Contactgegevens',
    service: 'Dienst',
    location: 'Locatie',
    country: 'Land',
    engagedBy: 'Ingeschakeld door',
    safeguard: 'Waarborg voor doorgifte',
    recipient: 'Ontvanger',
    measure: 'Maatregel',
  },
  controllerStatus: {
    active: 'actief',
    paused: 'gepauzeerd (geen synchronisatie; opgeslagen gegevens blijven bewaard en beveiligd)',
  },
  definitionSource: {
    stored: 'een eigen definitie',
    default: 'de standaardkoppeling (geen eigen definitie opgeslagen)',
  },
  scope: (kind, detail) =>
    kind === 'marketing-list'
      ? `actieve Dataverse-contacten op marketinglijst ${detail}`
      : kind === 'boolean-column'
        ? `actieve Dataverse-contacten waarvan kolom ${detail} op ja staat`
        : 'alle actieve Dataverse-contacten',
  activity: {
    'read-dataverse': 'gewijzigde contacten lezen uit de Dataverse van de verwerkingsverantwoordelijke',
    'write-mailplus': 'die wegschrijven naar het Mail+-account van de verwerkingsverantwoordelijke',
    'read-mailplus': 'gewijzigde contacten en toestemmingen lezen uit Mail+',
    'write-dataverse': 'die terugschrijven naar Dataverse',
    queue: 'wijzigingen kort en versleuteld in een wachtrij bewaren tot ze zijn afgeleverd',
    'change-detection':
      'sleutelhashes van gesynchroniseerde waarden bijhouden (geen waarden) om wijzigingen te herkennen',
    lifecycle:
      'in Mail+ anonimiseren of toestemmingen intrekken wanneer een contact in het CRM wordt verwijderd',
  },
  lifecycleAction: (action) => ACTIONS[action] ?? action,
  lifecycle: (onDelete, onDeactivate, onDoNotBulkEmail) =>
    `bij verwijderen ${ACTIONS[onDelete] ?? onDelete}; bij deactiveren ${ACTIONS[onDeactivate] ?? onDeactivate}; bij "geen bulkmail" ${ACTIONS[onDoNotBulkEmail] ?? onDoNotBulkEmail}`,
  systems: (dataverse, mailplus) =>
    `Dataverse: ${dataverse ?? 'nog niet ingesteld (koppel tenant set)'}; Mail+: ${mailplus ?? 'nog niet ingesteld'}`,
  controllerContactGap:
    'koppel legt de contactgegevens van de verwerkingsverantwoordelijke nog niet vast; ze staan in de verwerkersovereenkomst met deze verwerkingsverantwoordelijke.',
  subject: {
    'crm-contacts':
      'Contactpersonen in het CRM van de verwerkingsverantwoordelijke (Dynamics 365 / Dataverse) binnen het bereik van de synchronisatie',
    'newsletter-subscribers':
      'Abonnees en ontvangers van de e-mailmarketing van de verwerkingsverantwoordelijke (Spotler Mail+)',
  },
  engagedBy: {
    processor: 'de verwerker (subverwerker)',
    controller: 'de verwerkingsverantwoordelijke zelf (geen subverwerker)',
  },
  measureStatus: { 'in-place': 'getroffen', attention: 'vraagt aandacht', planned: 'gepland' },
  measure: {
    'encryption-at-rest': (f) =>
      `Alles wat koppel opslaat en persoonsgegevens kan bevatten (wijzigingen in de wachtrij, tenantinstellingen en inloggegevens), is versleuteld met ${f.algorithm}.`,
    'tenant-keys': (f) =>
      `Elke verwerkingsverantwoordelijke heeft eigen datasleutels (${f.tenants} met actieve sleutels), versleuteld met een hoofdsleutel; de sleutel van de een kan de gegevens van een ander niet lezen.`,
    'master-key': (f) =>
      `De hoofdsleutel komt uit ${SOURCES[String(f.source)] ?? f.source}${f.inUseSince ? `; in gebruik sinds ${f.inUseSince}` : ''}.`,
    'key-rotation': (f) =>
      `Sleutels kunnen zonder onderbreking worden vervangen; koppel doctor waarschuwt als een sleutel ouder is dan ${f.maxAgeDays} dagen${f.oldestTenantKey ? ` (oudste huidige datasleutel: ${f.oldestTenantKey})` : ''}.`,
    'payload-deletion': () =>
      'Een wijziging in de wachtrij wordt verwijderd in dezelfde transactie als de geslaagde aflevering.',
    minimisation: () =>
      'Alleen de velden uit de synchronisatiedefinitie van de verwerkingsverantwoordelijke worden gelezen; koppel bewaart id’s en sleutelhashes, geen contactgegevens.',
    'tls-systems': () =>
      'Verbindingen met Dataverse en Mail+ gaan alleen over HTTPS; onversleuteld HTTP wordt geweigerd, behalve naar een lokale emulator.',
    'tls-store': (f) => STORE_TLS[String(f.mode)] ?? String(f.mode),
    'status-api': (f) =>
      f.enabled
        ? `De alleen-lezen status-API spreekt alleen HTTPS (${f.certificate === 'provided' ? 'aangeleverd certificaat' : 'zelfondertekend certificaat'}) en ${f.loopbackOnly ? 'luistert alleen op deze machine' : 'luistert ook buiten deze machine'}; hij toont alleen id’s en aantallen.`
        : 'De status-API staat uit.',
    'outbound-only': () =>
      'De synchronisatie maakt alleen uitgaande verbindingen; er hoeft geen openbare poort voor open te staan.',
    'pii-free-logs': (f) =>
      `Logs bevatten id’s, aantallen en redenen, geen persoonsgegevens (met afscherming als vangnet), en worden na ${f.logDays} dagen verwijderd.`,
    'crypto-shredding': (f) =>
      `Bij het einde van een overeenkomst worden de sleutels van de verwerkingsverantwoordelijke direct vernietigd en de resterende rijen binnen ${f.maxDays} dagen verwijderd, met een verwijderingsverklaring.`,
    doctor: () =>
      'koppel doctor controleert de basisbeveiliging (bestandsrechten, sterkte en leeftijd van sleutels, TLS, bewaartermijnen) en kan vanuit monitoring draaien.',
    'admin-access': (f) =>
      `Beheerders loggen in over HTTPS met een wachtwoord en een tweede factor (TOTP); hooguit ${f.maxAdmins} beheerders (nu ${f.admins}), elk met een getekende geheimhoudingsverklaring; alleen vanaf ${f.allow}; elke beheerhandeling staat in een auditlog dat wijzigingen zichtbaar maakt.`,
  },
  retention: {
    payloads: 'Wijzigingen in de wachtrij: direct verwijderd na geslaagde aflevering.',
    deadLetters: (days) =>
      `Wijzigingen die na alle pogingen blijven mislukken (dead letters): ${days} dagen bewaard voor diagnose, daarna verwijderd.`,
    duplicates: (seconds) =>
      `Bericht-id’s voor het herkennen van dubbele berichten (geen persoonsgegevens): ${seconds} seconden.`,
    logs: (days) => `Logbestanden van de applicatie: verwijderd na ${days} dagen.`,
    audit: (days) =>
      `Auditlog van beheerhandelingen (wie, wanneer, vanaf waar, wat; geen persoonsgegevens): ${days} dagen bewaard, met een hashketen zodat wijzigingen opvallen.`,
    logStdout:
      'Logs gaan ook naar standaarduitvoer; wie die verzamelt, moet ze niet langer bewaren dan de logbestanden.',
    offboarding: (days) =>
      `Na het einde van een overeenkomst: sleutels direct vernietigd, resterende gegevens binnen ${days} dagen verwijderd.`,
    hashes:
      'Synchronisatiestatus (id’s en sleutelhashes, geen waarden): bewaard zolang de verwerkingsverantwoordelijke klant is, verwijderd bij beëindiging.',
  },
  register: {
    title: 'Register van verwerkingsactiviteiten (art. 30 lid 2 AVG)',
    intro:
      'Dit register beschrijft de verwerkingen die koppel als verwerker uitvoert in opdracht van de verwerkingsverantwoordelijken hieronder. Het is gemaakt uit de actuele configuratie van koppel; wat de configuratie niet vermeldt, staat als ontbrekend vermeld en is niet ingevuld.',
    processorHeading: '1. Verwerker',
    controllersHeading: '2. Verwerkingsverantwoordelijken en categorieën verwerkingen',
    controllersIntro:
      'Per verwerkingsverantwoordelijke (een tenant in koppel): de persoonsgegevens die de synchronisatiedefinitie werkelijk meeneemt, en wat koppel ermee doet.',
    noControllers: 'Geen actieve verwerkingsverantwoordelijken: koppel verwerkt nog voor niemand gegevens.',
    categoriesHeading: '3. Categorieën persoonsgegevens',
    categoriesIntro:
      'Over alle verwerkingsverantwoordelijken hierboven (elk alleen waar de eigen definitie het koppelt):',
    subjectsHeading: '4. Categorieën betrokkenen',
    transfersHeading: '5. Doorgifte buiten de EER',
    noTransfers: 'Geen: de hosting en alle subverwerkers bevinden zich in de EER.',
    transfersUnknown: 'Niet vast te stellen zolang het hostingland of de subverwerkers niet zijn ingesteld.',
    subProcessorsHeading: '6. Subverwerkers en locaties',
    noSubProcessors: 'Geen: de verwerker schakelt geen subverwerkers in.',
    hostingLabel: 'Hosting van koppel',
    retentionHeading: '7. Bewaartermijnen',
    securityHeading: '8. Technische en organisatorische beveiligingsmaatregelen (art. 32)',
    breachHeading: '9. Inbreuken in verband met persoonsgegevens (datalekken)',
    breachPromise: (hours) =>
      `De verwerker informeert de verwerkingsverantwoordelijke zonder onredelijke vertraging, en uiterlijk binnen ${hours} uur nadat hij kennis heeft genomen van een datalek (art. 33 lid 2 AVG).`,
    missingHeading: 'Ontbreekt in de configuratie',
    missingIntro: 'Vul deze velden in de configuratie in om het register compleet te maken:',
    complete: 'Er ontbreekt niets.',
  },
  statement: {
    title: 'Data Pro Statement',
    preamble:
      'Dit statement geeft de informatie over koppel die een verwerkingsverantwoordelijke nodig heeft voor de verwerkersovereenkomst (art. 28 lid 3 AVG): de dienst, de gegevens, waar en door wie ze worden verwerkt, hoe ze worden beveiligd en verwijderd, en wat er gebeurt na een datalek. Het volgt de onderdelen van het Data Pro Statement uit de Data Pro Code van NLdigital; de tekst is van koppel zelf en wordt gemaakt uit de actuele configuratie.',
    processorHeading: '1. De verwerker',
    processorQueries: 'Vragen over dit statement of over gegevensbescherming:',
    effectiveHeading: '2. Ingangsdatum en wijzigingen',
    effectiveDate: (date) => `Dit statement geldt vanaf ${date}.`,
    revisions: (hash) =>
      `Het beschrijft de configuratie met hash ${hash}. Als de beveiligingsmaatregelen, subverwerkers of locaties wijzigen, wordt een nieuwe versie gemaakt en via de gebruikelijke kanalen aan de verwerkingsverantwoordelijken gestuurd.`,
    scopeHeading: '3. Reikwijdte',
    scopeText: (n) =>
      `Dit statement geldt voor de contactsynchronisatie van koppel tussen Dynamics 365 (Dataverse) en Spotler Mail+, zoals die draait voor ${n} verwerkingsverantwoordelijke(n).`,
    descriptionHeading: '4. Beschrijving van de dienst',
    description:
      'koppel houdt contacten in beide richtingen gelijk tussen het CRM van de verwerkingsverantwoordelijke en diens e-mailmarketingaccount, inclusief nieuwsbriefaanmeldingen en afmeldingen.',
    intendedUse:
      'Beoogd gebruik: het synchroniseren van contact- en toestemmingsgegevens voor de eigen e-mailmarketing van de verwerkingsverantwoordelijke.',
    dataTypes: 'Persoonsgegevens die de dienst onder de huidige definities verwerkt:',
    notDesignedFor:
      'De dienst is niet bedoeld voor bijzondere persoonsgegevens (art. 9 AVG) of strafrechtelijke gegevens (art. 10): de definities kennen er geen categorie voor, en ze mogen niet worden gekoppeld.',
    privacyByDesign:
      'Privacy by design: alleen gekoppelde velden worden gelezen; waar een id volstaat, worden geen persoonsgegevens bewaard; wijzigingen bestaan alleen tot ze zijn afgeleverd.',
    clausesHeading: '5. Verwerkersovereenkomst',
    clauses:
      'Dit statement hoort bij de verwerkersovereenkomst met elke verwerkingsverantwoordelijke. Welke clausules gelden, en welke afwijkingen daarvan, staat in die overeenkomst; dit statement verandert daar niets aan.',
    locationHeading: '6. Locatie van de verwerking',
    location: (place, country) => `koppel draait op: ${place} (${country}).`,
    subProcessorsHeading: '7. Subverwerkers',
    subProcessorsChange:
      'Een nieuwe of vervangende subverwerker wordt alleen ingeschakeld met voorafgaande schriftelijke toestemming van de verwerkingsverantwoordelijke (art. 28 lid 2 AVG); een wijziging van deze lijst wordt aangekondigd voordat ze ingaat.',
    controllerSuppliers:
      'Leveranciers die de verwerkingsverantwoordelijke zelf inschakelt (zoals Microsoft voor Dataverse), staan er volledigheidshalve bij; het zijn geen subverwerkers van de verwerker.',
    rightsHeading: '8. Rechten van betrokkenen',
    rights:
      'De persoonsgegevens staan in de eigen systemen van de verwerkingsverantwoordelijke; koppel bewaart geen kopie, behalve van een wijziging die onderweg is. Verzoeken om inzage, correctie of verwijdering worden daarom in die systemen uitgevoerd, en de verwerker helpt de verwerkingsverantwoordelijke daar op verzoek bij (art. 28 lid 3 onder e AVG).',
    rightsLifecycle: 'Wat een verwijdering in het CRM doet, per verwerkingsverantwoordelijke:',
    retentionHeading: '9. Bewaren en verwijderen',
    retentionEnd: (days) =>
      `Bij het einde van de overeenkomst worden de datasleutels van de verwerkingsverantwoordelijke direct vernietigd, zodat niets van de gegevens nog leesbaar is, en worden de resterende rijen binnen ${days} dagen verwijderd; de verwerkingsverantwoordelijke krijgt een verwijderingsverklaring. Teruggeven is niet nodig: de gegevens staan in de eigen systemen van de verwerkingsverantwoordelijke.`,
    securityHeading: '10. Beveiliging',
    certificationsLabel: 'Certificeringen',
    breachHeading: '11. Datalekprotocol',
    breachTime: (hours) =>
      `De verwerker informeert de verwerkingsverantwoordelijke zonder onredelijke vertraging nadat hij kennis heeft genomen van een datalek, uiterlijk binnen ${hours} uur.`,
    breachChannels:
      'Telefonisch en per e-mail: eerst de primaire contactpersoon van de verwerkingsverantwoordelijke en, als die onbereikbaar is, de volgende; en houdt de verwerkingsverantwoordelijke op de hoogte tot het incident is afgesloten.',
    breachContent: [
      'de aard van het lek, de categorieën en het geschatte aantal betrokkenen en gegevensrecords',
      'het contactpunt voor meer informatie',
      'de waarschijnlijke gevolgen',
      'de genomen of voorgestelde maatregelen, ook om nadelige gevolgen te beperken',
    ],
    breachRole:
      'De verwerkingsverantwoordelijke beslist of hij de Autoriteit Persoonsgegevens (binnen 72 uur) en de betrokkenen informeert, en doet die meldingen; de verwerker levert wat daarvoor nodig is.',
    breachContactsLabel: 'Contactpersonen van de verwerker voor datalekken',
  },
};
