import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { workItems } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget } from '../target';
import { requireWorkItemId, withWebUrl, workItemRead } from './operationHelpers';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Which fields and links to return',
		options: [
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'string',
				default: '',
				placeholder: 'System.Title, System.State',
				description:
					'Comma-separated reference names of the fields to return; all fields when empty. Cannot be combined with relations.',
			},
			{
				displayName: 'Include Relations',
				name: 'includeRelations',
				type: 'boolean',
				default: true,
				description: 'Whether to return the work item\'s links (hyperlinks such as the ticket link, parent, child)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workItem'], operation: ['get'] } }, properties);

/** Reads one work item per input item. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as { fields?: string; includeRelations?: boolean };
	const workItem = await workItems.get(this, target, id, workItemRead(options, true), { itemIndex });
	return [{ json: withWebUrl(workItem, target), pairedItem: { item: itemIndex } }];
}
