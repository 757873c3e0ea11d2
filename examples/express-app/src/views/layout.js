import { html, raw } from "../html.js";

/** @import { Html } from "../html.js" */
/** @import { Auth } from "../auth.js" */

/**
 * What every page knows about the request: who is signed in and whether the development tools (outbox,
 * staff console) are on. Forms carry no CSRF token: they are same-origin POSTs, and the middleware refuses
 * any POST whose `Origin` / `Sec-Fetch-Site` says it came from another site.
 * @typedef {object} View
 * @property {Auth | null} auth the signed-in user at the `authenticated` stage, else null
 * @property {boolean} signedIn a session at any stage, a sign-in in progress included
 * @property {boolean} dev
 * @property {string} path
 * @property {string | null} notice a one-line message carried over a redirect
 */

const styles = `
:root { --ink:#1d2330; --muted:#5b6475; --line:#dfe3ea; --brand:#2457c5; --brand-ink:#fff; --bg:#f5f7fa;
  --danger:#b42318; --danger-bg:#fef3f2; --ok-bg:#ecfdf3; --ok:#067647; --warn-bg:#fffaeb; --warn:#93370d; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--brand); }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:8px 16px; padding:10px 24px; background:#111827; color:#fff; }
header.top .brand { font-weight:700; letter-spacing:.2px; }
header.top .org { color:#9ca3af; }
header.top .spacer { flex:1; }
header.top a, header.top button.link { color:#e5e7eb; }
header.top .who { overflow-wrap:anywhere; }
details.menu { display:none; }
.shell { display:flex; min-height:calc(100vh - 48px); }
nav.side { width:220px; padding:20px 12px; background:#fff; border-right:1px solid var(--line); }
nav.side a { display:block; padding:7px 12px; border-radius:6px; color:var(--ink); text-decoration:none; }
nav.side a.active { background:#e8eefc; color:var(--brand); font-weight:600; }
nav.side h3 { font-size:11px; text-transform:uppercase; color:var(--muted); margin:16px 12px 4px; letter-spacing:.6px; }
main { flex:1; min-width:0; padding:28px 36px; max-width:1200px; }
.table-scroll { overflow-x:auto; max-width:100%; }
.table-scroll:focus-visible { outline:2px solid var(--brand); outline-offset:2px; }
main.narrow { max-width:460px; margin:48px auto; background:#fff; border:1px solid var(--line); border-radius:10px; padding:32px; }
h1 { font-size:24px; margin:0 0 6px; }
h2 { font-size:18px; margin:28px 0 8px; }
p.lead { color:var(--muted); margin:0 0 20px; }
table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); border-radius:8px; overflow:hidden; margin:8px 0 16px; }
th, td { text-align:left; padding:9px 12px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#f9fafb; font-size:13px; color:var(--muted); font-weight:600; }
tr:last-child td { border-bottom:0; }
label { display:block; font-weight:600; margin:14px 0 4px; }
.hint { color:var(--muted); font-size:13px; font-weight:400; }
input[type=text], input[type=email], input[type=password], input[type=search], textarea, select {
  width:100%; padding:8px 10px; border:1px solid #c9ced8; border-radius:6px; font:inherit; background:#fff; }
textarea { min-height:84px; }
input[aria-invalid=true], textarea[aria-invalid=true], fieldset[aria-invalid=true] { border-color:var(--danger); }
.field-error { color:var(--danger); font-size:13px; margin:4px 0 0; }
.errors { background:var(--danger-bg); color:var(--danger); border:1px solid #fecdca; padding:10px 14px; border-radius:6px; margin:12px 0; }
.notice { background:var(--ok-bg); color:var(--ok); border:1px solid #abefc6; padding:10px 14px; border-radius:6px; margin:0 0 16px; }
.callout { background:var(--warn-bg); color:var(--warn); border:1px solid #fedf89; padding:10px 14px; border-radius:6px; margin:12px 0; }
button, .button { display:inline-block; padding:8px 14px; border-radius:6px; border:1px solid var(--brand); background:var(--brand);
  color:var(--brand-ink); font:inherit; font-weight:600; cursor:pointer; text-decoration:none; white-space:nowrap; }
button.secondary, .button.secondary { background:#fff; color:var(--ink); border-color:#c9ced8; }
button.danger, .button.danger { background:var(--danger); border-color:var(--danger); }
button.small, .button.small { padding:4px 10px; font-size:13px; }
button.link { background:none; border:0; padding:0; color:var(--brand); font-weight:400; text-decoration:underline; }
.actions { display:flex; gap:8px; align-items:center; flex-wrap:wrap; }
td .actions { flex-wrap:nowrap; }
td.when { white-space:nowrap; }
td.details code { word-break:break-all; font-size:12px; color:var(--muted); }
form.inline { display:inline; }
.toolbar { display:flex; gap:12px; align-items:center; margin:16px 0; }
.toolbar form { display:flex; gap:8px; flex:1; }
.pill { display:inline-block; padding:1px 8px; border-radius:999px; background:#eef2f6; font-size:12px; margin:1px 2px 1px 0; }
.pill.ok { background:var(--ok-bg); color:var(--ok); }
.pill.warn { background:var(--warn-bg); color:var(--warn); }
.modal-backdrop { position:fixed; inset:0; background:rgba(17,24,39,.45); display:flex; align-items:flex-start; justify-content:center; padding-top:8vh; }
.modal { background:#fff; border-radius:10px; padding:24px 28px; width:min(560px, 92vw); box-shadow:0 20px 50px rgba(0,0,0,.25); max-height:84vh; overflow:auto; }
.modal h2 { margin-top:0; }
.checks { display:grid; grid-template-columns:repeat(auto-fill, minmax(230px, 1fr)); gap:2px 12px; border:1px solid var(--line); border-radius:6px; padding:8px 12px; }
.checks label { font-weight:400; margin:2px 0; }
fieldset { border:1px solid var(--line); border-radius:6px; margin:14px 0 0; }
.matrix h2 { margin-top:24px; }
.matrix table td:first-child { font-weight:600; }
.secret { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:16px; letter-spacing:1px; background:#f3f4f6; padding:6px 10px; border-radius:6px; display:inline-block; }
.qr svg { width:200px; height:200px; }
dl.facts { display:grid; grid-template-columns:180px 1fr; gap:6px 16px; background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px; }
dl.facts dt { color:var(--muted); }
dl.facts dd { margin:0; }
pre.mail { white-space:pre-wrap; background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px; margin:6px 0 0; font:13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
.pager { display:flex; gap:12px; }
.devbar { background:#fef0c7; color:#7a2e0e; font-size:13px; padding:4px 24px; }
.devbar a { color:#7a2e0e; }
@media (max-width: 760px) {
  header.top { padding:10px 16px; }
  nav.side { display:none; }
  details.menu { display:block; width:100%; }
  details.menu summary { cursor:pointer; color:#fff; font-weight:600; padding:4px 0; }
  details.menu a { display:block; padding:8px 4px; color:#fff; }
  details.menu h3 { font-size:11px; text-transform:uppercase; color:#d1d5db; margin:10px 0 2px; letter-spacing:.6px; }
  .shell { display:block; min-height:0; }
  main { padding:20px 16px; }
  main.narrow { margin:16px; padding:20px; }
  .toolbar { flex-wrap:wrap; }
  .toolbar form { flex-basis:100%; }
  dl.facts { grid-template-columns:1fr; }
  dl.facts dd { margin-bottom:8px; }
  .modal { padding:18px; }
  .modal-backdrop { padding-top:2vh; }
}
`;

