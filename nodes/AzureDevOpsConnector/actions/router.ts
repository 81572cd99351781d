import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorCodeOf, toNodeError } from '../transport';
import type { OperationModule } from './types';
import * as attachment from './attachment/Attachment.resource';
import * as comment from './comment/Comment.resource';
import * as workItem from './workItem/WorkItem.resource';

const resources: Record<string, Record<string, OperationModule>> = {
	attachment: attachment.operations,
	comment: comment.operations,
	workItem: workItem.operations,
};

/** Runs the chosen operation for every input item, keeping output order and pairing, and honouring continueOnFail. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}

	const items = this.getInputData();
	const results: INodeExecutionData[] = [];
	const fail = (failure: unknown, itemIndex: number) => {
		const error = toNodeError(this.getNode(), failure, itemIndex);
		if (!this.continueOnFail()) throw error;
		results.push({
			json: { error: error.message, code: errorCodeOf(error) ?? null },
			pairedItem: { item: itemIndex },
		});
	};

	if ('executeBatch' in handler) {
		const perItem = await handler.executeBatch.call(this, items);
		perItem.forEach((result, itemIndex) => {
			if (Array.isArray(result)) results.push(...result);
			else fail(result.error, itemIndex);
		});
		return [results];
	}

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			results.push(...(await handler.execute.call(this, itemIndex)));
		} catch (error) {
			fail(error, itemIndex);
		}
	}
	return [results];
}
