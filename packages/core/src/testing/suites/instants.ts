import { describe, expect, it } from "vitest";
import { emptyAttemptState } from "../../policy/lockout.js";
import type { Store } from "../../store/store.js";
import { DAY_MS, type SuiteContext } from "../context.js";
import {
  makeAuditRecord,
  makeOrganization,
  makeRole,
  makeSession,
  makeToken,
  makeUser,
  uniqueEmail,
} from "../fixtures.js";
import { makeConnection, makeLink } from "./sso.js";

// Instants are instants: the same millisecond comes back whatever the time zone of the connection that wrote it
// and of the one that reads it. A column of local wall-clock time (MySQL's DATETIME through a pool in another
// zone) round-trips through one connection and is hours off for every other reader, so the cases write through
// one store and read through a second one over the same data, set to another time zone.

/** Instants at the edges: before 1970, past 2038 (a 32-bit TIMESTAMP), and in daylight-saving transitions. */
export const edgeInstants: readonly Date[] = [
  new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999)),
  new Date(Date.UTC(2038, 0, 19, 3, 14, 8, 1)),
  new Date(Date.UTC(2099, 11, 31, 23, 59, 59, 998)),
  new Date("2025-11-02T06:30:00.123Z"), // 01:30 twice in New York
  new Date("2025-10-26T01:30:00.456Z"), // 01:30 or 02:30 twice in central Europe
  new Date("2025-04-05T14:15:00.789Z"), // 03:45 twice in Chatham (UTC+12:45 / +13:45)
];

/**
 * Checks that every instant written through `writer` reads back through `reader` as the same millisecond,
 * for each repository both provide, and that expiry compares with `now` as an instant too.
 */
export async function checkInstantsRoundTrip(ctx: SuiteContext, writer: Store, reader: Store): Promise<void> {
  const [first, second, third, fourth, fifth, sixth] = edgeInstants as [Date, Date, Date, Date, Date, Date];
  if (ctx.provides("organizations")) {
    const organization = makeOrganization({ createdAt: first, updatedAt: second });
    await writer.organizations.create(organization);
    expect(await reader.organizations.findById(organization.id), "organization").toEqual(organization);
  }
  const organizationId = makeOrganization().id;
  if (ctx.provides("users")) {
    const user = makeUser(organizationId, {
      createdAt: third,
      updatedAt: fourth,
      temporaryPasswordExpiresAt: fifth,
      totp: { secretSealed: "v1:k:s", lastUsedStep: null, enrolledAt: sixth },
    });
    await writer.users.createMany([user]);
    expect(await reader.users.findById(user.id), "user").toEqual(user);
    const updatedAt = new Date(first.getTime() + 1);
    await reader.users.update(user.id, { updatedAt });
    expect((await writer.users.findById(user.id))?.updatedAt, "user updated through the reader").toEqual(
      updatedAt,
    );
  }
  if (ctx.provides("roles")) {
    const role = makeRole(organizationId, { createdAt: second, updatedAt: sixth });
    await writer.roles.create(role);
    expect(await reader.roles.findById(organizationId, role.id), "role").toEqual(role);
  }
  if (ctx.provides("audit")) {
    const entries = edgeInstants.map((at) => makeAuditRecord(organizationId, { at }));
    await writer.audit.append(entries);
    const listed = await reader.audit.list({ organizationId, limit: 10 });
    const newestFirst = [...entries].sort((a, b) => b.at.getTime() - a.at.getTime());
    expect(listed.items, "audit entries, newest first").toEqual(newestFirst);
  }
  if (ctx.provides("ssoConnections")) {
    const connection = makeConnection(organizationId, { createdAt: fifth, updatedAt: third });
    await writer.ssoConnections.save(connection);
    expect(await reader.ssoConnections.findByOrganization(organizationId), "sso connection").toEqual(
      connection,
    );
  }
  if (ctx.provides("identityLinks")) {
    const link = makeLink(makeUser(organizationId).id, organizationId, { createdAt: fourth });
    await writer.identityLinks.create(link);
    expect(await reader.identityLinks.find(link.issuer, link.subject), "identity link").toEqual(link);
  }
  // Expiring records live in the real future (a native TTL must not drop them); odd milliseconds catch rounding.
  const owner = { id: makeUser(organizationId).id, organizationId };
  const soon = Date.now() + DAY_MS + 7;
  if (ctx.provides("sessions") && !ctx.provides("users")) {
    const session = makeSession(owner, { expiresAt: new Date(soon) });
    await writer.sessions.create(session);
    expect(await reader.sessions.find(session.tokenHash, new Date(soon - 1)), "session").toEqual(session);
    expect(await reader.sessions.find(session.tokenHash, new Date(soon)), "session at expiresAt").toBeNull();
  }
  if (ctx.provides("tokens")) {
    const token = makeToken(owner, { expiresAt: new Date(soon + 2) });
    await writer.tokens.create(token);
    expect(await reader.tokens.find(token.hash, token.kind, new Date(soon + 1)), "token").toEqual(token);
    expect(
      await reader.tokens.find(token.hash, token.kind, new Date(soon + 2)),
      "token at expiresAt",
    ).toBeNull();
  }
  if (ctx.provides("attempts")) {
    const key = `login:${uniqueEmail()}`;
    const state = { ...emptyAttemptState(), failures: 1, lastFailureAt: fourth, lockedUntil: first };
    await writer.attempts.compareAndSet(key, 0, state, new Date(soon));
    expect((await reader.attempts.get(key)).state, "attempt state").toEqual(state);
  }
}

/** Checks sessions across time zones for a store that keeps users (a session row refers to its user). */
export async function checkSessionInstantsRoundTrip(
  ctx: SuiteContext,
  writer: Store,
  reader: Store,
): Promise<void> {
  const owner = await ctx.newOwner();
  const soon = Date.now() + DAY_MS + 3;
  const session = makeSession(owner, { expiresAt: new Date(soon) });
  await writer.sessions.create(session);
  expect(await reader.sessions.find(session.tokenHash, new Date(soon - 1)), "session").toEqual(session);
  expect(await reader.sessions.find(session.tokenHash, new Date(soon)), "session at expiresAt").toBeNull();
  expect(await reader.sessions.listByUser(owner.id, new Date(soon - 1)), "live sessions").toEqual([session]);
}

/** Runs both instant checks through `writer` and `reader`. */
export async function checkInstantsAcross(ctx: SuiteContext, writer: Store, reader: Store): Promise<void> {
  await checkInstantsRoundTrip(ctx, writer, reader);
  if (ctx.provides("sessions") && ctx.provides("users"))
    await checkSessionInstantsRoundTrip(ctx, writer, reader);
}

/** The instant cases: through the store itself, and across time zones when the suite has a second store. */
export function describeInstants(ctx: SuiteContext, other: (() => Store) | undefined): void {
  describe("instants", () => {
    it("instants before 1970, past 2038 and in daylight-saving transitions round-trip to the millisecond", () =>
      checkInstantsAcross(ctx, ctx.store(), ctx.store()));
    if (other === undefined) return;
    it("an instant written through a connection in one time zone reads back the same through another, both ways", async () => {
      await checkInstantsAcross(ctx, ctx.store(), other());
      await checkInstantsAcross(ctx, other(), ctx.store());
    });
  });
}
