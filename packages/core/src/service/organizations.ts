import { generateId } from "../crypto/tokens.js";
import { GatehouseError } from "../errors.js";
import { decideSettingsChange, organizationSettingsIssues } from "../policy/organization-settings.js";
import type { OrganizationRecord } from "../store/records.js";
import { type Actor, authorize, resolveActor } from "./actor.js";
import type { ServiceContext } from "./context.js";
import { findOrganizationFor } from "./guards.js";
import type {
  CreateOrganizationInput,
  GetOrganizationInput,
  UpdateOrganizationSettingsInput,
} from "./inputs.js";
import { parseInput, schemas } from "./schemas.js";

/** Creates an organization (staff or system only), its settings defaulting to its preset's. */
export async function createOrganization(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateOrganizationInput,
): Promise<OrganizationRecord> {
  const parsed = parseInput(schemas.createOrganization, input);
  if (actor.kind === "member")
    throw new GatehouseError("FORBIDDEN", "Only platform staff or the system create organizations.");
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const preset = parsed.preset ?? "enterprise";
  const now = ctx.clock.now();
  const draft: OrganizationRecord = {
    id: generateId("org"),
    name: parsed.name,
    settings: { mfa: "off", authMode: "password", provisioning: "invite", preset },
    createdAt: now,
    updatedAt: now,
  };
  const policy = ctx.policyOf(draft);
  const settings = {
    mfa: parsed.mfa ?? policy.mfa.defaultRequirement,
    authMode: parsed.authMode ?? policy.authMode,
    provisioning: parsed.provisioning ?? policy.provisioning,
  };
  // The plan's rules hold from the start: a team created without 2FA could never have it turned back on.
  const issues = organizationSettingsIssues(settings, policy);
  if (issues.length > 0) {
    throw new GatehouseError("NOT_SUPPORTED", "The organization's plan does not allow these settings.", {
      issues,
    });
  }
  const organization: OrganizationRecord = { ...draft, settings: { preset, ...settings } };
  await ctx.store.transaction(async (tx) => {
    await tx.organizations.create(organization);
    await ctx.audit(tx, [
      {
        organizationId: organization.id,
        action: "organization.created",
        actor: resolved.audit,
        details: { settings: organization.settings },
      },
    ]);
  });
  return organization;
}

/** An organization, for its members and for staff. */
export async function getOrganization(
  ctx: ServiceContext,
  actor: Actor,
  input: GetOrganizationInput,
): Promise<OrganizationRecord> {
  const { organizationId } = parseInput(schemas.getOrganization, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  return findOrganizationFor(ctx, resolved, organizationId);
}

/**
 * Changes an organization's settings. The MFA requirement is set by whom the preset says (enterprise: platform
 * staff, the "super admin"; team: nobody, it is always required); provisioning and sign-in mode by staff or the
 * system; a member needs the configure permission for any change. The plan's rules are those of creation
 * (`decideSettingsChange`). Sessions already open are not cut when MFA becomes required: users enrol at their
 * next sign-in.
 */
export async function updateOrganizationSettings(
  ctx: ServiceContext,
  actor: Actor,
  input: UpdateOrganizationSettingsInput,
): Promise<OrganizationRecord> {
  const { organizationId, ...changes } = parseInput(schemas.updateOrganizationSettings, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const organization = await findOrganizationFor(ctx, resolved, organizationId);
  // Authorize before anything else, a no-op included: a member without the configure permission gets
  // FORBIDDEN and nothing is written, not even an audit entry.
  authorize(resolved, organization.id, ctx.permissions.configureOrganization);
  const decision = decideSettingsChange(
    organization.settings,
    changes,
    ctx.policyOf(organization),
    actor.kind,
  );
  if (decision.kind === "refused") {
    throw new GatehouseError(decision.code, decision.message, { issues: decision.issues });
  }
  if (!decision.changed) return organization;
  const settings = { ...organization.settings, ...decision.settings };
  return ctx.store.transaction(async (tx) => {
    const updated = await tx.organizations.update(organization.id, { settings, updatedAt: ctx.clock.now() });
    if (!updated) throw new GatehouseError("NOT_FOUND", "No such organization.");
    await ctx.audit(tx, [
      {
        organizationId: organization.id,
        action: "organization.settings-changed",
        actor: resolved.audit,
        details: { from: organization.settings, to: settings },
      },
    ]);
    return updated;
  });
}
