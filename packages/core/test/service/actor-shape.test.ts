import { describe, expect, test } from "vitest";
import { type Actor, createMemoryStore } from "../../src/index.js";
import { setup } from "./harness.js";
import { recordingStore } from "./recording-store.js";

/** A memory store that records every repository call, to prove a refused actor reaches none. */
const countingStore = () => recordingStore(createMemoryStore());

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; details: { issues?: { path: unknown[]; reason: string }[] } };
  }
  throw new Error("expected a refusal");
}

describe("the actor of a call is checked before anything reaches a store", () => {
  const cases: [string, unknown, string[]][] = [
    [
      "a member id with a NUL (PostgreSQL would fail the query)",
      { kind: "member", userId: "u\u0000" },
      ["actor", "userId"],
    ],
    ["an empty member id", { kind: "member", userId: "" }, ["actor", "userId"]],
    ["a member id that is not a string", { kind: "member", userId: 42 }, ["actor", "userId"]],
    ["a member id of 10,000 characters", { kind: "member", userId: "u".repeat(10_000) }, ["actor", "userId"]],
    [
      "a staff id with a line break (it would reach the audit log)",
      { kind: "staff", id: "a\nb" },
      ["actor", "id"],
    ],
    ["a system name with a bidirectional override", { kind: "system", name: "job\u202e" }, ["actor", "name"]],
    ["an unknown kind", { kind: "root", userId: "u1" }, ["actor", "kind"]],
    ["no actor at all", undefined, ["actor"]],
  ];
  for (const [name, actor, path] of cases) {
    test(`${name}: VALIDATION naming ${path.join(".")}, and no store call`, async () => {
      const { store, calls } = countingStore();
      const h = setup({ store });
      const error = await refusal(
        h.gatehouse.listUsers(actor as Actor, { organizationId: "00000000-0000-4000-8000-000000000000" }),
      );
      expect(error.code).toBe("VALIDATION");
      expect(error.details.issues?.map((issue) => issue.path)).toEqual([path]);
      expect(calls).toEqual([]);
    });
  }

  test("every method taking an actor checks it (createOrganization, updateRole, removeUser, listAuditLog, upsertSsoConnection)", async () => {
    const { store, calls } = countingStore();
    const { gatehouse } = setup({ store });
    const bad = { kind: "member", userId: "u\u0000" } as Actor;
    const attempts = [
      gatehouse.createOrganization(bad, { name: "Acme", preset: "enterprise" }),
      gatehouse.updateRole(bad, { organizationId: "o", roleId: "r", name: "x" } as never),
      gatehouse.removeUser(bad, { userId: "u" } as never),
      gatehouse.listAuditLog(bad, { organizationId: "o" } as never),
      gatehouse.upsertSsoConnection(bad, {} as never),
    ];
    for (const attempt of attempts) expect((await refusal(attempt)).code).toBe("VALIDATION");
    expect(calls).toEqual([]);
  });

  test("a host's richer actor object (extra fields) is accepted", async () => {
    const h = setup();
    const organization = await h.gatehouse.createOrganization(
      { kind: "staff", id: "staff-1", email: "ops@operator.test", displayName: "Ops" } as Actor,
      { name: "Acme", preset: "enterprise" },
    );
    expect(organization.name).toBe("Acme");
  });
});
