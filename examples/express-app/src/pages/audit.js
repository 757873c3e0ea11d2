import { requirePermission } from "@gatehousejs/express-middleware";
import { Router } from "express";
import { actorOf, authOf, send, signedIn } from "../app.js";
import { formatTime } from "../form-errors.js";
import { html } from "../html.js";
import { layout } from "../views/layout.js";

/** @import { Deps } from "../app.js" */
/** @import { View } from "../views/layout.js" */
/** @import { AuditRecord } from "@gatehousejs/core" */

const PAGE_SIZE = 25;

/**
 * The audit log: newest first, a page at a time, each entry saying who did what to whom.
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function auditRoutes({ gatehouse, viewOf }) {
  const router = Router();
  router.get(
    "/audit",
    signedIn,
    requirePermission("platform.user-management", "view-audit"),
    async (req, res) => {
      const cursor = typeof req.query.cursor === "string" && req.query.cursor ? req.query.cursor : null;
      const page = await gatehouse.listAuditLog(actorOf(req), {
        organizationId: authOf(req).organization.id,
        cursor,
        limit: PAGE_SIZE,
      });
      send(res, auditPage(viewOf(req, res), page.items, cursor, page.nextCursor));
    },
  );
  return router;
}

/**
 * @param {AuditRecord["actor"]} actor
 * @returns {string}
 */
function who(actor) {
  if (actor.email) return actor.kind === "member" ? actor.email : `${actor.email} (${actor.kind})`;
  return actor.id ? `${actor.kind} ${actor.id}` : actor.kind;
}

/**
 * One sentence per entry for the events people look for; the raw details beside it.
 * @param {AuditRecord} entry
 * @returns {string}
 */
function sentence(entry) {
  const subject = entry.subjectEmail ?? "";
  const d = /** @type {Record<string, unknown>} */ (entry.details);
  switch (entry.action) {
    case "user.removed":
      return `${who(entry.actor)} removed ${String(d.email ?? subject)}`;
    case "user.invited":
      return `${who(entry.actor)} invited ${subject}`;
    case "user.email-changed":
      return `${who(entry.actor)} changed the e-mail of ${String(d.from)} to ${String(d.to)}`;
    case "user.roles-changed":
      return `${who(entry.actor)} changed the roles of ${subject}`;
    case "user.updated":
      return `${who(entry.actor)} edited ${subject} (${Array.isArray(d.fields) ? d.fields.join(", ") : ""})`;
    case "account.locked":
      return `${subject} was locked until ${typeof d.lockedUntil === "string" ? formatTime(new Date(d.lockedUntil)) : "?"}${d.rule === "quick-retry" ? ": a new attempt came within seconds of a failed one" : d.rule === "max-failures" ? ": too many failed attempts" : ""}`;
    case "login.failed":
      return `Failed sign-in of ${subject}${d.factor && d.factor !== "password" ? ` (${String(d.factor)} code)` : ""}`;
    case "login.refused":
      return `Sign-in of ${subject} refused (${String(d.reason ?? "")})`;
    case "login.password-verified":
      return `${subject} entered the right password; second factor next`;
    case "user.activated":
      return `${subject} activated their account`;
    case "password.changed":
      return `${subject} changed their password`;
    case "password-reset.requested":
      return `${who(entry.actor)} asked for a password reset link for ${subject}`;
    case "password-confirmation.failed":
      return `${subject} confirmed with a wrong password`;
    case "recovery-code.used":
      return `${subject} signed in with their recovery code`;
    case "organization.created":
      return `${who(entry.actor)} created the organization`;
    case "organization.settings-changed":
      return `${who(entry.actor)} changed the organization's settings`;
    case "role.created":
    case "role.changed":
    case "role.deleted":
      return `${who(entry.actor)} ${entry.action.slice(5)} a custom role`;
    case "sessions.revoked":
      return `${who(entry.actor)} ended the sessions of ${subject}`;
    case "login.succeeded":
      return `${subject} signed in`;
    case "mfa.enrolled":
      return `${subject} enabled multi-factor authentication`;
    case "recovery-code.viewed":
      return `${subject} viewed their recovery code`;
    default:
      return subject ? `${who(entry.actor)} → ${subject}` : who(entry.actor);
  }
}

/** Words for the keys and values the details of entries carry. */
const keyWords = /** @type {Record<string, string>} */ ({
  lockedUntil: "locked until",
  rule: "rule",
  factor: "with",
  fields: "changed",
  from: "from",
  to: "to",
  reason: "reason",
  stage: "next step",
  email: "address",
  roles: "roles",
  added: "added",
  removed: "removed",
});
const valueWords = /** @type {Record<string, string>} */ ({
  "quick-retry": "another attempt within seconds of a failed one",
  "max-failures": "too many failed attempts",
  password: "password",
  totp: "authenticator app",
  sms: "text message",
  recovery: "recovery code",
  authenticated: "signed in",
  mfa: "second factor",
  "mfa-enrollment": "set up an authenticator app",
  "password-change": "choose a password",
  ACCOUNT_LOCKED: "the account is locked",
  RATE_LIMITED: "too many attempts at once",
  givenName: "given name",
  familyName: "family name",
});

/**
 * An entry's details as "key: value" words, not JSON.
 * @param {Record<string, unknown>} details
 * @returns {import("../html.js").Html[]}
 */
function detailsWords(details) {
  return Object.entries(details).map(
    ([key, value]) =>
      html`<div><span class="hint">${keyWords[key] ?? key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}:</span> ${valueText(value)}</div>`,
  );
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function valueText(value) {
  if (typeof value === "string") {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) return formatTime(new Date(value));
    return valueWords[value] ?? value;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.map(valueText).join(", ") || "none";
  if (value && typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${keyWords[k] ?? valueWords[k] ?? k} ${valueText(v)}`)
      .join("; ");
  }
  return value === null || value === undefined ? "none" : String(value);
}

/**
 * @param {View} view
 * @param {readonly AuditRecord[]} entries
 * @param {string | null} cursor
 * @param {string | null} nextCursor
 */
function auditPage(view, entries, cursor, nextCursor) {
  return layout(view, {
    title: "Audit log",
    body: html`<h1>Audit log</h1>
<p class="lead">Every security-relevant event in your organization, newest first.</p>
<div class="table-scroll" role="region" aria-label="Audit log" tabindex="0"><table data-testid="audit">
  <thead><tr><th>When</th><th>Event</th><th>What happened</th><th>By</th><th>Details</th></tr></thead>
  <tbody>
  ${entries.map(
    (entry) => html`<tr data-action="${entry.action}">
    <td class="when">${formatTime(entry.at)}</td><td><code>${entry.action}</code></td><td>${sentence(entry)}</td><td>${who(entry.actor)}</td>
    <td class="details">${detailsWords(entry.details)}</td></tr>`,
  )}
  </tbody>
</table></div>
<div class="pager">
  ${cursor ? html`<a href="/audit">« Newest</a>` : ""}
  ${nextCursor ? html`<a href="/audit?${new URLSearchParams({ cursor: nextCursor }).toString()}">Older »</a>` : ""}
</div>`,
  });
}
