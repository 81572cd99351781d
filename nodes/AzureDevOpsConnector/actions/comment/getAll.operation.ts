import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import { comments } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget, operationError } from '../target';
import { requireWorkItemId } from '../workItem/operationHelpers';
import { commentOutput } from './common';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['comment'], operation: ['getAll'] } }, properties);

/** The comments of a work item, newest first, one output item per comment (all pages, or up to Limit). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	let limit: number | undefined;
	if (this.getNodeParameter('returnAll', itemIndex, false) !== true) {
		limit = Number(this.getNodeParameter('limit', itemIndex, 50));
		if (!Number.isSafeInteger(limit) || limit < 1) {
			throw operationError(
				this,
				new ConnectorError('commentLimitInvalid', `Limit is ${String(limit)}.`, { field: 'Limit' }),
				itemIndex,
			);
		}
	}
	const list = await comments.list(this, target, id, { limit }, { itemIndex });
	return list.map((comment) => ({ json: commentOutput(comment), pairedItem: { item: itemIndex } }));
}
