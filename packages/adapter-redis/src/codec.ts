import {
  type AttemptState,
  type AuditActor,
  type AuditRecord,
  DamagedRecordError,
  decodeAttemptState,
  encodeAttemptState as encodeAttemptJson,
  type SessionRecord,
  StorageUnavailableError,
  type TokenRecord,
  type VersionedAttemptState,
} from "@gatehousejs/core";

// Records are stored as JSON with ISO-8601 instants, field by field: a caller's extra properties are not
// persisted, and what comes back is a fresh object with real Dates.

type Json = Record<string, unknown>;

/** The JSON of a session record. */
export function encodeSession(session: SessionRecord): string {
  return JSON.stringify({
    tokenHash: session.tokenHash,
    userId: session.userId,
    organizationId: session.organizationId,
    stage: session.stage,
    secondFactorVerified: session.secondFactorVerified,
    createdAt: session.createdAt.toISOString(),
    lastActiveAt: session.lastActiveAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    principal: session.principal ?? null,
  });
}

/** A session record from its JSON. */
export function decodeSession(text: string): SessionRecord {
  const json = parse(text, "session");
  return {
    tokenHash: string(json, "tokenHash"),
    userId: string(json, "userId"),
    organizationId: string(json, "organizationId"),
    stage: string(json, "stage") as SessionRecord["stage"],
    secondFactorVerified: json.secondFactorVerified === true,
    createdAt: date(json.createdAt),
    lastActiveAt: date(json.lastActiveAt),
    expiresAt: date(json.expiresAt),
    principal: typeof json.principal === "string" ? json.principal : null,
  };
}

/** The JSON of a token record. */
export function encodeToken(token: TokenRecord): string {
  return JSON.stringify({
    hash: token.hash,
    kind: token.kind,
    userId: token.userId,
    organizationId: token.organizationId,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    data: { ...token.data },
  });
}

/** A token record from its JSON. */
export function decodeToken(text: string): TokenRecord {
  const json = parse(text, "token");
  const data = json.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw unreadable("token");
  return {
    hash: string(json, "hash"),
    kind: string(json, "kind") as TokenRecord["kind"],
    userId: string(json, "userId"),
    organizationId: string(json, "organizationId"),
    createdAt: date(json.createdAt),
    expiresAt: date(json.expiresAt),
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, String(value)])),
  };
}

/**
 * The JSON of an attempt state, by core's codec. The compare-and-set script wraps it as
 * `{"version": …, "state": …}`, since only the script knows the version it writes.
 */
export function encodeAttemptText(state: AttemptState): string {
  return JSON.stringify(encodeAttemptJson(state));
}

/** A versioned attempt state from its JSON; a damaged document fails closed (STORAGE_UNAVAILABLE). */
export function decodeAttempts(text: string): VersionedAttemptState {
  const json = parse(text, "attempt state");
  const extra = Object.keys(json).filter((key) => key !== "version" && key !== "state");
  const version = json.version;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version <= 0 || extra.length > 0) {
    throw new DamagedRecordError("attempt state", [
      { path: ["version"], reason: "invalid", message: "The document is not `{ version, state }`." },
    ]);
  }
  return { version, state: decodeAttemptState(json.state) };
}

/** The JSON of an audit entry waiting in the outbox. */
export function encodeAuditEntry(entry: AuditRecord): string {
  return JSON.stringify({
    id: entry.id,
    organizationId: entry.organizationId,
    at: entry.at.toISOString(),
    action: entry.action,
    actor: entry.actor,
    subjectUserId: entry.subjectUserId,
    subjectEmail: entry.subjectEmail,
    details: entry.details,
  });
}

/** An audit entry from its JSON in the outbox. */
export function decodeAuditEntry(text: string): AuditRecord {
  const json = parse(text, "audit entry");
  const actor = json.actor;
  if (typeof actor !== "object" || actor === null) throw unreadable("audit actor");
  const details = json.details;
  if (typeof details !== "object" || details === null) throw unreadable("audit details");
  return {
    id: string(json, "id"),
    organizationId: string(json, "organizationId"),
    at: date(json.at),
    action: string(json, "action"),
    actor: actor as AuditActor,
    subjectUserId: typeof json.subjectUserId === "string" ? json.subjectUserId : null,
    subjectEmail: typeof json.subjectEmail === "string" ? json.subjectEmail : null,
    details: details as Record<string, unknown>,
  };
}

function parse(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw unreadable(what, error);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw unreadable(what);
  return value as Json;
}

function string(json: Json, field: string): string {
  const value = json[field];
  if (typeof value !== "string") throw unreadable(field);
  return value;
}

function date(value: unknown): Date {
  const at = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw unreadable("instant");
  return at;
}

// A record that does not parse was not written by this adapter (or was damaged): the store cannot answer,
// which is a storage failure, not a miss — a miss could read as "no failures yet" and skip a lockout.
function unreadable(what: string, cause: unknown = null): StorageUnavailableError {
  return new StorageUnavailableError(`Redis holds an unreadable ${what}.`, cause);
}
