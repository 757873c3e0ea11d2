import type { MatrixComponent, MatrixShape } from "./define-matrix.js";

/** Options of {@link renderMatrix}. */
export interface RenderMatrixOptions {
  /** @default "markdown" */
  format?: "markdown" | "html";
  /** Whether each component's description is rendered under its heading. @default true */
  descriptions?: boolean;
}

/** One rendered table: header row then one row per page, cells holding the product's labels. */
export interface MatrixTable {
  readonly component: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

const NO_ACCESS = "No access";

/** The matrix as tables, one per component with default roles: page, then one column per role. */
export function matrixTables(matrix: MatrixShape): MatrixTable[] {
  return matrix.components.filter((c) => c.roles.length > 0).map(tableOf);
}

function tableOf(component: MatrixComponent): MatrixTable {
  return {
    component: component.id,
    label: component.label,
    description: component.description,
    header: ["Page", ...component.roles.map((role) => role.label)],
    rows: component.pages.map((page) => [
      page.label,
      ...component.roles.map((role) => role.grants.get(page.id)?.label ?? NO_ACCESS),
    ]),
  };
}

/**
 * Renders the matrix back to the product's tables: a `## <component>` heading, its description and a table
 * per component (Markdown), or `<h2>` and `<table>` elements (HTML, every label escaped).
 * @example console.log(renderMatrix(defaultMatrix));
 */
export function renderMatrix(matrix: MatrixShape, options: RenderMatrixOptions = {}): string {
  const { format = "markdown", descriptions = true } = options;
  const tables = matrixTables(matrix);
  return format === "html"
    ? tables.map((t) => renderHtml(t, descriptions)).join("\n")
    : renderMarkdown(tables, descriptions);
}

function renderMarkdown(tables: MatrixTable[], descriptions: boolean): string {
  const row = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdownCell).join(" | ")} |`;
  return tables
    .map((table) => {
      const lines = [`## ${table.label}`, ""];
      if (descriptions && table.description) lines.push(table.description, "");
      lines.push(row(table.header), row(table.header.map(() => "---")), ...table.rows.map(row));
      return `${lines.join("\n")}\n`;
    })
    .join("\n");
}

function renderHtml(table: MatrixTable, descriptions: boolean): string {
  const cells = (tag: string, values: readonly string[]): string =>
    values.map((v) => `<${tag}>${escapeHtml(v)}</${tag}>`).join("");
  const parts = [`<h2>${escapeHtml(table.label)}</h2>`];
  if (descriptions && table.description) parts.push(`<p>${escapeHtml(table.description)}</p>`);
  parts.push(
    `<table data-component="${escapeHtml(table.component)}">`,
    `<thead><tr>${cells("th", table.header)}</tr></thead>`,
    `<tbody>${table.rows.map((r) => `<tr>${cells("td", r)}</tr>`).join("")}</tbody>`,
    "</table>",
  );
  return parts.join("\n");
}

function escapeMarkdownCell(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
