import { describe, expect, it } from "vitest";
import { INVITEES, runBulkInviteBench } from "../src/bulk-invite.mjs";
import { postgresUp } from "./services.mjs";

describe.runIf(postgresUp)("bulk-invite benchmark", () => {
  it("a quick run invites 1,000 addresses per run, each run checked in the database and the mailer", async () => {
    // Every run is checked before it counts (users, audit entries, mails, a mailed password that signs in).
    const { table, results } = await runBulkInviteBench({ quick: true });
    expect(results.runs).toHaveLength(3);
    expect(results.inviteMs.median).toBeGreaterThan(0);
    expect(results.argon2).toMatchObject({ hashed: 50, extrapolated: true });
    expect(results.argon2.projectedMs).toBeGreaterThan(0);
    expect(results.profile.calls.map((c) => c.name)).toContain("tx.users.createMany");
    expect(table).toContain(`${INVITEES} addresses`);
    expect(table).toContain("naive baseline");
  }, 120_000);
});
