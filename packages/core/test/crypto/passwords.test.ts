import { performance } from "node:perf_hooks";
import { describe, expect, test } from "vitest";
import {
  createArgon2Hasher,
  defaultArgon2Options,
  hashPassword,
  hashSecret,
  needsRehash,
  type PasswordHasher,
  verifyDummyPassword,
  verifyPassword,
  verifySecret,
} from "../../src/crypto/index.js";

describe("argon2id passwords", () => {
  test("hash with OWASP's parameters and verify the same password", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
  });

  test("a wrong password does not verify", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(hash, "correct horse battery stapler")).toBe(false);
  });

  test("a malformed hash verifies nothing, without throwing", async () => {
    expect(await verifyPassword("", "x")).toBe(false);
    expect(await verifyPassword("not a hash", "x")).toBe(false);
    expect(await verifyPassword("$argon2id$v=19$m=19456,t=2,p=1$broken", "x")).toBe(false);
  });

  test("needsRehash is true when the cost or algorithm differs from the wanted one", async () => {
    const cheap = await hashPassword("pw", { memoryCost: 1024, timeCost: 1 });
    expect(await verifyPassword(cheap, "pw")).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(cheap, { memoryCost: 1024, timeCost: 1 })).toBe(false);
    expect(needsRehash(await hashPassword("pw"), defaultArgon2Options)).toBe(false);
    expect(
      needsRehash("$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A"),
    ).toBe(true);
    expect(needsRehash("garbage")).toBe(true);
  });

  test("verifying a dummy costs about as much as verifying a real hash (no enumeration by timing)", async () => {
    const hasher: PasswordHasher = createArgon2Hasher();
    const real = await hasher.hash("the real password");
    await hasher.verifyDummy("warm up: computes the dummy hash once");
    await verifyDummyPassword("warm up the module-level hasher too");
    const time = async (action: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      await action();
      return performance.now() - start;
    };
    const realTimes: number[] = [];
    const dummyTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      realTimes.push(await time(() => hasher.verify(real, "a wrong guess")));
      dummyTimes.push(await time(() => hasher.verifyDummy("a wrong guess")));
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[3] ?? Number.NaN;
    const ratio = median(dummyTimes) / median(realTimes);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    expect(await verifyDummyPassword("the real password")).toBe(false);
  });

  test("a cheaper hasher can be injected", async () => {
    const hasher = createArgon2Hasher({ memoryCost: 512, timeCost: 1 });
    const hash = await hasher.hash("pw");
    expect(hash).toContain("m=512,t=1,p=1");
    expect(await hasher.verify(hash, "pw")).toBe(true);
    expect(await hasher.verifyDummy("pw")).toBe(false);
  });
});

describe("high-entropy secrets", () => {
  test("hashSecret is SHA-256 hex and verifySecret checks it", () => {
    const hash = hashSecret("h7Ks2-qPzX9-mEt4B-w8RcN");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySecret(hash, "h7Ks2-qPzX9-mEt4B-w8RcN")).toBe(true);
    expect(verifySecret(hash, "h7Ks2-qPzX9-mEt4B-w8RcM")).toBe(false);
    expect(verifySecret("not a hash", "h7Ks2-qPzX9-mEt4B-w8RcN")).toBe(false);
  });
});
