import { describe, expect, it } from "vitest";
import { asciiLowerCase, checkSchemaName } from "../src/index.js";

describe("the e-mail key", () => {
  it("lower-cases ASCII letters and folds nothing else, as the unique index does", () => {
    expect(asciiLowerCase("Ann.LEE+x@Example.TEST")).toBe("ann.lee+x@example.test");
    expect(asciiLowerCase("JOSÉ@x ")).toBe("josÉ@x ");
    expect(asciiLowerCase("STRAẞE")).toBe("straẞe");
  });
});

describe("schema names", () => {
  it("takes a plain identifier and refuses anything that would need quoting, as CONFIGURATION", () => {
    expect(() => checkSchemaName("gatehouse_1")).not.toThrow();
    for (const name of ["", "1st", "a-b", 'x"; drop table users; --', "a".repeat(64)]) {
      expect(() => checkSchemaName(name)).toThrow(expect.objectContaining({ code: "CONFIGURATION" }));
    }
  });
});
