import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type Actor,
  type BackgroundTask,
  createMemoryStore,
  type Gatehouse,
  GatehouseError,
  type Store,
} from "../../src/index.js";
import { member, setup, staff, system } from "./harness.js";

// Every public method of `Gatehouse`, driven with random and malformed input: each call either succeeds or
// throws a GatehouseError (never a raw TypeError, ZodError or driver error), and a call that fails writes
// nothing. GATEHOUSE_FUZZ_RUNS sets the runs per method (200 in CI; 10000 for a long run).

const RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS ?? 200);
/** Every property's seed derives from this one; a failure names it, and GATEHOUSE_FUZZ_SEED replays the run. */
const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 30));

const READS = new Set([
  "find",
  "findById",
  "findByEmail",
  "findByEmailWithOrganization",
  "findRegisteredEmails",
  "findByOrganization",
  "findByDomain",
  "list",
  "listByUser",
  "get",
  "countWithAnyRole",
]);

/**
 * Wraps every repository so the test sees each write that took effect: a write inside a transaction counts
 * only once the transaction has committed (a rolled-back one leaves the store as it was).
 */
function recordingStore(inner: Store): { store: Store; writes: string[] } {
  const writes: string[] = [];
  const wrap = <T extends object>(name: string, repo: T, into: string[]): T =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const call = `${name}.${String(prop)}`;
          if (prop === "consume") {
            // Consuming a token that is not there changes nothing: only a consumed one is a write.
            return Promise.resolve(value.apply(target, args)).then((found: unknown) => {
              if (found !== null) into.push(call);
              return found;
            });
          }
          if (!READS.has(String(prop)) && prop !== "lock") into.push(call);
          return value.apply(target, args);
        };
      },
    });
  const repos = (source: object, into: string[]) =>
    Object.fromEntries(
      Object.entries(source)
        .filter(([key]) => key !== "transaction")
        .map(([key, repo]) => [key, wrap(key, repo as object, into)]),
    );
  const store = {
    ...(repos(inner, writes) as unknown as Store),
    transaction: async <T>(fn: (tx: Parameters<Parameters<Store["transaction"]>[0]>[0]) => Promise<T>) => {
      const pending: string[] = [];
      const result = await inner.transaction((tx) => fn(repos(tx, pending) as never));
      writes.push(...pending);
      return result;
    },
  } as Store;
  return { store, writes };
}

const junk = fc.oneof(
  fc.string(),
  fc.string({ maxLength: 5000 }),
  fc.string({ unit: "binary", maxLength: 40 }),
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
  fc.constant("ann\u0000@acme.test"),
  fc.constant("\u202Eevil"),
);

const inputObject = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
const junkObject = (keys: string[]) => inputObject(Object.fromEntries(keys.map((k) => [k, junk])));

type Call = (actor: Actor) => Promise<unknown>;
/** Every method of the public interface: a method added without an arbitrary does not compile. */
type Method = Exclude<keyof Gatehouse, "config">;

