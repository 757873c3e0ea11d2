import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/store/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { createSuiteContext, type SuiteContext } from "../../src/testing/context.js";
import {
  checkDemotionAppliesAtOnce,
  checkProfileRemovalAndSettingsApplyAtOnce,
  checkReloadRacingABump,
  checkRoleEditAppliesAtOnce,
} from "../../src/testing/flows/carried-principal.js";
import {
  checkGuessedReservationsBoundGuesses,
  checkSwapConflictAnswersTheStoredState,
  checkSwapRace,
  checkSwapRemovesOnlyAtTheVersion,
  checkSwapStoresAndAnswersTheVersion,
} from "../../src/testing/suites/attempt-swap.js";
import { checkVersionsNeverReused } from "../../src/testing/suites/attempt-versions.js";
import { checkAppendIfAbsentKeepsOne, checkAuditOutboxRoundTrip } from "../../src/testing/suites/audit.js";
import {
  checkBumpGivesNewVersions,
  checkFindCurrentReadsSessionAndVersion,
  checkMissingVersionIsFresh,
  checkSavePrincipal,
} from "../../src/testing/suites/authorization-versions.js";
import { checkConflictsNameTheField } from "../../src/testing/suites/conflict-fields.js";
import { checkInstantsAcross } from "../../src/testing/suites/instants.js";
import {
  checkEmailKeysAreExact,
  checkEmailUpdateKeysAreExact,
  checkSsoKeysAreExact,
  checkUsersListInCodePointOrder,
} from "../../src/testing/suites/key-equality.js";
import {
  checkLockWithoutRowBlocks,
  checkReadsAfterLockSeeCommittedWrites,
} from "../../src/testing/suites/lock-isolation.js";
import {
  checkUserWithOrganizationKeysAreExact,
  checkUserWithOrganizationMatchesTwoReads,
} from "../../src/testing/suites/user-with-organization.js";
import { createMemoryOutbox } from "../service/memory-outbox.js";
import { withFlawedSwap } from "./broken-variants/attempt-swaps.js";
import {
  accentInsensitive,
  localeOrder,
  padSpace,
  withEmailCollation,
} from "./broken-variants/collated-emails.js";
import { withFlawedAppendIfAbsent } from "./broken-variants/idempotent-audit.js";
import { withFlawedJoin } from "./broken-variants/joined-users.js";
import { withLooseTransactions } from "./broken-variants/loose-transactions.js";
import {
  withConstantMissingVersion,
  withIgnoredBumps,
  withResurrectingPrincipal,
} from "./broken-variants/loose-versions.js";
import { withVersionsPerRow } from "./broken-variants/reused-versions.js";
import { withShiftedInstants } from "./broken-variants/shifted-instants.js";
import { withUnnamedConflicts } from "./broken-variants/unnamed-conflicts.js";

// Each conformance case added for issue 17 is proven here: the same check function the suite's `it` calls
// passes on the memory store and FAILS on a wrapper of it broken in exactly the way the case is about.

const contextOf = (store: Store): SuiteContext =>
  createSuiteContext(
    () => store,
    () => true,
  );

async function expectCheckFails(check: Promise<void>): Promise<void> {
  await expect(check, "the check passed on a broken store").rejects.toThrow();
}

