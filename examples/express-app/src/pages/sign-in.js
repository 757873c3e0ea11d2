import { checkPassword } from "@gatehousejs/core";
import { Router } from "express";
import QRCode from "qrcode";
import { pathOfStage, send } from "../app.js";
import { sessionOf } from "../auth.js";
import { attempt, noErrors } from "../form-errors.js";
import { html, raw } from "../html.js";
import { fieldError, formError, invalid, layout } from "../views/layout.js";
import { passwordRuleWords } from "../words.js";

/** @import { Deps } from "../app.js" */
/** @import { FormErrors } from "../form-errors.js" */
/** @import { View } from "../views/layout.js" */
/** @import { Auth } from "../auth.js" */
/** @import { GatehousePolicy, OrganizationRecord } from "@gatehousejs/core" */

/**
 * Sign-in and its steps: password, second factor (or the recovery code), the forced password change, MFA
 * enrolment; forgot/reset password, account activation, sign-out.
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function signInRoutes({ gatehouse, auth, viewOf, flash, sso }) {
  const router = Router();
  /** @param {import("express").Request} req */
  const pending = (req) => sessionOf(req);
  /** @param {unknown} value */
  const text = (value) => (typeof value === "string" ? value : "");
  const { lockout } = gatehouse.config.policy;
  /**
   * The password rules of a session's organization (its preset's), or the service's.
   * @param {Auth | null} [session]
   * @returns {GatehousePolicy["password"]}
   */
  const passwordRules = (session) =>
    session
      ? gatehouse.config.policyOf(/** @type {OrganizationRecord} */ (session.organization)).password
      : gatehouse.config.policy.password;

  router.get("/login", (req, res) => {
    const session = pending(req);
    if (session) return res.redirect(303, pathOfStage(session.stage));
    // A refused SSO sign-in comes back here with its reason (the HTTP layer's `errorPath`).
    const ssoError = typeof req.query.sso_error === "string" ? ssoErrorWords(req.query.sso_error) : null;
    send(res, loginPage(viewOf(req, res), { email: "" }, noErrors, { sso, ssoError }), ssoError ? 403 : 200);
  });

  router.post("/login", async (req, res) => {
    const email = text(req.body.email);
    const password = text(req.body.password);
    // An empty field is named before anything is asked of the service (which would answer only the first).
    /** @type {FormErrors} */
    const missing = { fields: {}, form: [] };
    if (!email.trim()) missing.fields.email = ["Enter your e-mail address."];
    if (!password) missing.fields.password = ["Enter your password."];
    if (Object.keys(missing.fields).length)
      return send(res, loginPage(viewOf(req, res), { email }, missing, { sso }), 400);
    const result = await attempt(() => gatehouse.login({ email, password }), {
      fields: ["email", "password"],
      lockout,
    });
    if (!result.ok) {
      return send(
        res,
        loginPage(viewOf(req, res), { email }, result.errors, { sso }),
        httpStatus(result.error.code),
      );
    }
    auth.setSession(req, res, result.value);
    res.redirect(303, pathOfStage(result.value.stage));
  });

  router.get("/login/verify", (req, res) => {
    const session = pending(req);
    if (session?.stage !== "mfa") return res.redirect(303, session ? pathOfStage(session.stage) : "/login");
    const method = req.query.method === "recovery" ? "recovery" : "totp";
    send(res, verifyPage(viewOf(req, res), method, noErrors));
  });

  router.post("/login/verify", async (req, res) => {
    const session = pending(req);
    if (session?.stage !== "mfa") return res.redirect(303, "/login");
    const method = req.body.method === "recovery" ? "recovery" : "totp";
    const result = await attempt(
      () => gatehouse.verifySecondFactor({ sessionToken: session.token, method, code: text(req.body.code) }),
      { fields: ["code"], lockout },
    );
    if (!result.ok) {
      const errors =
        result.error.code === "INVALID_CODE"
          ? { fields: { code: [result.error.message] }, form: [] }
          : result.errors;
      return send(res, verifyPage(viewOf(req, res), method, errors), 401);
    }
    auth.setSession(req, res, result.value);
    if (method === "recovery")
      flash(res, "Signed in with your recovery code. It has been replaced: see Show recovery code.");
    res.redirect(303, pathOfStage(result.value.stage));
  });

  router.get("/password/change", (req, res) => {
    const session = pending(req);
    if (session?.stage !== "password-change" && session?.stage !== "authenticated") {
      return res.redirect(303, session ? pathOfStage(session.stage) : "/login");
    }
    send(
      res,
      passwordPage(viewOf(req, res), session.stage === "password-change", passwordRules(session), noErrors),
    );
  });

  router.post("/password/change", async (req, res) => {
    const session = pending(req);
    if (session?.stage !== "password-change" && session?.stage !== "authenticated") {
      return res.redirect(303, "/login");
    }
    const forced = session.stage === "password-change";
    const rules = passwordRules(session);
    const newPassword = text(req.body.newPassword);
    if (newPassword !== text(req.body.confirmPassword)) {
      // Every problem at once: the rules the new password breaks, beside the two that differ.
      const verdict = checkPassword(newPassword, rules, {
        email: session.user.email,
        name: session.user.displayName ?? undefined,
      });
      /** @type {FormErrors} */
      const errors = {
        fields: {
          ...(verdict.ok ? {} : { newPassword: verdict.issues.map((i) => i.message) }),
          confirmPassword: ["The two passwords differ."],
        },
        form: [],
      };
      return send(res, passwordPage(viewOf(req, res), forced, rules, errors), 400);
    }
    const input = forced ? { newPassword } : { newPassword, currentPassword: text(req.body.currentPassword) };
    const result = await attempt(() => gatehouse.changePassword({ sessionToken: session.token, ...input }), {
      fields: ["newPassword", "currentPassword"],
      rename: { password: "newPassword" },
    });
    if (!result.ok) {
      const errors =
        result.error.code === "INVALID_CREDENTIALS"
          ? { fields: { currentPassword: ["This is not your current password."] }, form: [] }
          : result.errors;
      return send(res, passwordPage(viewOf(req, res), forced, rules, errors), 400);
    }
    auth.setSession(req, res, result.value);
    flash(res, "Your new password is saved.");
    res.redirect(303, pathOfStage(result.value.stage));
  });

  // A GET only shows what comes next: a new secret is made by a POST, so a link followed from another site
  // cannot replace the secret of an enrolment in progress.
  router.get("/mfa/enroll", async (req, res) => {
    const session = pending(req);
    if (session?.stage === "mfa-enrollment" || session?.stage === "authenticated") {
      return send(res, startEnrollPage(viewOf(req, res), session.stage === "mfa-enrollment", noErrors));
    }
    res.redirect(303, session ? pathOfStage(session.stage) : "/login");
  });

  router.post("/mfa/enroll/start", async (req, res) => {
    const session = pending(req);
    if (session?.stage === "mfa-enrollment") {
      const enrollment = await gatehouse.beginTotpEnrollment({ sessionToken: session.token });
      return send(res, await enrollPage(viewOf(req, res), enrollment, true, noErrors));
    }
    if (session?.stage !== "authenticated") return res.redirect(303, "/login");
    const result = await attempt(
      () => gatehouse.beginTotpEnrollment({ sessionToken: session.token, password: text(req.body.password) }),
      { fields: ["password"], lockout, locked: "password" },
    );
    if (!result.ok) {
      const errors =
        result.error.code === "INVALID_CREDENTIALS"
          ? { fields: { password: ["This is not your password."] }, form: [] }
          : result.errors;
      return send(res, startEnrollPage(viewOf(req, res), false, errors), 400);
    }
    send(res, await enrollPage(viewOf(req, res), result.value, false, noErrors));
  });

  router.post("/mfa/enroll", async (req, res) => {
    const session = pending(req);
    if (session?.stage !== "mfa-enrollment" && session?.stage !== "authenticated") {
      return res.redirect(303, "/login");
    }
    const result = await attempt(
      () => gatehouse.completeTotpEnrollment({ sessionToken: session.token, code: text(req.body.code) }),
      {
        fields: ["code"],
      },
    );
    if (!result.ok) {
      // The secret was on this page already: showing it again from the form reveals nothing new, and the
      // service checks the code against the secret it keeps, not against this one.
      const uri = text(req.body.uri);
      const shown = {
        uri: uri.startsWith("otpauth://") ? uri : "",
        secret: text(req.body.secret).replace(/[^A-Z2-7]/g, ""),
      };
      const errors =
        result.error.code === "INVALID_CODE"
          ? { fields: { code: [result.error.message] }, form: [] }
          : result.errors;
      return send(
        res,
        await enrollPage(viewOf(req, res), shown, session.stage === "mfa-enrollment", errors),
        400,
      );
    }
    auth.setSession(req, res, result.value);
    flash(res, "Multi-factor authentication is enabled. We sent you an e-mail about it.");
    res.redirect(303, pathOfStage(result.value.stage));
  });

  router.get("/forgot-password", (req, res) => send(res, forgotPage(viewOf(req, res), false, noErrors)));

  router.post("/forgot-password", async (req, res) => {
    const result = await attempt(() => gatehouse.requestPasswordReset({ email: text(req.body.email) }), {
      fields: ["email"],
    });
    send(
      res,
      forgotPage(viewOf(req, res), result.ok, result.ok ? noErrors : result.errors),
      result.ok ? 200 : 400,
    );
  });

  router.get("/reset-password", (req, res) => {
    send(res, newPasswordPage(viewOf(req, res), "reset", text(req.query.token), passwordRules(), noErrors));
  });

  router.post("/reset-password", async (req, res) => {
    const token = text(req.body.token);
    const password = text(req.body.newPassword);
    const result = await attempt(() => gatehouse.resetPassword({ token, password }), {
      fields: ["newPassword"],
      rename: { password: "newPassword" },
    });
    if (!result.ok) {
      return send(
        res,
        newPasswordPage(viewOf(req, res), "reset", token, passwordRules(), result.errors),
        400,
      );
    }
    flash(res, "Your password is reset. Sign in with it (and your second factor, if you use one).");
    res.redirect(303, "/login");
  });

  router.get("/activate", (req, res) => {
    send(
      res,
      newPasswordPage(viewOf(req, res), "activate", text(req.query.token), passwordRules(), noErrors),
    );
  });

  router.post("/activate", async (req, res) => {
    const token = text(req.body.token);
    const password = text(req.body.newPassword);
    const result = await attempt(() => gatehouse.activateAccount({ token, password }), {
      fields: ["newPassword"],
      rename: { password: "newPassword" },
    });
    if (!result.ok)
      return send(
        res,
        newPasswordPage(viewOf(req, res), "activate", token, passwordRules(), result.errors),
        400,
      );
    flash(res, "Your account is active: sign in.");
    res.redirect(303, "/login");
  });

  router.post("/logout", async (req, res) => {
    const session = pending(req);
    if (session) await gatehouse.logout({ sessionToken: session.token });
    auth.clearSession(req, res);
    if (session) flash(res, "You are signed out.");
    res.redirect(303, "/login");
  });

  return router;
}

