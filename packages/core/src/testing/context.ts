import { expect } from "vitest";
import type { Issue } from "../errors.js";
import type { OrganizationRecord, UserRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import { type FixtureOwner, makeOrganization, makeUser } from "./fixtures.js";

/** The repositories a store under test may provide. */
export type RepositoryName =
  | "organizations"
  | "users"
  | "roles"
  | "sessions"
  | "attempts"
  | "tokens"
  | "audit"
  | "ssoConnections"
  | "identityLinks"
  /** Optional in the contract: list it where the store offers one (adapter-redis does). */
  | "auditOutbox"
  /** Optional in the contract: list it where the store offers one (adapter-redis on one server does). */
  | "signInCommit";

/** What every part of the conformance suite shares. */
export interface SuiteContext {
  /** The store under test, created once before the tests. */
  readonly store: () => Store;
  readonly provides: (name: RepositoryName) => boolean;
  /** A new organization, stored when the store keeps organizations (its other tables may refer to them). */
  readonly newOrganization: (overrides?: Partial<OrganizationRecord>) => Promise<OrganizationRecord>;
  /** A new user of a new organization, stored when the store keeps users (sessions may refer to them). */
  readonly newOwner: () => Promise<FixtureOwner>;
  /** Stores users of an organization and returns them. */
  readonly createUsers: (
    organizationId: string,
    users: ReadonlyArray<Partial<UserRecord>>,
  ) => Promise<UserRecord[]>;
}

/** How many concurrent callers the atomicity cases race. */
export const RACERS = 50;

/** One day in milliseconds: expiries this far in the real future survive any native TTL during a test. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Awaits a call that must fail with a CONFLICT and returns its issues. The code is checked structurally, not
 * with `instanceof`: a bundled adapter may hold its own copy of the error classes.
 */
export async function expectConflict(call: Promise<unknown>): Promise<readonly Issue[]> {
  let failure: unknown;
  try {
    await call;
  } catch (error) {
    failure = error;
  }
  expect(failure, "expected the call to throw a CONFLICT").toBeInstanceOf(Error);
  const { code, details } = failure as { code?: unknown; details?: { issues?: readonly Issue[] } };
  expect(code, `expected a CONFLICT, got ${String(failure)}`).toBe("CONFLICT");
  return details?.issues ?? [];
}

/** Lets other callers run in between, so that a race a lock should prevent actually has a chance to happen. */
export function pause(ms = 10): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sorted copies, for comparing listings whose order the contract leaves open. */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

/** Builds the context over a store getter. */
export function createSuiteContext(
  store: () => Store,
  provides: (name: RepositoryName) => boolean,
): SuiteContext {
  const newOrganization = async (
    overrides: Partial<OrganizationRecord> = {},
  ): Promise<OrganizationRecord> => {
    const organization = makeOrganization(overrides);
    if (provides("organizations")) await store().organizations.create(organization);
    return organization;
  };
  const createUsers = async (
    organizationId: string,
    overrides: ReadonlyArray<Partial<UserRecord>>,
  ): Promise<UserRecord[]> => {
    const users = overrides.map((fields) => makeUser(organizationId, fields));
    await store().users.createMany(users);
    return users;
  };
  const newOwner = async (): Promise<FixtureOwner> => {
    const organization = await newOrganization();
    if (!provides("users")) return { id: makeUser(organization.id).id, organizationId: organization.id };
    const [user] = await createUsers(organization.id, [{}]);
    if (!user) throw new Error("createUsers returned no user");
    return user;
  };
  return { store, provides, newOrganization, newOwner, createUsers };
}
