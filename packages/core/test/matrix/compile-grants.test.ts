import { describe, expect, expectTypeOf, test } from "vitest";
import {
  can,
  canHandle,
  compileGrants,
  compileStaffGrants,
  defaultMatrix,
  defineMatrix,
  type GatehouseError,
  listPermissions,
  missingPermissions,
  type PermissionsOf,
  type RolesOf,
  renderMatrix,
  ValidationError,
} from "../../src/index.js";

describe("compileGrants", () => {
  test("a Viewer may export everything but audit reports", () => {
    const grants = compileGrants(defaultMatrix, ["callback.viewer"]);
    expect(can(grants, "callback.exports", "view")).toBe(true);
    expect(can(grants, "callback.exports", "export")).toBe(true);
    expect(can(grants, "callback.exports", "export-audit")).toBe(false);
  });

  test("a Viewer sees alerts but cannot acknowledge or clear them", () => {
    const grants = compileGrants(defaultMatrix, ["callback.viewer"]);
    expect(can(grants, "callback.alerts", "view")).toBe(true);
    expect(can(grants, "callback.alerts", "acknowledge")).toBe(false);
    expect(can(grants, "callback.alerts", "clear")).toBe(false);
  });

  test("roles combine by union", () => {
    const viewer = compileGrants(defaultMatrix, ["callback.viewer"]);
    const both = compileGrants(defaultMatrix, ["callback.viewer", "platform.administrator"]);
    expect(can(viewer, "platform.user-management", "delete")).toBe(false);
    expect(can(both, "platform.user-management", "delete")).toBe(true);
    expect(can(both, "callback.exports", "export-audit")).toBe(false);
  });

  test("every role grants the personal profile page, even no role at all", () => {
    for (const role of defaultMatrix.roles) {
      const grants = compileGrants(defaultMatrix, [role.id]);
      expect(can(grants, "account.profile", "view")).toBe(true);
      expect(can(grants, "account.profile", "edit")).toBe(true);
    }
    expect(can(compileGrants(defaultMatrix, []), "account.profile", "view")).toBe(true);
  });

  test("staff-reserved settings are granted by no organization role, only to staff", () => {
    const everyRole = compileGrants(
      defaultMatrix,
      defaultMatrix.roles.map((r) => r.id),
    );
    expect(can(everyRole, "callback.global-settings", "edit-reserved")).toBe(false);
    expect(can(everyRole, "callback.call-targets", "edit-reserved")).toBe(false);
    const staff = compileStaffGrants(defaultMatrix);
    expect(can(staff, "callback.call-targets", "edit-reserved")).toBe(true);
  });

  test("a Manager edits global settings but not messaging", () => {
    const grants = compileGrants(defaultMatrix, ["callback.manager"]);
    expect(can(grants, "callback.global-settings", "edit")).toBe(true);
    expect(can(grants, "callback.global-settings", "edit-messaging")).toBe(false);
  });

  test("a custom role holds any set of (page, action) pairs", () => {
    const grants = compileGrants(defaultMatrix, [
      { id: "exporter", permissions: [{ page: "callback.exports", action: "export-audit" }] },
    ]);
    expect(can(grants, "callback.exports", "export-audit")).toBe(true);
    expect(can(grants, "callback.exports", "view")).toBe(false);
  });

  test("unknown roles, unknown permissions and reserved permissions are refused, each named", () => {
    const attempt = () =>
      compileGrants(defaultMatrix, [
        "callback.nobody" as "callback.viewer",
        {
          id: "custom",
          permissions: [
            { page: "callback.exports", action: "fly" },
            { page: "callback.call-targets", action: "edit-reserved" },
          ],
        },
      ]);
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).details.issues?.map((i) => i.reason)).toEqual([
        "unknown-role",
        "unknown-permission",
        "reserved",
      ]);
    }
  });

  test("a handle resolved once answers the same as the name", () => {
    const grants = compileGrants(defaultMatrix, ["callback.viewer"]);
    for (const page of defaultMatrix.pages) {
      for (const action of page.actions) {
        const byName = can(grants, page.id as "callback.exports", action.name as "view");
        expect(
          canHandle(grants, defaultMatrix.permission(page.id as "callback.exports", action.name as "view")),
        ).toBe(byName);
      }
    }
  });

  test("can answers false for a page or action the matrix does not have", () => {
    const grants = compileStaffGrants(defaultMatrix);
    expect(can(grants, "nope" as "callback.exports", "view")).toBe(false);
    expect(can(grants, "callback.exports", "nope" as "view")).toBe(false);
    expect(can(grants, "__proto__" as "callback.exports", "view")).toBe(false);
    expect(defaultMatrix.findPermission("callback.exports", "constructor")).toBeNull();
  });

  test("missingPermissions names what a holder lacks, for the no-escalation rule", () => {
    const manager = compileGrants(defaultMatrix, ["platform.manager"]);
    const admin = compileGrants(defaultMatrix, ["platform.administrator"]);
    expect(missingPermissions(admin, manager)).toEqual([]);
    expect(missingPermissions(manager, admin)).toEqual([
      { page: "platform.user-management", action: "invite" },
      { page: "platform.user-management", action: "delete" },
      { page: "platform.user-management", action: "reset-password" },
      { page: "platform.user-management", action: "view-audit" },
      { page: "platform.user-management", action: "unlock" },
      { page: "platform.user-management", action: "configure" },
      { page: "platform.application-roles", action: "create" },
      { page: "platform.application-roles", action: "delete" },
    ]);
    expect(listPermissions(manager)).toContainEqual({ page: "account.profile", action: "view" });
  });
});

