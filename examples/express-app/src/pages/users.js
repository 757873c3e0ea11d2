import { isGatehouseError, parseInvitationAddresses } from "@gatehousejs/core";
import { requirePermission } from "@gatehousejs/express-middleware";
import { Router } from "express";
import { actorOf, authOf, send, signedIn } from "../app.js";
import { attempt, noErrors } from "../form-errors.js";
import { html } from "../html.js";
import { nameChanges, nameErrorFields, nameInputs, nameValuesOf, postedNameValues } from "../name-fields.js";
import { holdsPassword, passwordHoldersOf } from "../passwords.js";
import { assignableRoles, roleLabel } from "../roles-of.js";
import { fieldError, formError, invalid, layout } from "../views/layout.js";

/** @import { Deps } from "../app.js" */
/** @import { FormErrors } from "../form-errors.js" */
/** @import { Html } from "../html.js" */
/** @import { View } from "../views/layout.js" */
/** @import { Gatehouse, PresetName, RoleView, User } from "@gatehousejs/core" */
/** @import { Request, Response } from "express" */
/** @import { RegisteredPermissions } from "@gatehousejs/express-middleware" */

const PAGE_SIZE = 10;
const USERS = /** @type {const} */ ("platform.user-management");

/**
 * User Management: the table with search and pages, Invite users, Edit, Delete with confirmation and
 * Reset password. Each action's button shows only with its permission, and each route requires it.
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function usersRoutes({ gatehouse, viewOf, flash }) {
  const router = Router();
  /** @param {unknown} value */
  const text = (value) => (typeof value === "string" ? value : "");
  /** @param {unknown} value */
  const list = (value) =>
    Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];

  /**
   * Renders the table with an optional modal over it.
   * @param {Request} req
   * @param {Response} res
   * @param {((roles: RoleView[]) => Html) | null} modal
   * @param {number} [status]
   */
  const render = async (req, res, modal, status = 200) => {
    const auth = authOf(req);
    const actor = actorOf(req);
    const search = text(req.query.search).trim();
    const cursor = text(req.query.cursor) || null;
    // Where the focus goes back to once a dialog is closed: its button ("invite") or the user's row.
    const focus = modal ? "" : text(req.query.focus);
    const [page, roles, passwordHolders] = await Promise.all([
      gatehouse.listUsers(actor, {
        organizationId: auth.organization.id,
        search: search || undefined,
        cursor,
        limit: PAGE_SIZE,
      }),
      assignableRoles(gatehouse, actor, auth.organization.id),
      passwordHoldersOf(gatehouse, auth.organization),
    ]);
    const view = viewOf(req, res);
    send(
      res,
      usersPage(view, gatehouse, {
        users: page.items,
        nextCursor: page.nextCursor,
        search,
        cursor,
        roles,
        focus,
        passwordHolders,
        modal: modal?.(roles) ?? "",
      }),
      status,
    );
  };

  router.get("/users", signedIn, requirePermission(USERS, "view"), (req, res) => render(req, res, null));

  router.get("/users/invite", signedIn, requirePermission(USERS, "invite"), (req, res) =>
    render(req, res, (roles) => inviteModal(gatehouse, roles, { emails: "", roles: [] }, noErrors)),
  );

  router.post("/users/invite", signedIn, requirePermission(USERS, "invite"), async (req, res) => {
    const values = { emails: text(req.body.emails), roles: list(req.body.roles) };
    const result = await attempt(
      () => gatehouse.inviteUsers(actorOf(req), { organizationId: authOf(req).organization.id, ...values }),
      {
        fields: ["emails", "roles"],
        otherwise: "emails",
        matrix: gatehouse.config.matrix,
        escalation: "roles",
      },
    );
    if (!result.ok) {
      const errors = withAddressErrors(result.errors, values.emails);
      return render(req, res, (roles) => inviteModal(gatehouse, roles, values, errors), 400);
    }
    const { users, deliveries } = result.value;
    const failed = deliveries.filter((d) => !d.delivered).map((d) => d.email);
    flash(
      res,
      `Invited ${users.map((u) => u.email).join(", ")}.` +
        (failed.length
          ? ` The e-mail to ${failed.join(", ")} could not be sent.`
          : " A registration e-mail with a temporary password is on its way."),
    );
    res.redirect(303, "/users?focus=invite");
  });

  router.get("/users/:id/edit", signedIn, requirePermission(USERS, "edit"), async (req, res) => {
    const user = await gatehouse.getUser(actorOf(req), { userId: String(req.params.id) });
    const values = {
      email: user.email,
      ...nameValuesOf(user),
      phone: user.phone ?? "",
      roles: [...user.roles],
    };
    const preset = authOf(req).organization.settings.preset;
    const self = user.id === authOf(req).user.id;
    await render(req, res, (roles) => editModal(gatehouse, roles, preset, user, values, noErrors, self));
  });

  router.post("/users/:id", signedIn, requirePermission(USERS, "edit"), async (req, res) => {
    const user = await gatehouse.getUser(actorOf(req), { userId: String(req.params.id) });
    const preset = authOf(req).organization.settings.preset;
    const values = {
      email: text(req.body.email),
      ...postedNameValues(req.body),
      phone: text(req.body.phone).trim(),
      roles: list(req.body.roles),
    };
    // Changing one's own address asks for the current password: a session alone must not move the account.
    const self = user.id === authOf(req).user.id;
    const currentPassword = self ? text(req.body.currentPassword) : "";
    const names = nameErrorFields(preset);
    const result = await attempt(
      () =>
        gatehouse.updateUser(actorOf(req), {
          userId: user.id,
          email: values.email,
          ...nameChanges(preset, values, user),
          phone: values.phone || null,
          roles: values.roles,
          ...(currentPassword ? { currentPassword } : {}),
        }),
      {
        fields: ["email", ...names.fields, "phone", "roles", "currentPassword"],
        rename: names.rename,
        matrix: gatehouse.config.matrix,
        escalation: "roles",
      },
    );
    if (!result.ok) {
      /** @type {FormErrors} */
      const errors =
        result.error.code === "INVALID_CREDENTIALS"
          ? { fields: { currentPassword: ["This is not your password."] }, form: [] }
          : result.errors;
      return render(
        req,
        res,
        (roles) => editModal(gatehouse, roles, preset, user, values, errors, self),
        400,
      );
    }
    const moved = result.value.email !== user.email;
    flash(
      res,
      moved && result.value.status === "invited"
        ? `Saved. Nothing sent to the old address works any more: resend the invitation to ${result.value.email}.`
        : moved
          ? `Saved. ${result.value.email} must sign in again with the new address.`
          : `Saved ${result.value.email}.`,
    );
    res.redirect(303, `/users?focus=${encodeURIComponent(user.id)}`);
  });

  router.get("/users/:id/delete", signedIn, requirePermission(USERS, "delete"), async (req, res) => {
    const user = await gatehouse.getUser(actorOf(req), { userId: String(req.params.id) });
    await render(req, res, () => deleteModal(user, noErrors));
  });

  router.post("/users/:id/delete", signedIn, requirePermission(USERS, "delete"), async (req, res) => {
    const user = await gatehouse.getUser(actorOf(req), { userId: String(req.params.id) });
    const result = await attempt(() => gatehouse.removeUser(actorOf(req), { userId: user.id }), {
      fields: [],
    });
    if (!result.ok) return render(req, res, () => deleteModal(user, result.errors), 409);
    flash(res, `Deleted ${user.email}.`);
    res.redirect(303, "/users");
  });

  router.post(
    "/users/:id/reset-password",
    signedIn,
    requirePermission(USERS, "reset-password"),
    async (req, res) => {
      const user = await gatehouse.getUser(actorOf(req), { userId: String(req.params.id) });
      const result = await attempt(() => gatehouse.issuePasswordReset(actorOf(req), { userId: user.id }), {
        fields: [],
      });
      if (!result.ok) flash(res, result.errors.form.join(" "));
      else if (!result.value.delivered)
        flash(res, `The reset e-mail to ${user.email} could not be sent: try again.`);
      else flash(res, `A password reset link was sent to ${user.email}. It works once, for 30 minutes.`);
      res.redirect(303, "/users");
    },
  );

  return router;
}

