import { html } from "./html.js";
import { fieldError, invalid } from "./views/layout.js";

/** @import { PresetName, User } from "@gatehousejs/core" */
/** @import { FormErrors } from "./form-errors.js" */
/** @import { Html } from "./html.js" */

// A user's name on a form, as each preset's product shows it. The team preset (seed 003) has "First name"
// and "Last name"; the enterprise preset (seed 000) has one "Name" field. Gatehouse stores a given and a
// family name, so the one field maps to the given name with no family name: its display name is then
// exactly what was typed, and nothing is split by guesswork. Both are optional: an invitee has no name.

/**
 * The form's name values for a user.
 * @param {User} user
 * @returns {{ name: string; givenName: string; familyName: string }}
 */
export function nameValuesOf(user) {
  return { name: user.displayName ?? "", givenName: user.givenName ?? "", familyName: user.familyName ?? "" };
}

/**
 * The name values a form posted.
 * @param {Record<string, unknown>} body
 * @returns {{ name: string; givenName: string; familyName: string }}
 */
export function postedNameValues(body) {
  /** @param {unknown} value */
  const text = (value) => (typeof value === "string" ? value : "");
  return { name: text(body.name), givenName: text(body.givenName), familyName: text(body.familyName) };
}

/**
 * What `updateUser` gets from the form's name fields. The one "Name" field changes nothing while it still
 * shows the display name, so saving another field keeps a name given in two parts (by the API) as it is.
 * @param {PresetName} preset
 * @param {{ name: string; givenName: string; familyName: string }} values
 * @param {User} user
 * @returns {{ givenName?: string | null; familyName?: string | null }}
 */
export function nameChanges(preset, values, user) {
  if (preset === "team") return { givenName: values.givenName, familyName: values.familyName };
  if (values.name.trim() === (user.displayName ?? "")) return {};
  return { givenName: values.name, familyName: null };
}

/**
 * The form fields whose errors go next to them, and where the service's field names land on this form.
 * @param {PresetName} preset
 * @returns {{ fields: string[]; rename: Record<string, string> }}
 */
export function nameErrorFields(preset) {
  return preset === "team"
    ? { fields: ["givenName", "familyName"], rename: {} }
    : { fields: ["name"], rename: { givenName: "name", familyName: "name" } };
}

/**
 * The name inputs of the preset, none of them required.
 * @param {PresetName} preset
 * @param {{ name: string; givenName: string; familyName: string }} values
 * @param {FormErrors} errors
 * @returns {Html}
 */
export function nameInputs(preset, values, errors) {
  if (preset === "team") {
    return html`<label for="givenName">First name</label>
  <input id="givenName" name="givenName" type="text" value="${values.givenName}"${invalid(errors, "givenName")}>
  ${fieldError(errors, "givenName")}
  <label for="familyName">Last name</label>
  <input id="familyName" name="familyName" type="text" value="${values.familyName}"${invalid(errors, "familyName")}>
  ${fieldError(errors, "familyName")}`;
  }
  return html`<label for="name">Name <span class="hint">optional</span></label>
  <input id="name" name="name" type="text" value="${values.name}"${invalid(errors, "name")}>
  ${fieldError(errors, "name")}`;
}
