/**
 * How long a record must be kept from its write: its expiry minus the instant of the write, both on the
 * caller's clock. Counting a relative TTL (`PX`) from there, rather than handing Redis the absolute instant
 * (`PXAT`), keeps a clock difference between the app and Redis from dropping a live record early; the
 * record itself still carries its `expiresAt`, which is what lookups compare with the caller's `now`.
 */
export function lifetimeMs(writtenAt: Date, expiresAt: Date): number {
  return Math.ceil(expiresAt.getTime() - writtenAt.getTime());
}
