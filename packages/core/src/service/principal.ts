import { createHash } from "node:crypto";
import { type Grants, grantsOf } from "../matrix/compile-grants.js";
import type { MatrixShape } from "../matrix/define-matrix.js";
import type { OrganizationRecord, UserRecord } from "../store/records.js";
import { compileUserGrants } from "./actor.js";
import type { ServiceContext } from "./context.js";
import { toUser, type User } from "./views.js";

// The principal a session carries: what `validateSession` answers without a durable read. It is written
// into the session record as JSON (`SessionRecord.principal`), tagged with the organization's authorization
// version read BEFORE the durable reads it was built from, and with a fingerprint of the matrix (a deploy
// that changes the matrix renumbers the grant bits: every snapshot is then rebuilt, not misread).

/** What a request needs about its user, as a session carries it. */
export interface Principal {
  readonly user: User;
  readonly organization: OrganizationRecord;
  readonly grants: Grants;
}

interface Snapshot {
  /** The authorization version it was taken at. */
  readonly v: string;
  /** The matrix fingerprint its bits are numbered by. */
  readonly m: string;
  readonly user: Record<string, unknown>;
  readonly organization: Record<string, unknown>;
  readonly bits: number[];
}

const fingerprints = new WeakMap<MatrixShape, string>();

/** A hash of everything grant bits depend on: the pages and actions in handle order, the default roles. */
function fingerprintOf(matrix: MatrixShape): string {
  let known = fingerprints.get(matrix);
  if (known === undefined) {
    const shape = {
      pages: matrix.pages.map((page) => [
        page.id,
        page.actions.map((action) => [action.name, action.handle]),
      ]),
      roles: matrix.roles.map((role) => [role.id, [...role.bits]]),
      personal: [...matrix.personalBits],
    };
    known = createHash("sha256").update(JSON.stringify(shape)).digest("base64url").slice(0, 22);
    fingerprints.set(matrix, known);
  }
  return known;
}

/** Builds the principal from the durable records. */
export async function buildPrincipal(
  ctx: ServiceContext,
  user: UserRecord,
  organization: OrganizationRecord,
): Promise<Principal> {
  return { user: toUser(user), organization, grants: await compileUserGrants(ctx, ctx.store, user) };
}

/** The snapshot text of a principal taken at `version`. */
export function encodePrincipal(matrix: MatrixShape, principal: Principal, version: string): string {
  const snapshot: Snapshot = {
    v: version,
    m: fingerprintOf(matrix),
    user: principal.user as unknown as Record<string, unknown>,
    organization: principal.organization as unknown as Record<string, unknown>,
    bits: [...principal.grants.bits],
  };
  return JSON.stringify(snapshot);
}

/**
 * The principal of a snapshot, only when it was taken at `version`, for `userId` of `organizationId`, under
 * this matrix; `null` otherwise (missing, outdated, damaged): the caller reloads from the durable store.
 */
export function decodePrincipal(
  matrix: MatrixShape,
  text: string | null,
  version: string,
  userId: string,
  organizationId: string,
): Principal | null {
  if (text === null) return null;
  try {
    const snapshot = JSON.parse(text) as Snapshot;
    if (snapshot.v !== version || snapshot.m !== fingerprintOf(matrix)) return null;
    const user = snapshot.user as unknown as User & { createdAt: string; updatedAt: string };
    const org = snapshot.organization as unknown as OrganizationRecord & {
      createdAt: string;
      updatedAt: string;
    };
    if (user.id !== userId || user.organizationId !== organizationId || org.id !== organizationId)
      return null;
    if (!Array.isArray(snapshot.bits) || snapshot.bits.length !== matrix.personalBits.length) return null;
    return {
      user: { ...user, createdAt: new Date(user.createdAt), updatedAt: new Date(user.updatedAt) },
      organization: { ...org, createdAt: new Date(org.createdAt), updatedAt: new Date(org.updatedAt) },
      grants: grantsOf(matrix, Uint32Array.from(snapshot.bits)),
    };
  } catch {
    return null;
  }
}
