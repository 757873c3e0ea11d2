import { GatehouseError, httpStatusOf, renderMatrix } from "@gatehousejs/core";
import { requirePermission } from "@gatehousejs/express-middleware";
import { Router } from "express";
import { actorOf, authOf, send, signedIn } from "../app.js";
import { attempt, noErrors } from "../form-errors.js";
import { html, raw } from "../html.js";
import { fieldError, formError, invalid, layout } from "../views/layout.js";

/** @import { Deps } from "../app.js" */
/** @import { FormErrors } from "../form-errors.js" */
/** @import { View } from "../views/layout.js" */
/** @import { Gatehouse, RoleView } from "@gatehousejs/core" */
/** @import { RegisteredPermissions } from "@gatehousejs/express-middleware" */

const ROLES = /** @type {const} */ ("platform.application-roles");

/**
 * Application Roles: the default roles as the product's tables, the organization's custom roles and their
 * editor (any set of the matrix's page actions, never one the editor does not hold).
 * @param {Deps} deps
 * @returns {import("express").Router}
 */
export function rolesRoutes({ gatehouse, viewOf, flash }) {
  const router = Router();
  /** @param {unknown} value */
  const text = (value) => (typeof value === "string" ? value : "");
  /** @param {unknown} value */
  const permissionsOf = (value) =>
    (Array.isArray(value) ? value : typeof value === "string" ? [value] : []).flatMap((pair) => {
      const [page, action] = String(pair).split("|");
      return page && action ? [{ page, action }] : [];
    });

  router.get("/roles", signedIn, requirePermission(ROLES, "view"), async (req, res) => {
    const roles = await gatehouse.listRoles(actorOf(req), { organizationId: authOf(req).organization.id });
    send(res, rolesPage(viewOf(req, res), gatehouse, roles));
  });

  router.get("/roles/new", signedIn, requirePermission(ROLES, "create"), (req, res) => {
    send(
      res,
      roleEditor(viewOf(req, res), gatehouse, null, { name: "", description: "", permissions: [] }, noErrors),
    );
  });

  router.post("/roles", signedIn, requirePermission(ROLES, "create"), async (req, res) => {
    const values = {
      name: text(req.body.name),
      description: text(req.body.description),
      permissions: permissionsOf(req.body.permissions),
    };
    const result = await attempt(
      () => gatehouse.createRole(actorOf(req), { organizationId: authOf(req).organization.id, ...values }),
      {
        fields: ["name", "description", "permissions"],
        matrix: gatehouse.config.matrix,
        escalation: "permissions",
      },
    );
    if (!result.ok)
      return send(
        res,
        roleEditor(viewOf(req, res), gatehouse, null, values, result.errors),
        httpStatusOf(result.error.code),
      );
    flash(res, `Created the role “${result.value.name}”.`);
    res.redirect(303, "/roles");
  });

  router.get("/roles/:id/edit", signedIn, requirePermission(ROLES, "edit"), async (req, res) => {
    const role = await findCustomRole(
      gatehouse,
      actorOf(req),
      authOf(req).organization.id,
      String(req.params.id),
    );
    send(
      res,
      roleEditor(
        viewOf(req, res),
        gatehouse,
        role,
        { ...role, permissions: [...role.permissions] },
        noErrors,
      ),
    );
  });

  router.post("/roles/:id", signedIn, requirePermission(ROLES, "edit"), async (req, res) => {
    const organizationId = authOf(req).organization.id;
    const role = await findCustomRole(gatehouse, actorOf(req), organizationId, String(req.params.id));
    const values = {
      name: text(req.body.name),
      description: text(req.body.description),
      permissions: permissionsOf(req.body.permissions),
    };
    const result = await attempt(
      () => gatehouse.updateRole(actorOf(req), { organizationId, roleId: role.id, ...values }),
      {
        fields: ["name", "description", "permissions"],
        matrix: gatehouse.config.matrix,
        escalation: "permissions",
      },
    );
    if (!result.ok)
      return send(
        res,
        roleEditor(viewOf(req, res), gatehouse, role, values, result.errors),
        httpStatusOf(result.error.code),
      );
    flash(res, `Saved the role “${result.value.name}”.`);
    res.redirect(303, "/roles");
  });

  router.post("/roles/:id/delete", signedIn, requirePermission(ROLES, "delete"), async (req, res) => {
    const organizationId = authOf(req).organization.id;
    const role = await findCustomRole(gatehouse, actorOf(req), organizationId, String(req.params.id));
    const result = await attempt(
      () => gatehouse.deleteRole(actorOf(req), { organizationId, roleId: role.id }),
      {
        fields: [],
      },
    );
    flash(res, result.ok ? `Deleted the role “${role.name}”.` : result.errors.form.join(" "));
    res.redirect(303, "/roles");
  });

  return router;
}

