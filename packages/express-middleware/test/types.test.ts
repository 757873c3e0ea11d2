import { defineMatrix, type Grants, teamMatrix } from "@gatehousejs/core";
import type { Request } from "express";
import { describe, expect, expectTypeOf, test } from "vitest";
import {
  type Can,
  createGuards,
  type RegisteredPermissions,
  type RequestAuth,
  requirePermission,
} from "../src/index.js";

// Compile-time checks: `tsc --noEmit` fails if a `@ts-expect-error` below stops being an error, i.e. if a
// misspelt page or action were ever accepted. The runtime assertions only keep vitest from calling it empty.

const webhooksOnly = defineMatrix({
  components: {
    webhooks: {
      label: "Webhooks",
      pages: { hooks: { label: "Webhooks", actions: ["view", "edit"] } },
      roles: { admin: { label: "Administrator", grants: { hooks: "all" } } },
    },
  },
});

describe("typed page and action names", () => {
  test("requirePermission follows the registered matrix (defaultMatrix unless the host registers one)", () => {
    requirePermission("platform.user-management", "delete");
    requirePermission("callback.exports", "export-audit");
    // @ts-expect-error: a misspelt page
    requirePermission("platform.user-managment", "delete");
    // @ts-expect-error: an action of another page
    requirePermission("platform.application-roles", "invite");
    expectTypeOf<RegisteredPermissions["webhooks.webhooks"]>().toEqualTypeOf<
      "view" | "create" | "edit" | "delete"
    >();
    expect(typeof requirePermission("webhooks.webhooks", "view")).toBe("function");
  });

  test("createGuards(matrix) types the guards by that matrix", () => {
    const guards = createGuards(webhooksOnly);
    guards.requirePermission("webhooks.hooks", "edit");
    // The misspellings below are refused by tsc, and by the matrix at run time.
    // @ts-expect-error: a page of another matrix
    expect(() => guards.requirePermission("platform.user-management", "view")).toThrow(/no action/);
    // @ts-expect-error: a misspelt action
    expect(() => guards.requirePermission("webhooks.hooks", "delete")).toThrow(/no action/);
    const team = createGuards(teamMatrix);
    team.requirePermission("platform.user-management", "invite");
    expect(typeof guards.requireAuth()).toBe("function");
  });

  test("req.auth narrows on user and types can()", () => {
    const handler = (req: Request): boolean => {
      const auth: RequestAuth = req.auth;
      // @ts-expect-error: a misspelt action on can()
      auth.can("platform.user-management", "remove");
      if (auth.user === null) {
        expectTypeOf(auth.grants).toEqualTypeOf<null>();
        return false;
      }
      expectTypeOf(auth.grants).toEqualTypeOf<Grants<RegisteredPermissions>>();
      expectTypeOf(auth.user.email).toEqualTypeOf<string>();
      return auth.can("platform.user-management", "delete");
    };
    expectTypeOf(handler).returns.toEqualTypeOf<boolean>();
    expectTypeOf<Can>().toBeFunction();
    expect(handler).toBeTypeOf("function");
  });
});
