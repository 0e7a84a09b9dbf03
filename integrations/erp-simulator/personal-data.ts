/**
 * Plausible but fake personal data (names, contact details, identity numbers). Everything here is
 * invented; addresses use example.* mail domains and the 900–999 individual-number range that Finnish
 * temporary identity codes use, so nothing can collide with a real person.
 */
import { type Rng, intBetween, pick } from './prng';
import type { Language, PersonalData } from './types';

const FIRST = {
  fi: ['Aino', 'Eero', 'Helmi', 'Juha', 'Kaisa', 'Lauri', 'Mikko', 'Noora', 'Olli', 'Pia', 'Sanna', 'Tuomas', 'Venla', 'Ville'],
  sv: ['Anders', 'Ebba', 'Fredrik', 'Ida', 'Johan', 'Linnea', 'Mats', 'Stina'],
  en: ['Alice', 'Daniel', 'Emma', 'James', 'Olivia', 'Peter'],
};
const LAST = {
  fi: ['Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen'],
  sv: ['Lindholm', 'Sjöberg', 'Ekström', 'Lindqvist', 'Holmström'],
  en: ['Smith', 'Brown', 'Taylor', 'Wilson', 'Clarke'],
};
const STREETS = ['Mannerheimintie', 'Hämeenkatu', 'Aleksanterinkatu', 'Kauppakatu', 'Rantatie', 'Koulukatu'];
const CITIES: Array<[string, string]> = [
  ['Helsinki', '00100'],
  ['Espoo', '02100'],
  ['Tampere', '33100'],
  ['Turku', '20100'],
  ['Oulu', '90100'],
  ['Vaasa', '65100'],
];
const NOTES = ['Prefers mornings', 'Allergic to nuts', 'Car parking spot B12', 'Mentor for new hires', ''];
const SSN_CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';

function ascii(value: string): string {
  return value.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase();
}

function fakeSsn(birth: Date, rng: Rng): string {
  const dd = String(birth.getUTCDate()).padStart(2, '0');
  const mm = String(birth.getUTCMonth() + 1).padStart(2, '0');
  const yy = String(birth.getUTCFullYear() % 100).padStart(2, '0');
  const individual = String(intBetween(rng, 900, 999));
  const check = SSN_CHECK[Number(`${dd}${mm}${yy}${individual}`) % 31] ?? '0';
  const century = birth.getUTCFullYear() >= 2000 ? 'A' : '-';
  return `${dd}${mm}${yy}${century}${individual}${check}`;
}

function fakeIban(rng: Rng): string {
  let bban = '';
  for (let i = 0; i < 14; i += 1) bban += String(intBetween(rng, 0, 9));
  // IBAN check digits: move "FI00" to the end, letters to numbers (F=15, I=18), 98 - mod 97.
  const check = 98 - Number(BigInt(`${bban}151800`) % 97n);
  return `FI${String(check).padStart(2, '0')}${bban}`;
}

export function fakePersonalData(rng: Rng, language: Language, domain: string): PersonalData {
  const firstName = pick(rng, FIRST[language]);
  const lastName = pick(rng, LAST[language]);
  const birth = new Date(Date.UTC(intBetween(rng, 1962, 2002), intBetween(rng, 0, 11), intBetween(rng, 1, 28)));
  const [city, postalCode] = pick(rng, CITIES);
  return {
    firstName,
    lastName,
    email: `${ascii(firstName)}.${ascii(lastName)}${intBetween(rng, 1, 999)}@${domain}`,
    phone: `+358 40 ${intBetween(rng, 100, 999)} ${intBetween(rng, 1000, 9999)}`,
    address: `${pick(rng, STREETS)} ${intBetween(rng, 1, 80)} B ${intBetween(rng, 1, 40)}`,
    postalCode,
    city,
    birthDate: birth.toISOString().slice(0, 10),
    socialSecurityNumber: fakeSsn(birth, rng),
    bankAccountNumber: fakeIban(rng),
    notes: pick(rng, NOTES),
  };
}

const DESCRIPTIONS = [
  'Asiakaspalaveri ja muistion kirjoitus',
  'Määrittelytyö',
  'Koodikatselmointi',
  'Testaus ja korjaukset',
  'Sprint planning with the customer',
  'Dokumentointi',
  'Kundmöte och uppföljning',
  'Tukipyyntöjen käsittely',
];

/** Free-text description a person types on a work-hour row (may in reality contain anything). */
export function workDescription(index: number): string {
  return DESCRIPTIONS[index % DESCRIPTIONS.length] ?? '';
}

const FIRMS = ['Rakennus Kivi', 'Kauppahuone Lehto', 'Konepaja Tammi', 'Logistiikka Nord', 'Energia Itä', 'Mediatalo Aalto', 'Vakuutus Laine'];

/** A customer's name: mostly a company, every fourth (from the second on) a sole trader under the owner's own name. */
export function customerName(rng: Rng, index: number): string {
  if (index % 4 === 1) return `Tmi ${pick(rng, FIRST.fi)} ${pick(rng, LAST.fi)}`;
  return `${pick(rng, FIRMS)} Oy`;
}

const CONTACT_NOTES = ['Soitto', 'Palaveri', 'Sähköposti'];

/**
 * Free text as people really write it, sometimes naming the customer's contact person, so a product
 * that kept descriptions would store personal data of people who are not even its users.
 */
export function describedWork(index: number, contactName: string): string {
  if (index % 5 !== 4) return workDescription(index);
  return `${CONTACT_NOTES[index % CONTACT_NOTES.length] ?? ''}: ${contactName}`;
}
