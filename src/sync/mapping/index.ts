/** The field-mapping layer: pure functions from a tenant's sync definition to values on either side. */
export { type CanonicalValues, canonicalValues } from './canonical.js';
export {
  DATAVERSE_ANNOTATIONS_PREFER,
  type FieldError,
  formattedValueKey,
  type MailplusContactLike,
  type MailplusValues,
  type Mapped,
  MappingError,
  mappedDataverseColumns,
  mappedMailplusProperties,
  mapToDataverse,
  mapToMailplus,
  needsAnnotations,
  toDataverse,
  toMailplus,
} from './contact-mapper.js';
export { CATEGORY_LABELS, categoriesInUse, DATA_CATEGORIES, type DataCategory } from './data-categories.js';
export {
  DEFAULT_FIELDS,
  DEFAULT_PERMISSIONS,
  type DefaultOptions,
  defaultSyncDefinition,
} from './default-mapping.js';
export { fieldKey, ownBits, permissionKey } from './field-access.js';
export {
  type Direction,
  type FieldMapping,
  type FieldMappingInput,
  flowsToDataverse,
  flowsToMailplus,
  type PermissionMapping,
  parseSyncDefinition,
  type Scope,
  type Side,
  type SyncDefinition,
  type SyncDefinitionInput,
  syncDefinitionSchema,
  type Transform,
} from './sync-definition.js';
export { transformFor } from './transforms.js';
export {
  assertDefinitionMatchesSystems,
  definitionIssues,
  nearMatches,
  type ReportedProperty,
  type SystemsReport,
} from './validate-definition.js';
