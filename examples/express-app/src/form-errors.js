import { isGatehouseError } from "@gatehousejs/core";
import { escalationWords, lockWords } from "./words.js";

/** @import { GatehouseError, GatehousePolicy, MatrixShape } from "@gatehousejs/core" */

/**
 * The errors of a form: messages per field (shown next to it) and the rest (shown above the form).
 * @typedef {{ fields: Record<string, string[]>; form: string[] }} FormErrors
 */

/** @type {FormErrors} */
export const noErrors = Object.freeze({ fields: {}, form: [] });

/**
 * Maps a `GatehouseError`'s `details.issues` to the form's fields: an issue whose path starts with one of
 * `fields` goes next to that field (after `rename`, e.g. the service's `password` is the form's
 * `newPassword`); an issue naming something else (an invited address) goes to the `otherwise` field, prefixed
 * with that value; everything else, and the error's message when no issue was placed, goes above the form.
 * A refused escalation (permissions the actor does not hold) is one sentence in words, next to `escalation`;
 * a locked account says which rule locked it (with `lockout`), next to `locked`.
 * @param {GatehouseError} error
 * @param {FormShape} form
 * @returns {FormErrors}
 */
export function formErrors(error, { fields, rename = {}, otherwise, matrix, escalation, lockout, locked }) {
  /** @type {FormErrors} */
  const result = { fields: {}, form: [] };
  const issues = error.details.issues ?? [];
  if (error.code === "FORBIDDEN" && matrix && issues.some((i) => i.reason === "not-held")) {
    const message = escalationWords(matrix, issues);
    return escalation ? { fields: { [escalation]: [message] }, form: [] } : { fields: {}, form: [message] };
  }
  if (error.code === "ACCOUNT_LOCKED" && locked) {
    return { fields: { [locked]: [describe(error, lockout)] }, form: [] };
  }
  const add = (/** @type {string} */ field, /** @type {string} */ message) => {
    const list = result.fields[field] ?? [];
    if (!list.includes(message)) list.push(message);
    result.fields[field] = list;
  };
  for (const issue of error.details.issues ?? []) {
    const head = issue.path[0];
    const field = typeof head === "string" ? (rename[head] ?? head) : undefined;
    if (field !== undefined && fields.includes(field)) add(field, issue.message);
    else if (otherwise !== undefined && head !== undefined) add(otherwise, issue.message);
    else result.form.push(issue.message);
  }
  if (Object.keys(result.fields).length === 0 && result.form.length === 0) {
    result.form.push(describe(error, lockout));
  }
  return result;
}

/**
 * Where a form's errors go; see {@link formErrors}.
 * @typedef {object} FormShape
 * @property {readonly string[]} fields the form's fields
 * @property {Record<string, string>} [rename] the service's field names that are another field here
 * @property {string} [otherwise] the field of an issue that names a value (an invited address)
 * @property {MatrixShape} [matrix] to name permissions in words
 * @property {string} [escalation] the field of a refused escalation
 * @property {GatehousePolicy["lockout"]} [lockout] to say which rule locked an account
 * @property {string} [locked] the field of a lock message (the password that was confirmed)
 */

/**
 * A sentence for a person about an error; an account lock says why and until when.
 * @param {GatehouseError} error
 * @param {GatehousePolicy["lockout"]} [lockout] the policy that locked it, for the numbers of its rules
 * @returns {string}
 */
export function describe(error, lockout) {
  if (error.code === "ACCOUNT_LOCKED" && error.details.retryAt instanceof Date && lockout) {
    return lockWords(error.details, lockout);
  }
  if (error.code === "ACCOUNT_LOCKED" && error.details.retryAt instanceof Date) {
    return `This account is locked until ${formatTime(error.details.retryAt)}. No one can lift the lock before then.`;
  }
  if (error.code === "INVALID_CREDENTIALS") return "The e-mail address or the password is not correct.";
  return error.message;
}

/**
 * An instant as people read it, in UTC so the server and the browser agree.
 * @param {Date} date
 * @returns {string}
 */
export function formatTime(date) {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * Runs a form's action: a `GatehouseError` of an expected kind becomes form errors, anything else rethrows
 * (a plain FORBIDDEN goes to the 403 page).
 * @template T
 * @param {() => Promise<T>} action
 * @param {FormShape} form
 * @returns {Promise<{ ok: true; value: T } | { ok: false; errors: FormErrors; error: GatehouseError }>}
 */
export async function attempt(action, form) {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    if (!isGatehouseError(error) || expectedElsewhere.has(error.code)) throw error;
    // A refusal without issues goes to the 403 page; one naming what was refused (granting a permission
    // the actor lacks) belongs next to the form.
    if (error.code === "FORBIDDEN" && !error.details.issues?.length) throw error;
    return { ok: false, errors: formErrors(error, form), error };
  }
}

const expectedElsewhere = new Set(["UNAUTHENTICATED", "STORAGE_UNAVAILABLE", "CONFIGURATION"]);
