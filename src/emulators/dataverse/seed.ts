import { createSyntheticPeople, type SyntheticPerson } from '../shared/synthetic-people.js';
import type { DataverseStore, Row } from './store.js';

const COUNTRY_NAMES = { NL: 'Nederland', BE: 'België' } as const;

/** The contact columns a synthetic person fills, the way a Dutch or Belgian CRM user would enter them. */
export function contactFieldsOf(person: SyntheticPerson, accountId: string): Row {
  return {
    firstname: person.firstName,
    // There is no tussenvoegsel column in Dataverse; Dutch orgs commonly keep it in middlename.
    middlename: person.infix || null,
    lastname: person.lastName,
    emailaddress1: person.email,
    mobilephone: person.mobile,
    address1_line1: `${person.street} ${person.houseNumber}`,
    address1_postalcode: person.postcode,
    address1_city: person.city,
    address1_country: COUNTRY_NAMES[person.country],
    gendercode: person.gender === 'M' ? 1 : 2,
    birthdate: person.birthDate,
    jobtitle: person.jobTitle,
    department: person.department,
    _parentcustomerid_value: accountId,
    donotbulkemail: false,
    statecode: 0,
    statuscode: 1,
  };
}

/** Adds `count` synthetic contacts (person indexes continue after earlier seeds); returns their ids. */
export function seedContacts(store: DataverseStore, count: number, seed: number): string[] {
  const people = createSyntheticPeople({ seed });
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const person = people(store.seededPeople++);
    const id = store.newId();
    store.put(id, contactFieldsOf(person, store.addAccount(person.company)));
    ids.push(id);
  }
  return ids;
}
