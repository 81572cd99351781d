import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import { comments } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget, operationError } from '../target';
import { requireWorkItemId } from './operationHelpers';

/** The comments API is still a preview in 7.1; this is the version that takes a format. */

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
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'HTML', value: 'html', description: 'The text is HTML, as the Discussion field shows it' },
			{ name: 'Markdown', value: 'markdown', description: 'The text is Markdown' },
		],
		default: 'html',
		description: 'How Azure DevOps reads the text of the comment',
	},
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
	const format = this.getNodeParameter('format', itemIndex, 'html') === 'markdown' ? 'markdown' : 'html';
	const comment = await comments.add(this, target, id, text, { format }, { itemIndex });
	return [{ json: comment, pairedItem: { item: itemIndex } }];
}