/**
 * @param {View} view
 * @param {Gatehouse} gatehouse
 * @param {{ users: readonly User[]; nextCursor: string | null; search: string; cursor: string | null; roles: RoleView[]; focus: string; passwordHolders: ReadonlySet<string> | null; modal: Html | string }} data
 *   `passwordHolders`: who has a password to reset (`null`: everyone; in an SSO organization, its emergency administrators)
 */
function usersPage(
  view,
  gatehouse,
  { users, nextCursor, search, cursor, roles, focus, passwordHolders, modal },
) {
  const auth = view.auth;
  const may = (/** @type {RegisteredPermissions[typeof USERS]} */ action) =>
    auth?.can(USERS, action) ?? false;
  const custom = roles.filter((r) => r.kind === "custom");
  const query = (/** @type {Record<string, string>} */ params) => {
    const entries = Object.entries({ search, ...params }).filter(([, v]) => v);
    return entries.length ? `?${new URLSearchParams(entries).toString()}` : "";
  };
  const autofocus = (/** @type {string} */ target) => (focus === target ? html` autofocus` : "");
  return layout(view, {
    title: "User management",
    modal,
    body: html`<h1>User management</h1>
<p class="lead">Add, edit or delete the user accounts of your organization.</p>
<div class="toolbar">
  <form method="get" action="/users" role="search">
    <input type="search" name="search" value="${search}" placeholder="Search by e-mail or name" aria-label="Search users">
    <button class="secondary" type="submit">Search</button>
  </form>
  ${may("invite") ? html`<a class="button" href="/users/invite${query({})}"${autofocus("invite")}>Invite users</a>` : ""}
</div>
<div class="table-scroll" role="region" aria-label="Users" tabindex="0"><table data-testid="users">
  <thead><tr><th>E-mail</th><th>Name</th><th>Roles</th><th>Status</th><th>MFA</th><th></th></tr></thead>
  <tbody>
  ${users.length === 0 ? html`<tr><td colspan="6">No users${search ? html` match “${search}”` : ""}.</td></tr>` : ""}
  ${users.map(
    (user) => html`<tr data-email="${user.email}">
    <td>${user.email}</td>
    <td>${user.displayName ?? "—"}</td>
    <td>${user.roles.map((id) => html`<span class="pill">${roleLabel(gatehouse, id, custom)}</span>`)}</td>
    <td>${user.status === "invited" ? html`<span class="pill warn">Invited</span>` : html`<span class="pill ok">Active</span>`}</td>
    <td>${user.mfa.totp ? "Enabled" : "—"}</td>
    <td><div class="actions">
      ${may("edit") ? html`<a class="button small secondary" href="/users/${user.id}/edit"${autofocus(user.id)} aria-label="Edit ${user.email}">Edit</a>` : ""}
      ${
        may("reset-password") && holdsPassword(passwordHolders, user.id)
          ? html`<form class="inline" method="post" action="/users/${user.id}/reset-password"><button class="small secondary" type="submit" aria-label="Reset password of ${user.email}">Reset password</button></form>`
          : ""
      }
      ${may("delete") ? html`<a class="button small danger" href="/users/${user.id}/delete" aria-label="Delete ${user.email}">Delete</a>` : ""}
    </div></td>
  </tr>`,
  )}
  </tbody>
</table></div>
<div class="pager">
  ${cursor ? html`<a href="/users${query({})}">« First page</a>` : ""}
  ${nextCursor ? html`<a href="/users${query({ cursor: nextCursor })}">Next page »</a>` : ""}
</div>`,
  });
}