async function arbitraries(): Promise<{
  g: Gatehouse;
  calls: Record<Method, fc.Arbitrary<Call>>;
  actors: Actor[];
  writes: string[];
  background: BackgroundTask[];
  flush: () => Promise<void>;
}> {
  const recorded = recordingStore(createMemoryStore());
  const background: BackgroundTask[] = [];
  const h = setup({ store: recorded.store, onBackgroundError: (_error, task) => background.push(task) });
  const org = await h.enterpriseOrg();
  const g = h.gatehouse;
  const invited = (
    await g.inviteUsers(org.actor, {
      organizationId: org.organization.id,
      emails: "invited@acme.test",
      roles: ["callback.viewer"],
    })
  ).users[0];
  const session = await g.login({ email: org.adminEmail, password: org.password });
  const role = await g.createRole(org.actor, {
    organizationId: org.organization.id,
    name: "Custom",
    permissions: [{ page: "platform.user-management", action: "view" }],
  });
  const ids = [org.organization.id, org.admin.id, invited?.id, role.id].filter((id) => id !== undefined);
  // Real values beside junk, so some calls get past the first check and deeper into each flow.
  const id = fc.oneof(junk, fc.constantFrom(...ids));
  const token = fc.oneof(junk, fc.constant(session.token));
  const email = fc.oneof(junk, fc.constantFrom(org.adminEmail, "invited@acme.test", "nobody@acme.test"));
  const text = fc.oneof(junk, fc.string({ maxLength: 50 }));
  const roles = fc.oneof(
    junk,
    fc.array(fc.oneof(junk, fc.constantFrom("callback.viewer", role.id)), { maxLength: 3 }),
  );
  const permissions = fc.oneof(
    junk,
    fc.array(junkObject(["page", "action"]), { maxLength: 3 }),
    fc.constant([{ page: "platform.user-management", action: "view" }]),
  );
  /** An input of one field, or junk in place of the whole input object. */
  const inputOf = (key: string, value: fc.Arbitrary<unknown>) =>
    fc.oneof(
      junk,
      value.map((v) => ({ [key]: v })),
    );
  const a = (arb: fc.Arbitrary<(g: Gatehouse, actor: Actor) => Promise<unknown>>) =>
    arb.map((call) => (actor: Actor) => call(g, actor));

  const calls: Record<Method, fc.Arbitrary<Call>> = {
    createOrganization: a(
      junkObject(["name", "preset", "mfa", "authMode", "provisioning"]).map(
        (i) => (g, x) => g.createOrganization(x, i as never),
      ),
    ),
    getOrganization: a(inputOf("organizationId", id).map((i) => (g, x) => g.getOrganization(x, i as never))),
    updateOrganizationSettings: a(
      fc.tuple(id, junkObject(["mfa", "authMode", "provisioning"])).map(
        ([o, i]) =>
          (g, x) =>
            g.updateOrganizationSettings(x, { organizationId: o as never, ...i } as never),
      ),
    ),
    inviteUsers: a(
      inputObject({ organizationId: id, emails: email, roles }).map(
        (i) => (g, x) => g.inviteUsers(x, i as never),
      ),
    ),
    addUser: a(
      inputObject({ organizationId: id, email, givenName: text, familyName: text, phone: junk, roles }).map(
        (i) => (g, x) => g.addUser(x, i as never),
      ),
    ),
    resendInvitation: a(inputOf("userId", id).map((i) => (g, x) => g.resendInvitation(x, i as never))),
    activateAccount: a(junkObject(["token", "password"]).map((i) => (g) => g.activateAccount(i as never))),
    login: a(inputObject({ email, password: text }).map((i) => (g) => g.login(i as never))),
    verifySecondFactor: a(
      fc.tuple(token, junkObject(["method", "code"])).map(
        ([t, i]) =>
          (g) =>
            g.verifySecondFactor({ sessionToken: t as never, ...i } as never),
      ),
    ),
    sendSignInCode: a(inputOf("sessionToken", token).map((i) => (g) => g.sendSignInCode(i as never))),
    beginTotpEnrollment: a(
      fc.tuple(token, junkObject(["password"])).map(
        ([t, i]) =>
          (g) =>
            g.beginTotpEnrollment({ sessionToken: t as never, ...i } as never),
      ),
    ),
    completeTotpEnrollment: a(
      fc.tuple(token, junkObject(["code"])).map(
        ([t, i]) =>
          (g) =>
            g.completeTotpEnrollment({ sessionToken: t as never, ...i } as never),
      ),
    ),
    startMfaPhoneChange: a(
      fc.tuple(token, junkObject(["password", "phone"])).map(
        ([t, i]) =>
          (g) =>
            g.startMfaPhoneChange({ sessionToken: t as never, ...i } as never),
      ),
    ),
    confirmMfaPhone: a(
      fc.tuple(token, junkObject(["code"])).map(
        ([t, i]) =>
          (g) =>
            g.confirmMfaPhone({ sessionToken: t as never, ...i } as never),
      ),
    ),
    revealRecoveryCode: a(
      fc.tuple(token, junkObject(["password"])).map(
        ([t, i]) =>
          (g) =>
            g.revealRecoveryCode({ sessionToken: t as never, ...i } as never),
      ),
    ),
    changePassword: a(
      fc.tuple(token, junkObject(["currentPassword", "newPassword"])).map(
        ([t, i]) =>
          (g) =>
            g.changePassword({ sessionToken: t as never, ...i } as never),
      ),
    ),
    validateSession: a(inputOf("sessionToken", token).map((i) => (g) => g.validateSession(i as never))),
    logout: a(inputOf("sessionToken", junk).map((i) => (g) => g.logout(i as never))),
    revokeSessions: a(
      id.filter((u) => u !== org.admin.id).map((u) => (g, x) => g.revokeSessions(x, { userId: u as never })),
    ),
    unlockUser: a(inputOf("userId", id).map((i) => (g, x) => g.unlockUser(x, i as never))),
    resetSecondFactorLock: a(
      inputOf("userId", id).map((i) => (g, x) => g.resetSecondFactorLock(x, i as never)),
    ),
    requestPasswordReset: a(inputObject({ email }).map((i) => (g) => g.requestPasswordReset(i as never))),
    issuePasswordReset: a(inputOf("userId", id).map((i) => (g, x) => g.issuePasswordReset(x, i as never))),
    resetPassword: a(junkObject(["token", "password"]).map((i) => (g) => g.resetPassword(i as never))),
    listUsers: a(
      inputObject({ organizationId: id, search: text, cursor: junk, limit: junk }).map(
        (i) => (g, x) => g.listUsers(x, i as never),
      ),
    ),
    getUser: a(inputOf("userId", id).map((i) => (g, x) => g.getUser(x, i as never))),
    updateUser: a(
      fc
        .tuple(
          id,
          inputObject({
            givenName: text,
            familyName: text,
            phone: junk,
            email,
            roles,
            currentPassword: text,
            extra: junk,
          }),
        )
        .map(
          ([u, i]) =>
            (g, x) =>
              g.updateUser(x, { userId: u as never, ...i } as never),
        ),
    ),
    removeUser: a(
      id.filter((u) => u !== org.admin.id).map((u) => (g, x) => g.removeUser(x, { userId: u as never })),
    ),
    listRoles: a(inputOf("organizationId", id).map((i) => (g, x) => g.listRoles(x, i as never))),
    createRole: a(
      inputObject({ organizationId: id, name: text, description: text, permissions }).map(
        (i) => (g, x) => g.createRole(x, i as never),
      ),
    ),
    updateRole: a(
      fc.tuple(id, id, inputObject({ name: text, description: text, permissions, extra: junk })).map(
        ([o, r, i]) =>
          (g, x) =>
            g.updateRole(x, { organizationId: o as never, roleId: r as never, ...i } as never),
      ),
    ),
    deleteRole: a(
      fc.tuple(id, id).map(
        ([o, r]) =>
          (g, x) =>
            g.deleteRole(x, { organizationId: o as never, roleId: r as never }),
      ),
    ),
    listAuditLog: a(
      inputObject({ organizationId: id, userId: id, cursor: junk, limit: junk }).map(
        (i) => (g, x) => g.listAuditLog(x, i as never),
      ),
    ),
    upsertSsoConnection: a(
      inputObject({
        organizationId: id,
        issuer: fc.oneof(junk, fc.constant("https://idp.acme.test")),
        clientId: text,
        clientSecret: text,
        scopes: junk,
        domains: fc.oneof(junk, fc.constant(["acme.test"])),
        jitProvisioning: junk,
        defaultRoles: roles,
        secondFactor: junk,
      }).map((i) => (g, x) => g.upsertSsoConnection(x, i as never)),
    ),
    getSsoConnection: a(
      inputOf("organizationId", id).map((i) => (g, x) => g.getSsoConnection(x, i as never)),
    ),
    deleteSsoConnection: a(
      inputOf("organizationId", id).map((i) => (g, x) => g.deleteSsoConnection(x, i as never)),
    ),
    setSsoEmergencyAdministrators: a(
      inputObject({ organizationId: id, userIds: fc.oneof(junk, fc.array(id, { maxLength: 3 })) }).map(
        (i) => (g, x) => g.setSsoEmergencyAdministrators(x, i as never),
      ),
    ),
    beginSso: a(
      inputObject({
        organizationId: id,
        email,
        redirectUri: fc.oneof(junk, fc.constant("https://app.test/cb")),
      }).map((i) => (g) => g.beginSso(i as never)),
    ),
    completeSso: a(
      junkObject(["callbackUrl", "params", "state", "organizationId"]).map(
        (i) => (g) => g.completeSso(i as never),
      ),
    ),
    flush: a(fc.constant((g) => g.flush())),
  };
  await g.flush();
  const actors: Actor[] = [org.actor, staff, system, member("usr_nobody")];
  return { g, calls, actors, writes: recorded.writes, background, flush: () => g.flush() };
}