/**
 * @param {View} view
 * @param {{ email: string }} values
 * @param {FormErrors} errors
 * @param {{ sso?: boolean; ssoError?: string | null }} [options] `sso`: offer "Sign in with SSO"; `ssoError`: why
 *   the last SSO sign-in was refused
 */
function loginPage(view, values, errors, { sso = false, ssoError = null } = {}) {
  return layout(view, {
    title: "Sign in",
    narrow: true,
    body: html`<h1>Sign in</h1>
${ssoError ? html`<div class="errors" role="alert" id="sso-error">${ssoError}</div>` : ""}
<p class="lead">With your e-mail address and password.</p>
${formError(errors)}
<form method="post" action="/login" novalidate>
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" autocomplete="username" value="${values.email}" required${invalid(errors, "email")}>
  ${fieldError(errors, "email")}
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required${invalid(errors, "password")}>
  ${fieldError(errors, "password")}
  <p class="actions"><button type="submit">Sign in</button> <a href="/forgot-password">Forgot your password?</a></p>
</form>
${
  sso
    ? html`<h2>Sign in with SSO</h2>
<p class="hint" id="sso-email-hint">If your organization signs in through its own identity provider, enter your work address: it takes you there.</p>
<form method="get" action="/auth/sso/start" novalidate>
  <label for="sso-email">Work e-mail address</label>
  <input id="sso-email" name="email" type="email" autocomplete="username" aria-describedby="sso-email-hint" required>
  <p class="actions"><button type="submit" class="secondary">Sign in with SSO</button></p>
</form>`
    : ""
}`,
  });
}

