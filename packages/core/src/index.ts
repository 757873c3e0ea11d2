export {
  type ErrorCode,
  type ErrorDetails,
  errorCodes,
  GatehouseError,
  httpStatusOf,
  type Issue,
  isGatehouseError,
  StorageUnavailableError,
  ValidationError,
} from "./errors.js";
export * from "./matrix/index.js";
