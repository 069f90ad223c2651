import { country, countryEn } from './country.js';
import { phone } from './phone.js';
import { date, email, gender, infix, postcode, text } from './scalar-transforms.js';
import { setBoolean, setMultiselect, setString } from './set-transforms.js';
import { streetHouseNumber } from './street-address.js';
import type { Transform } from './sync-definition.js';
import type { TransformPair } from './transform-kit.js';

/**
 * The transform a field's definition names, as a pair of pure functions (see transform-kit.ts for the
 * contract). Parameterised transforms are built from their options; the rest are shared constants.
 */
export function transformFor(spec: Transform): TransformPair {
  switch (spec.name) {
    case 'text':
      return text;
    case 'email':
      return email;
    case 'gender':
      return gender;
    case 'date':
      return date;
    case 'country':
      return country;
    case 'country-en':
      return countryEn;
    case 'phone':
      return 'regions' in spec ? phone(spec.regions) : phone();
    case 'infix':
      return infix;
    case 'postcode':
      return postcode;
    case 'street-house-number':
      return streetHouseNumber;
    case 'set-boolean':
      return setBoolean(spec.bit);
    case 'set-multiselect':
      return setMultiselect(spec.options);
    case 'set-string':
      return setString(spec.labels);
  }
}

export { country, countryCodeOf, countryEn, countryNameOf } from './country.js';
export { DEFAULT_PHONE_REGIONS, phone, toE164 } from './phone.js';
export {
  date,
  email,
  gender,
  infix,
  normaliseDate,
  normaliseEmail,
  postcode,
  text,
} from './scalar-transforms.js';
export { enabledBits, setBoolean, setMultiselect, setString } from './set-transforms.js';
export { joinStreetLine, splitStreetLine, streetHouseNumber } from './street-address.js';
export {
  checkLength,
  MAILPLUS_MAX_LENGTH,
  type TransformContext,
  type TransformPair,
} from './transform-kit.js';
