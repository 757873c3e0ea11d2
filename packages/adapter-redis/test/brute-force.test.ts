import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createPostgresStore } from "@gatehousejs/adapter-postgres";
import {
  createGatehouse,
  createMemoryMailer,
  generateSecretKey,
  presets,
  type Store,
} from "@gatehousejs/core";
import { beforeAll, describe, expect, test } from "vitest";
import { createRedisStore } from "../src/redis-store.js";
import { databaseUrl, useComposedStoreFixture } from "./support/composed.js";
import { redisUrl, requireRedis } from "./support/redis.js";

// Two separate Node processes, each its own Gatehouse on the same store, fire 200 wrong passwords in parallel
// at one account. The attempt is reserved in the store before any password is checked, so however the two
// race, no more passwords are verified than the lockout policy allows, and the account ends locked.

const attacker = fileURLToPath(new URL("./brute-force/attacker.mjs", import.meta.url));
const built = ["core", "adapter-postgres", "adapter-redis"].map((p) =>
  fileURLToPath(new URL(`../../${p}/dist/index.js`, import.meta.url)),
);

interface Report {
  verifications: number;
  codes: Record<string, number>;
  elapsedMs: number;
}

function startAttacker(config: object): {
  child: ChildProcess;
  ready: Promise<void>;
  report: Promise<Report>;
} {
  const child = spawn(process.execPath, [attacker, JSON.stringify(config)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const report = new Promise<Report>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready\n")) markReady();
      const last = output.trim().split("\n").at(-1);
      if (last?.startsWith("{")) resolve(JSON.parse(last) as Report);
    });
    child.on("exit", (code) => (code === 0 ? undefined : reject(new Error(`attacker exited with ${code}`))));
  });
  return { child, ready, report };
}

const redisUp = await requireRedis();

describe.runIf(redisUp)("brute force from two processes", () => {
  const secret = generateSecretKey("k1");
  const { db, schema, keyPrefix, redis } = useComposedStoreFixture("bf");

  beforeAll(() => {
    const missing = built.filter((file) => !existsSync(file));
    if (missing.length > 0)
      throw new Error(`Build the packages first (pnpm build): missing ${missing.join(", ")}`);
  });

  async function seedAccount(store: Store, email: string): Promise<{ login: () => Promise<string> }> {
    const mailer = createMemoryMailer();
    const gatehouse = createGatehouse({
      store,
      mailer,
      secrets: { current: secret },
      policy: presets.enterprise,
    });
    const org = await gatehouse.createOrganization({ kind: "system", name: "test" }, { name: "Target" });
    await gatehouse.inviteUsers(
      { kind: "system", name: "test" },
      { organizationId: org.id, emails: email, roles: ["callback.viewer"] },
    );
    const mail = mailer.lastTo(email, "invitation");
    const temporary = mail?.message.kind === "invitation" ? mail.message.temporaryPassword : "";
    const first = await gatehouse.login({ email, password: temporary });
    await gatehouse.changePassword({ sessionToken: first.token, newPassword: "the one right passphrase" });
    return {
      login: () =>
        gatehouse.login({ email, password: "the one right passphrase" }).then(
          () => "OK",
          (error: { code?: string }) => error.code ?? "RAW",
        ),
    };
  }

  for (const kind of ["postgres + redis", "postgres only"] as const) {
    test(`${kind}: 200 wrong passwords from two processes verify at most 3, and the account ends locked`, async () => {
      const durable = createPostgresStore({ db, schema });
      const store: Store =
        kind === "postgres + redis" ? { ...durable, ...createRedisStore({ redis, keyPrefix }) } : durable;
      const email = `victim-${kind.replace(/\W/g, "")}@example.test`;
      const account = await seedAccount(store, email);
      const config = {
        databaseUrl,
        schema,
        redisUrl,
        redisKeyPrefix: kind === "postgres + redis" ? keyPrefix : null,
        email,
        attempts: 100,
        secret,
      };
      const attackers = [startAttacker(config), startAttacker(config)];
      await Promise.all(attackers.map((a) => a.ready));
      for (const a of attackers) a.child.stdin?.write("go\n");
      const reports = await Promise.all(attackers.map((a) => a.report));
      const verified = reports.reduce((sum, r) => sum + r.verifications, 0);
      const fired = reports.reduce((sum, r) => sum + Object.values(r.codes).reduce((s, n) => s + n, 0), 0);
      console.info(
        `brute force (${kind}): ${fired} attempts fired, ${verified} passwords verified, ` +
          `slowest process ${Math.round(Math.max(...reports.map((r) => r.elapsedMs)))} ms; answers ${JSON.stringify(reports.map((r) => r.codes))}`,
      );
      expect(fired).toBe(200);
      expect(reports.every((r) => !r.codes.RAW && !r.codes.OK)).toBe(true);
      expect(verified).toBeLessThanOrEqual(presets.enterprise.lockout.maxFailures);
      expect(await account.login()).toBe("ACCOUNT_LOCKED");
    }, 60_000);
  }
});
