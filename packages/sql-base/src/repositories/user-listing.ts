import type { Page, UserListQuery, UserRecord } from "@gatehousejs/core";
import { decodeCursor, encodeCursor } from "@gatehousejs/core/adapter-kit";
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { SqlContext } from "../context.js";
import type { GatehouseTables } from "../schema.js";
import { toUserRecord } from "../user-rows.js";

type UsersBuilder = ExpressionBuilder<GatehouseTables, "users">;

/**
 * One page of an organization's users ordered by (email, id), after the cursor's position.
 *
 * Every path is a range scan of an index that stops after the page: `users_listing_idx` is ordered by
 * (organization_id, email, id), so the plain listing and the e-mail prefix search read `limit + 1` entries
 * whatever the organization's size. A prefix of the display name (which covers the given name) and one of the
 * family name are two more range scans (of `users_name_search_idx` and `users_family_name_search_idx`),
 * combined with UNION ALL rather than OR so the planner never falls back to scanning the organization.
 */
export async function listUsers(
  { db, dialect }: SqlContext,
  query: UserListQuery,
): Promise<Page<UserRecord>> {
  const limit = Math.max(1, Math.floor(query.limit));
  const after = query.cursor ? decodeCursor(query.cursor, 2) : null;
  const inOrganization = (eb: UsersBuilder): Expression<SqlBool> => {
    const organization = eb("organization_id", "=", query.organizationId);
    if (after === null) return organization;
    const [email, id] = after as [string, string];
    return eb.and([organization, eb(eb.refTuple("email", "id"), ">", eb.tuple(email, id))]);
  };

  const search = query.search?.toLowerCase() ?? "";
  let rowsQuery = db.selectFrom("users").selectAll("users").select(dialect.selectRoles).where(inOrganization);
  if (search !== "") {
    const prefix = `${search.replace(/[\\%_]/g, "\\$&")}%`;
    const byEmail = db
      .selectFrom("users")
      .select("id")
      .where(inOrganization)
      .where("email", "like", prefix)
      .orderBy("email")
      .orderBy("id")
      .limit(limit + 1);
    // A user matching several ways belongs to the first branch that matches: UNION ALL needs no de-duplication.
    const byName = db
      .selectFrom("users")
      .select("id")
      .where(inOrganization)
      .where("name_search", "like", prefix)
      .where("email", "not like", prefix)
      .orderBy("email")
      .orderBy("id")
      .limit(limit + 1);
    const byFamilyName = db
      .selectFrom("users")
      .select("id")
      .where(inOrganization)
      .where("family_name_search", "like", prefix)
      .where("email", "not like", prefix)
      .where("name_search", "not like", prefix)
      .orderBy("email")
      .orderBy("id")
      .limit(limit + 1);
    rowsQuery = rowsQuery.where(
      "users.id",
      "in",
      // In a derived table: MySQL and MariaDB take no LIMIT in an IN subquery itself.
      sql<string>`(select id from (${byEmail} union all ${byName} union all ${byFamilyName}) as matches)`,
    );
  }
  const rows = await rowsQuery
    .orderBy("users.email")
    .orderBy("users.id")
    .limit(limit + 1)
    .execute();

  const items = rows.slice(0, limit).map((row) => toUserRecord(row, dialect));
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor([last.email, last.id]) : null;
  return { items, nextCursor };
}
