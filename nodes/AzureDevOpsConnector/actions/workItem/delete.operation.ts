import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { apiPath, azureDevOpsRequest } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { resolveProject } from '../target';
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
	const target = await resolveProject(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const permanently = this.getNodeParameter('destroy', itemIndex, false) === true;
	await azureDevOpsRequest.call(this, target.credentialType, {
		method: 'DELETE',
		organizationUrl: target.organizationUrl,
		path: apiPath(target.project, '_apis', 'wit', 'workitems', id),
		query: permanently ? { destroy: true } : {},
		// Deleting twice leaves the same result; a lost answer may be retried.
		idempotent: true,
		itemIndex,
	});
	return [{ json: { id, deleted: true, permanently }, pairedItem: { item: itemIndex } }];
}
