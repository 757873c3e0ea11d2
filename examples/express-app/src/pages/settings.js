import { Router } from "express";
import { authOf, send, signedIn } from "../app.js";
import { html } from "../html.js";
import { layout } from "../views/layout.js";
import { policyWords } from "../words.js";

/** @import { Deps } from "../app.js" */
/** @import { View } from "../views/layout.js" */
/** @import { GatehousePolicy, OrganizationRecord } from "@gatehousejs/core" */

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
export function settingsRoutes({ gatehouse, viewOf }) {
  const router = Router();
  router.get("/settings", signedIn, (req, res) => {
    const organization = /** @type {OrganizationRecord} */ (authOf(req).organization);
    send(res, settingsPage(viewOf(req, res), organization, gatehouse.config.policyOf(organization)));
  });
  return router;
}

/**
 * @param {View} view
 * @param {OrganizationRecord} organization
 * @param {GatehousePolicy} policy
 */
function settingsPage(view, organization, policy) {
  const { settings } = organization;
  return layout(view, {
    title: "Organization settings",
    body: html`<h1>Organization settings</h1>
<p class="lead">${organization.name}</p>
<dl class="facts" data-testid="settings">
  <dt>Multi-factor authentication</dt><dd>${settingLabels.mfa[settings.mfa]}</dd>
  <dt>Adding users</dt><dd>${settingLabels.provisioning[settings.provisioning]}</dd>
  <dt>Sign-in</dt><dd>${settingLabels.authMode[settings.authMode]}</dd>
</dl>
<h2>Sign-in policy <span class="hint">(${settings.preset === "enterprise" ? "enterprise" : "team"} preset)</span></h2>
<dl class="facts" data-testid="policy">
  ${policyWords(policy).map(({ term, words }) => html`<dt>${term}</dt><dd>${words}</dd>`)}
  <dt>Multi-factor authentication</dt><dd>${mfaWords(settings.mfa)}</dd>
</dl>
<div class="callout">These settings are reserved for platform staff: a platform super admin turns multi-factor
authentication on for your organization and sets how users are added. Ask your platform operator to change them.
${view.dev ? html`In this demo, the <a href="/dev/staff">staff console</a> (development only) plays that role.` : ""}</div>`,
  });
}

/**
 * What the MFA setting means for a person signing in.
 * @param {OrganizationRecord["settings"]["mfa"]} mfa
 */
function mfaWords(mfa) {
  if (mfa === "required") {
    return "Everyone enters a 6-digit code from an authenticator app after the password; whoever has none sets one up at their next sign-in. A personal recovery code replaces the app once if it is lost.";
  }
  if (mfa === "optional")
    return "Anyone may add an authenticator app on Your account; then every sign-in asks for its code.";
  return "Sign-in asks for the password only.";
}