/**
 * A whole page: the top bar, the side navigation (only the pages the user may open) and the content.
 * @param {View} view
 * @param {{ title: string; body: Html; narrow?: boolean; modal?: Html | string }} page `modal`: a dialog over
 *   the page; everything behind it is `inert`, so neither Tab nor a screen reader lands there
 * @returns {Html}
 */
export function layout(view, { title, body, narrow = false, modal = "" }) {
  const { auth } = view;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Gatehouse demo</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${raw(styles)}</style>
</head>
<body>
<div class="page"${modal ? html` inert` : ""}>
${view.dev ? html`<div class="devbar">Development mode: e-mail and text messages go to the <a href="/dev/outbox">outbox</a>, not to anyone.</div>` : ""}
<header class="top">
  <span class="brand">Gatehouse demo</span>
  ${auth ? html`<span class="org">${auth.organization.name}</span>` : ""}
  <span class="spacer"></span>
  ${auth ? html`<a class="who" href="/account">${auth.user.email}</a>` : ""}
  ${view.signedIn ? signOut() : ""}
  ${auth && !narrow ? html`<details class="menu"><summary>Menu</summary>${links(view, auth)}</details>` : ""}
</header>
${
  auth && !narrow
    ? html`<div class="shell"><nav class="side" aria-label="Pages">${links(view, auth)}</nav><main>${notice(view)}${body}</main></div>`
    : html`<main class="narrow">${notice(view)}${body}</main>`
}
</div>
${modal}
</body>
</html>`;
}

/**
 * @returns {Html}
 */
function signOut() {
  return html`<form method="post" action="/logout" class="inline"><button class="link" type="submit">Sign out</button></form>`;
}

/**
 * @param {View} view
 * @param {Auth} auth
 * @returns {Html}
 */
function links(view, auth) {
  const link = (/** @type {string} */ href, /** @type {string} */ label) => {
    const here = view.path === href || view.path.startsWith(`${href}/`);
    return html`<a href="${href}" class="${here ? "active" : ""}"${here ? html` aria-current="page"` : ""}>${label}</a>`;
  };
  return html`
  ${link("/account", "Your account")}
  <h3>Organization</h3>
  ${auth.can("platform.user-management", "view") ? link("/users", "User management") : ""}
  ${auth.can("platform.application-roles", "view") ? link("/roles", "Application roles") : ""}
  ${auth.can("platform.user-management", "view-audit") ? link("/audit", "Audit log") : ""}
  ${link("/settings", "Organization settings")}
  ${view.dev ? html`<h3>Development</h3>${link("/dev/outbox", "Outbox")}${link("/dev/staff", "Staff console")}` : ""}`;
}

/**
 * @param {View} view
 * @returns {Html | string}
 */
function notice(view) {
  return view.notice ? html`<div class="notice" role="status">${view.notice}</div>` : "";
}

/**
 * The errors of one field, next to it.
 * @param {import("../form-errors.js").FormErrors} errors
 * @param {string} field
 * @returns {Html | string}
 */
export function fieldError(errors, field) {
  const messages = errors.fields[field];
  if (!messages?.length) return "";
  return html`<div class="field-error" id="${field}-error" role="alert">${messages.map((m) => html`<div>${m}</div>`)}</div>`;
}

/**
 * `aria-invalid` and `aria-describedby` for a field with errors (its error, then any hint `describedBy`
 * names); the first field with errors also takes the focus, so its error is read out and in view.
 * @param {import("../form-errors.js").FormErrors} errors
 * @param {string} field
 * @param {string} [describedBy] the id of a hint that always describes the field
 * @returns {Html | string}
 */
export function invalid(errors, field, describedBy) {
  if (!errors.fields[field]?.length) return describedBy ? html` aria-describedby="${describedBy}"` : "";
  const ids = describedBy ? `${field}-error ${describedBy}` : `${field}-error`;
  const first = Object.keys(errors.fields)[0] === field;
  return html` aria-invalid="true" aria-describedby="${ids}"${first ? html` autofocus` : ""}`;
}

/**
 * {@link fieldError} for a field whose input has another id than its name (two forms on one page).
 * @param {import("../form-errors.js").FormErrors} errors
 * @param {string} field
 * @param {string} id
 * @returns {Html | string}
 */
export function fieldErrorAs(errors, field, id) {
  const messages = errors.fields[field];
  if (!messages?.length) return "";
  return html`<div class="field-error" id="${id}-error" role="alert">${messages.map((m) => html`<div>${m}</div>`)}</div>`;
}

/**
 * {@link invalid} for a field whose input has another id than its name.
 * @param {import("../form-errors.js").FormErrors} errors
 * @param {string} field
 * @param {string} id
 * @returns {Html | string}
 */
export function invalidAs(errors, field, id) {
  return errors.fields[field]?.length
    ? html` aria-invalid="true" aria-describedby="${id}-error" autofocus`
    : "";
}

/**
 * The errors that concern the whole form.
 * @param {import("../form-errors.js").FormErrors} errors
 * @returns {Html | string}
 */
export function formError(errors) {
  if (errors.form.length === 0) return "";
  return html`<div class="errors" role="alert">${errors.form.map((m) => html`<div>${m}</div>`)}</div>`;
}
