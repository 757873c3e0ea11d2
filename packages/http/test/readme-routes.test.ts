import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { generateOpenApiDocument } from "../src/index.js";

// The READMEs' route tables against the OpenAPI document (itself generated from the route table), so that no
// README names a route, a stage or a permission the handler does not serve:
// - the http README's table, between `<!-- routes:start -->` and `<!-- routes:end -->`, IS the document rendered
//   (renderRouteTable); `GATEHOUSE_WRITE_READMES=1 npx vitest run packages/http/test/readme-routes.test.ts`
//   writes it again after a route changes;
// - the express-middleware README's hand-written tables (route, session or permission, body, answers) are
//   parsed and checked: the same set of routes, stage and permission column by column.
// The Fastify README has no table of its own: it points to the http README's.

type Operation = {
  summary: string;
  "x-gatehouse-stage": "any" | "authenticated";
  "x-gatehouse-permission"?: { flow: string; page: string; action: string };
  "x-gatehouse-throttle"?: string;
};

const METHODS = ["get", "post", "put", "patch", "delete"];

/** Every operation of the document with the README's path notation (`:id`, not `{id}`), under no base path. */
function operations(): Map<string, Operation> {
  const document = generateOpenApiDocument();
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) found.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`, operation);
    }
  }
  return found;
}

/** The http README's route table: one row per operation, in the document's order. */
function renderRouteTable(): string {
  const rows = [...operations()].map(([route, operation]) => {
    const permission = operation["x-gatehouse-permission"];
    return [
      `\`${route}\``,
      operation["x-gatehouse-stage"],
      permission ? `\`${permission.page}\` \`${permission.action}\`` : "",
      operation["x-gatehouse-throttle"] ? `\`${operation["x-gatehouse-throttle"]}\`` : "",
      operation.summary.replace(/\|/g, "\\|"),
    ];
  });
  return [
    "| Route | Stage | Permission | Throttle | What it does |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ].join("\n");
}

const readme = (pkg: string) => new URL(`../../${pkg}/README.md`, import.meta.url);

/** The cells of every row of every Markdown table of a text whose header starts with `first`. */
function tableRows(markdown: string, first: string): { header: string[]; cells: string[] }[] {
  const rows: { header: string[]; cells: string[] }[] = [];
  let header: string[] | null = null;
  const split = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      header = null;
      continue;
    }
    const cells = split(line);
    if (header === null) {
      header = cells[0]?.toLowerCase() === first ? cells.map((c) => c.toLowerCase()) : [];
      continue;
    }
    if (header.length === 0 || /^-+$/.test(cells[0]?.replace(/[\s:]/g, "") ?? "")) continue;
    rows.push({ header, cells });
  }
  return rows;
}

describe("the http README's route table", () => {
  test("is the OpenAPI document rendered: every route with its stage, permission and throttle", () => {
    const file = readme("http");
    const text = readFileSync(file, "utf8");
    const found = /<!-- routes:start -->\n([\s\S]*?)<!-- routes:end -->/.exec(text);
    expect(found, "the http README has no <!-- routes:start --> … <!-- routes:end --> block").not.toBeNull();
    const expected = `${renderRouteTable()}\n`;
    if (process.env.GATEHOUSE_WRITE_READMES === "1" && found?.[1] !== expected) {
      writeFileSync(
        file,
        text.replace(found?.[0] ?? "", `<!-- routes:start -->\n${expected}<!-- routes:end -->`),
      );
      return;
    }
    expect(found?.[1], "run with GATEHOUSE_WRITE_READMES=1 to write the table again").toBe(expected);
  });
});

describe("the express-middleware README's route tables", () => {
  const rows = tableRows(readFileSync(readme("express-middleware"), "utf8"), "route");
  const documented = rows.map((row) => ({
    ...row,
    route: /^`([A-Z]+ \/[^`]*)`$/.exec(row.cells[0] ?? "")?.[1],
  }));

  test("name exactly the document's routes, each once", () => {
    for (const row of documented) expect(row.route, `not a route: ${row.cells[0]}`).toBeDefined();
    const names = documented.map((row) => row.route as string);
    expect(new Set(names).size, "a route is in two rows").toBe(names.length);
    expect(names.sort()).toEqual([...operations().keys()].sort());
  });

  test("their session column agrees with the stage; their permission column with the permission", () => {
    const ops = operations();
    let page: string | null = null;
    for (const row of documented) {
      const operation = ops.get(row.route as string) as Operation;
      const session = row.cells[row.header.indexOf("session")];
      const permission = row.cells[row.header.indexOf("permission")];
      if (session !== undefined) {
        // A route of the authenticated stage says exactly `authenticated`; one that takes no session says
        // "none" or "any …". Routes of the "any" stage whose step the service checks may name the steps
        // (`mfa`, `password-change` or `authenticated`, or `authenticated` alone).
        const stage = operation["x-gatehouse-stage"];
        if (stage === "authenticated") expect(session, row.route).toBe("`authenticated`");
        if (session === "none" || session.startsWith("any")) expect(stage, row.route).toBe("any");
      }
      if (permission !== undefined) {
        // A table with a permission column is under "All need an `authenticated` session".
        expect(operation["x-gatehouse-stage"], row.route).toBe("authenticated");
        // `page` `action` (the page carries over to the rows below), or `action` alone.
        const named = [...permission.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
        if (named.length > 1 && named[0]?.includes(".")) page = named[0] ?? null;
        const action = named[0]?.includes(".") ? named[1] : named[0];
        const expected = operation["x-gatehouse-permission"];
        expect({ page, action }, row.route).toEqual({ page: expected?.page, action: expected?.action });
      }
    }
  });
});

describe("the Fastify README", () => {
  test("points to the http README's route table rather than keeping a copy", () => {
    const text = readFileSync(readme("fastify"), "utf8");
    expect(text).toContain("../http#the-routes");
    expect(tableRows(text, "route")).toEqual([]);
  });
});
