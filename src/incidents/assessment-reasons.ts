import type { EnisaSeverity } from './enisa-severity.js';
import type { AssessmentReason, IncidentFacts, SeverityLevel } from './facts-schema.js';

/**
 * The reasons of an assessment in plain words, Dutch and English (our own wording). Each has a stable
 * code, so documents and tests can find a reason without matching its text. Only categories and
 * counts appear here, never personal data.
 */

const reason = (code: string, nl: string, en: string): AssessmentReason => ({ code, nl, en });

const LEVEL_NL: Record<SeverityLevel, string> = {
  low: 'laag',
  medium: 'gemiddeld',
  high: 'hoog',
  'very high': 'zeer hoog',
};

const FORMAT = {
  nl: new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 4 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 4 }),
};
/** 3.25 and 5,000 in English; 3,25 and 5.000 in Dutch. */
const num = (n: number, lang: 'nl' | 'en') => FORMAT[lang].format(n);

export function peopleText(people: IncidentFacts['people'], lang: 'nl' | 'en'): string {
  if ('count' in people) {
    const n = num(people.count, lang);
    if (lang === 'nl') return `${n} ${people.count === 1 ? 'persoon' : 'personen'}`;
    return `${n} ${people.count === 1 ? 'person' : 'people'}`;
  }
  const [min, max] = [num(people.min, lang), num(people.max, lang)];
  return lang === 'nl' ? `${min} tot ${max} personen` : `between ${min} and ${max} people`;
}

