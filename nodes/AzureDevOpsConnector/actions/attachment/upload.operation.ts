import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { workItems } from '../../transport';
import { projectLocator } from '../common.descriptions';
import { itemTarget, operationError, workItemIdFrom } from '../target';
import { ConnectorError } from '../../connector/errors';
import { attachedFileRelation, attachmentSizeOptions, readBinaryFile, uploadFile } from './common';

const properties: INodeProperties[] = [
	projectLocator,
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'The name of the input item\'s binary field holding the file',
	},
	{
		displayName: 'Attach to Work Item',
		name: 'attachTo',
		type: 'string',
		default: '',
		placeholder: '42',
		description: 'ID or URL of the work item to attach the file to; empty: only upload, and use the output\'s URL later',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Comment',
				name: 'comment',
				type: 'string',
				default: '',
				description: 'A comment on the attachment, shown in the work item\'s Attachments tab',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				description: 'The name Azure DevOps shows; empty: the binary data\'s own file name',
			},
			...attachmentSizeOptions,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['upload'] } }, properties);

/** Uploads the input item's file and, when asked, attaches it to a work item in one more request. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const attachTo = String(this.getNodeParameter('attachTo', itemIndex, '') ?? '').trim();
	const workItemId = attachTo === '' ? undefined : workItemIdFrom(attachTo);
	if (attachTo !== '' && workItemId === undefined) {
		throw operationError(
			this,
			new ConnectorError('workItemIdInvalid', `"${attachTo}" is not a work item id or URL.`, { field: 'Attach to Work Item' }),
			itemIndex,
		);
	}
	const file = await readBinaryFile(this, itemIndex, property, {
		fileName: options.fileName as string | undefined,
		maxFileSizeMb: options.maxFileSizeMb as number | undefined,
	});
	const reference = await uploadFile(this, target, file, itemIndex, (options.chunkAboveMb as number | undefined) ?? 130);
	const json: IDataObject = { id: reference.id, url: reference.url, fileName: file.fileName, size: file.bytes.length };
	if (workItemId !== undefined) {
		const comment = String(options.comment ?? '').trim();
		const workItem = await workItems.update(this, target, workItemId, [attachedFileRelation(reference, comment)], {}, { itemIndex });
		json.workItemId = workItem.id;
		json.rev = workItem.rev;
	}
	return [{ json, pairedItem: { item: itemIndex } }];
}
