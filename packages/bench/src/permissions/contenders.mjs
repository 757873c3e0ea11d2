// Every contender of the permission benchmark: the same user (the same role tables) expressed in each library.
// Each contender has:
//   build()                 from the role tables to the object that answers for this user (timed as "build")
//   check(subject, p, a)    one answer, for the agreement check
//   input                   the query mix in the form its API takes, prepared once outside every timer
//   pass(subject, input)    one pass over the mix, returning how many queries were allowed (timed)
// `pass` is written out per contender rather than shared: a shared loop calling a different `check` per
// contender would be a megamorphic call site that V8 cannot inline, which penalizes the cheapest contenders most.

import { AbilityBuilder, createMongoAbility } from "@casl/ability";
import { can, canHandle, compileGrants } from "@gatehousejs/core";
import accesscontrol from "accesscontrol";
import { createAccessControl } from "better-auth/plugins/access";
import { newEnforcer, newModelFromString, StringAdapter } from "casbin";

const { AccessControl } = accesscontrol;

// Casbin's RBAC model of its documentation: the subject holds roles through `g`, a policy line grants a role
// one action on one object.
const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
`;
const CASBIN_USER = "user";

/** The contenders, peers and floors, for one user holding `roleIds` of `matrix`. */
export function createContenders(matrix, roleIds, roleTables, mix) {
  const { pages, actions } = mix;
  const pairs = roleTables.flatMap(({ grants }) =>
    grants.flatMap(({ page, actions: names }) => names.map((action) => ({ page, action }))),
  );

  // Gatehouse: handles are resolved once per process (they are constants of the matrix), not per user.
  const handles = Int32Array.from(pages, (page, i) => matrix.permission(page, actions[i]));

  // accesscontrol only knows create/read/update/delete × own/any, while the matrix has actions like
  // "export-audit" and "reset-password". Every (page, action) pair becomes its own resource `page:action`,
  // granted as "read:any"; a check is `readAny("page:action")`. The resource names are written out per query
  // ahead of time, as a call site would spell a literal.
  const acResources = pages.map((page, i) => `${page}:${actions[i]}`);
  const acGrants = {};
  for (const { id, grants } of roleTables) {
    const resources = {};
    for (const { page, actions: names } of grants) {
      for (const action of names) resources[`${page}:${action}`] = { "read:any": ["*"] };
    }
    acGrants[id] = resources;
  }

  const casbinPolicy = [
    ...roleTables.flatMap(({ id, grants }) =>
      grants.flatMap(({ page, actions: names }) => names.map((action) => `p, ${id}, ${page}, ${action}`)),
    ),
    ...roleIds.map((id) => `g, ${CASBIN_USER}, ${id}`),
  ].join("\n");

  // better-auth: the statements are the whole matrix (page → every action); a role is page → granted actions.
  const baStatements = Object.fromEntries(matrix.pages.map((p) => [p.id, p.actions.map((a) => a.name)]));
  const baRoleStatements = roleTables.map(({ grants }) =>
    Object.fromEntries(grants.map(({ page, actions: names }) => [page, names])),
  );

  const floorKeys = pages.map((page, i) => `${page}\u0000${actions[i]}`);
  const byName = { pages, actions };

  return [
    {
      id: "gatehouse-can",
      name: "Gatehouse `can` (by name)",
      kind: "gatehouse",
      build: () => compileGrants(matrix, roleIds),
      check: (grants, page, action) => can(grants, page, action),
      input: byName,
      pass(grants, input) {
        const { pages, actions } = input;
        let allowed = 0;
        for (let i = 0; i < pages.length; i++) if (can(grants, pages[i], actions[i])) allowed++;
        return allowed;
      },
    },
    {
      id: "gatehouse-handle",
      name: "Gatehouse `canHandle` (pre-resolved handle)",
      kind: "gatehouse",
      build: () => compileGrants(matrix, roleIds),
      check: (grants, page, action) => canHandle(grants, matrix.permission(page, action)),
      input: handles,
      pass(grants, handles) {
        let allowed = 0;
        for (let i = 0; i < handles.length; i++) if (canHandle(grants, handles[i])) allowed++;
        return allowed;
      },
    },
    {
      id: "casl",
      name: "@casl/ability `ability.can`",
      kind: "peer",
      build() {
        const { can: allow, build } = new AbilityBuilder(createMongoAbility);
        for (const { grants } of roleTables) {
          for (const { page, actions: names } of grants) allow(names, page);
        }
        return build();
      },
      check: (ability, page, action) => ability.can(action, page),
      input: byName,
      pass(ability, input) {
        const { pages, actions } = input;
        let allowed = 0;
        for (let i = 0; i < pages.length; i++) if (ability.can(actions[i], pages[i])) allowed++;
        return allowed;
      },
    },
    {
      id: "accesscontrol",
      name: "accesscontrol `can(roles).readAny`",
      kind: "peer",
      build() {
        // The Query for the user's roles is reused: `readAny` sets the resource on each call.
        return new AccessControl(acGrants).can(roleIds);
      },
      check: (query, page, action) => query.readAny(`${page}:${action}`).granted,
      input: acResources,
      pass(query, resources) {
        let allowed = 0;
        for (let i = 0; i < resources.length; i++) if (query.readAny(resources[i]).granted) allowed++;
        return allowed;
      },
    },
    {
      id: "casbin",
      name: "casbin `enforceSync` (RBAC model)",
      kind: "peer",
      build: () => newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(casbinPolicy)),
      check: (enforcer, page, action) => enforcer.enforceSync(CASBIN_USER, page, action),
      input: byName,
      pass(enforcer, input) {
        const { pages, actions } = input;
        let allowed = 0;
        for (let i = 0; i < pages.length; i++)
          if (enforcer.enforceSync(CASBIN_USER, pages[i], actions[i])) allowed++;
        return allowed;
      },
    },
    {
      id: "better-auth",
      name: "better-auth `role.authorize` (OR over roles)",
      kind: "peer",
      build() {
        const ac = createAccessControl(baStatements);
        return baRoleStatements.map((statements) => ac.newRole(statements));
      },
      // As better-auth's organization plugin does for a member holding several roles: any role that
      // authorizes the request allows it.
      check: (roles, page, action) => roles.some((role) => role.authorize({ [page]: [action] }).success),
      input: byName,
      pass(roles, input) {
        const { pages, actions } = input;
        let allowed = 0;
        for (let i = 0; i < pages.length; i++) {
          const request = { [pages[i]]: [actions[i]] };
          for (let r = 0; r < roles.length; r++) {
            if (roles[r].authorize(request).success) {
              allowed++;
              break;
            }
          }
        }
        return allowed;
      },
    },
    {
      id: "floor-set",
      name: "floor: `Set.has(key)` (key pre-built per query)",
      kind: "floor",
      build: () => new Set(pairs.map(({ page, action }) => `${page}\u0000${action}`)),
      check: (set, page, action) => set.has(`${page}\u0000${action}`),
      input: floorKeys,
      pass(set, keys) {
        let allowed = 0;
        for (let i = 0; i < keys.length; i++) if (set.has(keys[i])) allowed++;
        return allowed;
      },
    },
    {
      id: "floor-map",
      name: "floor: `Map<page, Set<action>>`",
      kind: "floor",
      build() {
        const map = new Map();
        for (const { page, action } of pairs) {
          const set = map.get(page) ?? new Set();
          map.set(page, set.add(action));
        }
        return map;
      },
      check: (map, page, action) => map.get(page)?.has(action) === true,
      input: byName,
      pass(map, input) {
        const { pages, actions } = input;
        let allowed = 0;
        for (let i = 0; i < pages.length; i++) if (map.get(pages[i])?.has(actions[i])) allowed++;
        return allowed;
      },
    },
  ];
}