const fuzz = await arbitraries();

describe(`malformed input (GATEHOUSE_FUZZ_SEED=${SEED})`, () => {
  test("every public method of Gatehouse has an arbitrary", () => {
    const methods = Object.keys(fuzz.g).filter((key) => typeof fuzz.g[key as keyof Gatehouse] === "function");
    expect(methods.sort()).toEqual(Object.keys(fuzz.calls).sort());
  });

  test.each((Object.keys(fuzz.calls) as Method[]).map((name, i) => [name, i] as const))(
    `%s answers a GatehouseError or succeeds; a refused call writes nothing (${RUNS} runs)`,
    async (name, i) => {
      await fc.assert(
        fc.asyncProperty(fuzz.calls[name], fc.constantFrom(...fuzz.actors), async (call, actor) => {
          await fuzz.flush();
          fuzz.writes.length = 0;
          let refused = false;
          try {
            await call(actor);
          } catch (error) {
            if (!(error instanceof GatehouseError))
              throw new Error(`${name} threw ${String(error)}`, { cause: error });
            expect(error.code, name).not.toBe("STORAGE_UNAVAILABLE");
            refused = true;
          }
          // The work left for after the answer belongs to this call too.
          await fuzz.flush();
          if (refused) {
            // A refused call leaves no trace but, for the flows that check secrets, its attempt record and audit entry.
            expect(
              fuzz.writes.filter((w) => !w.startsWith("attempts.") && !w.startsWith("audit.")),
              name,
            ).toEqual([]);
          }
          expect(fuzz.background, name).toEqual([]);
        }),
        { numRuns: RUNS, seed: SEED + i },
      );
    },
    Math.max(5_000, RUNS * 20),
  );

  test("login with any input answers INVALID_CREDENTIALS, VALIDATION, RATE_LIMITED or ACCOUNT_LOCKED", async () => {
    const h = setup({ store: createMemoryStore() });
    await h.enterpriseOrg();
    await fc.assert(
      fc.asyncProperty(junkObject(["email", "password"]), async (input) => {
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