describe("the conformance checks pass on the memory store", () => {
  it("every new check", async () => {
    const ctx = contextOf(createMemoryStore());
    await checkEmailKeysAreExact(ctx);
    await checkEmailUpdateKeysAreExact(ctx);
    await checkUsersListInCodePointOrder(ctx);
    await checkSsoKeysAreExact(ctx);
    await checkReadsAfterLockSeeCommittedWrites(ctx);
    await checkLockWithoutRowBlocks(ctx);
    await checkVersionsNeverReused(ctx);
    await checkConflictsNameTheField(ctx);
    await checkInstantsAcross(ctx, ctx.store(), ctx.store());
    await checkSwapStoresAndAnswersTheVersion(ctx);
    await checkSwapConflictAnswersTheStoredState(ctx);
    await checkSwapRemovesOnlyAtTheVersion(ctx);
    await checkSwapRace(ctx);
    await checkGuessedReservationsBoundGuesses(ctx);
    await checkUserWithOrganizationMatchesTwoReads(ctx);
    await checkUserWithOrganizationKeysAreExact(ctx);
    await checkAppendIfAbsentKeepsOne(ctx);
    await checkAuditOutboxRoundTrip(contextOf({ ...createMemoryStore(), auditOutbox: createMemoryOutbox() }));
  });

  it("the lock checks pass on side-by-side transactions whose lock blocks and whose reads are fresh", async () => {
    const ctx = contextOf(
      withLooseTransactions(createMemoryStore(), { lock: "always", snapshotReads: false }),
    );
    await checkReadsAfterLockSeeCommittedWrites(ctx);
    await checkLockWithoutRowBlocks(ctx);
  });
});

describe("the conformance checks fail on broken stores", () => {
  it("an accent-insensitive e-mail collation: jose@ and josé@ collide", async () => {
    const ctx = contextOf(withEmailCollation(createMemoryStore(), accentInsensitive));
    await expectCheckFails(checkEmailKeysAreExact(ctx));
    await expectCheckFails(checkEmailUpdateKeysAreExact(ctx));
  });

  it("a pad-space collation: an address with a trailing space is the one without", async () => {
    const ctx = contextOf(withEmailCollation(createMemoryStore(), padSpace));
    await expectCheckFails(checkEmailKeysAreExact(ctx));
    await expectCheckFails(checkEmailUpdateKeysAreExact(ctx));
  });

  it("a locale order: a_b after aab, é beside e", async () => {
    const ctx = contextOf(withEmailCollation(createMemoryStore(), localeOrder));
    await expectCheckFails(checkUsersListInCodePointOrder(ctx));
  });

  it("a lock that does not block", async () => {
    const ctx = contextOf(withLooseTransactions(createMemoryStore(), { lock: "none", snapshotReads: false }));
    await expectCheckFails(checkReadsAfterLockSeeCommittedWrites(ctx));
    await expectCheckFails(checkLockWithoutRowBlocks(ctx));
  });

  it("a lock that blocks, but reads from a snapshot taken at the first read (REPEATABLE READ)", async () => {
    const ctx = contextOf(
      withLooseTransactions(createMemoryStore(), { lock: "always", snapshotReads: true }),
    );
    await expectCheckFails(checkReadsAfterLockSeeCommittedWrites(ctx));
  });

  it("a lock that blocks only when the organization's row exists", async () => {
    const ctx = contextOf(withLooseTransactions(createMemoryStore(), { lock: "row", snapshotReads: false }));
    await expectCheckFails(checkLockWithoutRowBlocks(ctx));
  });

  it("attempt versions counted per row, reused after a delete", async () => {
    const ctx = contextOf(withVersionsPerRow(createMemoryStore()));
    await expectCheckFails(checkVersionsNeverReused(ctx));
    await expectCheckFails(checkSwapRemovesOnlyAtTheVersion(ctx));
  });

  it("a compareAndSwap that compares, pauses, then writes: racing callers all store", async () => {
    const ctx = contextOf(withFlawedSwap(createMemoryStore(), "not-atomic"));
    await checkSwapStoresAndAnswersTheVersion(ctx);
    await expectCheckFails(checkSwapRace(ctx));
    await expectCheckFails(checkGuessedReservationsBoundGuesses(ctx));
  });

  it("a compareAndSwap whose conflict answers the empty state instead of the stored one", async () => {
    const ctx = contextOf(withFlawedSwap(createMemoryStore(), "conflict-answers-empty"));
    await checkSwapStoresAndAnswersTheVersion(ctx);
    await expectCheckFails(checkSwapConflictAnswersTheStoredState(ctx));
    await expectCheckFails(checkSwapRace(ctx));
  });

  it("a compareAndSwap that removes the state at any version", async () => {
    const ctx = contextOf(withFlawedSwap(createMemoryStore(), "removes-any-version"));
    await checkSwapStoresAndAnswersTheVersion(ctx);
    await expectCheckFails(checkSwapConflictAnswersTheStoredState(ctx));
    await expectCheckFails(checkSwapRemovesOnlyAtTheVersion(ctx));
  });

  it("instants shifted by an hour, as wall-clock time through a pool in another time zone", async () => {
    const base = createMemoryStore();
    const shifted = withShiftedInstants(base, 60 * 60_000);
    const ctx = contextOf(shifted);
    // Through itself it round-trips, which is why the suite needs a second store in another time zone.
    await checkInstantsAcross(ctx, shifted, shifted);
    await expectCheckFails(checkInstantsAcross(ctx, shifted, base));
    await expectCheckFails(checkInstantsAcross(ctx, base, shifted));
  });

  it("CONFLICTs that name a constraint instead of the field", async () => {
    const ctx = contextOf(withUnnamedConflicts(createMemoryStore()));
    await expectCheckFails(checkConflictsNameTheField(ctx));
  });

  it("a joined read of a user whose organization never comes back", async () => {
    const ctx = contextOf(withFlawedJoin(createMemoryStore(), "no-organization"));
    await expectCheckFails(checkUserWithOrganizationMatchesTwoReads(ctx));
  });

  it("a joined read keying the address accent- and pad-insensitively, unlike findByEmail", async () => {
    const ctx = contextOf(withFlawedJoin(createMemoryStore(), "collated-key"));
    await checkUserWithOrganizationMatchesTwoReads(ctx);
    await expectCheckFails(checkUserWithOrganizationKeysAreExact(ctx));
  });
});

