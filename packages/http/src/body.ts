import type { Issue } from "@gatehousejs/core";
import { HttpProblem } from "./problem.js";

const tooLarge = () => new HttpProblem(413, "PAYLOAD_TOO_LARGE", "The request body is too large.");

/** Whether a `Content-Type` is JSON (`application/json` or any `+json` type). */
function isJson(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * The request's JSON body, read at most `limit` bytes far: 413 past it (by `Content-Length` before a byte is
 * read), 400 for malformed JSON or a top level that is not an object or array, 415 for a charset other than
 * UTF-8 or a compressed body. A body that is not JSON, or none, is `undefined`, for the schema to refuse.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (request.body === null || !isJson(contentType)) return undefined;
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(contentType ?? "")?.[2]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new HttpProblem(415, "UNSUPPORTED_MEDIA_TYPE", `The charset "${charset}" is not supported.`);
  }
  const encoding = request.headers.get("content-encoding");
  if (encoding !== null && encoding.toLowerCase() !== "identity") {
    throw new HttpProblem(415, "UNSUPPORTED_MEDIA_TYPE", "A compressed body is not supported.");
  }
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw tooLarge();
  const text = await readText(request.body, limit);
  const trimmed = text.trimStart();
  if (trimmed === "") return {};
  // As Express's parser: only an object or an array at the top level.
  if (trimmed[0] !== "{" && trimmed[0] !== "[") throw malformed();
  try {
    return JSON.parse(text);
  } catch {
    throw malformed();
  }
}

async function readText(body: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder("utf-8").decode(bytes);
}

function malformed(): HttpProblem {
  const issues: Issue[] = [{ path: [], reason: "malformed-json", message: "The body is not valid JSON." }];
  return new HttpProblem(400, "VALIDATION", "The body is not valid JSON.", issues);
}
