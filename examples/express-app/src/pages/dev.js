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

/**
 * Development only: the outbox (every e-mail and text message, links clickable) and a staff console that
 * plays the platform super admin for the signed-in user's organization. Not mounted unless `dev` is on.
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function devRoutes({ gatehouse, outbox, viewOf, flash }) {
  const router = Router();

  router.get("/dev/outbox", (req, res) => {
    const entries = outbox ? [...outbox.entries].reverse() : [];
    send(res, outboxPage(viewOf(req, res), entries, outbox?.keepsMail ?? false));
  });

  router.get("/dev/staff", signedIn, (req, res) => {
    send(res, staffPage(viewOf(req, res), authOf(req).organization, noErrors));
  });

  router.post("/dev/staff", signedIn, async (req, res) => {
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
 */
function outboxPage(view, entries, keeping) {
  return layout(view, {
    title: "Outbox",
    body: html`<h1>Outbox</h1>
<p class="lead">Development only: every e-mail and text message the app sent, newest first. Nothing left this machine.</p>
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