/**
 * @param {Gatehouse} gatehouse
 * @param {import("@gatehousejs/core").Actor} actor
 * @param {string} organizationId
 * @param {string} id
 * @returns {Promise<RoleView>}
 */
async function findCustomRole(gatehouse, actor, organizationId, id) {
  const role = (await gatehouse.listRoles(actor, { organizationId })).find(
    (r) => r.id === id && r.kind === "custom",
  );
  if (!role) throw new GatehouseError("NOT_FOUND", "No such custom role.");
  return role;
}

/**
 * @param {View} view
 * @param {Gatehouse} gatehouse
 * @param {RoleView[]} roles
 */
function rolesPage(view, gatehouse, roles) {
  const may = (/** @type {RegisteredPermissions[typeof ROLES]} */ action) =>
    view.auth?.can(ROLES, action) ?? false;
  const custom = roles.filter((r) => r.kind === "custom");
  const { matrix } = gatehouse.config;
  const labelOf = (/** @type {string} */ page) => matrix.pages.find((p) => p.id === page)?.label ?? page;
  return layout(view, {
    title: "Application roles",
    body: html`<h1>Application roles</h1>
<p class="lead">Default roles with different levels of access for each component, and custom roles with any combination of permissions. Roles combine: a user holds everything any of their roles grants. All roles grant access to the user's personal profile page.</p>

<h2>Custom roles</h2>
${may("create") ? html`<p><a class="button" href="/roles/new">New custom role</a></p>` : ""}
<div class="table-scroll" role="region" aria-label="Custom roles" tabindex="0"><table data-testid="custom-roles">
  <thead><tr><th>Name</th><th>Description</th><th>Permissions</th><th></th></tr></thead>
  <tbody>
  ${custom.length === 0 ? html`<tr><td colspan="4">No custom roles yet.</td></tr>` : ""}
  ${custom.map(
    (role) => html`<tr>
    <td>${role.name}</td><td>${role.description || "—"}</td>
    <td>${role.permissions.map((p) => html`<span class="pill">${labelOf(p.page)}: ${p.action}</span>`)}</td>
    <td><div class="actions">
      ${may("edit") ? html`<a class="button small secondary" href="/roles/${role.id}/edit">Edit</a>` : ""}
      ${may("delete") ? html`<form class="inline" method="post" action="/roles/${role.id}/delete"><button class="small danger" type="submit">Delete</button></form>` : ""}
    </div></td></tr>`,
  )}
  </tbody>
</table></div>

<h2>Default roles</h2>
<div class="matrix table-scroll" role="region" aria-label="Default roles" tabindex="0">${raw(renderMatrix(matrix, { format: "html" }).replaceAll("<h2>", "<h3>").replaceAll("</h2>", "</h3>"))}</div>`,
  });
}

/**
 * The custom-role editor: a checkbox for every page action an organization role may hold.
 * @param {View} view
 * @param {Gatehouse} gatehouse
 * @param {RoleView | null} role
 * @param {{ name: string; description: string; permissions: ReadonlyArray<{ page: string; action: string }> }} values
 * @param {FormErrors} errors
 */
function roleEditor(view, gatehouse, role, values, errors) {
  const { matrix } = gatehouse.config;
  const held = new Set(values.permissions.map((p) => `${p.page}|${p.action}`));
  const components = matrix.components.map((component) => ({
    component,
    pages: component.pages.filter((page) => !page.personal),
  }));
  return layout(view, {
    title: role ? `Edit ${role.name}` : "New custom role",
    body: html`<h1>${role ? html`Edit “${role.name}”` : "New custom role"}</h1>
<p class="lead">Choose what the role allows on each page. You can only grant permissions you hold yourself.</p>
${formError(errors)}
<form method="post" action="${role ? `/roles/${role.id}` : "/roles"}" novalidate>
  <label for="name">Name</label>
  <input id="name" name="name" type="text" value="${values.name}"${invalid(errors, "name")}>
  ${fieldError(errors, "name")}
  <label for="description">Description</label>
  <input id="description" name="description" type="text" value="${values.description}"${invalid(errors, "description")}>
  ${fieldError(errors, "description")}
  ${fieldError(errors, "permissions")}
  ${components.map(
    ({ component, pages }) => html`<fieldset><legend>${component.label}</legend>
    <table><tbody>
    ${pages.map(
      (page) =>
        html`<tr><td>${page.label}</td><td>${page.actions
          .filter((a) => !a.reserved)
          .map(
            (a) =>
              html`<label style="display:inline-block;font-weight:400;margin:0 12px 0 0"><input type="checkbox" name="permissions" value="${page.id}|${a.name}" ${held.has(`${page.id}|${a.name}`) ? "checked" : ""}> ${a.name}</label>`,
          )}</td></tr>`,
    )}
    </tbody></table></fieldset>`,
  )}
  <p class="actions"><button type="submit">${role ? "Save role" : "Create role"}</button> <a class="button secondary" href="/roles">Cancel</a></p>
</form>`,
  });
}