describe("defineMatrix", () => {
  test("page and action names autocomplete and typos do not compile", () => {
    type P = PermissionsOf<typeof defaultMatrix>;
    expectTypeOf<P["callback.exports"]>().toEqualTypeOf<"view" | "export" | "export-audit">();
    expectTypeOf<RolesOf<typeof defaultMatrix>>().toExtend<string>();
    expectTypeOf<"datastore.agent">().toExtend<RolesOf<typeof defaultMatrix>>();
    const grants = compileGrants(defaultMatrix, []);
    // @ts-expect-error: exports has no "delete"
    can(grants, "callback.exports", "delete");
    // @ts-expect-error: there is no such page
    can(grants, "callback.nothing", "view");
    // @ts-expect-error: there is no such role
    expect(() => compileGrants(defaultMatrix, ["callback.owner"])).toThrow(ValidationError);
  });

  test("a role granting an unknown page, an unknown action or a reserved one is a configuration error", () => {
    const page = { label: "P", actions: ["view", "secret"], reserved: ["secret"] } as const;
    const define = (grants: Record<string, unknown>) => () =>
      defineMatrix({
        components: {
          c: { label: "C", pages: { p: page }, roles: { r: { label: "R", grants: grants as never } } },
        },
      });
    expect(define({ q: "all" })).toThrow(/unknown page/);
    expect(define({ p: { label: "x", actions: ["fly"] } })).toThrow(/unknown action/);
    expect(define({ p: { label: "x", actions: ["secret"] } })).toThrow(/reserved/);
    expect(define({ p: "all" })).not.toThrow();
    try {
      define({ q: "all" })();
    } catch (error) {
      expect((error as GatehouseError).code).toBe("CONFIGURATION");
    }
  });

  test("renders HTML with every label escaped", () => {
    const matrix = defineMatrix({
      components: {
        c: {
          label: "<C & D>",
          pages: { p: { label: "P|Q", actions: ["view"] } },
          roles: { r: { label: 'The "R"', grants: { p: "all" } } },
        },
      },
    });
    const html = renderMatrix(matrix, { format: "html" });
    expect(html).toContain("<h2>&lt;C &amp; D&gt;</h2>");
    expect(html).toContain("<th>The &quot;R&quot;</th>");
    expect(renderMatrix(matrix)).toContain("| P\\|Q | All |");
  });
});
