import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { workItems } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget } from '../target';
import { requireWorkItemId } from './operationHelpers';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	{
		displayName: 'Delete Permanently',
		name: 'destroy',
		type: 'boolean',
		default: false,
		description:
			'Whether to destroy the work item for good instead of moving it to the project\'s recycle bin, where it can be restored',
	},
	{
		displayName:
			'The work item, its history, links and attachments will be destroyed and cannot be restored. Needs the "Permanently delete work items" permission.',
		name: 'destroyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { destroy: [true] } },
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workItem'], operation: ['delete'] } }, properties);

/** Deletes one work item per input item: to the recycle bin, or permanently when asked. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const permanently = this.getNodeParameter('destroy', itemIndex, false) === true;
	await workItems.delete(this, target, id, { destroy: permanently }, { itemIndex });
	return [{ json: { id, deleted: true, permanently }, pairedItem: { item: itemIndex } }];
}