describe("the authorization-version checks (issue 15)", () => {
  it("pass on the memory store, conformance and two-instance flows alike", async () => {
    const ctx = contextOf(createMemoryStore());
    await checkFindCurrentReadsSessionAndVersion(ctx);
    await checkBumpGivesNewVersions(ctx);
    await checkMissingVersionIsFresh(ctx);
    await checkSavePrincipal(ctx);
    await checkDemotionAppliesAtOnce(createMemoryStore());
    await checkRoleEditAppliesAtOnce(createMemoryStore());
    await checkProfileRemovalAndSettingsApplyAtOnce(createMemoryStore());
    await checkReloadRacingABump(createMemoryStore());
  }, 30_000);

  it("bumps that do nothing: the bump check and every two-instance flow fail", async () => {
    await expectCheckFails(checkBumpGivesNewVersions(contextOf(withIgnoredBumps(createMemoryStore()))));
    await expectCheckFails(checkDemotionAppliesAtOnce(withIgnoredBumps(createMemoryStore())));
    await expectCheckFails(checkRoleEditAppliesAtOnce(withIgnoredBumps(createMemoryStore())));
    await expectCheckFails(checkProfileRemovalAndSettingsApplyAtOnce(withIgnoredBumps(createMemoryStore())));
    await expectCheckFails(checkReloadRacingABump(withIgnoredBumps(createMemoryStore())));
  }, 30_000);

  it("a missing version read as a constant: the missing-version check fails", async () => {
    await expectCheckFails(
      checkMissingVersionIsFresh(contextOf(withConstantMissingVersion(createMemoryStore()))),
    );
  });

  it("a snapshot written with an upsert: the savePrincipal check fails", async () => {
    await expectCheckFails(checkSavePrincipal(contextOf(withResurrectingPrincipal(createMemoryStore()))));
  });
});

describe("appendIfAbsent: the same entry id twice keeps one", () => {
  it.each(["plain-append", "skips-batch"] as const)("fails on an append that is %s", async (flaw) => {
    await expectCheckFails(
      checkAppendIfAbsentKeepsOne(contextOf(withFlawedAppendIfAbsent(createMemoryStore(), flaw))),
    );
  });
});
