import { timingSafeEqual } from "node:crypto";
import { Router } from "express";
import { authOf, send, signedIn } from "../app.js";
import { attempt, formatTime, noErrors } from "../form-errors.js";
import { html } from "../html.js";
import { formError, layout } from "../views/layout.js";
import { settingLabels } from "./settings.js";

/** @import { Deps } from "../app.js" */
/** @import { FormErrors } from "../form-errors.js" */
/** @import { OutboxEntry } from "../outbox.js" */
/** @import { View } from "../views/layout.js" */
/** @import { Actor, OrganizationRecord } from "@gatehousejs/core" */

/**
 * The platform staff member the development console acts as; the audit log names them.
 * @type {Actor}
 */
export const devStaff = { kind: "staff", id: "dev-console", email: "staff@gatehouse.test" };

const STAFF_COOKIE = "gh_staff";

/**
 * Development only: the outbox (e-mail and text messages, links clickable) for signed-in users, and a staff
 * console that plays the platform super admin for the signed-in user's organization, for whoever holds the
 * staff key the server printed. Not mounted unless `dev` is on (which the server allows on loopback only).
 * A user who may invite sees every message (the invitations they sent); anyone else sees only their own.
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function devRoutes({ gatehouse, outbox, viewOf, flash, staffKey }) {
  const router = Router();

  router.get("/dev/outbox", signedIn, (req, res) => {
    const auth = authOf(req);
    const everyone = auth.can("platform.user-management", "invite");
    const entries = (outbox ? [...outbox.entries].reverse() : []).filter(
      (entry) => everyone || entry.to === auth.user.email || entry.to === auth.user.phone,
    );
    send(res, outboxPage(viewOf(req, res), entries, outbox?.keepsMail ?? false, everyone));
  });

  /** @type {import("express").RequestHandler} */
  const staffOnly = (req, res, next) => {
    const given = /(?:^|;\s*)gh_staff=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? "")?.[1] ?? "";
    if (sameKey(given, staffKey)) return next();
    res
      .status(403)
      .type("html")
      .send(String(staffOnlyPage(viewOf(req, res))));
  };

  // The link the server printed: it hands the key to this browser as a cookie, and leaves the address bar.
  router.get("/dev/staff", (req, res, next) => {
    const key = typeof req.query.key === "string" ? req.query.key : "";
    if (!key) return next();
    if (!sameKey(key, staffKey))
      return res
        .status(403)
        .type("html")
        .send(String(staffOnlyPage(viewOf(req, res))));
    res.append("Set-Cookie", `${STAFF_COOKIE}=${key}; Path=/dev; HttpOnly; SameSite=Strict`);
    res.redirect(303, "/dev/staff");
  });

  router.get("/dev/staff", signedIn, staffOnly, (req, res) => {
    send(res, staffPage(viewOf(req, res), authOf(req).organization, noErrors));
  });

  router.post("/dev/staff", signedIn, staffOnly, async (req, res) => {
    const organization = authOf(req).organization;
    const pick = (/** @type {unknown} */ v, /** @type {readonly string[]} */ allowed) =>
      typeof v === "string" && allowed.includes(v) ? v : undefined;
    const input = {
      mfa: /** @type {any} */ (pick(req.body.mfa, ["off", "optional", "required"])),
      provisioning: /** @type {any} */ (pick(req.body.provisioning, ["invite", "external", "members-only"])),
      authMode: /** @type {any} */ (pick(req.body.authMode, ["password", "sso"])),
    };
    const result = await attempt(
      () => gatehouse.updateOrganizationSettings(devStaff, { organizationId: organization.id, ...input }),
      {
        fields: [],
      },
    );
    if (!result.ok) return send(res, staffPage(viewOf(req, res), organization, result.errors), 400);
    flash(res, "Settings saved by platform staff (dev console).");
    res.redirect(303, "/settings");
  });

  return router;
}

/**
 * Whether a key given by a browser is the staff key, in constant time; no key opens nothing.
 * @param {string} given
 * @param {string | null} key
 */
function sameKey(given, key) {
  if (!key) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The refusal of the staff console to a member: the console is platform staff's, not an organization's.
 * @param {View} view
 */
function staffOnlyPage(view) {
  return layout(view, {
    title: "Staff only",
    body: html`<h1>Staff only</h1>
<div class="errors" role="alert">The staff console is for platform staff, and no role of an organization opens it.</div>
<p>Whoever started the demo opens it with the staff link the server printed when it started.</p>
<p><a href="/account">Back to your account</a></p>`,
  });
}

/**
 * Text with its URLs as links (escaped like any text).
 * @param {string} text
 */
function linkify(text) {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return parts.map((part, i) => (i % 2 === 1 ? html`<a href="${part}">${part}</a>` : part));
}

/**
 * @param {View} view
 * @param {OutboxEntry[]} entries
 * @param {boolean} keeping
 * @param {boolean} everyone whether these are every message, or only the reader's own
 */
function outboxPage(view, entries, keeping, everyone) {
  return layout(view, {
    title: "Outbox",
    body: html`<h1>Outbox</h1>
<p class="lead">Development only: ${everyone ? "every e-mail and text message the app sent" : "the e-mail and text messages sent to you"}, newest first. Nothing left this machine. The messages are kept beside the data, so a restart keeps them.</p>
${keeping ? "" : html`<div class="callout">E-mail goes through SMTP_URL; this outbox keeps only text messages.</div>`}
${entries.length === 0 ? html`<p>No messages yet.</p>` : ""}
${entries.map(
  (
    entry,
  ) => html`<article class="message" data-to="${entry.to}" data-channel="${entry.channel}" style="margin:0 0 18px">
  <div><strong>${entry.subject}</strong></div>
  <div class="hint">${entry.channel === "mail" ? "E-mail" : "Text message"} to ${entry.to} · ${formatTime(entry.at)}</div>
  <pre class="mail">${linkify(entry.text)}</pre>
</article>`,
)}`,
  });
}

/**
 * @param {View} view
 * @param {OrganizationRecord} organization
 * @param {FormErrors} errors
 */
function staffPage(view, organization, errors) {
  const select = (/** @type {"mfa" | "provisioning" | "authMode"} */ name) => {
    const labels = /** @type {Record<string, string>} */ (settingLabels[name]);
    const current = organization.settings[name];
    return html`<select id="${name}" name="${name}">${Object.entries(labels).map(
      ([value, label]) =>
        html`<option value="${value}" ${value === current ? "selected" : ""}>${label}</option>`,
    )}</select>`;
  };
  return layout(view, {
    title: "Staff console",
    body: html`<h1>Staff console <span class="pill warn">development only</span></h1>
<p class="lead">Acts as platform staff (${devStaff.kind === "staff" ? devStaff.email : ""}) on ${organization.name}: the settings no organization role may change. A real deployment has its own operator tooling instead; this page is not mounted outside development.</p>
${formError(errors)}
<form method="post" action="/dev/staff">
  <label for="mfa">Multi-factor authentication</label>${select("mfa")}
  <label for="provisioning">Adding users</label>${select("provisioning")}
  <label for="authMode">Sign-in</label>${select("authMode")}
  <p><button type="submit">Save as platform staff</button></p>
</form>`,
  });
}
