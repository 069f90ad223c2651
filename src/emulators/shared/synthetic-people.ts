import { base, en, Faker, nl, nl_BE } from '@faker-js/faker';

/**
 * Synthetic Dutch and Belgian people for the emulators, tests and benchmarks. Every value is generated,
 * never taken from a real person; e-mail addresses use the reserved example.* domains (RFC 2606), so
 * nothing can ever be delivered to a real inbox.
 */
export interface SyntheticPerson {
  /** Stable, unique within one generator: drives the e-mail address so duplicates never happen by chance. */
  index: number;
  country: 'NL' | 'BE';
  gender: 'M' | 'F';
  initials: string;
  firstName: string;
  /** The tussenvoegsel, e.g. 'van der'; empty when the name has none. */
  infix: string;
  lastName: string;
  email: string;
  /** E.164, +31 or +32. */
  mobile: string;
  street: string;
  houseNumber: string;
  postcode: string;
  city: string;
  company: string;
  department: string;
  jobTitle: string;
  /** ISO date, yyyy-mm-dd. */
  birthDate: string;
}

const INFIXES = [
  'van der',
  'van den',
  'van de',
  "van 't",
  'van',
  'de',
  'den',
  'der',
  'ter',
  'te',
  'in het',
  "'t",
];
// Faker's Dutch name lists are mostly plain ASCII; mix in names with diacritics so every code path meets them.
const DIACRITIC_FIRST_NAMES = [
  'Zoë',
  'Noël',
  'Chloë',
  'Daniëlle',
  'Anaïs',
  'Inès',
  'Jérôme',
  'Renée',
  'Loïc',
  'Céline',
];
const DEPARTMENTS = [
  'Inkoop',
  'Verkoop',
  'Marketing',
  'Financiën',
  'ICT',
  'HR',
  'Klantenservice',
  'Logistiek',
];
const MAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

export interface SyntheticPeopleOptions {
  seed: number;
  /** Share of Belgian people, 0..1; default 0.3. */
  belgianShare?: number;
}

export function createSyntheticPeople(options: SyntheticPeopleOptions): (index: number) => SyntheticPerson {
  const dutch = new Faker({ locale: [nl, en, base] });
  const belgian = new Faker({ locale: [nl_BE, nl, en, base] });
  const belgianShare = options.belgianShare ?? 0.3;
  return (index) => {
    // Seeding per index makes person N the same regardless of which persons were generated before it.
    dutch.seed([options.seed, index]);
    const isBelgian = dutch.number.float() < belgianShare;
    const f = isBelgian ? belgian : dutch;
    if (isBelgian) belgian.seed([options.seed, index, 1]);
    return buildPerson(f, index, isBelgian ? 'BE' : 'NL');
  };
}

function buildPerson(f: Faker, index: number, country: 'NL' | 'BE'): SyntheticPerson {
  const gender = f.datatype.boolean() ? 'F' : 'M';
  const firstName =
    f.number.float() < 0.08 ? f.helpers.arrayElement(DIACRITIC_FIRST_NAMES) : firstNameOf(f, gender);
  const { infix, lastName } = splitInfix(f.person.lastName());
  const chosenInfix =
    infix || (country === 'NL' && f.number.float() < 0.25 ? f.helpers.arrayElement(INFIXES) : '');
  return {
    index,
    country,
    gender,
    initials: `${firstName.charAt(0).toUpperCase()}.`,
    firstName,
    infix: chosenInfix,
    lastName,
    email: emailOf(f, index, firstName, chosenInfix, lastName),
    mobile:
      country === 'NL'
        ? `+316${f.string.numeric(8)}`
        : `+324${f.helpers.arrayElement(['6', '7', '8', '9'])}${f.string.numeric(7)}`,
    street: f.location.street(),
    houseNumber: `${f.number.int({ min: 1, max: 250 })}${f.number.float() < 0.15 ? f.helpers.arrayElement(['a', 'b', '-1', ' bis']) : ''}`,
    postcode: country === 'NL' ? dutchPostcode(f) : String(f.number.int({ min: 1000, max: 9992 })),
    city: f.location.city(),
    company: f.company.name(),
    department: f.helpers.arrayElement(DEPARTMENTS),
    jobTitle: f.person.jobTitle(),
    birthDate: f.date.birthdate({ mode: 'age', min: 18, max: 90 }).toISOString().slice(0, 10),
  };
}

function firstNameOf(f: Faker, gender: 'M' | 'F'): string {
  return f.person.firstName(gender === 'F' ? 'female' : 'male');
}

function splitInfix(fullLastName: string): { infix: string; lastName: string } {
  const lower = fullLastName.toLowerCase();
  const infix = [...INFIXES].sort((a, b) => b.length - a.length).find((i) => lower.startsWith(`${i} `));
  return infix
    ? { infix, lastName: fullLastName.slice(infix.length + 1) }
    : { infix: '', lastName: fullLastName };
}

function emailOf(f: Faker, index: number, first: string, infix: string, last: string): string {
  const local = [first, infix, last]
    .filter(Boolean)
    .join('.')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9.]+/g, '')
    .replace(/\.+/g, '.')
    .toLowerCase();
  return `${local}.${index}@${f.helpers.arrayElement(MAIL_DOMAINS)}`;
}

function dutchPostcode(f: Faker): string {
  // SA, SD and SS are not issued as Dutch postcode letters.
  const letters = f.helpers.arrayElement(['AB', 'BC', 'CD', 'EK', 'GH', 'JK', 'LM', 'NP', 'RT', 'VW', 'XZ']);
  return `${f.number.int({ min: 1000, max: 9999 })} ${letters}`;
}
