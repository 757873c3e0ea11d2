import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import type { AuditRecord } from "../../store/records.js";
import type { AuditQuery } from "../../store/store.js";
import type { SuiteContext } from "../context.js";
import { makeAuditRecord } from "../fixtures.js";

/** The `AuditRepository` cases. */
export function describeAudit(ctx: SuiteContext): void {
  const audit = () => ctx.store().audit;
  const newOrganizationId = async () => (await ctx.newOrganization()).id;

  /** Follows `nextCursor` to the end and returns each page. */
  const walk = async (query: Omit<AuditQuery, "cursor">): Promise<AuditRecord[][]> => {
    const pages: AuditRecord[][] = [];
    let cursor: string | null = null;
    do {
      const page = await audit().list({ ...query, cursor });
      pages.push([...page.items]);
      cursor = page.nextCursor;
      expect(pages.length, "list kept returning a next cursor").toBeLessThan(100);
    } while (cursor !== null);
    return pages;
  };

  describe("audit", () => {
    it("list returns appended entries newest first, field for field", async () => {
      const organizationId = await newOrganizationId();
      const t = Date.UTC(2025, 0, 6, 9, 0, 0);
      const [first, second, third] = [0, 1, 2].map((i) =>
        makeAuditRecord(organizationId, { at: new Date(t + i) }),
      );
      await audit().append([second as AuditRecord, third as AuditRecord]);
      await audit().append([first as AuditRecord]);
      const page = await audit().list({ organizationId, limit: 10 });
      expect(page).toEqual({ items: [third, second, first], nextCursor: null });
    });

    it("entries of equal timestamps page newest first by id, each exactly once", async () => {
      const organizationId = await newOrganizationId();
      const at = new Date(Date.UTC(2025, 0, 6, 9, 0, 0));
      const entries = Array.from({ length: 6 }, () => makeAuditRecord(organizationId, { at }));
      const later = makeAuditRecord(organizationId, { at: new Date(at.getTime() + 1) });
      await audit().append([...entries, later]);
      const pages = await walk({ organizationId, limit: 2 });
      expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
      const byIdDescending = [...entries].sort((a, b) => (a.id < b.id ? 1 : -1));
      expect(pages.flat().map((entry) => entry.id)).toEqual([
        later.id,
        ...byIdDescending.map((entry) => entry.id),
      ]);
    });

    it("a userId filter returns the entries whose actor or subject is that user", async () => {
      const organizationId = await newOrganizationId();
      const userId = generateId("usr");
      const t = Date.UTC(2025, 0, 6, 9, 0, 0);
      const asActor = makeAuditRecord(organizationId, {
        at: new Date(t),
        action: "user.edited",
        actor: { kind: "member", id: userId, email: "ann@example.test" },
      });
      const asSubject = makeAuditRecord(organizationId, {
        at: new Date(t + 1),
        action: "user.removed",
        subjectUserId: userId,
        subjectEmail: "ann@example.test",
      });
      const unrelated = makeAuditRecord(organizationId, {
        at: new Date(t + 2),
        subjectUserId: generateId("usr"),
      });
      await audit().append([asActor, asSubject, unrelated]);
      const pages = await walk({ organizationId, userId, limit: 1 });
      expect(pages.flat()).toEqual([asSubject, asActor]);
    });

    it("list never returns another organization's entries", async () => {
      const mine = await newOrganizationId();
      const theirs = await newOrganizationId();
      const userId = generateId("usr");
      const entry = makeAuditRecord(mine, { subjectUserId: userId });
      await audit().append([entry, makeAuditRecord(theirs, { subjectUserId: userId })]);
      expect((await audit().list({ organizationId: mine, limit: 10 })).items).toEqual([entry]);
      expect((await audit().list({ organizationId: mine, userId, limit: 10 })).items).toEqual([entry]);
    });

    it("details, actor and subject round-trip", async () => {
      const organizationId = await newOrganizationId();
      const entry = makeAuditRecord(organizationId, {
        action: "user.edited",
        actor: { kind: "staff", id: "staff-7", email: "ops@example.test" },
        subjectUserId: generateId("usr"),
        subjectEmail: "bob@example.test",
        details: {
          fields: ["name", "email"],
          from: { email: "old@example.test" },
          count: 3,
          ratio: 0.5,
          ok: true,
          nothing: null,
          text: "Zoë — ✓",
        },
      });
      await audit().append([entry]);
      expect((await audit().list({ organizationId, limit: 1 })).items).toEqual([entry]);
    });

    it("appendIfAbsent: appending the same entry id twice keeps one, and the stored one stays as it was", () =>
      checkAppendIfAbsentKeepsOne(ctx));
  });
}

