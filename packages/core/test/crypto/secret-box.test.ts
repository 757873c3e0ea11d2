import { describe, expect, test } from "vitest";
import {
  createSecretBox,
  generateSecretKey,
  type KeyRing,
  parseKeyRing,
  type SecretBox,
} from "../../src/crypto/index.js";
import { isGatehouseError } from "../../src/errors.js";

const oldKey = { id: "k2024", key: new Uint8Array(32).fill(1) };
const newKey = { id: "k2025", key: new Uint8Array(32).fill(2) };

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isGatehouseError(error) ? error.code : "not a GatehouseError";
  }
  return undefined;
}

describe("createSecretBox", () => {
  const box = createSecretBox({ current: newKey, previous: [oldKey] });

  test("opens what it sealed, as text or bytes", () => {
    const sealed = box.seal("JBSWY3DPEHPK3PXP", "totp:usr_1");
    expect(sealed).toMatch(/^v1\.k2025\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(box.openString(sealed, "totp:usr_1")).toBe("JBSWY3DPEHPK3PXP");
    const bytes = new Uint8Array([0, 255, 7]);
    expect(box.open(box.seal(bytes, "x"), "x")).toEqual(bytes);
  });

  test("opens a value sealed with a previous key and says it needs rotation", () => {
    const sealed = createSecretBox({ current: oldKey }).seal("s", "recovery:usr_1");
    expect(box.openString(sealed, "recovery:usr_1")).toBe("s");
    expect(box.needsRotation(sealed)).toBe(true);
    expect(box.needsRotation(box.seal("s", "recovery:usr_1"))).toBe(false);
  });

  test("refuses a value moved to another owner (other associated data)", () => {
    const sealed = box.seal("s", "totp:usr_1");
    expect(codeOf(() => box.open(sealed, "totp:usr_2"))).toBe("TOKEN_INVALID");
  });

  test("refuses a tampered iv, ciphertext, tag or version", () => {
    const sealed = box.seal("a secret of some length", "ad");
    const [version, keyId, iv, body] = sealed.split(".") as [string, string, string, string];
    const flip = (text: string, at: number): string =>
      text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    const tampered = [
      `v2.${keyId}.${iv}.${body}`,
      `${version}.${keyId}.${flip(iv, 0)}.${body}`,
      `${version}.${keyId}.${iv}.${flip(body, 0)}`,
      `${version}.${keyId}.${iv}.${flip(body, body.length - 1)}`,
      `${version}.${keyId}.${iv}.${body.slice(0, -4)}`,
      `${version}.${keyId}.${iv}.${body}.extra`,
      `${version}.${keyId}.${iv}`,
      "",
    ];
    for (const value of tampered) expect(codeOf(() => box.open(value, "ad"))).toBe("TOKEN_INVALID");
    // Relabelled with another key of the ring: that key cannot authenticate it.
    expect(codeOf(() => box.open(`${version}.${oldKey.id}.${iv}.${body}`, "ad"))).toBe("TOKEN_INVALID");
  });

  test("refuses an unknown key id as a configuration error", () => {
    const sealed = createSecretBox({ current: { id: "gone", key: new Uint8Array(32) } }).seal("s", "ad");
    expect(codeOf(() => box.open(sealed, "ad"))).toBe("CONFIGURATION");
  });

  test("never repeats an iv across 10,000 seals", () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 10_000; i++) ivs.add(box.seal("same", "same").split(".")[2] ?? "");
    expect(ivs.size).toBe(10_000);
  });

  test("refuses a key that is not 32 bytes, a repeated id or an id with a separator", () => {
    const rings: KeyRing[] = [
      { current: { id: "a", key: new Uint8Array(16) } },
      { current: oldKey, previous: [{ ...newKey, id: oldKey.id }] },
      { current: { id: "a.b", key: new Uint8Array(32) } },
      { current: { id: "a:b", key: new Uint8Array(32) } },
    ];
    for (const ring of rings) expect(codeOf(() => createSecretBox(ring))).toBe("CONFIGURATION");
  });
});

describe("parseKeyRing and generateSecretKey", () => {
  test("a generated key parses into a working ring", () => {
    const current = generateSecretKey("2025-06");
    expect(current).toMatch(/^2025-06:[A-Za-z0-9+/]{43}=$/);
    const ring = parseKeyRing({ current, previous: [generateSecretKey("2024-01")] });
    expect(ring.current.id).toBe("2025-06");
    expect(ring.current.key).toHaveLength(32);
    expect(ring.previous?.map((key) => key.id)).toEqual(["2024-01"]);
    const box: SecretBox = createSecretBox(ring);
    expect(box.openString(box.seal("x", "y"), "y")).toBe("x");
  });

  test("refuses malformed entries without echoing the key", () => {
    const short = `k:${Buffer.alloc(16).toString("base64")}`;
    const bad = ["no-separator", short, "k:not base64!", `bad.id:${Buffer.alloc(32).toString("base64")}`];
    for (const current of bad) expect(codeOf(() => parseKeyRing({ current }))).toBe("CONFIGURATION");
    const key = generateSecretKey("same");
    expect(codeOf(() => parseKeyRing({ current: key, previous: [key] }))).toBe("CONFIGURATION");
    try {
      parseKeyRing({ current: short });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(short.slice(2));
    }
  });
});
