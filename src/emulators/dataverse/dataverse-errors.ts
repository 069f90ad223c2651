import { DataverseFault } from './api-types.js';
import { ENTITY_TYPE } from './contact-schema.js';

/**
 * The errors the emulator answers with, each with the status, code and message the real service uses
 * (sources in docs/research/dynamics.md; where only the message is documented, the code is the one seen
 * in public reports, and where neither status nor code is documented that is said next to it).
 */
export const faults = {
  unknownProperty: (name: string, type = ENTITY_TYPE) =>
    new DataverseFault(400, '0x0', `Could not find a property named '${name}' on type '${type}'.`),

  unknownSegment: (segment: string) =>
    new DataverseFault(404, '0x8006088a', `Resource not found for the segment '${segment}'.`),

  querySyntax: () => new DataverseFault(400, '0x8006088a', 'Bad Request - Error in query syntax.'),

  filterSyntax: (position: number, filter: string) =>
    new DataverseFault(400, '0x80060888', `Syntax error at position ${position} in '${filter}'.`),

  incompatibleTypes: (left: string, right: string, operator: string) =>
    new DataverseFault(
      400,
      '0x80060888',
      `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' for operator kind '${operator}'.`,
    ),

  /** Dataverse rejects $skip outright; the exact code is not documented. */
  skipNotSupported: () => new DataverseFault(400, '0x0', 'The query parameter $skip is not supported'),

  trackChangesOption: (option: string) =>
    new DataverseFault(
      400,
      '0x0',
      `The "${option}" query parameter isn't supported when Change Tracking is enabled.`,
    ),

  /** ErrorCodes.ExpiredVersionStamp; the Web API status is not documented, 400 is assumed. */
  expiredVersionStamp: () =>
    new DataverseFault(
      400,
      '0x80044352',
      'Version stamp associated with the client has expired. Please perform a full sync.',
    ),

  notFound: (entity: string, id: string) =>
    new DataverseFault(404, '0x80040217', `${entity} With Id = ${id} Does Not Exist`),

  duplicate: () => new DataverseFault(412, '0x80040237', 'A record with matching key values already exists.'),

  versionMismatch: () =>
    new DataverseFault(
      412,
      '0x80060882',
      "The version of the existing record doesn't match the RowVersion property provided.",
    ),

  invalidPayloadProperty: (name: string) =>
    payloadError(`Invalid property '${name}' was found in entity '${ENTITY_TYPE}'.`),

  /** The real message quotes the offending literal; the emulator says only which type was expected. */
  payloadType: (name: string, edmType: string) =>
    payloadError(`Cannot convert a value of property '${name}' to the expected type '${edmType}'.`),

  invalidJson: () => payloadError('Invalid JSON. A token was not recognized in the JSON content.'),

  tooLong: (attribute: string, max: number) =>
    new DataverseFault(
      400,
      '0x80044331',
      `A validation error occurred.  The length of the '${attribute}' attribute of the 'contact' entity exceeded the maximum allowed length of '${max}'.`,
    ),

  outOfRange: (attribute: string, value: number, accepted: readonly number[]) =>
    new DataverseFault(
      400,
      '0x8004431a',
      `A validation error occurred. The value ${value} of '${attribute}' on record of type 'contact' is outside the valid range. Accepted Values: ${accepted.join(',')}`,
    ),

  methodNotAllowed: (method: string) =>
    new DataverseFault(405, '0x80060888', `The requested resource does not support http method '${method}'.`),

  batchTooLarge: (max: number) =>
    new DataverseFault(400, '0x8005f103', `The number of requests in a batch exceeded the limit of ${max}.`),

  getInChangeSet: () => new DataverseFault(400, '0x0', 'Change set operations cannot contain GET requests.'),

  contentIdMissing: (ref: string) =>
    new DataverseFault(400, '0x0', `Content-ID Reference: '${ref}' does not exist in the batch context.`),

  unexpected: () => new DataverseFault(500, '0x80040216', 'An unexpected error occurred.'),

  /**
   * A synchronous plug-in threw InvalidPluginExecutionException: its message, under IsvAborted. The
   * status is 400 unless the plug-in chose another (PluginHttpStatusCode); the emulator keeps 400.
   */
  pluginRefused: (message: string) => new DataverseFault(400, '0x80040265', message),
};

function payloadError(inner: string): DataverseFault {
  return new DataverseFault(
    400,
    '0x80048d19',
    `Error identified in Payload provided by the user for Entity :'contacts', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.Crm.CrmException: ${inner}`,
  );
}