/**
 * A refused SSO sign-in in words, by the reason the HTTP layer passed in `sso_error`.
 * @param {string} reason
 * @returns {string}
 */
export function ssoErrorWords(reason) {
  /** @type {Record<string, string>} */
  const words = {
    "no-connection":
      "No organization signs in with single sign-on at this address. Sign in with your password.",
    "domain-not-allowed":
      "Your identity provider signed you in with an address at a domain your organization does not own, so you were not signed in.",
    "email-unverified":
      "Your identity provider does not vouch for your e-mail address, so you were not signed in.",
    "email-missing": "Your identity provider did not tell us your e-mail address, so you were not signed in.",
    "email-registered-elsewhere": "This address belongs to an account of another organization.",
    "identity-conflict": "This account is already linked to another person at your identity provider.",
    "user-removed": "Your account was removed from the organization.",
    "not-provisioned": "Your organization has not added you yet: ask its administrator.",
    "state-invalid": "This sign-in expired or was already used: start again.",
    "state-mismatch": "This sign-in was not started in this browser: start again.",
    "connection-mismatch": "Your organization's single sign-on changed meanwhile: start again.",
    "idp-refused": "Your identity provider did not sign you in.",
    "verification-failed":
      "Your identity provider's answer could not be verified, so you were not signed in.",
    unreachable: "Your identity provider cannot be reached right now: try again later.",
    "invalid-response": "Your identity provider answered something we could not use: try again later.",
    validation: "Enter your work e-mail address.",
    rate_limited: "Too many sign-ins from this address: try again later.",
  };
  return words[reason] ?? "The single sign-on did not succeed: start again.";
}

