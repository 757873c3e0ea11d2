// The composed store (PostgreSQL + Redis) every binding's route suite runs on: one copy, in the http
// package's tests, for the http layer and each of its bindings.
export * from "../../../http/test/support/stores.js";
