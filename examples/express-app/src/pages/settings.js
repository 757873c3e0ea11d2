import { Router } from "express";
import { authOf, send, signedIn } from "../app.js";
import { html } from "../html.js";
import { layout } from "../views/layout.js";

/** @import { Deps } from "../app.js" */
/** @import { View } from "../views/layout.js" */
/** @import { OrganizationRecord } from "@gatehousejs/core" */

/** What each setting's values mean, for people. */
export const settingLabels = {
  mfa: {
    off: "Off",
    optional: "Optional: users may set up an authenticator app",
    required: "Required: every user enrols at their next sign-in",
  },
  provisioning: {
    invite: "Administrators invite users",
    external: "Users are added by your organization's own provisioning; administrators cannot add users",
    "members-only": "Only people at your organization may add users (not platform staff)",
  },
  authMode: { password: "E-mail address and password", sso: "Single sign-on (no password reset)" },
};

/**
 * Organization settings. In the enterprise preset every one of them is set by platform staff (the "super
 * admin"), never by the organization's own administrators, so the page shows them read-only and says so.
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function settingsRoutes({ viewOf }) {
  const router = Router();
  router.get("/settings", signedIn, (req, res) => {
    send(res, settingsPage(viewOf(req, res), authOf(req).organization));
  });
  return router;
}

/**
 * @param {View} view
 * @param {OrganizationRecord} organization
 */
function settingsPage(view, organization) {
  const { settings } = organization;
  return layout(view, {
    title: "Organization settings",
    body: html`<h1>Organization settings</h1>
<p class="lead">${organization.name}</p>
<dl class="facts" data-testid="settings">
  <dt>Multi-factor authentication</dt><dd>${settingLabels.mfa[settings.mfa]}</dd>
  <dt>Adding users</dt><dd>${settingLabels.provisioning[settings.provisioning]}</dd>
  <dt>Sign-in</dt><dd>${settingLabels.authMode[settings.authMode]}</dd>
  <dt>Policy</dt><dd>${settings.preset === "enterprise" ? "Enterprise: 3 failed attempts lock an account for 30 minutes; 15 minutes of inactivity sign you out" : "Team"}</dd>
</dl>
<div class="callout">These settings are reserved for platform staff: a platform super admin turns multi-factor
authentication on for your organization and sets how users are added. Ask your platform operator to change them.
${view.dev ? html`In this demo, the <a href="/dev/staff">staff console</a> (development only) plays that role.` : ""}</div>`,
  });
}
