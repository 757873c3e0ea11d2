// Writes the OpenAPI 3.1 document of the route table, with the default flow permissions and no base path, to
// dist/openapi.json after each build, for tools that read a file (client generators, API gateways, docs
// sites). Hosts with their own base path or permissions call generateOpenApiDocument, or serve it with
// `openApi: true`.
import { writeFile } from "node:fs/promises";
import { generateOpenApiDocument } from "../dist/index.js";

const target = new URL("../dist/openapi.json", import.meta.url);
await writeFile(target, `${JSON.stringify(generateOpenApiDocument(), null, 2)}\n`);
