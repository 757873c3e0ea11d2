import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { createMemoryStore } from "../../src/store/memory-store.js";
import type { UserRepository } from "../../src/store/store.js";
import { makeUser } from "../../src/testing/index.js";

// Few ids and addresses, in mixed case, so that random operations keep colliding on the unique e-mail index
// that transactions layer over the shared table.
const ids = ["usr_a", "usr_b", "usr_c", "usr_d"];
const emails = ["ann@example.test", "bob@example.test", "cid@example.test"];

type Operation =
  | { type: "create"; id: string; email: string }
  | { type: "rename"; id: string; email: string }
  | { type: "delete"; id: string };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    type: fc.constant("create" as const),
    id: fc.constantFrom(...ids),
    email: fc.constantFrom(...emails),
  }),
  fc.record({
    type: fc.constant("rename" as const),
    id: fc.constantFrom(...ids),
    email: fc.constantFrom(...emails),
  }),
  fc.record({ type: fc.constant("delete" as const), id: fc.constantFrom(...ids) }),
);
const casedOperation = fc
  .tuple(operation, fc.boolean())
  .map(([op, upper]) => ("email" in op && upper ? { ...op, email: op.email.toUpperCase() } : op));

/** The model: id → address, with the unique index checked by scanning. */
type Model = Map<string, string>;

function applyToModel(model: Model, op: Operation): string {
  const taken = (email: string, except?: string) =>
    [...model].some(([id, held]) => id !== except && held.toLowerCase() === email.toLowerCase());
  switch (op.type) {
    case "create":
      if (model.has(op.id) || taken(op.email)) return "conflict";
      model.set(op.id, op.email);
      return "ok";
    case "rename":
      if (!model.has(op.id)) return "missing";
      if (taken(op.email, op.id)) return "conflict";
      model.set(op.id, op.email);
      return "ok";
    case "delete":
      return model.delete(op.id) ? "ok" : "missing";
  }
}

async function applyToStore(users: UserRepository, op: Operation): Promise<string> {
  try {
    switch (op.type) {
      case "create":
        await users.createMany([makeUser("org_1", { id: op.id, email: op.email })]);
        return "ok";
      case "rename":
        return (await users.update(op.id, { email: op.email })) ? "ok" : "missing";
      case "delete":
        return (await users.delete(op.id)) ? "ok" : "missing";
    }
  } catch (error) {
    if ((error as { code?: string }).code === "CONFLICT") return "conflict";
    throw error;
  }
}

describe("memory store transactions (model-based)", () => {
  test("a committed transaction equals its operations applied in order; a rolled-back one changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(casedOperation, { maxLength: 6 }),
        fc.array(casedOperation, { maxLength: 8 }),
        fc.boolean(),
        async (before, inside, commit) => {
          const store = createMemoryStore();
          const model: Model = new Map();
          for (const op of before) expect(await applyToStore(store.users, op)).toBe(applyToModel(model, op));

          const draft: Model = new Map(model);
          const run = store.transaction(async (tx) => {
            for (const op of inside) expect(await applyToStore(tx.users, op)).toBe(applyToModel(draft, op));
            if (!commit) throw new Error("rollback");
          });
          if (commit) await run;
          else await expect(run).rejects.toThrow("rollback");
          const expected = commit ? draft : model;

          for (const id of ids) expect((await store.users.findById(id))?.email).toBe(expected.get(id));
          for (const email of emails) {
            const holder = [...expected].find(([, held]) => held.toLowerCase() === email)?.[0];
            expect((await store.users.findByEmail(email))?.id).toBe(holder);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
