import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type Actor, createMemoryStore, GatehouseError, type Store } from "../../src/index.js";
import { member, setup, staff, system } from "./harness.js";

// Every public method, driven with random and malformed input: each call either succeeds or throws a
// GatehouseError (never a raw TypeError or ZodError), and a call that fails writes nothing.

const READS = new Set([
  "find",
  "findById",
  "findByEmail",
  "findRegisteredEmails",
  "list",
  "listByUser",
  "get",
  "countWithAnyRole",
]);

/** Wraps every repository so the test sees each write. */
function recordingStore(inner: Store): { store: Store; writes: string[] } {
  const writes: string[] = [];
  const wrap = <T extends object>(name: string, repo: T): T =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (!READS.has(String(prop)) && prop !== "lock") writes.push(`${name}.${String(prop)}`);
          return value.apply(target, args);
        };
      },
    });
  const repos = (source: Store | Omit<Store, "transaction" | "sessions" | "attempts" | "tokens">) =>
    Object.fromEntries(
      Object.entries(source)
        .filter(([key]) => key !== "transaction")
        .map(([key, repo]) => [key, wrap(key, repo as object)]),
    );
  const store = {
    ...(repos(inner) as unknown as Store),
    transaction: <T>(fn: (tx: Parameters<Parameters<Store["transaction"]>[0]>[0]) => Promise<T>) =>
      inner.transaction((tx) => fn(repos(tx as never) as never)),
  } as Store;
  return { store, writes };
}

const junk = fc.oneof(
  fc.string(),
  fc.string({ maxLength: 5000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.anything(), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.anything(), { maxKeys: 5 }),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant("a@b.c".repeat(100)),
  fc.constant("\u0000\uFFFF\uD800"),
);

const inputObject = (keys: string[]) =>
  fc.record(Object.fromEntries(keys.map((k) => [k, junk])), { requiredKeys: [] }) as fc.Arbitrary<
    Record<string, unknown>
  >;

describe("malformed input", () => {
  test("every public method answers a GatehouseError or succeeds, and a failed call writes nothing", async () => {
    const h = setup();
    const org = await h.enterpriseOrg();
    const { store, writes } = recordingStore(h.store);
    const probe = setup({ store, clock: h.clock, hasher: h.hasher });
    const g = probe.gatehouse;
    const actors: Actor[] = [org.actor, staff, system, member("usr_nobody")];

    const calls: Array<[string, fc.Arbitrary<(actor: Actor) => Promise<unknown>>]> = [
      [
        "inviteUsers",
        inputObject(["organizationId", "emails", "roles"]).map(
          (i) => (a: Actor) => g.inviteUsers(a, i as never),
        ),
      ],
      [
        "addUser",
        inputObject(["organizationId", "email", "givenName", "familyName", "phone", "roles"]).map(
          (i) => (a: Actor) => g.addUser(a, i as never),
        ),
      ],
      [
        "updateUser",
        fc.tuple(junk, inputObject(["givenName", "familyName", "phone", "email", "roles", "extra"])).map(
          ([id, i]) =>
            (a: Actor) =>
              g.updateUser(a, id as never, i as never),
        ),
      ],
      ["removeUser", junk.map((id) => (a: Actor) => g.removeUser(a, id as never))],
      ["getUser", junk.map((id) => (a: Actor) => g.getUser(a, id as never))],
      [
        "listUsers",
        inputObject(["organizationId", "search", "cursor", "limit"]).map(
          (i) => (a: Actor) => g.listUsers(a, i as never),
        ),
      ],
      [
        "createRole",
        inputObject(["organizationId", "name", "description", "permissions"]).map(
          (i) => (a: Actor) => g.createRole(a, i as never),
        ),
      ],
      [
        "updateRole",
        fc.tuple(junk, junk, inputObject(["name", "permissions"])).map(
          ([o, r, i]) =>
            (a: Actor) =>
              g.updateRole(a, o as never, r as never, i as never),
        ),
      ],
      [
        "deleteRole",
        fc.tuple(junk, junk).map(
          ([o, r]) =>
            (a: Actor) =>
              g.deleteRole(a, o as never, r as never),
        ),
      ],
      [
        "listAuditLog",
        inputObject(["organizationId", "userId", "cursor", "limit"]).map(
          (i) => (a: Actor) => g.listAuditLog(a, i as never),
        ),
      ],
      [
        "createOrganization",
        inputObject(["name", "preset", "mfa", "authMode", "provisioning"]).map(
          (i) => (a: Actor) => g.createOrganization(a, i as never),
        ),
      ],
      [
        "updateOrganizationSettings",
        fc.tuple(junk, inputObject(["mfa", "authMode", "provisioning"])).map(
          ([o, i]) =>
            (a: Actor) =>
              g.updateOrganizationSettings(a, o as never, i as never),
        ),
      ],
      ["issuePasswordReset", junk.map((id) => (a: Actor) => g.issuePasswordReset(a, id as never))],
      ["resetPassword", inputObject(["token", "password"]).map((i) => () => g.resetPassword(i as never))],
      ["activateAccount", inputObject(["token", "password"]).map((i) => () => g.activateAccount(i as never))],
      [
        "verifySecondFactor",
        fc.tuple(junk, inputObject(["method", "code"])).map(
          ([t, i]) =>
            () =>
              g.verifySecondFactor(t as never, i as never),
        ),
      ],
      [
        "beginTotpEnrollment",
        fc.tuple(junk, inputObject(["password"])).map(
          ([t, i]) =>
            () =>
              g.beginTotpEnrollment(t as never, i as never),
        ),
      ],
      [
        "revealRecoveryCode",
        fc.tuple(junk, inputObject(["password"])).map(
          ([t, i]) =>
            () =>
              g.revealRecoveryCode(t as never, i as never),
        ),
      ],
      [
        "changePassword",
        fc.tuple(junk, inputObject(["currentPassword", "newPassword"])).map(
          ([t, i]) =>
            () =>
              g.changePassword(t as never, i as never),
        ),
      ],
      [
        "validateSession",
        junk.map((t) => async () => expect(await g.validateSession(t as never)).toBeNull()),
      ],
    ];

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        fc.constantFrom(...actors),
        fc.nat(),
        async ([name, arb], actor, seed) => {
          const [call] = fc.sample(arb, { seed, numRuns: 1 });
          writes.length = 0;
          try {
            await (call as (a: Actor) => Promise<unknown>)(actor);
          } catch (error) {
            if (!(error instanceof GatehouseError))
              throw new Error(`${name} threw ${String(error)}`, { cause: error });
            // A refused call leaves no trace but, for the flows that check secrets, its attempt record and audit entry.
            expect(
              writes.filter((w) => !w.startsWith("attempts.") && !w.startsWith("audit.")),
              name,
            ).toEqual([]);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  test("login with any input answers INVALID_CREDENTIALS, VALIDATION, RATE_LIMITED or ACCOUNT_LOCKED", async () => {
    const h = setup({ store: createMemoryStore() });
    await h.enterpriseOrg();
    await fc.assert(
      fc.asyncProperty(inputObject(["email", "password"]), async (input) => {
        h.clock.advance(60_000);
        const error = await h.gatehouse.login(input as never).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GatehouseError);
        expect(["INVALID_CREDENTIALS", "VALIDATION", "RATE_LIMITED", "ACCOUNT_LOCKED"]).toContain(
          (error as GatehouseError).code,
        );
      }),
      { numRuns: 200 },
    );
  });
});
