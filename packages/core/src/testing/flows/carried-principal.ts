import { describe, expect, it } from "vitest";
import { can } from "../../matrix/compile-grants.js";
import type { ValidSession } from "../../service/sessions.js";
import type { Store } from "../../store/store.js";
import { setupFlows } from "./setup.js";

// Sessions carry their principal, and another instance on the same store must see every change at once:
// two services over one store stand for two app instances behind a load balancer.

const VIEW_USERS = ["platform.user-management", "view"] as const;

function mayViewUsers(valid: ValidSession | null): boolean {
  return valid !== null && can(valid.grants as never, VIEW_USERS[0] as never, VIEW_USERS[1] as never);
}

/** Two instances on one store, an organization, its administrator and Ann (a platform viewer). */
async function twoInstances(store: Store, other: Store = store) {
  const a = setupFlows(store);
  const b = setupFlows(other, { clock: a.clock });
  const { organization, admin } = await a.enterpriseOrg();
  const ann = await a.onboard(organization.id, admin.actor, "ann", ["platform.viewer"]);
  const validateOnB = () => b.gatehouse.validateSession({ sessionToken: ann.session.token });
  // The snapshot is loaded and carried from here on.
  expect(mayViewUsers(await validateOnB())).toBe(true);
  expect(mayViewUsers(await validateOnB())).toBe(true);
  return { a, b, organization, admin, ann, validateOnB };
}

/** A user demoted through one instance is refused at their next request through another. */
export async function checkDemotionAppliesAtOnce(store: Store): Promise<void> {
  const { a, admin, ann, validateOnB } = await twoInstances(store);
  await a.gatehouse.updateUser(admin.actor, { userId: ann.user.id, roles: ["callback.viewer"] });
  const valid = await validateOnB();
  expect(valid?.user.roles).toEqual(["callback.viewer"]);
  expect(mayViewUsers(valid), "the demoted user kept the permission on the other instance").toBe(false);
}

/** A custom role's definition edited through one instance applies to its holders at once on another. */
export async function checkRoleEditAppliesAtOnce(store: Store): Promise<void> {
  const a = setupFlows(store);
  const b = setupFlows(store, { clock: a.clock });
  const { organization, admin } = await a.enterpriseOrg();
  const role = await a.gatehouse.createRole(admin.actor, {
    organizationId: organization.id,
    name: "Directory reader",
    permissions: [{ page: VIEW_USERS[0], action: VIEW_USERS[1] }],
  });
  const ann = await a.onboard(organization.id, admin.actor, "ann", [role.id]);
  const validateOnB = () => b.gatehouse.validateSession({ sessionToken: ann.session.token });
  expect(mayViewUsers(await validateOnB())).toBe(true);
  expect(mayViewUsers(await validateOnB())).toBe(true);
  await a.gatehouse.updateRole(admin.actor, {
    organizationId: organization.id,
    roleId: role.id,
    permissions: [{ page: "platform.application-roles", action: "view" }],
  });
  expect(mayViewUsers(await validateOnB()), "the role edit did not reach the other instance").toBe(false);
  await a.gatehouse.updateRole(admin.actor, {
    organizationId: organization.id,
    roleId: role.id,
    permissions: [{ page: VIEW_USERS[0], action: VIEW_USERS[1] }],
  });
  expect(mayViewUsers(await validateOnB())).toBe(true);
  await a.gatehouse.deleteRole(admin.actor, { organizationId: organization.id, roleId: role.id });
  expect(mayViewUsers(await validateOnB()), "the role deletion did not reach the other instance").toBe(false);
}

