import { describe, expect, test } from "vitest";
import { defaultMatrix, defineMatrix, type GatehouseError, teamMatrix } from "../../src/index.js";
import { setup } from "./harness.js";

// A flow permission missing from the host's matrix would make every member FORBIDDEN for that flow, silently.

const shopMatrix = defineMatrix({
  components: {
    shop: {
      label: "Shop",
      pages: {
        people: { label: "People", actions: ["view", "invite", "edit", "delete"] },
        orders: { label: "Orders", actions: ["view"] },
      },
      roles: { owner: { label: "Owner", grants: { people: "all", orders: "all" } } },
    },
  },
});

function configurationError(run: () => unknown): GatehouseError {
  try {
    run();
  } catch (error) {
    return error as GatehouseError;
  }
  throw new Error("no error was thrown");
}

describe("createGatehouse checks the flow permissions against the matrix", () => {
  test("a custom matrix without the default flows' pages throws CONFIGURATION naming every missing pair", () => {
    const error = configurationError(() => setup({ matrix: shopMatrix }));
    expect(error.code).toBe("CONFIGURATION");
    const missing = error.details.issues?.map((issue) => issue.path[1]);
    expect(missing).toEqual([
      "viewUsers",
      "inviteUsers",
      "editUsers",
      "removeUsers",
      "resetPasswords",
      "unlockUsers",
      "viewAudit",
      "configureOrganization",
      "viewRoles",
      "createRoles",
      "editRoles",
      "deleteRoles",
      "manageUsers",
    ]);
    expect(error.message).toContain(
      'the matrix has no action "reset-password" on page "platform.user-management"',
    );
  });

  test("permissions mapped onto the host's pages leave only the pairs still missing", () => {
    const people = "shop.people";
    const error = configurationError(() =>
      setup({
        matrix: shopMatrix,
        permissions: {
          viewUsers: [people, "view"],
          inviteUsers: [people, "invite"],
          editUsers: [people, "edit"],
          removeUsers: [people, "delete"],
          manageUsers: [people, "delete"],
          resetPasswords: [people, "view"],
          unlockUsers: [people, "edit"],
          viewAudit: ["shop.orders", "view"],
          configureOrganization: [people, "edit"],
          viewRoles: [people, "view"],
          createRoles: [people, "edit"],
          editRoles: [people, "edit"],
          deleteRoles: [people, "reassign"],
        },
      }),
    );
    expect(error.details.issues?.map((issue) => issue.path)).toEqual([["permissions", "deleteRoles"]]);
    expect(error.message).toContain('"reassign" on page "shop.people"');
  });

  test("the shipped matrices carry every default flow permission", () => {
    expect(() => setup({ matrix: defaultMatrix })).not.toThrow();
    expect(() => setup({ matrix: teamMatrix })).not.toThrow();
  });
});
