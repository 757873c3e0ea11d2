import {
  createConsoleMailer,
  createGatehouse,
  createMemoryStore,
  generateSecretKey,
} from "@gatehousejs/core";
import {
  gatehouseErrorHandler,
  gatehouseMiddleware,
  gatehouseRouter,
  requirePermission,
} from "@gatehousejs/express-middleware";
import express, { type Express } from "express";

const gatehouse = createGatehouse({
  store: createMemoryStore(), // or { ...createPostgresStore({ db }), ...createRedisStore({ redis }) }
  mailer: createConsoleMailer(), // prints the e-mails: the first administrator's temporary password is there
  secrets: { current: process.env.GATEHOUSE_KEY ?? generateSecretKey("k1") },
  links: "http://localhost:3000",
});

// First run: an organization and its administrator, invited by the system.
const system = { kind: "system", name: "bootstrap" } as const;
const organization = await gatehouse.createOrganization(system, { name: "Acme" });
await gatehouse.inviteUsers(system, {
  organizationId: organization.id,
  emails: "admin@acme.test",
  roles: ["platform.administrator", "webhooks.administrator"],
});

// Secure cookies everywhere but plain-HTTP development.
const options = { secure: process.env.NODE_ENV !== "development" };

export const app: Express = express();
app.use(gatehouseMiddleware(gatehouse, options));
app.use("/api/auth", gatehouseRouter(gatehouse, options));

app.get("/api/webhooks", requirePermission("webhooks.webhooks", "view"), (req, res) => {
  res.json({ items: [], canDelete: req.auth.can("webhooks.webhooks", "delete") });
});

app.use(gatehouseErrorHandler({ onError: (error) => console.error(error) }));

if (process.env.NODE_ENV !== "test") app.listen(3000, () => console.log("http://localhost:3000"));
