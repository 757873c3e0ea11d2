// The inputs every permission contender is given: the user's roles read straight off the matrix, and one fixed
// mix of allowed and denied (page, action) queries.

/**
 * The grants of each role, in the shape every peer library is fed: page → actions. Read from `matrix.roles`
 * (the role tables, not Gatehouse's compiled bits), plus the personal pages, which the seed says every role
 * grants ("All roles grant access to the user's personal profile page").
 */
export function readRoleTables(matrix, roleIds) {
  const personal = matrix.pages.filter((page) => page.personal);
  return roleIds.map((id) => {
    const role = matrix.findRole(id);
    if (!role) throw new Error(`the matrix has no role "${id}"`);
    const grants = [];
    for (const [page, grant] of role.grants) {
      if (grant.actions.length > 0) grants.push({ page, actions: [...grant.actions] });
    }
    for (const page of personal) grants.push({ page: page.id, actions: page.actions.map((a) => a.name) });
    return { id, grants };
  });
}

/** Every (page, action) pair of the matrix, split by whether any of the role tables grants it. */
export function splitPairs(matrix, roleTables) {
  const granted = new Set();
  for (const { grants } of roleTables) {
    for (const { page, actions } of grants)
      for (const action of actions) granted.add(`${page}\u0000${action}`);
  }
  const allowed = [];
  const denied = [];
  for (const page of matrix.pages) {
    for (const { name } of page.actions) {
      (granted.has(`${page.id}\u0000${name}`) ? allowed : denied).push({ page: page.id, action: name });
    }
  }
  return { allowed, denied };
}

/** mulberry32: a tiny seeded PRNG, so every run (and every machine) draws the same mix. */
export function createRng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws `size` queries: each is, with even odds, a uniformly drawn allowed pair or a uniformly drawn denied
 * pair of the matrix. The order is random too, so no contender gets a branch pattern to learn.
 */
export function buildQueryMix(matrix, roleTables, { size = 1024, seed = 0x9a7e } = {}) {
  const { allowed, denied } = splitPairs(matrix, roleTables);
  const rng = createRng(seed);
  const pages = [];
  const actions = [];
  const expected = [];
  for (let i = 0; i < size; i++) {
    const allow = rng() < 0.5;
    const from = allow ? allowed : denied;
    const pair = from[Math.floor(rng() * from.length)];
    pages.push(pair.page);
    actions.push(pair.action);
    expected.push(allow);
  }
  return {
    size,
    pages,
    actions,
    expected,
    allowedCount: expected.filter(Boolean).length,
    pairCount: allowed.length + denied.length,
    grantedPairCount: allowed.length,
  };
}
