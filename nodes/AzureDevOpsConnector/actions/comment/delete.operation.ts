import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { comments } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget } from '../target';
import { requireWorkItemId } from '../workItem/operationHelpers';
import { commentIdProperty, requireCommentId } from './common';

const properties: INodeProperties[] = [projectLocator, workItemLocator, commentIdProperty];

export const description = updateDisplayOptions({ show: { resource: ['comment'], operation: ['delete'] } }, properties);

/** Deletes one comment per input item (Azure DevOps keeps it, marked deleted). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const commentId = requireCommentId(this, itemIndex);
	await comments.delete(this, target, id, commentId, { itemIndex });
	return [{ json: { workItemId: id, commentId, deleted: true }, pairedItem: { item: itemIndex } }];
}
