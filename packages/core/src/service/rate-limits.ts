import { GatehouseError } from "../errors.js";
import type { TokenPolicy } from "../policy/token.js";
import type { ServiceContext } from "./context.js";

/** Refuses with RATE_LIMITED once a recipient has been sent `messagesPerWindow` secrets in the window. */
export async function throttleMessages(
  ctx: ServiceContext,
  recipientKey: string,
  tokens: TokenPolicy,
): Promise<void> {
  const verdict = await ctx.rateLimiter.hit(
    `messages:${recipientKey}`,
    tokens.messagesPerWindow,
    tokens.messageWindowMs,
    ctx.clock.now(),
  );
  if (!verdict.allowed) {
    throw new GatehouseError("RATE_LIMITED", "Too many messages were sent: try again later.", {
      retryAt: verdict.resetAt,
    });
  }
}
