import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { defaultMatrix, renderMatrix } from "../../src/index.js";

// The seed is the product's help page flattened to text: each table row is its cells run together on one
// line. We parse the tables out of it by the section headings and check every row of renderMatrix against it.
// test/fixtures holds a verbatim copy of shared/seeds/000_dd6f450c30b3a799.txt.
const seedPath = fileURLToPath(new URL("../fixtures/seed-000.txt", import.meta.url));
const seedLines = readFileSync(seedPath, "utf8").split("\n");

interface SeedTable {
  label: string;
  description: string;
  header: string;
  rows: string[];
}

function seedTables(): SeedTable[] {
  const start = seedLines.indexOf("Note: All roles grant access to the user's personal profile page.");
  const end = seedLines.indexOf("Authentication security");
  const tables: SeedTable[] = [];
  // Each section is: heading, blank, description, blank, header row, data rows…, blank.
  for (let i = start + 2; i < end; ) {
    const label = seedLines[i] as string;
    const description = seedLines[i + 2] as string;
    const rows: string[] = [];
    let j = i + 4;
    while (j < end && seedLines[j] !== "") rows.push(seedLines[j++] as string);
    const [header, ...data] = rows;
    tables.push({ label, description, header: header as string, rows: data });
    i = j + 1;
  }
  return tables;
}

interface RenderedTable {
  label: string;
  description: string;
  header: string[];
  rows: string[][];
}

function renderedTables(markdown: string): RenderedTable[] {
  const cells = (line: string): string[] =>
    line
      .slice(2, -2)
      .split(" | ")
      .map((c) => c.replace(/\\\|/g, "|"));
  return markdown
    .split(/^## /m)
    .filter(Boolean)
    .map((section) => {
      const lines = section.trim().split("\n");
      const tableLines = lines.filter((l) => l.startsWith("| "));
      return {
        label: lines[0] as string,
        description: lines[2] as string,
        header: cells(tableLines[0] as string),
        rows: tableLines.slice(2).map(cells),
      };
    });
}

describe("the shipped matrix reproduces every table of seed 000", () => {
  const seed = seedTables();
  const rendered = renderedTables(renderMatrix(defaultMatrix));

  test("the same components, in the same order", () => {
    expect(seed.map((t) => t.label)).toEqual([
      "Callback",
      "Connections",
      "Datastore",
      "Handoff",
      "Mindful API",
      "Platform Management",
      "Webhooks",
    ]);
    expect(rendered.map((t) => t.label)).toEqual(seed.map((t) => t.label));
    expect(rendered.map((t) => t.description)).toEqual(seed.map((t) => t.description));
  });

  for (const table of seedTables()) {
    test(`${table.label}: every role, page and label word for word`, () => {
      const mine = rendered.find((t) => t.label === table.label);
      if (!mine) throw new Error(`no rendered table for ${table.label}`);
      // The seed's header sometimes omits "Page" (Datastore) or keeps a space between roles (Webhooks).
      const roles = mine.header.slice(1);
      expect(table.header.replace(/\s+/g, "").replace(/^Page/, "")).toBe(roles.join(""));
      expect(mine.rows).toHaveLength(table.rows.length);
      mine.rows.forEach((cells, i) => {
        expect(cells).toHaveLength(roles.length + 1);
        expect(cells.join("")).toBe(table.rows[i]);
      });
    });
  }

  test("spot checks of the labels most easily mistyped", () => {
    const md = renderMatrix(defaultMatrix);
    expect(md).toContain("| Exports | All | All | All except for Audit reports |");
    expect(md).toContain("| Alerts | All | All | View Only - cannot acknowledge/clear alerts |");
    expect(md).toContain(
      "| Application Roles | All | View default roles / View and edit existing custom roles | View only |",
    );
  });
});
