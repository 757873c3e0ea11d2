// Benchmark 3 of issue 8, "Bulk invite": `inviteUsers` of 1,000 addresses in one call on PostgreSQL (temporary
// passwords hashed with SHA-256, one transaction, mails to the memory mailer), beside the naive baseline of
// hashing each temporary password with argon2id.
// Run alone with `node src/bulk-invite.mjs [--quick]`, or through `src/run.mjs`.

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { defaultArgon2Options, generateTemporaryPassword, hashPassword, hashSecret } from "@gatehousejs/core";
import { sql } from "kysely";
import {
  createBenchGatehouse,
  createBenchOrganization,
  systemActor,
  temporaryPasswordOf,
} from "./gatehouse-fixture.mjs";
import { formatMillis, formatRatio, markdownTable, summarize } from "./harness.mjs";
import { profileStore } from "./profile-store.mjs";
import { openPostgres } from "./services.mjs";

/** The number of addresses of one invitation. */
export const INVITEES = 1000;
const TARGET_MS = 1000;
const FULL = { runs: 5, warmupInvitees: INVITEES, argon2Hashes: INVITEES };
// Quick mode hashes 50 passwords with argon2id and extrapolates: all 1,000 take several seconds.
const QUICK = { runs: 3, warmupInvitees: 100, argon2Hashes: 50 };

/** Runs the bulk-invite benchmark and returns its Markdown section and the raw numbers. */
export async function runBulkInviteBench({ quick = false } = {}) {
  const settings = quick ? QUICK : FULL;
  const postgres = await openPostgres();
  if (postgres.unavailable) {
    return { table: renderUnavailable(postgres.unavailable), results: { unavailable: postgres.unavailable } };
  }
  try {
    const fixture = createBenchGatehouse({ store: postgres.store });
    const invite = (run, count) => inviteBatch(fixture, postgres, run, count);

    await checkInvitation(fixture, postgres, await invite("warmup", settings.warmupInvitees));
    const runs = [];
    for (let run = 0; run < settings.runs; run++) {
      const batch = await invite(`run${run}`, INVITEES);
      await checkInvitation(fixture, postgres, batch);
      runs.push(batch.ms);
    }
    const profile = await profileInvitation(postgres, fixture.secret);
    const argon2 = await timeArgon2Baseline(settings.argon2Hashes);
    const sha256Ms = timeSha256(INVITEES);

    const results = {
      settings: { ...settings, quick, invitees: INVITEES },
      inviteMs: summarize(runs),
      runs,
      profile,
      argon2,
      sha256Ms,
    };
    results.target = { ms: TARGET_MS, met: results.inviteMs.median < TARGET_MS };
    return { table: renderSection(results), results };
  } finally {
    await postgres.close();
  }
}

/** Invites `count` new addresses into a new organization, timing the one `inviteUsers` call. */
async function inviteBatch({ gatehouse, mailer }, postgres, run, count, beforeInvite = () => {}) {
  const organization = await createBenchOrganization(gatehouse, `Bulk ${run}`);
  const domain = `${run}.${postgres.schema.replaceAll("_", "-")}.bulk.test`;
  const emails = Array.from({ length: count }, (_, i) => `invitee${String(i).padStart(4, "0")}@${domain}`);
  mailer.clear();
  beforeInvite();
  const start = performance.now();
  const result = await gatehouse.inviteUsers(systemActor, {
    organizationId: organization.id,
    emails: emails.join(", "),
    roles: ["callback.viewer"],
  });
  return { ms: performance.now() - start, organization, emails, result };
}

/**
 * Throws unless the invitation did what it claims: every address a user in the organization (counted in the
 * database), one audit entry and one mail each, temporary passwords stored as SHA-256, and a mailed temporary
 * password that signs in.
 */
async function checkInvitation({ gatehouse, mailer }, postgres, { organization, emails, result }) {
  const problems = [];
  const delivered = result.deliveries.filter((d) => d.delivered).length;
  if (result.users.length !== emails.length) problems.push(`${result.users.length} users returned`);
  if (delivered !== emails.length) problems.push(`${delivered} mails delivered`);
  const mails = mailer.messages.filter((m) => m.message.kind === "invitation").length;
  if (mails !== emails.length) problems.push(`${mails} invitation mails in the memory mailer`);
  const table = (name) => sql.table(`${postgres.schema}.${name}`);
  const { rows: users } = await sql`select count(*)::int as n from ${table("users")}
    where organization_id = ${organization.id} and temporary_password_hash ~ '^[0-9a-f]{64}$'`.execute(
    postgres.db,
  );
  if (users[0].n !== emails.length)
    problems.push(`${users[0].n} users with a SHA-256 temporary password stored`);
  const { rows: audit } = await sql`select count(*)::int as n from ${table("audit_log")}
    where organization_id = ${organization.id} and action = 'user.invited'`.execute(postgres.db);
  if (audit[0].n !== emails.length) problems.push(`${audit[0].n} audit entries`);
  const email = emails[emails.length - 1];
  const first = await gatehouse.login({ email, password: temporaryPasswordOf(mailer, email) });
  if (first.stage !== "password-change")
    problems.push(`the mailed password signed in at stage ${first.stage}`);
  if (problems.length > 0) {
    throw new Error(`inviting ${emails.length} addresses went wrong: ${problems.join("; ")}`);
  }
}

