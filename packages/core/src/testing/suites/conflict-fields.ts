import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import type { UserRecord } from "../../store/records.js";
import { expectConflict, type SuiteContext } from "../context.js";
import {
  makeAuditRecord,
  makeOrganization,
  makeRole,
  makeSession,
  makeToken,
  makeUser,
} from "../fixtures.js";
import { domainOf, makeConnection, makeLink } from "./sso.js";

/** Expects a CONFLICT whose issues name exactly `path` with `reason`. */
async function expectConflictOn(
  call: Promise<unknown>,
  path: unknown[],
  reason: string,
  what: string,
): Promise<void> {
  const issues = await expectConflict(call);
  expect(
    issues.map((issue) => ({ path: issue.path, reason: issue.reason })),
    `${what}: the CONFLICT must name the field`,
  ).toEqual([{ path, reason }]);
}

/** Checks that every unique key each provided repository keeps throws a CONFLICT naming its field. */
export async function checkConflictsNameTheField(ctx: SuiteContext): Promise<void> {
  const store = ctx.store();
  const organizationId = generateId("org");
  if (ctx.provides("organizations")) {
    const organization = makeOrganization();
    await store.organizations.create(organization);
    await expectConflictOn(
      store.organizations.create(organization),
      ["id"],
      "already-exists",
      "organization id",
    );
  }
  if (ctx.provides("users")) {
    const [user] = (await ctx.createUsers(organizationId, [{}])) as [UserRecord];
    const sameId = makeUser(organizationId, { id: user.id });
    await expectConflictOn(store.users.createMany([sameId]), ["id"], "already-exists", "user id");
    const copy = makeUser(organizationId, { email: user.email });
    await expectConflictOn(
      store.users.createMany([copy]),
      [user.email],
      "already-registered",
      "registered address",
    );
    const twice = makeUser(organizationId);
    await expectConflictOn(
      store.users.createMany([twice, makeUser(organizationId, { email: twice.email })]),
      [twice.email],
      "duplicate",
      "an address repeated in the batch",
    );
    const [other] = (await ctx.createUsers(organizationId, [{}])) as [UserRecord];
    await expectConflictOn(
      store.users.update(other.id, { email: user.email }),
      ["email"],
      "already-registered",
      "update",
    );
  }
  if (ctx.provides("roles")) {
    const role = makeRole(organizationId);
    await store.roles.create(role);
    await expectConflictOn(
      store.roles.create({ ...role, name: `${role.name} 2` }),
      ["id"],
      "already-exists",
      "role id",
    );
    const sameName = makeRole(organizationId, { name: role.name.toUpperCase() });
    await expectConflictOn(store.roles.create(sameName), ["name"], "already-exists", "role name");
  }
  if (ctx.provides("audit")) {
    const entry = makeAuditRecord(organizationId);
    await store.audit.append([entry]);
    await expectConflictOn(store.audit.append([entry]), ["id"], "already-exists", "audit id");
  }
  if (ctx.provides("ssoConnections")) {
    const domain = domainOf("claimed");
    await store.ssoConnections.save(makeConnection(organizationId, { domains: [domain] }));
    await expectConflictOn(
      store.ssoConnections.save(makeConnection(generateId("org"), { domains: [domain] })),
      ["domains", domain],
      "domain-taken",
      "a domain another organization claims",
    );
  }
  if (ctx.provides("identityLinks")) {
    const link = makeLink(generateId("usr"), organizationId);
    await store.identityLinks.create(link);
    await expectConflictOn(
      store.identityLinks.create({ ...link, userId: generateId("usr") }),
      ["subject"],
      "already-linked",
      "a linked (issuer, subject)",
    );
  }
  const owner = ctx.provides("sessions") ? await ctx.newOwner() : { id: generateId("usr"), organizationId };
  if (ctx.provides("sessions")) {
    const session = makeSession(owner);
    await store.sessions.create(session);
    await expectConflictOn(store.sessions.create(session), ["tokenHash"], "already-exists", "session hash");
  }
  if (ctx.provides("tokens")) {
    const token = makeToken(owner);
    await store.tokens.create(token);
    await expectConflictOn(store.tokens.create(token), ["hash"], "already-exists", "token hash");
  }
}

/** The CONFLICT cases of every repository. */
export function describeConflictFields(ctx: SuiteContext): void {
  describe("conflicts", () => {
    it("every taken unique key throws a CONFLICT naming its field (id, e-mail, name, domain, subject, tokenHash, hash)", () =>
      checkConflictsNameTheField(ctx));
  });
}
