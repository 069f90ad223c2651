/**
 * The categories of personal data the sync is built to carry (DESIGN.md). Every mapped field names its
 * category so the Art. 30(2) processing register can be generated from the live definition: a category
 * is processed for a customer only when some field of theirs carries it.
 */
export const DATA_CATEGORIES = [
  'email',
  'name',
  'address',
  'company',
  'phone',
  'gender',
  'birthdate',
  'jobtitle',
  'reference',
  'type',
  'background',
  'transactions',
  'permissions',
  'interests',
  'interactions',
] as const;

export type DataCategory = (typeof DATA_CATEGORIES)[number];

export interface CategoryLabel {
  nl: string;
  en: string;
}

export const CATEGORY_LABELS: Readonly<Record<DataCategory, CategoryLabel>> = {
  email: { nl: 'E-mailadres', en: 'E-mail address' },
  name: {
    nl: 'Voorletters, voornaam, tussenvoegsel, achternaam',
    en: 'Initials, first name, infix, last name',
  },
  address: {
    nl: 'Straat, huisnummer, postcode, plaats, land',
    en: 'Street, house number, postcode, city, country',
  },
  company: { nl: 'Bedrijf, afdeling', en: 'Company, department' },
  phone: { nl: 'Telefoonnummers', en: 'Phone numbers' },
  gender: { nl: 'Geslacht', en: 'Gender' },
  birthdate: { nl: 'Geboortedatum', en: 'Date of birth' },
  jobtitle: { nl: 'Functietitel', en: 'Job title' },
  reference: { nl: 'Unieke kenmerken (klantnummer)', en: 'Unique references (customer number)' },
  type: { nl: 'Typeringen (klant, prospect)', en: 'Types (customer, prospect)' },
  background: { nl: 'Achtergrondkenmerken', en: 'Background characteristics' },
  transactions: { nl: 'Transacties en aankopen', en: 'Transactions and purchases' },
  permissions: { nl: 'Toestemmingen (opt-ins)', en: 'Permissions (opt-ins)' },
  interests: { nl: 'Interesses en voorkeuren', en: 'Interests and preferences' },
  interactions: { nl: 'Interacties (opens, kliks)', en: 'Interactions (opens, clicks)' },
};

/** The part of a definition that decides which categories are processed. */
export interface CategorySource {
  fields: ReadonlyArray<{ category: DataCategory }>;
  permissions: readonly unknown[];
}

/** The categories a definition processes, in the canonical order above (stable for the register). */
export function categoriesInUse(def: CategorySource): DataCategory[] {
  const used = new Set<DataCategory>(['email']);
  for (const field of def.fields) used.add(field.category);
  if (def.permissions.length > 0) used.add('permissions');
  return DATA_CATEGORIES.filter((category) => used.has(category));
}