/** One more invitation of 1,000 through a profiled store: the time of each repository call. */
async function profileInvitation(postgres, secret) {
  const profiled = profileStore(postgres.store);
  const fixture = createBenchGatehouse({ store: profiled.store, secret });
  const { ms } = await inviteBatch(fixture, postgres, "profiled", INVITEES, profiled.reset);
  const calls = profiled.report();
  const storeMs = calls.filter((c) => !c.name.startsWith("tx.")).reduce((sum, c) => sum + c.ms, 0);
  return { ms, storeMs, calls };
}

/** The naive baseline: argon2id (the default cost) of `count` temporary passwords, all at once. */
async function timeArgon2Baseline(count) {
  const passwords = Array.from({ length: count }, () => generateTemporaryPassword());
  const start = performance.now();
  // What a naive implementation writes: every hash started at once, run by libuv's thread pool.
  await Promise.all(passwords.map((password) => hashPassword(password)));
  const ms = performance.now() - start;
  return { hashed: count, ms, projectedMs: (ms * INVITEES) / count, extrapolated: count !== INVITEES };
}

function timeSha256(count) {
  const passwords = Array.from({ length: count }, () => generateTemporaryPassword());
  const start = performance.now();
  for (const password of passwords) hashSecret(password);
  return performance.now() - start;
}

function renderSection({ settings, inviteMs, runs, profile, argon2, sha256Ms, target }) {
  const cost = defaultArgon2Options;
  const rows = [
    [
      `Gatehouse \`inviteUsers\`, ${INVITEES} addresses, PostgreSQL`,
      formatMillis(inviteMs.median),
      `${formatMillis(inviteMs.min)} – ${formatMillis(inviteMs.max)}`,
      "1.00×",
    ],
    [
      `of which: SHA-256 of ${INVITEES} temporary passwords (\`hashSecret\`)`,
      formatMillis(sha256Ms),
      "",
      formatRatio(sha256Ms / inviteMs.median),
    ],
    [
      `naive baseline: argon2id (m=${cost.memoryCost}, t=${cost.timeCost}, p=${cost.parallelism}) of ${INVITEES} ` +
        "temporary passwords, `Promise.all`" +
        (argon2.extrapolated ? ` (${argon2.hashed} hashed, × ${INVITEES / argon2.hashed})` : ""),
      `${formatMillis(argon2.projectedMs)}${argon2.extrapolated ? " (extrapolated)" : ""}`,
      "",
      formatRatio(argon2.projectedMs / inviteMs.median),
    ],
  ];
  const profileRows = profile.calls.map((c) => [`\`${c.name}\``, String(c.calls), formatMillis(c.ms)]);
  return [
    "## Bulk invite",
    "",
    `One \`inviteUsers\` call with ${INVITEES} new addresses (one field, comma-separated) into a new enterprise ` +
      "organization on the PostgreSQL server (a fresh schema), as the system actor; mails to the memory " +
      `mailer. Median of ${settings.runs} runs (${runs.map((ms) => formatMillis(ms)).join(", ")}), after an ` +
      `untimed one of ${settings.warmupInvitees}. Each run was checked: ${INVITEES} users in the database with ` +
      `a SHA-256 temporary password, ${INVITEES} audit entries, ${INVITEES} mails, and a mailed password signs in.`,
    "",
    markdownTable(["", "time", "min – max", "÷ `inviteUsers`"], rows),
    "",
    markdownTable(
      ["Target", "measured", "target", ""],
      [
        [
          "`inviteUsers` of 1,000 addresses",
          formatMillis(inviteMs.median),
          `< ${TARGET_MS} ms`,
          target.met ? "met" : "**not met**",
        ],
      ],
    ),
    "",
    `Where one more invitation's ${formatMillis(profile.ms)} go: ${formatMillis(profile.storeMs)} in the store ` +
      `(the transaction includes the \`tx.\` calls), ${formatMillis(Math.max(0, profile.ms - profile.storeMs))} ` +
      "in the process (parsing the addresses, building the records, rendering and sending the mails).",
    "",
    markdownTable(["repository call", "calls", "time"], profileRows),
  ].join("\n");
}

function renderUnavailable(reason) {
  return ["## Bulk invite", "", `Not run: ${reason}.`].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { table } = await runBulkInviteBench({ quick: process.argv.includes("--quick") });
  console.log(table);
}
