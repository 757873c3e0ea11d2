import { Router } from "express";
import { actorOf, authOf, send, signedIn } from "../app.js";
import { attempt, noErrors } from "../form-errors.js";
import { html } from "../html.js";
import { nameChanges, nameErrorFields, nameInputs, nameValuesOf, postedNameValues } from "../name-fields.js";
import { holdsPassword, passwordHoldersOf } from "../passwords.js";
import { roleLabel } from "../roles-of.js";
import { fieldError, fieldErrorAs, formError, invalid, invalidAs, layout } from "../views/layout.js";

/** @import { Deps } from "../app.js" */
/** @import { FormErrors } from "../form-errors.js" */
/** @import { View } from "../views/layout.js" */
/** @import { Gatehouse, User } from "@gatehousejs/core" */

/**
 * "Your account": the profile, its own name and phone, the password, MFA and Show recovery code.
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function accountRoutes({ gatehouse, viewOf, flash }) {
  const router = Router();
  /** @param {unknown} value */
  const text = (value) => (typeof value === "string" ? value : "");
  /** @param {import("express").Request} req whether the signed-in user has a password to change */
  const hasPassword = async (req) => {
    const { organization, user } = authOf(req);
    return holdsPassword(await passwordHoldersOf(gatehouse, organization), user.id);
  };

  router.get("/account", signedIn, async (req, res) => {
    const user = await gatehouse.getUser(actorOf(req), { userId: authOf(req).user.id });
    send(
      res,
      accountPage(viewOf(req, res), gatehouse, user, {
        password: await hasPassword(req),
        recoveryCode: null,
        errors: noErrors,
      }),
    );
  });

  router.post("/account", signedIn, async (req, res) => {
    const auth = authOf(req);
    const preset = auth.organization.settings.preset;
    const phone = text(req.body.phone).trim();
    const names = nameErrorFields(preset);
    const result = await attempt(
      () =>
        gatehouse.updateUser(actorOf(req), {
          userId: auth.user.id,
          ...nameChanges(preset, postedNameValues(req.body), auth.user),
          phone: phone || null,
        }),
      { fields: [...names.fields, "phone"], rename: names.rename },
    );
    if (!result.ok) {
      const user = await gatehouse.getUser(actorOf(req), { userId: auth.user.id });
      return send(
        res,
        accountPage(viewOf(req, res), gatehouse, user, {
          password: await hasPassword(req),
          recoveryCode: null,
          errors: result.errors,
        }),
        400,
      );
    }
    flash(res, "Your profile is saved.");
    res.redirect(303, "/account");
  });

  router.post("/account/recovery-code", signedIn, async (req, res) => {
    const auth = authOf(req);
    const result = await attempt(
      () => gatehouse.revealRecoveryCode({ sessionToken: auth.token, password: text(req.body.password) }),
      { fields: ["password"], lockout: gatehouse.config.policy.lockout, locked: "password" },
    );
    const user = await gatehouse.getUser(actorOf(req), { userId: auth.user.id });
    if (!result.ok) {
      /** @type {FormErrors} */
      const errors =
        result.error.code === "INVALID_CREDENTIALS"
          ? { fields: { password: ["This is not your password."] }, form: [] }
          : result.errors;
      return send(
        res,
        accountPage(viewOf(req, res), gatehouse, user, {
          password: await hasPassword(req),
          recoveryCode: null,
          errors,
          reveal: true,
        }),
        400,
      );
    }
    send(
      res,
      accountPage(viewOf(req, res), gatehouse, user, {
        password: await hasPassword(req),
        recoveryCode: result.value.code,
        errors: noErrors,
      }),
    );
  });

  return router;
}

/**
 * @param {View} view
 * @param {Gatehouse} gatehouse
 * @param {User} user
 * @param {{ recoveryCode: string | null; errors: FormErrors; reveal?: boolean; password?: boolean }} state
 *   `password`: whether the user has one to change (not someone who signs in through their organization's SSO)
 */
function accountPage(view, gatehouse, user, { recoveryCode, errors, reveal = false, password = true }) {
  const organization = view.auth?.organization;
  const mfaSetting = organization?.settings.mfa ?? "off";
  return layout(view, {
    title: "Your account",
    body: html`<h1>Your account</h1>
<p class="lead">${user.email}</p>
<dl class="facts">
  <dt>E-mail address</dt><dd>${user.email}</dd>
  <dt>Name</dt><dd>${user.displayName ?? "—"}</dd>
  <dt>Phone</dt><dd>${user.phone ?? "—"}</dd>
  <dt>Roles</dt><dd>${user.roles.map((id) => html`<span class="pill">${roleLabel(gatehouse, id)}</span>`)}</dd>
  <dt>Multi-factor authentication</dt>
  <dd>${user.mfa.totp ? html`<span class="pill ok">Authenticator app enabled</span>` : html`<span class="pill warn">Not set up</span>`}
    ${mfaSetting === "required" ? html`<span class="hint">Required by your organization.</span>` : ""}</dd>
</dl>

<h2>Profile</h2>
${reveal ? "" : formError(errors)}
<form method="post" action="/account" novalidate>
  ${nameInputs(organization?.settings.preset ?? "enterprise", nameValuesOf(user), errors)}
  <label for="phone">Phone <span class="hint">international format, e.g. +14155550123</span></label>
  <input id="phone" name="phone" type="text" value="${user.phone ?? ""}"${invalid(errors, "phone")}>
  ${fieldError(errors, "phone")}
  <p class="actions"><button type="submit">Save</button>${password ? html` <a class="button secondary" href="/password/change">Change password</a>` : ""}</p>
</form>

<h2>Multi-factor authentication</h2>
${
  user.mfa.totp
    ? recoverySection(user, recoveryCode, errors, reveal)
    : html`<p>You have no authenticator app yet.</p><p><a class="button" href="/mfa/enroll">Set up an authenticator app</a></p>`
}`,
  });
}

/**
 * "Show Recovery Code", then the password, then the code.
 * @param {User} user
 * @param {string | null} code
 * @param {FormErrors} errors
 * @param {boolean} reveal
 */
function recoverySection(user, code, errors, reveal) {
  if (!user.mfa.recoveryCode) return html`<p>No recovery code is set.</p>`;
  if (code) {
    return html`<p>Your personal recovery code. Keep it somewhere safe: it signs you in once if you lose your authenticator app, and is then replaced.</p>
<p><code class="secret" data-testid="recovery-code">${code}</code></p>`;
  }
  return html`<details ${reveal ? "open" : ""}>
  <summary class="button secondary">Show recovery code</summary>
  <form method="post" action="/account/recovery-code" novalidate>
    ${formError(errors)}
    <label for="recovery-password">Confirm your password</label>
    <input id="recovery-password" name="password" type="password" autocomplete="current-password"${invalidAs(errors, "password", "recovery-password")}>
    ${fieldErrorAs(errors, "password", "recovery-password")}
    <p><button type="submit">Show recovery code</button></p>
  </form>
</details>`;
}
