import * as z from "zod";
import { GatehouseError, type Issue, ValidationError } from "../errors.js";

/** The longest address accepted: 254 characters, the most an SMTP forward path can carry (RFC 5321 errata). */
const maxEmailLength = 254;

/** Commas, semicolons and any whitespace, new lines included; several in a row count as one. */
const separators = /[\s,;]+/u;

// Built once: zod schemas are immutable, and inviting 1,000 people should not build 1,000 of them.
const emailSchema = z.email();

/** Options of `parseInvitationAddresses`. */
export interface InvitationOptions {
  /**
   * The most distinct addresses one field may hold.
   * @default 1000
   */
  maxAddresses?: number;
}

/**
 * The form of an address used as a key everywhere (users, attempt state, invitations): trimmed,
 * Unicode NFC, lower-cased, so that "Ann@Example.com" and "ann@example.com" are one user.
 */
export function normalizeEmail(address: string): string {
  return address.trim().normalize("NFC").toLowerCase();
}

/**
 * Splits one invitation field into normalised, de-duplicated addresses in first-seen order, or throws a
 * `ValidationError` whose issues name every bad address (`invalid-email`, `too-long`), or the field
 * (`empty`, `too-many`).
 * @example parseInvitationAddresses("ann@example.com; Bob@example.com\ncid@example.com")
 */
export function parseInvitationAddresses(input: string, options: InvitationOptions = {}): string[] {
  const maxAddresses = options.maxAddresses ?? 1000;
  if (!Number.isInteger(maxAddresses) || maxAddresses < 1) {
    throw new GatehouseError("CONFIGURATION", "maxAddresses must be an integer of at least 1.");
  }
  const addresses = [
    ...new Set(
      input
        .split(separators)
        .filter((part) => part !== "")
        .map(normalizeEmail),
    ),
  ];
  if (addresses.length === 0) {
    throw new ValidationError("Enter at least one e-mail address.", [
      { path: ["emails"], reason: "empty", message: "Enter at least one e-mail address." },
    ]);
  }
  // Checked before the addresses, so an oversized paste yields one issue, not thousands.
  if (addresses.length > maxAddresses) {
    const message = `At most ${maxAddresses} addresses can be invited at once; ${addresses.length} were given.`;
    throw new ValidationError(message, [{ path: ["emails"], reason: "too-many", message }]);
  }
  const issues = addresses.flatMap(addressIssues);
  if (issues.length > 0) {
    const count = issues.length === 1 ? "One address is" : `${issues.length} addresses are`;
    throw new ValidationError(`${count} not valid; nobody was invited.`, issues);
  }
  return addresses;
}

/** The problem with one normalised address, if any: length first, since a 300-character string is not worth parsing. */
function addressIssues(address: string): Issue[] {
  if (address.length > maxEmailLength) {
    const message = `"${address.slice(0, 40)}…" is longer than ${maxEmailLength} characters.`;
    return [{ path: [address], reason: "too-long", message }];
  }
  if (!emailSchema.safeParse(address).success) {
    return [
      { path: [address], reason: "invalid-email", message: `"${address}" is not a valid e-mail address.` },
    ];
  }
  return [];
}
