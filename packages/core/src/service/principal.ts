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

/** A snapshot as decoded once: what every request carrying the same text shares, copied per answer. */
interface Decoded {
  readonly version: string;
  readonly fingerprint: string;
  readonly user: User;
  readonly organization: OrganizationRecord;
  readonly bits: Uint32Array;
  readonly grants: Grants;
}

// Decoding is a pure function of the snapshot text, so the texts seen last are remembered decoded: a request
// whose session carries the same text (the common case: one session, many requests) skips the JSON parse.
// Nothing here can be stale: the version check against the version read with the session is made on every
// request, and a changed principal is a changed text.
const MEMO_SIZE = 2_000;
const memo = new Map<string, Decoded | null>();

function decodeText(matrix: MatrixShape, text: string): Decoded | null {
  const known = memo.get(text);
  if (known !== undefined && (known === null || known.grants.matrix === matrix)) return known;
  let decoded: Decoded | null = null;
  try {
    const snapshot = JSON.parse(text) as Snapshot;
    const user = snapshot.user as unknown as User & { createdAt: string; updatedAt: string };
    const org = snapshot.organization as unknown as OrganizationRecord & {
      createdAt: string;
      updatedAt: string;
    };
    if (
      typeof snapshot.v === "string" &&
      Array.isArray(snapshot.bits) &&
      snapshot.bits.length === matrix.personalBits.length &&
      typeof user?.id === "string" &&
      typeof org?.id === "string"
    ) {
      const bits = Uint32Array.from(snapshot.bits);
      decoded = {
        version: snapshot.v,
        fingerprint: snapshot.m,
        user: { ...user, createdAt: new Date(user.createdAt), updatedAt: new Date(user.updatedAt) },
        organization: { ...org, createdAt: new Date(org.createdAt), updatedAt: new Date(org.updatedAt) },
        bits,
        grants: grantsOf(matrix, bits),
      };
    }
  } catch {
    decoded = null;
  }
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  memo.set(text, decoded);
  return decoded;
}

/**
 * The principal of a snapshot, only when it was taken at `version`, for `userId` of `organizationId`, under
 * this matrix; `null` otherwise (missing, outdated, damaged): the caller reloads from the durable store. Each
 * answer is a fresh copy: a caller changing what it was handed changes nothing for another request.
 */
export function decodePrincipal(
  matrix: MatrixShape,
  text: string | null,
  version: string,
  userId: string,
  organizationId: string,
): Principal | null {
  if (text === null) return null;
  const decoded = decodeText(matrix, text);
  if (decoded === null || decoded.version !== version || decoded.fingerprint !== fingerprintOf(matrix))
    return null;
  const { user, organization } = decoded;
  if (user.id !== userId || user.organizationId !== organizationId || organization.id !== organizationId)
    return null;
  return {
    user: {
      ...user,
      roles: [...user.roles],
      mfa: { ...user.mfa },
      createdAt: new Date(user.createdAt),
      updatedAt: new Date(user.updatedAt),
    },
    organization: {
      ...organization,
      settings: { ...organization.settings },
      createdAt: new Date(organization.createdAt),
      updatedAt: new Date(organization.updatedAt),
    },
    grants: { ...decoded.grants, bits: decoded.bits.slice() },
  };
}
