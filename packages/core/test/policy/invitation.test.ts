import { describe, expect, test } from "vitest";
import { type Issue, ValidationError } from "../../src/errors.js";
import { normalizeEmail, parseInvitationAddresses } from "../../src/policy/index.js";

/** The issues of the ValidationError `run` throws. */
function issuesOf(run: () => unknown): readonly Issue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.issues ?? [];
  }
  throw new Error("expected a ValidationError");
}

describe("parseInvitationAddresses", () => {
  test.each([
    ["a comma", "ann@example.com,bob@example.com"],
    ["a semicolon", "ann@example.com;bob@example.com"],
    ["a space", "ann@example.com bob@example.com"],
    ["a tab", "ann@example.com\tbob@example.com"],
    ["a new line", "ann@example.com\nbob@example.com"],
    ["a Windows new line", "ann@example.com\r\nbob@example.com"],
    ["a non-breaking space", "ann@example.com\u00a0bob@example.com"],
  ])("splits on %s", (_, input) => {
    expect(parseInvitationAddresses(input)).toEqual(["ann@example.com", "bob@example.com"]);
  });

  test("splits on mixed and repeated separators, ignoring leading and trailing ones", () => {
    const input = " ;ann@example.com, ;\n bob@example.com;;cid@example.com ,\n";
    expect(parseInvitationAddresses(input)).toEqual([
      "ann@example.com",
      "bob@example.com",
      "cid@example.com",
    ]);
  });

  test("drops duplicates that differ only in case, keeping first-seen order", () => {
    const input = "Bob@Example.com, ann@example.com, BOB@example.COM, bob@example.com";
    expect(parseInvitationAddresses(input)).toEqual(["bob@example.com", "ann@example.com"]);
  });

  test("lists each bad address, and only the bad ones", () => {
    const long = `${"a".repeat(250)}@x.io`;
    const issues = issuesOf(() =>
      parseInvitationAddresses(`ann@example.com, not-an-email; bob@@example.com ${long}`),
    );
    expect(issues.map(({ path, reason }) => ({ path, reason }))).toEqual([
      { path: ["not-an-email"], reason: "invalid-email" },
      { path: ["bob@@example.com"], reason: "invalid-email" },
      { path: [long], reason: "too-long" },
    ]);
    for (const issue of issues) expect(issue.message).not.toBe("");
  });

  test("an address of 254 characters is accepted and one of 255 is too long", () => {
    const address = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.io`;
    expect(address).toHaveLength(254);
    expect(parseInvitationAddresses(address)).toEqual([address]);
    expect(issuesOf(() => parseInvitationAddresses(`a${address}`))).toEqual([
      expect.objectContaining({ path: [`a${address}`], reason: "too-long" }),
    ]);
  });

  test("refuses an empty field", () => {
    for (const input of ["", "  ", " ,; \n"]) {
      expect(issuesOf(() => parseInvitationAddresses(input))).toEqual([
        expect.objectContaining({ path: ["emails"], reason: "empty" }),
      ]);
    }
  });

  test("refuses more addresses than allowed with one issue", () => {
    const input = Array.from({ length: 1001 }, (_, i) => `user${i}@example.com`).join("\n");
    expect(parseInvitationAddresses(input, { maxAddresses: 1001 })).toHaveLength(1001);
    expect(issuesOf(() => parseInvitationAddresses(input))).toEqual([
      expect.objectContaining({ path: ["emails"], reason: "too-many" }),
    ]);
    expect(
      issuesOf(() => parseInvitationAddresses("a@x.io b@x.io c@x.io", { maxAddresses: 2 })),
    ).toHaveLength(1);
  });

  test("duplicates do not count towards the limit", () => {
    expect(parseInvitationAddresses("a@x.io A@x.io a@X.io", { maxAddresses: 1 })).toEqual(["a@x.io"]);
  });

  test("a nonsensical maxAddresses is a configuration error", () => {
    expect(() => parseInvitationAddresses("a@x.io", { maxAddresses: 0 })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
  });
});

describe("normalizeEmail", () => {
  test("trims, lower-cases and composes to NFC", () => {
    expect(normalizeEmail("  Ann@Example.COM \n")).toBe("ann@example.com");
    // "e" + combining acute accent and the precomposed "é" are one key.
    expect(normalizeEmail("Rene\u0301@example.com")).toBe(normalizeEmail("REN\u00c9@example.com"));
  });
});