/**
 * A dialog over the page: the layout makes everything behind it inert, so the first Tab lands inside it.
 * @param {Html} body its content, starting with an `h2` of id `dialog-title`
 */
function modal(body) {
  return html`<div class="modal-backdrop"><div class="modal" role="dialog" aria-modal="true" aria-labelledby="dialog-title">${body}</div></div>`;
}

/**
 * The invitation's errors with the addresses' own: the service stops at the first field it refuses (no role),
 * so the addresses are checked here too, and a person sees every problem at once.
 * @param {FormErrors} errors
 * @param {string} emails
 * @returns {FormErrors}
 */
function withAddressErrors(errors, emails) {
  if (errors.fields.emails?.length) return errors;
  try {
    parseInvitationAddresses(emails);
    return errors;
  } catch (error) {
    if (!isGatehouseError(error, "VALIDATION")) throw error;
    const messages = (error.details.issues ?? []).map((issue) => issue.message);
    return { ...errors, fields: { emails: messages, ...errors.fields } };
  }
}

/**
 * Role checkboxes, grouped as the product's components.
 * @param {Gatehouse} gatehouse
 * @param {RoleView[]} roles
 * @param {readonly string[]} checked
 * @param {FormErrors} errors
 * @param {string} [hint]
 */
function roleChoices(gatehouse, roles, checked, errors, hint = "") {
  return html`<fieldset id="roles"${invalid(errors, "roles")}>
  <legend>Roles${hint ? html` <span class="hint">${hint}</span>` : ""}</legend>
  <div class="checks">
  ${roles.map(
    (role) =>
      html`<label><input type="checkbox" name="roles" value="${role.id}" ${checked.includes(role.id) ? "checked" : ""}> ${roleLabel(gatehouse, role.id, roles)}</label>`,
  )}
  </div>
</fieldset>
${fieldError(errors, "roles")}`;
}

