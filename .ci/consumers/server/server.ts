// A server on core + adapter-postgres, bundled by esbuild and run on PGlite: every flow that hashes a
// password loads argon2 on first use, from node_modules, although the bundle holds the rest.
import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import {
  createPGliteDialect,
  createPostgresStore,
  gatehouseMigrations,
  migrateToLatest,
} from "@gatehousejs/adapter-postgres";
import { createGatehouse, createMemoryMailer, generateSecretKey } from "@gatehousejs/core";
import { Kysely } from "kysely";

const db = new Kysely<unknown>({ dialect: createPGliteDialect(await PGlite.create()) });
assert.deepEqual(
  (await migrateToLatest(db, { schema: "gatehouse" })).executed,
  Object.keys(gatehouseMigrations()),
);
const mailer = createMemoryMailer();
const gatehouse = createGatehouse({
  store: createPostgresStore({ db, schema: "gatehouse" }),
  mailer,
  secrets: { current: generateSecretKey("k1") },
});

const organization = await gatehouse.createOrganization({ kind: "staff", id: "ops" }, { name: "Acme" });
await gatehouse.inviteUsers(
  { kind: "system", name: "bootstrap" },
  { organizationId: organization.id, emails: "ada@acme.test", roles: ["platform.administrator"] },
);
const invitation = mailer.lastTo("ada@acme.test", "invitation");
assert.ok(invitation?.message.kind === "invitation");
const first = await gatehouse.login({
  email: "ada@acme.test",
  password: invitation.message.temporaryPassword,
});
assert.equal(first.stage, "password-change");
await gatehouse.changePassword({ sessionToken: first.token, newPassword: "a long passphrase" }); // argon2id hash
const second = await gatehouse.login({ email: "ada@acme.test", password: "a long passphrase" }); // verify
assert.equal(second.stage, "authenticated");
const wrong = await gatehouse
  .login({ email: "ada@acme.test", password: "wrong" })
  .catch((error) => error.code);
assert.equal(wrong, "INVALID_CREDENTIALS");
await gatehouse.flush(); // the wrong password's audit entry is written after the answer
await db.destroy();
console.log("server bundle: migrated PGlite, invited, changed the password (argon2id), signed in");
