import type { MailplusProperty, PropertyType } from '../../connectors/mailplus/mailplus-types.js';

/**
 * The contact fields of an emulated account, as `GET /contact/properties/list` reports them. Mail+ has
 * no fixed schema; these names are the ones seen in real accounts and default mappings (spotler.md
 * §1.5). Set-type fields carry their options as entries with power-of-two bits (§1.6).
 */
export interface AccountProperty {
  name: string;
  description: string;
  type: PropertyType;
  entries?: Array<{ bit: number; description: string; rank: number }>;
}

function set(name: string, description: string, options: string[]): AccountProperty {
  return {
    name,
    description,
    type: 'set',
    entries: options.map((option, i) => ({ bit: 2 ** i, description: option, rank: i + 1 })),
  };
}

export const DEFAULT_ACCOUNT_PROPERTIES: readonly AccountProperty[] = [
  { name: 'email', description: 'E-mailadres', type: 'email' },
  { name: 'initials', description: 'Voorletters', type: 'string' },
  { name: 'firstName', description: 'Voornaam', type: 'string' },
  { name: 'infix', description: 'Tussenvoegsel', type: 'string' },
  { name: 'lastName', description: 'Achternaam', type: 'string' },
  { name: 'gender', description: 'Geslacht', type: 'gender' },
  { name: 'birthday', description: 'Geboortedatum', type: 'birthdate' },
  { name: 'street', description: 'Straat', type: 'string' },
  { name: 'houseNumber', description: 'Huisnummer', type: 'string' },
  { name: 'postalCode', description: 'Postcode', type: 'postcode' },
  { name: 'city', description: 'Plaats', type: 'string' },
  { name: 'country', description: 'Land', type: 'string' },
  { name: 'organisation', description: 'Organisatie', type: 'string' },
  { name: 'department', description: 'Afdeling', type: 'string' },
  { name: 'jobTitle', description: 'Functie', type: 'string' },
  { name: 'phoneNumber', description: 'Telefoonnummer', type: 'string' },
  { name: 'mobileNumber', description: 'Mobiel nummer', type: 'mobNr' },
  { name: 'customerType', description: 'Klanttype', type: 'string' },
  { name: 'customerNumber', description: 'Klantnummer', type: 'int' },
  { name: 'lastPurchaseDate', description: 'Laatste aankoop', type: 'date' },
  { name: 'totalSpent', description: 'Totaal besteed', type: 'money' },
  { name: 'lastVisit', description: 'Laatste bezoek', type: 'dateTime' },
  set('permissions', 'Permissies', ['Nieuwsbrief', 'Aanbiedingen', 'Evenementen']),
  set('interests', 'Interesses', ['Fietsen', 'Wandelen', 'Koken', 'Reizen']),
  set('preferences', 'Voorkeuren', ['Wekelijks', 'Maandelijks', 'Alleen belangrijke berichten']),
];

/** The wire shape of the property list; entries only on set fields. */
export function toWireProperty(property: AccountProperty): MailplusProperty {
  const { name, description, type, entries } = property;
  return entries ? { name, description, type, entries } : { name, description, type };
}