export const reasons = {
  severity: (s: EnisaSeverity) =>
    reason(
      'enisa-severity',
      `De ernst volgens de ENISA-methode is ${num(s.score, 'nl')} (${LEVEL_NL[s.level]}): gevoeligheid van de gegevens ${s.dpc} × herleidbaarheid tot personen ${num(s.ei, 'nl')} + omstandigheden ${num(s.cb, 'nl')}.`,
      `The ENISA severity is ${num(s.score, 'en')} (${s.level}): sensitivity of the data ${s.dpc} × ease of identification ${num(s.ei, 'en')} + circumstances ${num(s.cb, 'en')}.`,
    ),
  decisionSeverity: (score: number, level: SeverityLevel) =>
    reason(
      'enisa-severity-remaining',
      `Zonder de gevolgen die geen risico meebrengen (zie hieronder) is de ernst ${num(score, 'nl')} (${LEVEL_NL[level]}).`,
      `Leaving out the effects that carry no risk (see below), the severity is ${num(score, 'en')} (${level}).`,
    ),
  /** What the ENISA level of the remaining loss means on its own (the common mapping, breach.md §4.5). */
  severityMeaning: (level: SeverityLevel) =>
    level === 'low'
      ? reason(
          'enisa-level-low',
          'Bij een lage ernst lopen de betrokkenen hooguit wat ongemak op: op zichzelf is dat geen risico dat gemeld moet worden.',
          'At a low severity the people concerned meet no more than some inconvenience: on its own that is not a risk to be notified.',
        )
      : level === 'medium'
        ? reason(
            'enisa-level-medium',
            'Bij een gemiddelde ernst kunnen de betrokkenen aanzienlijk ongemak ondervinden: dat is een risico, te melden aan de AP.',
            'At a medium severity the people concerned may meet significant inconvenience: that is a risk, to be notified to the AP.',
          )
        : reason(
            'enisa-level-high',
            `Bij een ${level === 'high' ? 'hoge' : 'zeer hoge'} ernst kunnen de gevolgen voor de betrokkenen ernstig zijn: dat is een hoog risico, ook de betrokkenen zelf moeten het weten.`,
            `At a ${level} severity the consequences for the people concerned can be serious: that is a high risk, and the people themselves must be told.`,
          ),
  people: (p: IncidentFacts['people']) =>
    reason(
      'people-count',
      `Het gaat om ${peopleText(p, 'nl')}.`,
      `The breach concerns ${peopleText(p, 'en')}.`,
    ),
  noPeople: () =>
    reason(
      'no-people',
      'Er zijn geen personen bij betrokken: er is geen risico voor mensen. Leg het incident wel vast.',
      'No people are concerned, so there is no risk to anyone. Record the incident all the same.',
    ),
  noLoss: () =>
    reason(
      'no-loss',
      'Er zijn geen gegevens ingezien, gewijzigd of onbeschikbaar geworden: dit is geen datalek, maar leg het incident wel vast.',
      'No data were disclosed, altered or made unavailable: this is not a personal-data breach, but record the incident.',
    ),
  causeUnknown: () =>
    reason(
      'cause-unknown',
      'De oorzaak is nog onbekend. Blijkt het opzet te zijn, dan stijgt de ernst met 0,5.',
      'The cause is not yet known. If it turns out to be deliberate, the severity rises by 0.5.',
    ),
  unintelligible: (state: 'encrypted' | 'hashed') =>
    state === 'encrypted'
      ? reason(
          'encrypted-key-safe',
          'De gegevens waren versleuteld volgens de stand van de techniek en de sleutel is niet in verkeerde handen: wie ze heeft, kan ze niet lezen. Het verlies van vertrouwelijkheid brengt daardoor geen risico mee.',
          'The data were encrypted to the state of the art and the key is safe: whoever has them cannot read them, so the loss of confidentiality carries no risk.',
        )
      : reason(
          'hashed-key-safe',
          'De gegevens waren gehasht volgens de stand van de techniek en het geheim daarvan is niet uitgelekt: ze zijn niet terug te rekenen. Het verlies van vertrouwelijkheid brengt daardoor geen risico mee.',
          'The data were hashed to the state of the art and its secret is safe: they cannot be turned back into the originals, so the loss of confidentiality carries no risk.',
        ),
  protectionWeak: (state: 'encrypted' | 'hashed', keyCompromised: boolean) =>
    reason(
      'protection-insufficient',
      keyCompromised
        ? `De gegevens waren ${state === 'encrypted' ? 'versleuteld' : 'gehasht'}, maar de sleutel of het geheim is in verkeerde handen: de bescherming telt niet.`
        : `De gegevens waren ${state === 'encrypted' ? 'versleuteld' : 'gehasht'}, maar niet volgens de stand van de techniek: de bescherming telt niet.`,
      keyCompromised
        ? `The data were ${state}, but the key or secret is compromised, so the protection does not count.`
        : `The data were ${state}, but not to the state of the art, so the protection does not count.`,
    ),
  pseudonymised: () =>
    reason(
      'pseudonymised',
      'De gegevens waren gepseudonimiseerd. Dat blijven persoonsgegevens; de bescherming telt mee via de herleidbaarheid.',
      'The data were pseudonymised. They are still personal data; the protection counts through the ease of identification.',
    ),
  trustedDeleted: () =>
    reason(
      'trusted-recipient-deleted',
      'De ontvanger is betrouwbaar (gebonden aan geheimhouding) en heeft bevestigd dat de gegevens zijn verwijderd: er is geen risico dat ze worden misbruikt.',
      'The recipient is trusted (bound to confidentiality) and has confirmed that the data were deleted, so they will not be misused.',
    ),
  trustedDeletedSensitive: () =>
    reason(
      'trusted-recipient-sensitive',
      'De ontvanger is betrouwbaar en heeft de gegevens verwijderd, maar het gaat om bijzondere of strafrechtelijke gegevens of om kwetsbare personen: meld het lek aan de AP. Een hoog risico is niet waarschijnlijk nu de gegevens weg zijn.',
      'The recipient is trusted and has deleted the data, but the data are special-category or criminal data, or the people are vulnerable: notify the AP. A high risk is not likely now that the data are deleted.',
    ),
  trustedNotDeleted: () =>
    reason(
      'trusted-recipient-not-deleted',
      'De ontvanger is betrouwbaar, maar heeft nog niet bevestigd dat de gegevens zijn verwijderd. Vraag om die bevestiging: daarmee kan het risico vervallen.',
      'The recipient is trusted but has not yet confirmed that the data were deleted. Ask for it: with that confirmation the risk may fall away.',
    ),
  integrityNotUsed: () =>
    reason(
      'integrity-not-used',
      'De gegevens zijn gewijzigd maar hersteld voordat iemand ze gebruikte: dat brengt geen risico mee.',
      'The data were altered but restored before anyone used them, so that carries no risk.',
    ),
  integrityUnrecoverable: () =>
    reason(
      'integrity-unrecoverable',
      'Gewijzigde gegevens zijn niet te herstellen en kunnen verkeerd zijn gebruikt.',
      'Altered data cannot be restored and may have been used wrongly.',
    ),
  integritySensitive: () =>
    reason(
      'integrity-sensitive',
      'Er zijn bijzondere of strafrechtelijke gegevens gewijzigd; beslissingen op basis van verkeerde gegevens van dit soort kunnen mensen ernstig raken.',
      'Special-category or criminal data were altered; decisions based on wrong data of this kind can harm people seriously.',
    ),
  availabilityRestored: () =>
    reason(
      'availability-restored',
      'De gegevens waren zonder moeite terug te zetten (er is een andere kopie): het tijdelijke verlies brengt geen risico mee.',
      'The data were restored without difficulty (another copy exists), so their loss carries no risk.',
    ),
  availabilityMinor: (hours: number | undefined) =>
    reason(
      'availability-temporary-minor',
      `De gegevens waren tijdelijk niet beschikbaar${hours === undefined ? '' : ` (ongeveer ${num(hours, 'nl')} uur)`}, met hooguit wat ongemak voor de betrokkenen: dat brengt geen risico mee. Leg het incident wel vast.`,
      `The data were unavailable for a while${hours === undefined ? '' : ` (about ${num(hours, 'en')} hours)`}, causing the people concerned no more than some inconvenience: this carries no risk. Record the incident all the same.`,
    ),
  availabilityBackup: () =>
    reason(
      'availability-backup',
      'De gegevens zijn verloren, maar er is een reservekopie en het verlies heeft voor de betrokkenen weinig gevolgen.',
      'The data were lost, but a backup exists and the loss means little to the people concerned.',
    ),
  availabilityLostNoBackup: () =>
    reason(
      'availability-lost-no-backup',
      'De gegevens zijn blijvend verloren en er is geen reservekopie: dat is ten minste een risico, te melden aan de AP.',
      'The data are lost for good and there is no backup: that is at least a risk, to be notified to the AP.',
    ),
  availabilitySignificant: (permanent: boolean) =>
    reason(
      permanent ? 'availability-significant-permanent' : 'availability-significant',
      permanent
        ? 'De gegevens zijn blijvend verloren en dat heeft aanzienlijke gevolgen voor de betrokkenen.'
        : 'Dat de gegevens niet beschikbaar zijn, heeft aanzienlijke gevolgen voor de betrokkenen.',
      permanent
        ? 'The data are lost for good, and that has significant consequences for the people concerned.'
        : 'The unavailability of the data has significant consequences for the people concerned.',
    ),
  availabilityCritical: (hours: number | undefined) =>
    reason(
      'availability-critical',
      `Dat de gegevens niet beschikbaar ${hours === undefined ? 'zijn' : `waren (ongeveer ${num(hours, 'nl')} uur)`}, kan mensen ernstig schaden, bijvoorbeeld doordat medische zorg wordt uitgesteld.`,
      `The unavailability of the data${hours === undefined ? '' : ` (about ${num(hours, 'en')} hours)`} can harm people seriously, for example by delaying medical care.`,
    ),
  availabilitySensitive: () =>
    reason(
      'availability-sensitive',
      'Bijzondere of strafrechtelijke gegevens, of gegevens van kwetsbare personen, waren niet beschikbaar: dat is ten minste een risico, te melden aan de AP.',
      'Special-category or criminal data, or data of vulnerable people, were unavailable: that is at least a risk, to be notified to the AP.',
    ),
  specialExposed: (high: boolean) =>
    reason(
      high ? 'special-categories-exposed' : 'special-categories-at-risk',
      high
        ? 'Bijzondere of strafrechtelijke gegevens zijn bij anderen terechtgekomen; dat kan leiden tot discriminatie, schaamte of andere ernstige schade.'
        : 'Bijzondere of strafrechtelijke gegevens zijn blootgesteld, ook al is niet gebleken dat iemand ze heeft ingezien.',
      high
        ? 'Special-category or criminal data reached others; that can lead to discrimination, shame or other serious harm.'
        : 'Special-category or criminal data were exposed, even though there is no sign that anyone saw them.',
    ),
  vulnerableExposed: (high: boolean) =>
    reason(
      high ? 'vulnerable-exposed' : 'vulnerable-at-risk',
      high
        ? 'Gegevens van kinderen of andere kwetsbare personen zijn bij anderen terechtgekomen; zij kunnen zich minder goed beschermen.'
        : 'Gegevens van kinderen of andere kwetsbare personen zijn blootgesteld, ook al is niet gebleken dat iemand ze heeft ingezien.',
      high
        ? 'Data of children or other vulnerable people reached others; they are less able to protect themselves.'
        : 'Data of children or other vulnerable people were exposed, even though there is no sign that anyone saw them.',
    ),
  misuseData: () =>
    reason(
      'misuse-data-exposed',
      'Wachtwoorden of betaalkaartgegevens zijn bij anderen terechtgekomen: daarmee kan direct worden ingelogd of betaald. De betrokkenen moeten snel zelf iets kunnen doen (wachtwoord wijzigen, kaart blokkeren).',
      'Passwords or payment-card data reached others: they can be used at once to log in or to pay. The people concerned must be able to act quickly themselves (change a password, block a card).',
    ),
  identityData: (wide: boolean) =>
    reason(
      wide ? 'identity-financial-data-wide' : 'identity-financial-data-exposed',
      wide
        ? 'Financiële gegevens, een identiteitsbewijs of een burgerservicenummer zijn bij onbekenden of openbaar terechtgekomen: er is kans op identiteitsfraude of financiële schade.'
        : 'Financiële gegevens, een identiteitsbewijs of een burgerservicenummer zijn bij een onbevoegde ontvanger terechtgekomen: dat is ten minste een risico, te melden aan de AP.',
      wide
        ? 'Financial data, identity documents or national id numbers reached unknown people or the public: identity fraud or financial loss may follow.'
        : 'Financial data, identity documents or national id numbers reached an unauthorised recipient: that is at least a risk, to be notified to the AP.',
    ),
  manyPeople: (p: IncidentFacts['people']) =>
    reason(
      'many-people',
      `Het lek treft veel mensen (${peopleText(p, 'nl')}): de kans dat iemand schade lijdt, is daardoor groter. Dat is ten minste een risico, te melden aan de AP.`,
      `The breach affects many people (${peopleText(p, 'en')}), which makes it more likely that someone is harmed: that is at least a risk, to be notified to the AP.`,
    ),
  exfiltrated: () =>
    reason(
      'exfiltrated',
      'De gegevens zijn aantoonbaar weggenomen: ze zijn niet meer onder onze controle.',
      'The data were demonstrably taken: they are out of our control.',
    ),
  exfiltrationPossible: () =>
    reason(
      'exfiltration-possible',
      'Het is niet uitgesloten dat gegevens zijn weggenomen. Blijkt dat zo te zijn, beoordeel het lek dan opnieuw.',
      'It cannot be ruled out that data were taken. If that turns out to be so, assess the breach again.',
    ),
  published: () =>
    reason(
      'published',
      'De gegevens zijn openbaar geworden: iedereen kan ze inzien en verder verspreiden.',
      'The data were made public: anyone can see them and pass them on.',
    ),
  documentOnly: () =>
    reason(
      'recommend-document-only',
      'Advies: het lek brengt naar verwachting geen risico mee voor de betrokkenen. Niet melden aan de AP; leg het incident en deze afweging vast in het register (art. 33 lid 5 AVG).',
      'Advice: the breach is unlikely to result in a risk to the people concerned. Do not notify the AP; record the incident and this reasoning in the register (GDPR Art. 33(5)).',
    ),
  notifyAuthority: () =>
    reason(
      'recommend-notify-authority',
      'Advies: meld het lek binnen 72 uur na het moment van kennisname aan de Autoriteit Persoonsgegevens. Een hoog risico voor de betrokkenen is niet waarschijnlijk: zij hoeven niet te worden ingelicht.',
      'Advice: notify the Autoriteit Persoonsgegevens (AP) within 72 hours of becoming aware. A high risk to the people concerned is not likely, so they need not be told.',
    ),
  notifySubjects: () =>
    reason(
      'recommend-notify-subjects',
      'Advies: meld het lek binnen 72 uur aan de Autoriteit Persoonsgegevens en licht de betrokkenen zonder onnodige vertraging in, met wat zij zelf kunnen doen.',
      'Advice: notify the Autoriteit Persoonsgegevens (AP) within 72 hours and tell the people concerned without undue delay, with what they can do themselves.',
    ),
  dpoDecides: () =>
    reason(
      'dpo-decides',
      'Dit is een advies. De functionaris gegevensbescherming beslist en legt de beslissing en de onderbouwing vast.',
      'This is advice. The data protection officer decides and records the decision and its reasoning.',
    ),
};
