// How every store benchmark sets Gatehouse up: the service on a given store with the memory mailer and the
// default argon2id hasher, and users onboarded the way the product does it (invited by the system, first
// sign-in with the mailed temporary password, then a password of their own).

import { createGatehouse, createMemoryMailer, generateSecretKey } from "@gatehousejs/core";

/** The password every benchmark user chooses: passes the enterprise rules (12+ characters, not common). */
export const BENCH_PASSWORD = "lantern orbit quiet meadow";

/** The provisioning actor of the benchmarks. */
export const systemActor = { kind: "system", name: "bench" };
const staffActor = { kind: "staff", id: "bench-staff" };

/** A Gatehouse on `store` with a memory mailer; the default hasher (argon2id m=19456, t=2, p=1) unless told. */
export function createBenchGatehouse({ store, hasher, secret = generateSecretKey("k1") }) {
  const mailer = createMemoryMailer();
  const gatehouse = createGatehouse({
    store,
    mailer,
    secrets: { current: secret },
    links: "http://127.0.0.1",
    ...(hasher && { hasher }),
  });
  return { gatehouse, mailer, secret };
}

/** A new enterprise organization (MFA off, the preset's default). */
export function createBenchOrganization(gatehouse, name) {
  return gatehouse.createOrganization(staffActor, { name, preset: "enterprise" });
}

/** The temporary password of the newest invitation mailed to `email`. */
export function temporaryPasswordOf(mailer, email) {
  const mail = mailer.lastTo(email, "invitation");
  if (mail?.message.kind !== "invitation") throw new Error(`no invitation was mailed to ${email}`);
  return mail.message.temporaryPassword;
}

/**
 * Creates an organization whose `count` users `user<i>@<domain>` have each signed in with their temporary
 * password and chosen `password`, so their next sign-in is one argon2id verification that ends at the
 * "authenticated" stage.
 */
export async function onboardUsers({ gatehouse, mailer }, { domain, count, password = BENCH_PASSWORD }) {
  const organization = await createBenchOrganization(gatehouse, `Bench ${domain}`);
  const emails = Array.from({ length: count }, (_, i) => `user${i}@${domain}`);
  await gatehouse.inviteUsers(systemActor, {
    organizationId: organization.id,
    emails: emails.join(", "),
    roles: ["callback.viewer"],
  });
  for (const email of emails) {
    const first = await gatehouse.login({ email, password: temporaryPasswordOf(mailer, email) });
    if (first.stage !== "password-change") throw new Error(`${email}: first sign-in at stage ${first.stage}`);
    await gatehouse.changePassword({ sessionToken: first.token, newPassword: password });
  }
  return { organization, emails, password };
}
