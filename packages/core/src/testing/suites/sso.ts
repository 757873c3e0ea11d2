import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import type { IdentityLinkRecord, SsoConnectionRecord } from "../../store/records.js";
import { expectConflict, RACERS, type SuiteContext, sorted } from "../context.js";

const at = new Date("2026-03-01T10:00:00.000Z");
/** A domain no other case claims. */
export const domainOf = (label: string): string => `${label}-${randomBytes(4).toString("hex")}.test`;

/** A connection of the organization with one fresh domain; `fields` override. */
export function makeConnection(
  organizationId: string,
  fields: Partial<SsoConnectionRecord> = {},
): SsoConnectionRecord {
  return {
    id: generateId("sso"),
    organizationId,
    issuer: "https://idp.example.test",
    clientId: "gatehouse",
    clientSecretSealed: "v1.k1.iv.ciphertext",
    scopes: ["openid", "email"],
    domains: [domainOf("acme")],
    jitProvisioning: true,
    defaultRoles: ["callback.viewer"],
    secondFactor: "identity-provider",
    emergencyAdministratorIds: ["usr_one"],
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

/** A link of a fresh subject at the example issuer to the user; `fields` override. */
export function makeLink(userId: string, organizationId: string, fields: Partial<IdentityLinkRecord> = {}) {
  return {
    issuer: "https://idp.example.test",
    subject: `sub-${randomBytes(6).toString("hex")}`,
    userId,
    organizationId,
    createdAt: at,
    ...fields,
  } satisfies IdentityLinkRecord;
}

/** The `SsoConnectionRepository` and `IdentityLinkRepository` cases. */
export function describeSso(ctx: SuiteContext): void {
  const connections = () => ctx.store().ssoConnections;
  const links = () => ctx.store().identityLinks;

  describe("sso connections", () => {
    it("save then find by organization and by each domain returns the record field for field", async () => {
      const organization = await ctx.newOrganization();
      const connection = makeConnection(organization.id, { domains: [domainOf("a"), domainOf("b")] });
      await connections().save(connection);
      expect(await connections().findByOrganization(organization.id)).toEqual(connection);
      for (const domain of connection.domains)
        expect(await connections().findByDomain(domain)).toEqual(connection);
      expect(await connections().findByDomain(domainOf("nobody"))).toBeNull();
    });

    it("saving again replaces the connection and frees the domains it no longer lists", async () => {
      const organization = await ctx.newOrganization();
      const [kept, dropped, added] = [domainOf("kept"), domainOf("dropped"), domainOf("added")];
      const first = makeConnection(organization.id, { domains: [kept, dropped] });
      await connections().save(first);
      const second = { ...first, clientId: "other", domains: [kept, added], emergencyAdministratorIds: [] };
      await connections().save(second);
      expect(await connections().findByOrganization(organization.id)).toEqual(second);
      expect(await connections().findByDomain(dropped)).toBeNull();
      expect((await connections().findByDomain(added))?.organizationId).toBe(organization.id);
      const other = await ctx.newOrganization();
      await connections().save(makeConnection(other.id, { domains: [dropped] }));
      expect((await connections().findByDomain(dropped))?.organizationId).toBe(other.id);
    });

    it("a domain another organization claims is a CONFLICT naming it, and the refused save changes nothing", async () => {
      const [a, b] = [await ctx.newOrganization(), await ctx.newOrganization()];
      const shared = domainOf("shared");
      await connections().save(makeConnection(a.id, { domains: [shared] }));
      const mine = makeConnection(b.id, { domains: [domainOf("mine")] });
      await connections().save(mine);
      const issues = await expectConflict(
        connections().save({ ...mine, domains: [domainOf("new"), shared], clientId: "changed" }),
      );
      expect(issues.map((issue) => [issue.path, issue.reason])).toEqual([
        [["domains", shared], "domain-taken"],
      ]);
      expect(await connections().findByOrganization(b.id)).toEqual(mine);
      expect((await connections().findByDomain(shared))?.organizationId).toBe(a.id);
    });

    it("delete removes the connection and frees its domains, once", async () => {
      const organization = await ctx.newOrganization();
      const connection = makeConnection(organization.id);
      await connections().save(connection);
      expect(await connections().delete(organization.id)).toBe(true);
      expect(await connections().delete(organization.id)).toBe(false);
      expect(await connections().findByOrganization(organization.id)).toBeNull();
      expect(await connections().findByDomain(connection.domains[0] as string)).toBeNull();
    });
  });

  describe("identity links", () => {
    it("create then find returns the link; (issuer, subject) is unique; the same subject at another issuer is not", async () => {
      const owner = await ctx.newOwner();
      const link = makeLink(owner.id, owner.organizationId);
      await links().create(link);
      expect(await links().find(link.issuer, link.subject)).toEqual(link);
      const issues = await expectConflict(links().create({ ...link, userId: "usr_other" }));
      expect(issues.map((issue) => issue.reason)).toEqual(["already-linked"]);
      const elsewhere = { ...link, issuer: "https://other-idp.example.test" };
      await links().create(elsewhere);
      expect(sorted((await links().listByUser(owner.id)).map((l) => l.issuer))).toEqual(
        sorted([link.issuer, elsewhere.issuer]),
      );
      expect(await links().find(link.issuer, "sub-unknown")).toBeNull();
    });

    it("links outlive their user: deleting the user leaves them", async () => {
      const owner = await ctx.newOwner();
      const link = makeLink(owner.id, owner.organizationId);
      await links().create(link);
      if (ctx.provides("users")) await ctx.store().users.delete(owner.id);
      expect(await links().find(link.issuer, link.subject)).toEqual(link);
    });

    it(`relink is a compare-and-set: of ${RACERS} concurrent callers expecting the same user, exactly one wins`, async () => {
      const owner = await ctx.newOwner();
      const link = makeLink(owner.id, owner.organizationId);
      await links().create(link);
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          links().relink(link.issuer, link.subject, owner.id, { ...link, userId: `usr_new${i}` }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await links().find(link.issuer, link.subject))?.userId).toBe(`usr_new${winner}`);
      expect(await links().relink(link.issuer, "sub-unknown", owner.id, link)).toBe(false);
    });
  });

  if (ctx.provides("organizations") && ctx.provides("users")) {
    describe("sso in transactions", () => {
      it("a rolled-back transaction leaves no connection and no link", async () => {
        const owner = await ctx.newOwner();
        const connection = makeConnection(owner.organizationId);
        const link = makeLink(owner.id, owner.organizationId);
        const failure = new Error("rolled back");
        await expect(
          ctx.store().transaction(async (tx) => {
            await tx.ssoConnections.save(connection);
            await tx.identityLinks.create(link);
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await connections().findByOrganization(owner.organizationId)).toBeNull();
        expect(await connections().findByDomain(connection.domains[0] as string)).toBeNull();
        expect(await links().find(link.issuer, link.subject)).toBeNull();
      });
    });
  }
}
