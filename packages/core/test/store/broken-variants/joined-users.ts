import type { Store } from "../../../src/store/store.js";

/** How a careless joined read of a user and their organization goes wrong. */
export type JoinFlaw =
  /** Joins on nothing: the organization never comes back. */
  | "no-organization"
  /** Keys the address with an accent- and pad-insensitive collation, unlike `findByEmail`. */
  | "collated-key";

/** The memory store with a `findByEmailWithOrganization` that has `flaw`. */
export function withFlawedJoin(base: Store, flaw: JoinFlaw): Store {
  const fold = (email: string): string =>
    email.normalize("NFD").replace(/\p{M}/gu, "").trimEnd().toLowerCase();
  const users: Store["users"] = {
    ...base.users,
    async findByEmailWithOrganization(email) {
      let user = await base.users.findByEmail(email);
      if (user === null && flaw === "collated-key") {
        const all = await base.users.findRegisteredEmails([fold(email)]);
        user = all[0] === undefined ? null : await base.users.findByEmail(all[0]);
      }
      if (user === null) return null;
      const organization =
        flaw === "no-organization" ? null : await base.organizations.findById(user.organizationId);
      return { user, organization };
    },
  };
  return { ...base, users };
}