/** A name change, a removal and an organization's settings change apply at once on another instance. */
export async function checkProfileRemovalAndSettingsApplyAtOnce(store: Store): Promise<void> {
  const { a, organization, admin, ann, validateOnB } = await twoInstances(store);
  await a.gatehouse.updateUser(admin.actor, { userId: ann.user.id, givenName: "Annabel", familyName: "Lee" });
  expect((await validateOnB())?.user.displayName, "a name change did not reach the other instance").toBe(
    "Annabel Lee",
  );
  expect((await validateOnB())?.organization.settings.provisioning).toBe(organization.settings.provisioning);
  const provisioning = organization.settings.provisioning === "invite" ? "members-only" : "invite";
  await a.gatehouse.updateOrganizationSettings(staff(), { organizationId: organization.id, provisioning });
  expect(
    (await validateOnB())?.organization.settings.provisioning,
    "a settings change did not reach the other instance",
  ).toBe(provisioning);
  await a.gatehouse.removeUser(admin.actor, { userId: ann.user.id });
  expect(await validateOnB(), "a removed user's session still validates on the other instance").toBeNull();
}

/** An e-mail change through one instance applies at once on another (it also ends the sessions). */
export async function checkEmailChangeAppliesAtOnce(store: Store): Promise<void> {
  const { a, admin, ann, validateOnB } = await twoInstances(store);
  await a.gatehouse.updateUser(admin.actor, { userId: ann.user.id, email: `ann.new@${a.domain}` });
  const valid = await validateOnB();
  expect(valid === null || valid.user.email === `ann.new@${a.domain}`, "an old e-mail was served").toBe(true);
}

/**
 * A reload that read the durable records before a change, and finished after the change's bump, is served
 * to its own request (it started first) but never as current afterwards: its snapshot carries the version
 * read before the durable read, which the bump has already moved past.
 */
export async function checkReloadRacingABump(store: Store): Promise<void> {
  let hold: Promise<void> | null = null;
  let reading: (() => void) | null = null;
  const readStarted = new Promise<void>((resolve) => {
    reading = resolve;
  });
  // Instance B's durable user reads answer what they read, but only once released.
  const users = store.users;
  const held: Store = {
    ...store,
    users: new Proxy(users, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key !== "findById" || typeof value !== "function")
          return typeof value === "function" ? value.bind(target) : value;
        return async (id: string) => {
          const found = await (value as (id: string) => Promise<unknown>).call(target, id);
          if (hold) {
            reading?.();
            await hold;
          }
          return found;
        };
      },
    }),
  };
  const { a, admin, ann, validateOnB } = await twoInstances(store, held);
  await a.gatehouse.updateUser(admin.actor, { userId: ann.user.id, givenName: "Ann" }); // drops B's snapshot
  let release = (): void => {};
  hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  const racing = validateOnB();
  await Promise.race([
    readStarted,
    racing.then(() => {
      throw new Error("the other instance did not reload the principal after a change");
    }),
  ]);
  await a.gatehouse.updateUser(admin.actor, { userId: ann.user.id, roles: ["callback.viewer"] });
  hold = null;
  release();
  expect(mayViewUsers(await racing), "the racing request read before the demotion").toBe(true);
  expect(mayViewUsers(await validateOnB()), "a reload from before a bump was served as current").toBe(false);
}

function staff() {
  return { kind: "staff", id: "staff-1", email: "superadmin@operator.test" } as const;
}

/** The flows of sessions carrying their principal, across two instances on one store. */
export function describeCarriedPrincipalFlows(store: () => Store): void {
  describe("sessions carry the principal: changes apply at once on every instance", () => {
    it("a user demoted through one instance is refused at their next request through another", () =>
      checkDemotionAppliesAtOnce(store()));
    it("a custom role's edit and deletion apply at once to its holders on another instance", () =>
      checkRoleEditAppliesAtOnce(store()));
    it("a name change, an organization settings change and a removal apply at once on another instance", () =>
      checkProfileRemovalAndSettingsApplyAtOnce(store()));
    it("an e-mail change applies at once on another instance", () => checkEmailChangeAppliesAtOnce(store()));
    it("a reload that read before a bump is never served as current after it", () =>
      checkReloadRacingABump(store()));
  });
}
