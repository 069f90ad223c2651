import type { Random } from '../../clock.js';
import { createSyntheticPeople, type SyntheticPerson } from '../shared/synthetic-people.js';
import type { ContactWrite } from './contact-store.js';

/**
 * Synthetic people as Mail+ contacts, using the account's property names (spotler.md §1.5). The
 * externalIds are GUIDs, as a Dataverse-linked account would hold. Permissions and interests are drawn
 * from the same seeded source, so a seed always produces the same account.
 */
export function syntheticContacts(seed: number, random: Random): (index: number) => ContactWrite {
  const person = createSyntheticPeople({ seed });
  return (index) => ({ externalId: random.uuid(), properties: contactProperties(person(index), random) });
}

export function contactProperties(p: SyntheticPerson, random: Random): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    email: p.email,
    initials: p.initials,
    firstName: p.firstName,
    lastName: p.lastName,
    gender: p.gender,
    birthday: p.birthDate,
    street: p.street,
    houseNumber: p.houseNumber,
    postalCode: p.postcode,
    city: p.city,
    country: p.country,
    organisation: p.company,
    department: p.department,
    jobTitle: p.jobTitle,
    mobileNumber: p.mobile,
    permissions: [
      { bit: 1, enabled: random.float() < 0.7 },
      { bit: 2, enabled: random.float() < 0.4 },
    ],
    interests: [1, 2, 4, 8].map((bit) => ({ bit, enabled: random.float() < 0.3 })),
  };
  if (p.infix) properties.infix = p.infix;
  return properties;
}
