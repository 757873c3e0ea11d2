// The API reference page: the OpenAPI document the handler serves, rendered as one table for a person. Server
// rendered, no script at all (the Content-Security-Policy allows none), every value escaped by hono/html.
import { createHash } from "node:crypto";
import type { OpenApiDocument } from "@gatehousejs/http";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** One operation of the document, as the page shows it. */
export interface OperationRow {
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly stage: string;
  /** `page · action` of the matrix, or `null` when the route needs no permission. */
  readonly permission: string | null;
  readonly throttle: string | null;
  readonly success: string;
  /** The problem answers: status and the stable codes. */
  readonly problems: readonly { readonly status: string; readonly codes: readonly string[] }[];
}

type Operation = {
  summary?: string;
  "x-gatehouse-stage"?: string;
  "x-gatehouse-permission"?: { flow: string; page: string; action: string };
  "x-gatehouse-throttle"?: string;
  responses?: Record<string, { content?: Record<string, { schema?: ProblemSchema }> }>;
};
type ProblemSchema = { properties?: { code?: { enum?: string[] } } };

const METHODS = ["get", "post", "put", "patch", "delete"];

/** The operations of a document, in its path order, with what the page shows of each. */
export function operationsOf(document: OpenApiDocument): OperationRow[] {
  const rows: OperationRow[] = [];
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = Object.entries(operation.responses ?? {});
      const success = responses.find(([status]) => /^2\d\d$/.test(status))?.[0] ?? "";
      const problems = responses
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .map(([status, response]) => ({
          status,
          codes: response.content?.["application/problem+json"]?.schema?.properties?.code?.enum ?? [],
        }));
      const permission = operation["x-gatehouse-permission"];
      rows.push({
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? "",
        stage: operation["x-gatehouse-stage"] ?? "",
        permission: permission ? `${permission.page} · ${permission.action}` : null,
        throttle: operation["x-gatehouse-throttle"] ?? null,
        success,
        problems,
      });
    }
  }
  return rows;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 84rem; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid #d8dee4; }
th { background: #f3f5f7; position: sticky; top: 0; }
code { font: 13px ui-monospace, monospace; }
.method { font-weight: 600; }
.stage-any { color: #57606a; }
.none { color: #8c959f; }
ul { margin: 0; padding-left: 1rem; }
`;

/** The page, and the Content-Security-Policy that lets only its own inline style through. */
export function renderReference(
  document: OpenApiDocument,
  documentUrl: string,
): { html: string; contentSecurityPolicy: string } {
  const rows = operationsOf(document);
  const info = document.info as { title?: string; version?: string; description?: string };
  const styleHash = createHash("sha256").update(STYLE).digest("base64");
  const none = html`<span class="none">none</span>`;
  const cell = (value: string | null): HtmlEscapedString | Promise<HtmlEscapedString> =>
    value === null ? none : html`<code>${value}</code>`;
  const body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${info.title ?? "API"}: API reference</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
<h1>${info.title ?? "API"} <small>${info.version ?? ""}</small></h1>
<p>${info.description ?? ""} ${rows.length} operations, generated from the OpenAPI document served at
<a href="${documentUrl}"><code>${documentUrl}</code></a>. Errors are <code>application/problem+json</code> with a
stable <code>code</code>.</p>
<table>
<thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Stage</th><th>Permission</th><th>Throttle</th><th>Success</th><th>Errors</th></tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr>
<td class="method">${row.method}</td>
<td><code>${row.path}</code></td>
<td>${row.summary}</td>
<td class="stage-${row.stage}">${row.stage}</td>
<td>${cell(row.permission)}</td>
<td>${cell(row.throttle)}</td>
<td>${row.success}</td>
<td><ul>${row.problems.map((p) => html`<li>${p.status} ${p.codes.join(", ")}</li>`)}</ul></td>
</tr>
`,
)}
</tbody>
</table>
</main>
</body>
</html>
`;
  return {
    html: String(body),
    contentSecurityPolicy: `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}
