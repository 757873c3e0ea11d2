import { describe, expect, it } from "vitest";
import type { Store } from "../../store/store.js";
import { codeOf, setupFlows, staff, system } from "./setup.js";

/**
 * A user's name in two parts (seed 003: "Update the First name, Last name, or Phone number"), through the
 * service on a store: what is stored, what the `User` view shows, what the search finds.
 */
export function describeNameFlows(store: () => Store): void {
  describe("name flows", () => {
    it("addUser stores a given and a family name, trimmed; the view derives the display name", async () => {
      const h = setupFlows(store());
      const organization = await h.gatehouse.createOrganization(staff, { name: "Team", preset: "team" });
      const email = `ann@${h.domain}`;
      const { users } = await h.gatehouse.addUser(system, {
        organizationId: organization.id,
        email,
        givenName: "  Ann ",
        familyName: " Lee",
        phone: "+14155550100",
        roles: ["callback.viewer"],
      });
      const expected = { givenName: "Ann", familyName: "Lee", displayName: "Ann Lee" };
      expect(users[0]).toMatchObject(expected);
      expect(await h.gatehouse.getUser(system, { userId: users[0]?.id as string })).toMatchObject(expected);
      expect(h.mailer.lastTo(email, "activation")?.text).toContain("Hello Ann Lee,");
    });

    it("updateUser changes one part and keeps the other; an empty part clears it", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      const named = await h.gatehouse.updateUser(admin.actor, {
        userId: ann.user.id,
        givenName: "Ann",
        familyName: "Lee",
      });
      expect(named).toMatchObject({ givenName: "Ann", familyName: "Lee", displayName: "Ann Lee" });
      h.clock.advance(1_000);
      const married = await h.gatehouse.updateUser(ann.actor, {
        userId: ann.user.id,
        familyName: "Lee-Park",
      });
      expect(married).toMatchObject({
        givenName: "Ann",
        familyName: "Lee-Park",
        displayName: "Ann Lee-Park",
      });
      h.clock.advance(1_000);
      const cleared = await h.gatehouse.updateUser(admin.actor, { userId: ann.user.id, givenName: "  " });
      expect(cleared).toMatchObject({ givenName: null, familyName: "Lee-Park", displayName: "Lee-Park" });
      const log = await h.gatehouse.listAuditLog(admin.actor, {
        organizationId: organization.id,
        userId: ann.user.id,
      });
      const edits = log.items.filter((entry) => entry.action === "user.updated").map((e) => e.details);
      // Newest first.
      expect(edits).toEqual([
        { fields: ["givenName"] },
        { fields: ["familyName"] },
        { fields: ["givenName", "familyName"] },
      ]);
    });

    it("an invitee has no name, and an edit carrying the empty name fields succeeds (issue 16)", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const { users } = await h.gatehouse.inviteUsers(admin.actor, {
        organizationId: organization.id,
        emails: `invitee@${h.domain}`,
        roles: ["callback.viewer"],
      });
      const invitee = users[0];
      expect(invitee).toMatchObject({ givenName: null, familyName: null, displayName: null });
      // What an edit form posts for them: blank name fields beside the real change.
      const edited = await h.gatehouse.updateUser(admin.actor, {
        userId: invitee?.id as string,
        givenName: "",
        familyName: "",
        phone: "+14155550123",
        roles: ["callback.viewer"],
      });
      expect(edited).toMatchObject({ givenName: null, familyName: null, phone: "+14155550123" });
      const log = await h.gatehouse.listAuditLog(admin.actor, {
        organizationId: organization.id,
        userId: invitee?.id as string,
      });
      expect(log.items.find((entry) => entry.action === "user.updated")?.details).toEqual({
        fields: ["phone"],
      });
    });

    it("listUsers finds a user by a prefix of the given name, the family name or the whole name", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "x1", ["callback.viewer"]);
      await h.gatehouse.updateUser(admin.actor, { userId: ann.user.id, givenName: "Ann", familyName: "Lee" });
      const search = async (text: string) =>
        (
          await h.gatehouse.listUsers(admin.actor, { organizationId: organization.id, search: text })
        ).items.map((user) => user.id);
      expect(await search("an")).toEqual([ann.user.id]);
      expect(await search("LEE")).toEqual([ann.user.id]);
      expect(await search("ann l")).toEqual([ann.user.id]);
      expect(await search("lee ann")).toEqual([]);
    });

    it("a name part over 200 characters is refused, naming the field, and nothing changes", async () => {
      const h = setupFlows(store());
      const { organization, admin } = await h.enterpriseOrg();
      const ann = await h.onboard(organization.id, admin.actor, "ann", ["callback.viewer"]);
      const error = await h.gatehouse
        .updateUser(admin.actor, { userId: ann.user.id, givenName: "Ann", familyName: "x".repeat(201) })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "VALIDATION" });
      expect((error as { details: { issues: Array<{ path: unknown[] }> } }).details.issues[0]?.path).toEqual([
        "familyName",
      ]);
      expect(await h.gatehouse.getUser(admin.actor, { userId: ann.user.id })).toMatchObject({
        givenName: null,
      });
      expect(
        await codeOf(
          h.gatehouse.updateUser(admin.actor, { userId: ann.user.id, givenName: "x".repeat(200) }),
        ),
      ).toBe("OK");
    });
  });
}
