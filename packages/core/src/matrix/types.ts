/** A page of a component: the actions it offers, some of which may be reserved for platform staff. */
export interface PageConfig {
  /** What the product shows in the table's first column, e.g. "Call Targets". */
  readonly label: string;
  /** Every action of the page, e.g. `["view", "create", "edit", "delete"]`. */
  readonly actions: readonly string[];
  /** Actions no organization role may grant: only platform staff hold them. */
  readonly reserved?: readonly string[];
}

/** What a default role grants on one page: every non-reserved action, none, or a labelled subset. */
export type GrantConfig<Action extends string = string> =
  | "all"
  | "none"
  | { readonly label: string; readonly actions: readonly Action[] | "all" };

/** A default role of a component, with its grant per page (a page left out is "No access"). */
export interface RoleConfig<Pages extends Record<string, PageConfig> = Record<string, PageConfig>> {
  readonly label: string;
  readonly grants: { readonly [P in keyof Pages]?: GrantConfig<Pages[P]["actions"][number]> };
}

/** A component of the product: its pages and its default roles. */
export interface ComponentConfig<Pages extends Record<string, PageConfig> = Record<string, PageConfig>> {
  readonly label: string;
  /** The sentence the product shows under the component's heading. */
  readonly description?: string;
  readonly pages: Pages;
  readonly roles: Record<string, RoleConfig<Pages>>;
}

/** The input of `defineMatrix`. */
export interface MatrixConfig<C extends Record<string, ComponentConfig> = Record<string, ComponentConfig>> {
  readonly components: C;
  /** Pages every role grants whole, e.g. the personal profile page; not rendered in the tables. */
  readonly personal?: Record<string, PageConfig>;
}

type Components<Config> = Config extends { components: infer C extends Record<string, ComponentConfig> }
  ? C
  : never;
type PagesOf<Config, K> = K extends keyof Components<Config> ? Components<Config>[K]["pages"] : never;
type RoleKeysOf<Config, K> = K extends keyof Components<Config>
  ? keyof Components<Config>[K]["roles"]
  : never;
type Personal<Config> = Config extends { personal: infer P } ? P : Record<never, never>;
type ActionsOf<P> = P extends { actions: readonly (infer A)[] } ? A & string : never;

/** The permission map of a matrix config: page id (`component.page`) → the union of its action names. */
export type PermissionMapOf<Config> = { [Id in PageIdsOf<Config>]: ActionsOfPage<Config, Id> };

type ActionsOfPage<Config, Id> = Id extends `account.${infer P}`
  ? P extends keyof Personal<Config>
    ? ActionsOf<Personal<Config>[P]>
    : never
  : Id extends `${infer K}.${infer P}`
    ? P extends keyof PagesOf<Config, K>
      ? ActionsOf<PagesOf<Config, K>[P]>
      : never
    : never;

type PageIdsOf<Config> =
  | {
      [K in keyof Components<Config> & string]: `${K}.${keyof PagesOf<Config, K> & string}`;
    }[keyof Components<Config> & string]
  | `account.${keyof Personal<Config> & string}`;

/** The default role ids of a matrix config (`component.role`). */
export type RoleIdsOf<Config> = {
  [K in keyof Components<Config> & string]: `${K}.${RoleKeysOf<Config, K> & string}`;
}[keyof Components<Config> & string];

/** Any permission map: page id → action names. */
export type PermissionMap = Record<string, string>;

/** A page id of a matrix's permission map. */
export type PageId<M extends PermissionMap> = keyof M & string;

/** An action name of one page of a permission map. */
export type ActionOf<M extends PermissionMap, P extends PageId<M>> = M[P];

/** A `(page, action)` pair, the unit a custom role holds. */
export interface Permission<M extends PermissionMap = PermissionMap> {
  readonly page: PageId<M>;
  readonly action: string;
}