/**
 * @param {View} view
 * @param {"totp" | "recovery"} method
 * @param {FormErrors} errors
 */
function verifyPage(view, method, errors) {
  const totp = method === "totp";
  return layout(view, {
    title: "Second factor",
    narrow: true,
    body: html`<h1>${totp ? "Enter your code" : "Use your recovery code"}</h1>
<p class="lead">${totp ? "Open your authenticator app and enter the 6-digit code it shows." : "Enter your personal recovery code. It will be replaced once used."}</p>
${formError(errors)}
<form method="post" action="/login/verify" novalidate>
  <input type="hidden" name="method" value="${method}">
  <label for="code">${totp ? "Authentication code" : "Recovery code"}</label>
  <input id="code" name="code" type="text" autocomplete="one-time-code" ${totp ? raw('inputmode="numeric" maxlength="6"') : ""} required${invalid(errors, "code")}>
  ${fieldError(errors, "code")}
  <p class="actions"><button type="submit">Verify</button>
  ${totp ? html`<a href="/login/verify?method=recovery">Use your recovery code instead</a>` : html`<a href="/login/verify">Use your authenticator app</a>`}</p>
</form>`,
  });
}

/**
 * @param {View} view
 * @param {boolean} forced
 * @param {GatehousePolicy["password"]} rules
 * @param {FormErrors} errors
 */
function passwordPage(view, forced, rules, errors) {
  return layout(view, {
    title: "Choose a password",
    narrow: true,
    body: html`<h1>${forced ? "Choose your own password" : "Change your password"}</h1>
<p class="lead">${forced ? "You signed in with a temporary password: replace it before you go on." : "Every other session of yours will end."}</p>
${formError(errors)}
<form method="post" action="/password/change" novalidate>
  ${
    forced
      ? ""
      : html`<label for="currentPassword">Current password</label>
  <input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password"${invalid(errors, "currentPassword")}>
  ${fieldError(errors, "currentPassword")}`
  }
  <label for="newPassword">New password</label>
  <p class="hint" id="newPassword-rules">${passwordRuleWords(rules)}</p>
  <input id="newPassword" name="newPassword" type="password" autocomplete="new-password"${invalid(errors, "newPassword", "newPassword-rules")}>
  ${fieldError(errors, "newPassword")}
  <label for="confirmPassword">Repeat the new password</label>
  <input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password"${invalid(errors, "confirmPassword")}>
  ${fieldError(errors, "confirmPassword")}
  <p><button type="submit">Save password</button></p>
</form>`,
  });
}

/**
 * The step before a secret is made: a signed-in user confirms their password; a sign-in that must enrol
 * starts with one button.
 * @param {View} view
 * @param {boolean} required
 * @param {FormErrors} errors
 */
