import { isGatehouseError } from "@gatehousejs/core";

/** @import { GatehouseError } from "@gatehousejs/core" */

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
 * @param {GatehouseError} error
 * @param {{ fields: readonly string[]; rename?: Record<string, string>; otherwise?: string }} form
 * @returns {FormErrors}
 */
export function formErrors(error, { fields, rename = {}, otherwise }) {
  /** @type {FormErrors} */
  const result = { fields: {}, form: [] };
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
  if (Object.keys(result.fields).length === 0 && result.form.length === 0) result.form.push(describe(error));
  return result;
}

/**
 * A sentence for a person about an error; an account lock says until when.
 * @param {GatehouseError} error
 * @returns {string}
 */
export function describe(error) {
  if (error.code === "ACCOUNT_LOCKED" && error.details.retryAt instanceof Date) {
    return `This account is locked after too many failed attempts, until ${formatTime(error.details.retryAt)}. No one can lift the lock before then.`;
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
 * @param {Parameters<typeof formErrors>[1]} form
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
