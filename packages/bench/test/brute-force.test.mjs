import { presets } from "@gatehousejs/core";
import { describe, expect, it } from "vitest";
import { checkAttack, runBruteForceBench } from "../src/brute-force.mjs";
import { servicesUp } from "./services.mjs";

const maxFailures = presets.enterprise.lockout.maxFailures;

describe("brute-force benchmark", () => {
  it("refuses an attack that verified more passwords than the policy allows, or did not lock", () => {
    const future = new Date(Date.now() + 60_000);
    const good = {
      fired: 200,
      verified: maxFailures,
      codes: { RATE_LIMITED: 100, INVALID_CREDENTIALS: 3, ACCOUNT_LOCKED: 97 },
      checkedAt: new Date(),
      final: { lockedUntil: future, failures: 3, locks: 1, inFlight: 0 },
      rightPassword: "ACCOUNT_LOCKED",
      rightPasswordVerified: 0,
    };
    expect(() => checkAttack("store", good)).not.toThrow();
    expect(() => checkAttack("store", { ...good, verified: maxFailures + 1 })).toThrow(
      /4 passwords verified/,
    );
    expect(() => checkAttack("store", { ...good, final: { ...good.final, lockedUntil: null } })).toThrow(
      /not locked/,
    );
    expect(() => checkAttack("store", { ...good, rightPassword: "OK" })).toThrow(/right password/);
  });

  it.runIf(servicesUp)(
    "a quick run: 200 attempts from two processes verify at most 3 passwords and lock the account",
    async () => {
      const { table, results } = await runBruteForceBench({ quick: true });
      expect(results.targets.map((t) => t.name)).toEqual(["Postgres + Redis", "Postgres only"]);
      for (const target of results.targets) {
        for (const run of target.runs) {
          expect(run.fired).toBe(200);
          expect(run.verified).toBeLessThanOrEqual(maxFailures);
          expect(run.final.lockedUntil.getTime()).toBeGreaterThan(Date.now());
          expect(run.lockVisibleMs).toBeGreaterThan(0);
        }
        expect(table).toContain(target.name);
      }
    },
    120_000,
  );
});
