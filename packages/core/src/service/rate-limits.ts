import { GatehouseError } from "../errors.js";
import type { TokenPolicy } from "../policy/token.js";
import type { UserRecord } from "../store/records.js";
import type { ServiceContext } from "./context.js";

/** Refuses with RATE_LIMITED once a recipient has been sent `messagesPerWindow` secrets in the window. */
export async function throttleMessages(
  ctx: ServiceContext,
  recipientKey: string,
  tokens: TokenPolicy,
): Promise<void> {
  await hitOrRefuse(ctx, `messages:${recipientKey}`, tokens.messagesPerWindow, tokens.messageWindowMs);
}

/**
 * Refuses an SMS with RATE_LIMITED past any of three limits in the window: per number, per user and per
 * organization. The narrowest is counted first, so requests a narrow limit refuses do not use up the wider
 * budgets that other users share.
 */
export async function throttleSms(
  ctx: ServiceContext,
  user: Pick<UserRecord, "id" | "organizationId">,
  phone: string,
  tokens: TokenPolicy,
): Promise<void> {
  await throttleMessages(ctx, `sms:${phone}`, tokens);
  await hitOrRefuse(ctx, `sms-user:${user.id}`, tokens.smsPerUserPerWindow, tokens.messageWindowMs);
  await hitOrRefuse(
    ctx,
    `sms-organization:${user.organizationId}`,
    tokens.smsPerOrganizationPerWindow,
    tokens.messageWindowMs,
  );
}

async function hitOrRefuse(ctx: ServiceContext, key: string, limit: number, windowMs: number): Promise<void> {
  const verdict = await ctx.rateLimiter.hit(key, limit, windowMs, ctx.clock.now());
  if (!verdict.allowed) {
    throw new GatehouseError("RATE_LIMITED", "Too many messages were sent: try again later.", {
      retryAt: verdict.resetAt,
    });
  }
}
