import {
  OperationNodeTransformer,
  TopNode,
  ValueNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type SelectQueryNode,
  type UnknownRow,
} from 'kysely';

class LimitToTop extends OperationNodeTransformer {
  protected override transformSelectQuery(node: SelectQueryNode): SelectQueryNode {
    const query = super.transformSelectQuery(node);
    const limit = query.limit?.limit;
    if (!limit || query.offset || query.top || !ValueNode.is(limit) || typeof limit.value !== 'number') return query;
    return Object.freeze({ ...query, limit: undefined, top: TopNode.create(limit.value) });
  }
}

/**
 * SQL Server has no LIMIT. Kysely does not translate it, so repositories written once with `.limit(n)`
 * get `select top (n)` on SQL Server from this plugin, at every depth of the query.
 */
export function mssqlLimitPlugin(): KyselyPlugin {
  const transformer = new LimitToTop();
  return {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => transformer.transformNode(args.node),
    transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
  };
}
