// A tiny HTML tagged template: every interpolated value is escaped unless it is already `Html` (built by
// `html` itself or marked with `raw`). Arrays are joined; null, undefined and false render nothing. That
// is the whole template engine: pages are functions returning `Html`.

/** A fragment of HTML that is safe to insert as it is. */
export class Html {
  /** @param {string} value */
  constructor(value) {
    /** @readonly */
    this.value = value;
  }

  toString() {
    return this.value;
  }
}

/**
 * Escapes text for element content and attribute values (quoted with double or single quotes).
 * @param {string} text
 * @returns {string}
 */
export function escapeHtml(text) {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Marks a string as trusted HTML: only for markup that was escaped already (e.g. `renderMatrix`'s output).
 * @param {string} markup
 * @returns {Html}
 */
export function raw(markup) {
  return new Html(markup);
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function render(value) {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value instanceof Date) return escapeHtml(value.toISOString());
  return escapeHtml(String(value));
}

/**
 * Builds HTML, escaping every interpolated value.
 * @example html`<p class="${kind}">${message}</p>`
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {Html}
 */
export function html(strings, ...values) {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new Html(out);
}
