import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { commentToWrite, readMarkComments, shouldMarkComment } from '../../connector/echo';
import { ConnectorError } from '../../connector/errors';
import { commentTextAsHtml } from '../../connector/htmlFields';
import { comments } from '../../transport';
import { commentFormatOption, commentOptions, projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget, operationError } from '../target';
import { requireWorkItemId } from '../workItem/operationHelpers';
import { commentIdProperty, commentOutput, requireCommentId } from './common';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	commentIdProperty,
	{
		displayName: 'Comment',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The new text of the comment, in the format chosen below; it replaces the old text',
	},
	commentFormatOption,
	commentOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['comment'], operation: ['update'] } }, properties);

/** Replaces the text of one comment per input item; returns the comment with its new version. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const commentId = requireCommentId(this, itemIndex);
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	if (text.trim() === '') {
		throw operationError(this, new ConnectorError('commentEmpty', 'Comment is empty.', { field: 'Comment' }), itemIndex);
	}
	const chosen = this.getNodeParameter('format', itemIndex, 'html');
	const format = chosen === 'markdown' ? 'markdown' : 'html';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body = commentToWrite(
		chosen === 'text' ? commentTextAsHtml(text) : text,
		shouldMarkComment(readMarkComments(options.markComments), target.credentialType),
	);
	const comment = await comments.update(this, target, id, commentId, body, { format }, { itemIndex });
	return [{ json: commentOutput(comment), pairedItem: { item: itemIndex } }];
}
