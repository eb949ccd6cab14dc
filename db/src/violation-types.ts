// The violation types, their category and default weights are browser-safe data kept once in
// @proctor/values; re-exported here for the database code and the packages that import db.
export {
  VIOLATION_TYPES,
  type ViolationType,
  VIOLATION_CATEGORY,
  TECHNICAL_VIOLATION_TYPES,
  type ViolationWeights,
  DEFAULT_VIOLATION_WEIGHTS,
} from '@proctor/values';
