import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { attachmentOf, attachments, workItems } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget } from '../target';
import { requireWorkItemId } from '../workItem/operationHelpers';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'The name of the output binary field to put each file in',
	},
	{
		displayName: 'File Name Contains',
		name: 'fileNameContains',
		type: 'string',
		default: '',
		placeholder: '.png',
		description: 'Download only the attachments whose file name contains this text (any case); empty: all',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['download'] } }, properties);

/** Downloads a work item's attachments: one output item per file, the file as binary data. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const filter = String(this.getNodeParameter('fileNameContains', itemIndex, '') ?? '').trim().toLowerCase();
	const workItem = await workItems.get(this, target, id, { expand: 'relations' }, { itemIndex });
	const out: INodeExecutionData[] = [];
	for (const relation of (workItem.relations ?? []) as Array<{ rel?: string; url?: string; attributes?: IDataObject }>) {
		if (relation.rel !== 'AttachedFile' || typeof relation.url !== 'string') continue;
		const attachment = attachmentOf(relation.url);
		if (!attachment) continue;
		const fileName = String(relation.attributes?.name ?? attachment.fileName ?? attachment.id);
		if (filter !== '' && !fileName.toLowerCase().includes(filter)) continue;
		const bytes = await attachments.download(this, target, attachment.id, fileName, { itemIndex });
		const json: IDataObject = {
			workItemId: id,
			id: attachment.id,
			fileName,
			size: bytes.length,
			url: relation.url,
			comment: relation.attributes?.comment ?? null,
		};
		out.push({ json, binary: { [property]: await this.helpers.prepareBinaryData(bytes, fileName) }, pairedItem: { item: itemIndex } });
	}
	return out;
}