/**
 * The Invite Users modal: several addresses in one field, several roles for the whole group.
 * @param {Gatehouse} gatehouse
 * @param {RoleView[]} roles
 * @param {{ emails: string; roles: string[] }} values
 * @param {FormErrors} errors
 */
function inviteModal(gatehouse, roles, values, errors) {
  return modal(html`<h2 id="dialog-title">Invite users</h2>
${formError(errors)}
<form method="post" action="/users/invite" novalidate>
  <label for="emails">E-mail <span class="hint">one or more addresses, separated by commas, semicolons, spaces or new lines</span></label>
  <textarea id="emails" name="emails"${invalid(errors, "emails")}${Object.keys(errors.fields).length ? "" : html` autofocus`}>${values.emails}</textarea>
  ${fieldError(errors, "emails")}
  ${roleChoices(gatehouse, roles, values.roles, errors, "every role chosen applies to each address")}
  <p class="actions"><button type="submit">Invite</button> <a class="button secondary" href="/users?focus=invite">Cancel</a></p>
</form>`);
}

/**
 * The Edit User modal: one "Name" field in the enterprise preset, "First name" and "Last name" in the team one.
 * @param {Gatehouse} gatehouse
 * @param {RoleView[]} roles
 * @param {PresetName} preset
 * @param {User} user
 * @param {{ email: string; name: string; givenName: string; familyName: string; phone: string; roles: string[] }} values
 * @param {FormErrors} errors
 * @param {boolean} [self] the signed-in user edits themselves: their e-mail change needs their password
 */
function editModal(gatehouse, roles, preset, user, values, errors, self = false) {
  return modal(html`<h2 id="dialog-title">Edit user</h2>
${formError(errors)}
<form method="post" action="/users/${user.id}" novalidate>
  <label for="email">E-mail <span class="hint">after a change, the user must sign in again with the new address</span></label>
  <input id="email" name="email" type="email" value="${values.email}"${invalid(errors, "email")}${Object.keys(errors.fields).length ? "" : html` autofocus`}>
  ${fieldError(errors, "email")}
  ${
    self
      ? html`<label for="currentPassword">Current password <span class="hint">needed to change your own e-mail address</span></label>
  <input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password"${invalid(errors, "currentPassword")}>
  ${fieldError(errors, "currentPassword")}`
      : ""
  }
  ${nameInputs(preset, values, errors)}
  <label for="phone">Phone <span class="hint">international format, e.g. +14155550123</span></label>
  <input id="phone" name="phone" type="text" value="${values.phone}"${invalid(errors, "phone")}>
  ${fieldError(errors, "phone")}
  ${roleChoices(gatehouse, roles, values.roles, errors)}
  <p class="actions"><button type="submit">Save</button> <a class="button secondary" href="/users?focus=${user.id}">Cancel</a></p>
</form>`);
}

/**
 * The delete confirmation.
 * @param {User} user
 * @param {FormErrors} errors
 */
function deleteModal(user, errors) {
  return modal(html`<h2 id="dialog-title">Delete ${user.email}?</h2>
<p>The account is removed permanently: ${user.email} can no longer sign in, and every session ends. The audit log keeps who deleted whom.</p>
${formError(errors)}
<form method="post" action="/users/${user.id}/delete">
  <p class="actions"><button class="danger" type="submit" autofocus>Delete user</button> <a class="button secondary" href="/users?focus=${user.id}">Cancel</a></p>
</form>`);
}
