import { describe, expect, it } from "vitest";
import { type AttemptState, emptyAttemptState } from "../../policy/lockout.js";
import { DAY_MS, type SuiteContext } from "../context.js";
import { uniqueEmail } from "../fixtures.js";

/**
 * Checks that a key's versions never repeat across deletes (no ABA): a caller holding a version read before a
 * delete cannot overwrite the state stored after it, however many delete-and-store cycles happen between.
 */
export async function checkVersionsNeverReused(ctx: SuiteContext): Promise<void> {
  const attempts = ctx.store().attempts;
  const key = `login:${uniqueEmail()}`;
  const expiresAt = new Date(Date.now() + DAY_MS);
  const state = (failures: number): AttemptState => ({ ...emptyAttemptState(), failures });
  const seen: number[] = [];
  for (let cycle = 1; cycle <= 3; cycle++) {
    expect(await attempts.compareAndSet(key, 0, state(cycle), expiresAt)).toBe(true);
    const { version } = await attempts.get(key);
    expect(seen, `version ${version} was handed out before a delete`).not.toContain(version);
    seen.push(version);
    await attempts.delete(key);
  }
  expect(await attempts.compareAndSet(key, 0, state(9), expiresAt)).toBe(true);
  const current = await attempts.get(key);
  expect(seen).not.toContain(current.version);
  for (const stale of seen) {
    expect(await attempts.compareAndSet(key, stale, state(99), expiresAt), `stale version ${stale}`).toBe(
      false,
    );
  }
  expect(await attempts.get(key)).toEqual(current);
}

/** The attempt-version cases. */
export function describeAttemptVersions(ctx: SuiteContext): void {
  describe("attempt versions", () => {
    it("a version is never reused after a delete: a caller holding one from before cannot write", () =>
      checkVersionsNeverReused(ctx));
  });
}
