import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { commentToWrite, readMarkComments, shouldMarkComment } from '../../connector/echo';
import { ConnectorError } from '../../connector/errors';
import { commentTextAsHtml } from '../../connector/htmlFields';
import { comments, isAzureDevOpsError, toNodeError, workItems, type WorkItem } from '../../transport';
import { commentFormatOption, commentOptions, projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget, operationError } from '../target';
import { requireWorkItemId } from './operationHelpers';
import { commentOutput } from '../comment/common';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	{
		displayName: 'Comment',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'The requester confirmed the fix.',
		description: 'The text of the comment, in the format chosen below',
	},
	commentFormatOption,
	commentOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['workItem'], operation: ['addComment'] } },
	properties,
);

/** Adds one comment per input item to the work item's discussion; returns the comment. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	if (text.trim() === '') {
		throw operationError(this, new ConnectorError('commentEmpty', 'Comment is empty.', { field: 'Comment' }), itemIndex);
	}
	const chosen = this.getNodeParameter('format', itemIndex, 'html');
	const format = chosen === 'markdown' ? 'markdown' : 'html';
	// Plain text goes out as HTML with its markup characters escaped, so a requester's text never becomes markup.
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body = commentToWrite(
		chosen === 'text' ? commentTextAsHtml(text) : text,
		shouldMarkComment(readMarkComments(options.markComments), target.credentialType),
	);
	try {
		const comment = await comments.add(this, target, id, body, { format }, { itemIndex });
		return [{ json: commentOutput(comment), pairedItem: { item: itemIndex } }];
	} catch (error) {
		if (!(format === 'html' && isAzureDevOpsError(error, 'apiVersionUnsupported'))) throw toNodeError(this.getNode(), error, itemIndex);
	}
	// Azure DevOps Server 2019 has no comments resource: its Discussion is written through System.History.
	const updated = await workItems.update(this, target, id, [{ op: 'add', path: '/fields/System.History', value: body }], {}, { itemIndex });
	return [{ json: commentOutput(discussionEntry(updated, body)), pairedItem: { item: itemIndex } }];
}

/** A Discussion entry written through System.History, in the shape of a comment (it has no comment id). */
function discussionEntry(workItem: WorkItem, text: string): IDataObject {
	const fields = workItem.fields ?? {};
	return {
		workItemId: workItem.id,
		id: null,
		version: workItem.rev,
		text,
		format: 'html',
		createdBy: fields['System.ChangedBy'] ?? null,
		createdDate: fields['System.ChangedDate'] ?? null,
		writtenAs: 'System.History',
	};
}
