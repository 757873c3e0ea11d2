/**
 * `@gatehousejs/core/adapter-kit`: what every storage adapter needs and no driver decides — the repository
 * error guard over a per-database error classifier, keyset cursors, the transaction scope, the strict
 * attempt-state codec, code-point comparison and value conversions. No dependency beyond core. Explicit named
 * exports only.
 *
 * @module @gatehousejs/core/adapter-kit
 */

export {
  attemptStateIssues,
  decodeAttemptState,
  type EncodedAttemptState,
  encodeAttemptState,
} from "../store/attempt-codec.js";
export { compareCodePoints } from "../store/memory/table.js";
export { newAuthorizationVersion, organizationTag, tagOfSessionKey } from "../store/session-key.js";
export { decodeCursor, encodeCursor, invalidCursor } from "./cursor.js";
export {
  conflictError,
  createStoreErrorMapper,
  type ErrorClassifier,
  guardRepository,
  type StoreErrorKind,
  type StoreErrorMapper,
  type StoreErrorMapperOptions,
} from "./store-errors.js";
export {
  runStoreTransaction,
  type StoreTransaction,
  type TransactionScope,
  transactionScope,
} from "./transaction-scope.js";
export { fromJson, inChunks, toBoolean, toDate, toDateOrNull, toJson, toNumber } from "./values.js";
