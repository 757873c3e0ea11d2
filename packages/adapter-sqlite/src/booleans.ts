import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PrimitiveValueListNode,
  type ValueNode,
} from "kysely";

/** SQLite has no boolean type and its drivers bind none: `true` and `false` are bound as 1 and 0. */
class BooleansAsIntegers extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return typeof node.value === "boolean" ? { ...node, value: node.value ? 1 : 0 } : node;
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    const values = node.values.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : value));
    return { ...node, values };
  }
}

/** The kysely plugin the store adds to the host's instance (any SQLite driver). */
export const booleansAsIntegers: KyselyPlugin = {
  transformQuery: (args) => new BooleansAsIntegers().transformNode(args.node),
  transformResult: async (args) => args.result,
};
