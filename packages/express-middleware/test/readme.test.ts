import { readFileSync } from "node:fs";
import request from "supertest";
import { expect, test, vi } from "vitest";

test("the README's example is this file, word for word, and it runs: invite, sign in, set a password, use a guarded route", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("./readme-example.ts", import.meta.url), "utf8");
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);

  const printed: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  const { app } = await import("./readme-example.js");
  vi.restoreAllMocks();
  const temporary = /Temporary password: (\S+)/.exec(printed.join("\n"))?.[1];
  expect(temporary).toBeDefined();

  const headers = { "sec-fetch-site": "same-origin" };
  const login = await request(app)
    .post("/api/auth/login")
    .set(headers)
    .send({ email: "admin@acme.test", password: temporary });
  expect(login.status).toBe(200);
  expect(login.body.stage).toBe("password-change");
  let cookie = (login.headers["set-cookie"] as unknown as string[])[0]?.split(";")[0] as string;
  const changed = await request(app)
    .post("/api/auth/password/change")
    .set({ ...headers, cookie })
    .send({ newPassword: "a long and private passphrase" });
  expect(changed.status).toBe(200);
  cookie = (changed.headers["set-cookie"] as unknown as string[])[0]?.split(";")[0] as string;
  const webhooks = await request(app).get("/api/webhooks").set({ cookie });
  expect(webhooks.status).toBe(200);
  expect(webhooks.body).toEqual({ items: [], canDelete: true });
  expect((await request(app).get("/api/webhooks")).status).toBe(401);
});
