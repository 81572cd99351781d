import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * The router's contract. An operation either handles one item at a time (`execute`) or all items at once
 * (`executeBatch`, for operations that share work across items: one search per batch, bounded concurrency). A batch
 * returns one entry per input item, in input order: the output items for it, or the error it failed with.
 */
export type ItemResult = INodeExecutionData[] | { error: unknown };

export type OperationModule =
	| { execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> }
	| { executeBatch(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> };