/**
 * `appendIfAbsent` skips ids already stored (by `append` or by itself, even with other content), stores a batch's
 * repeated id once, and two concurrent calls with the same entries keep each once.
 */
export async function checkAppendIfAbsentKeepsOne(ctx: SuiteContext): Promise<void> {
  const audit = ctx.store().audit;
  const organizationId = (await ctx.newOrganization()).id;
  const t = Date.UTC(2025, 0, 6, 9, 0, 0);
  const first = makeAuditRecord(organizationId, { at: new Date(t), details: { n: 1 } });
  const second = makeAuditRecord(organizationId, { at: new Date(t + 1) });
  await audit.append([first]);
  await audit.appendIfAbsent([{ ...first, action: "changed", details: { n: 2 } }, second, second]);
  expect(
    (await audit.list({ organizationId, limit: 10 })).items,
    "the new entry beside a stored one",
  ).toEqual([second, first]);
  await audit.appendIfAbsent([second]);
  const raced = [2, 3, 4].map((i) => makeAuditRecord(organizationId, { at: new Date(t + i) }));
  await Promise.all([audit.appendIfAbsent(raced), audit.appendIfAbsent([...raced].reverse())]);
  const page = await audit.list({ organizationId, limit: 10 });
  expect(page.items).toEqual([...[...raced].reverse(), second, first]);
}

/**
 * The optional audit outbox: pushed entries come back from `pending` field for field (any process's), and
 * `remove` forgets exactly the ids it is given.
 */
export async function checkAuditOutboxRoundTrip(ctx: SuiteContext): Promise<void> {
  const outbox = ctx.store().auditOutbox;
  if (!outbox) throw new Error("the store has no auditOutbox");
  const organizationId = generateId("org");
  const t = Date.UTC(2025, 0, 6, 9, 0, 0);
  const entries = [0, 1, 2].map((i) =>
    makeAuditRecord(organizationId, {
      at: new Date(t + i),
      action: "login.succeeded",
      actor: { kind: "member", id: generateId("usr"), email: "ann@example.test" },
      subjectUserId: generateId("usr"),
      subjectEmail: "ann@example.test",
      details: { stage: "authenticated", nested: { list: [1, "two", null] } },
    }),
  );
  await outbox.push(entries.slice(0, 2));
  await outbox.push(entries.slice(2));
  const mine = async () => {
    const ids = new Set(entries.map((entry) => entry.id));
    return (await outbox.pending(10_000)).filter((entry) => ids.has(entry.id));
  };
  const pending = await mine();
  expect([...pending].sort((a, b) => a.at.getTime() - b.at.getTime())).toEqual(entries);
  await outbox.remove([entries[0]?.id as string, generateId("aud")]);
  expect((await mine()).map((entry) => entry.id).sort()).toEqual(
    entries
      .slice(1)
      .map((e) => e.id)
      .sort(),
  );
  await outbox.remove(entries.map((entry) => entry.id));
  expect(await mine()).toEqual([]);
}

/** The optional outbox's case, declared where the store lists `auditOutbox` among its repositories. */
export function describeAuditOutbox(ctx: SuiteContext): void {
  describe("auditOutbox (optional)", () => {
    it("pending answers what push stored, field for field; remove forgets exactly the given ids", () =>
      checkAuditOutboxRoundTrip(ctx));
  });
}
