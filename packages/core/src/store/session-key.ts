import { randomFillSync } from "node:crypto";
import { generateToken, hashToken } from "../crypto/tokens.js";

// Session tokens name their organization in clear: `<organization tag>.<256-bit secret>`. The tag lets every
// store place a session beside its organization's authorization version (one Redis Cluster hash slot), so
// validation reads both in one round trip; the secret alone carries the unguessability.

/**
 * The organization's tag in session tokens and keys: the base64url of its id, so a token stays cookie-safe
 * and a key holds no brace (which Redis Cluster would read as a hash tag) whatever the id holds.
 * @example organizationTag("org_1") // "b3JnXzE"
 */
export function organizationTag(organizationId: string): string {
  return Buffer.from(organizationId, "utf8").toString("base64url");
}

/**
 * The store key of a session token: `<organization tag>.<SHA-256 hex of the whole token>`.
 * @example sessionKey("org_1", token) // "b3JnXzE.5f2c…"
 */
export function sessionKey(organizationId: string, token: string): string {
  return `${organizationTag(organizationId)}.${hashToken(token)}`;
}

/** The tag part of a session key (before the first `.`), or the whole key when it has none. */
export function tagOfSessionKey(tokenHash: string): string {
  const dot = tokenHash.indexOf(".");
  return dot < 0 ? tokenHash : tokenHash.slice(0, dot);
}

/** A fresh session token of the organization: its tag, a dot and 256 random bits (base64url). */
export function generateSessionToken(organizationId: string): string {
  return `${organizationTag(organizationId)}.${generateToken()}`;
}

const TAG = /^[A-Za-z0-9_-]{1,400}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The organization a token names and its store key; `null` for anything not shaped like an issued token. */
export function parseSessionToken(token: string): { organizationId: string; tokenHash: string } | null {
  if (token.length > 450) return null;
  const dot = token.indexOf(".");
  if (dot <= 0) return null;
  const tag = token.slice(0, dot);
  if (!SECRET.test(token.slice(dot + 1))) return null;
  const organizationId = organizationOfTag(tag);
  if (organizationId === null) return null;
  return { organizationId, tokenHash: `${tag}.${hashToken(token)}` };
}

// Decoding a tag is a pure function of it and a service sees few organizations: the tags seen last are
// remembered (a bounded map, oldest out first), which spares every request two base64 conversions.
const TAG_MEMO_SIZE = 1_000;
const tagMemo = new Map<string, string | null>();

/** The organization id a tag encodes, or `null` for a tag that is no canonical encoding of one. */
function organizationOfTag(tag: string): string | null {
  const known = tagMemo.get(tag);
  if (known !== undefined) return known;
  let organizationId: string | null = null;
  if (TAG.test(tag)) {
    const decoded = Buffer.from(tag, "base64url").toString("utf8");
    // A tag that is no canonical encoding (padding bits, invalid UTF-8) names no organization we issued for.
    if (organizationTag(decoded) === tag) organizationId = decoded;
  }
  if (tagMemo.size >= TAG_MEMO_SIZE) tagMemo.delete(tagMemo.keys().next().value as string);
  tagMemo.set(tag, organizationId);
  return organizationId;
}

/** A fresh authorization version: 128 random bits, so no version is ever handed out twice. */
export function newAuthorizationVersion(): string {
  // Every validation on Redis passes a candidate (stored only when the organization has none): the bytes come
  // from the CSPRNG in blocks, as Node's randomUUID does, rather than one randomBytes call per request. Each
  // 16-byte slice is handed out once.
  if (versionOffset === VERSION_POOL.length) {
    randomFillSync(VERSION_POOL);
    versionOffset = 0;
  }
  const version = VERSION_POOL.toString("base64url", versionOffset, versionOffset + 16);
  versionOffset += 16;
  return version;
}

const VERSION_POOL = Buffer.alloc(16 * 128);
let versionOffset = VERSION_POOL.length;
