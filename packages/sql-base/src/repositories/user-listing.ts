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
    // `email >= ?` says the same as the row comparison's first column, for planners that take no row comparison
    // as an index range (MariaDB would scan the organization from its first address to the cursor).
    return eb.and([
      organization,
      eb("email", ">=", email),
      eb(eb.refTuple("email", "id"), ">", eb.tuple(email, id)),
    ]);
  };

  const search = query.search?.toLowerCase() ?? "";
  const from = dialect.usersListingFrom?.() as unknown as "users" | undefined;
  let rowsQuery = db
    .selectFrom(from ?? "users")
    .selectAll("users")
    .select(dialect.selectRoles)
    .where(inOrganization);
  if (search !== "") {
    const startsWith = dialect.startsWith ?? likePrefix;
    const notStartsWith = (column: Parameters<typeof startsWith>[0]) =>
      sql<SqlBool>`not (${startsWith(column, search)})`;
    const byEmail = db
      .selectFrom("users")
      .select("id")
      .where(inOrganization)
      .where(startsWith("email", search))
      .orderBy("email")
      .orderBy("id")
      .limit(limit + 1);
    // A user matching several ways belongs to the first branch that matches: UNION ALL needs no de-duplication.
    const byName = db
      .selectFrom("users")
      .select("id")
      .where(inOrganization)
      .where(startsWith("name_search", search))
      .where(notStartsWith("email"))
      .orderBy("email")
      .orderBy("id")
      .limit(limit + 1);
    const byFamilyName = db
      .selectFrom("users")
      .select("id")
      .where(inOrganization)
      .where(startsWith("family_name_search", search))
      .where(notStartsWith("email"))
      .where(notStartsWith("name_search"))
      .orderBy("email")
      .orderBy("id")
      .limit(limit + 1);
    rowsQuery = rowsQuery.where(
      "users.id",
      "in",
      // Each branch as a derived table: SQLite takes no ORDER BY or LIMIT on a member of a UNION itself (and
      // MySQL none in an IN subquery).
      sql<string>`(select id from (${byEmail}) as by_email union all select id from (${byName}) as by_name
        union all select id from (${byFamilyName}) as by_family_name)`,
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

/** `column LIKE 'prefix%'`, a backslash escaping `%`, `_` and itself (PostgreSQL's and MySQL's default escape). */
function likePrefix(column: string, prefix: string) {
  return sql<SqlBool>`${sql.ref(column)} like ${`${prefix.replace(/[\\%_]/g, "\\$&")}%`}`;
}