function startEnrollPage(view, required, errors) {
  return layout(view, {
    title: "Set up an authenticator app",
    narrow: true,
    body: html`<h1>Set up an authenticator app</h1>
${required ? html`<div class="callout">Your organization requires multi-factor authentication: set it up to continue.</div>` : ""}
<p class="lead">${required ? "You will scan a QR code with an authenticator app on your phone, then enter the code it shows." : "Confirm your password to add an authenticator app to your account."}</p>
${formError(errors)}
<form method="post" action="/mfa/enroll/start" novalidate>
  ${
    required
      ? ""
      : html`<label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password"${invalid(errors, "password")}>
  ${fieldError(errors, "password")}`
  }
  <p class="actions"><button type="submit">${required ? "Start" : "Continue"}</button>${required ? "" : html` <a href="/account">Cancel</a>`}</p>
</form>`,
  });
}

/**
 * The Multi-Factor Authentication page: the QR code and the optional secret code.
 * @param {View} view
 * @param {{ uri: string; secret: string }} enrollment
 * @param {boolean} required
 * @param {FormErrors} errors
 */
async function enrollPage(view, enrollment, required, errors) {
  const qr = enrollment.uri ? await QRCode.toString(enrollment.uri, { type: "svg", margin: 1 }) : "";
  return layout(view, {
    title: "Multi-factor authentication",
    narrow: true,
    body: html`<h1>Multi-factor authentication</h1>
${required ? html`<div class="callout">Your organization requires multi-factor authentication: set it up to continue.</div>` : ""}
<p class="lead">Scan this QR code with your authenticator app, then enter the 6-digit code it shows.</p>
<div class="qr" role="img" aria-label="QR code of the secret below">${raw(qr)}</div>
<p>Can't scan it? Enter this secret code in the app instead:<br><code class="secret" data-testid="totp-secret">${enrollment.secret}</code></p>
${formError(errors)}
<form method="post" action="/mfa/enroll" novalidate>
  <input type="hidden" name="uri" value="${enrollment.uri}">
  <input type="hidden" name="secret" value="${enrollment.secret}">
  <label for="code">Code from the app</label>
  <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6"${invalid(errors, "code")}>
  ${fieldError(errors, "code")}
  <p><button type="submit">Verify and enable</button></p>
</form>`,
  });
}

/**
 * @param {View} view
 * @param {boolean} sent
 * @param {FormErrors} errors
 */
function forgotPage(view, sent, errors) {
  return layout(view, {
    title: "Forgot your password",
    narrow: true,
    body: html`<h1>Forgot your password?</h1>
${
  sent
    ? html`<div class="notice" role="status">If this address has an account, we sent it a link to reset the password. The link works once, for 30 minutes.</div><p><a href="/login">Back to sign-in</a></p>`
    : html`<p class="lead">We will e-mail you a link to choose a new password.</p>
${formError(errors)}
<form method="post" action="/forgot-password" novalidate>
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" autocomplete="username"${invalid(errors, "email")}>
  ${fieldError(errors, "email")}
  <p class="actions"><button type="submit">Send the link</button> <a href="/login">Back to sign-in</a></p>
</form>`
}`,
  });
}

/**
 * @param {View} view
 * @param {"reset" | "activate"} kind
 * @param {string} token
 * @param {GatehousePolicy["password"]} rules
 * @param {FormErrors} errors
 */
function newPasswordPage(view, kind, token, rules, errors) {
  const action = kind === "reset" ? "/reset-password" : "/activate";
  return layout(view, {
    title: kind === "reset" ? "Reset your password" : "Activate your account",
    narrow: true,
    body: html`<h1>${kind === "reset" ? "Reset your password" : "Activate your account"}</h1>
<p class="lead">Choose your password.</p>
${formError(errors)}
<form method="post" action="${action}" novalidate>
  <input type="hidden" name="token" value="${token}">
  <label for="newPassword">New password</label>
  <p class="hint" id="newPassword-rules">${passwordRuleWords(rules)}</p>
  <input id="newPassword" name="newPassword" type="password" autocomplete="new-password"${invalid(errors, "newPassword", "newPassword-rules")}>
  ${fieldError(errors, "newPassword")}
  <p><button type="submit">Save password</button></p>
</form>`,
  });
}

/**
 * The status of a refused sign-in: 423 for a lock, 400 for a malformed address, else 401.
 * @param {string} code
 */
function httpStatus(code) {
  return code === "ACCOUNT_LOCKED" ? 423 : code === "VALIDATION" ? 400 : 401;
}
