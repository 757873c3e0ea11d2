import { describe, expect, it } from "vitest";
import { EXPECTED_HASH_PREFIX } from "../src/login/contenders.mjs";
import { checkLoginAgreement, runLoginBench } from "../src/login.mjs";
import { servicesUp } from "./services.mjs";

// Benchmarks report and never fail on speed: these tests prove the contenders agree and a quick run completes.
describe("login benchmark", () => {
  it("refuses to time a contender whose hash has another cost, or that lets a wrong password in", async () => {
    const cheap = {
      name: "cheap hash",
      storedHash: async () => "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
      call: async () => {},
      wrongPassword: async () => "WRONG_PASSWORD",
    };
    const open = {
      name: "lets anyone in",
      storedHash: async () => `${EXPECTED_HASH_PREFIX}c2FsdHNhbHQ$aGFzaA`,
      call: async () => {},
      wrongPassword: async () => "OK",
    };
    await expect(checkLoginAgreement([cheap])).rejects.toThrow(/cheap hash/);
    await expect(checkLoginAgreement([open])).rejects.toThrow(/lets anyone in: a wrong password answered OK/);
  });

  it("a quick run signs in on every store and over HTTP, every call succeeding", async () => {
    const { table, results } = await runLoginBench({ quick: true });
    const ids = results.latency.map((c) => c.id);
    expect(ids).toEqual(
      servicesUp
        ? ["bare-verify", "login-memory", "floor-round-trips", "login-postgres-redis"]
        : ["bare-verify", "login-memory"],
    );
    for (const contender of results.latency) {
      // Every timed call checked its own answer (stage "authenticated"), so a sample is a successful login.
      expect(contender.samples).toHaveLength(results.settings.rounds * results.settings.calls);
      expect(contender.ms.median).toBeGreaterThan(0);
      expect(table).toContain(contender.name);
    }
    for (const contender of results.throughput) {
      expect(contender.perParallelism.map((p) => p.parallelism)).toEqual([1, 2, 4]);
      for (const { rate } of contender.perParallelism) expect(rate.median).toBeGreaterThan(0);
    }
    for (const profile of results.profiles) {
      expect(profile.hashMs).toBeGreaterThan(0);
      expect(profile.repositories.map((r) => r.name)).toContain("users.findByEmailWithOrganization");
      // Each server's round trip, back to back and right after a verify (the wake-up a login pays twice).
      for (const trip of profile.roundTrips) {
        expect(trip.ms).toBeGreaterThan(0);
        expect(trip.afterHashMs).toBeGreaterThan(0);
      }
    }
    if (servicesUp) expect(table).toContain("right after an argon2id verify");
    expect(results.http.contenders.map((c) => c.id)).toEqual([
      "http-gatehouse",
      "http-better-auth",
      "http-floor",
      "hash-argon2",
      "hash-scrypt",
    ]);
    expect(results.targets.latency).toHaveLength(servicesUp ? 2 : 1);
    // The floor (the verify between two do-nothing round trips) and the Postgres + Redis login over it.
    expect(results.targets.bounds).toHaveLength(servicesUp ? 2 : 0);
    for (const bound of results.targets.bounds) expect(bound.value).toBeGreaterThan(0);
    expect(table).toContain("Better Auth");
  }, 120_000);
});
