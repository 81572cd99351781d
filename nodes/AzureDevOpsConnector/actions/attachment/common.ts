/**
 * Attachments shared by the operations that send files: n8n binary data read and checked against the size limit
 * before anything is sent, uploaded (in chunks above the threshold), and turned into AttachedFile relations.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import { attachmentOf, attachments, type AttachmentReference, type Target } from '../../transport';
import { operationError } from '../target';

const MB = 1024 * 1024;

export const attachmentSizeOptions: INodeProperties[] = [
	{
		displayName: 'Max File Size (MB)',
		name: 'maxFileSizeMb',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description:
			'Files larger than this fail with AZDC-5150 before anything is sent. 60 MB is Azure DevOps Services\' attachment limit; an Azure DevOps Server administrator can set another.',
	},
	{
		displayName: 'Upload in Chunks Above (MB)',
		name: 'chunkAboveMb',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 3 },
		default: 130,
		description: 'Files larger than this go up in 4 MB chunks (chunked upload), as Azure DevOps asks for large files',
	},
];

export interface FileToAttach {
	fileName: string;
	bytes: Buffer;
	mimeType?: string;
}

/** The file in a binary property of the input item; AZDC-5150 when it is larger than the limit. */
export async function readBinaryFile(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	options: { fileName?: string; maxFileSizeMb?: number },
): Promise<FileToAttach> {
	const binary = context.helpers.assertBinaryData(itemIndex, property);
	const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	const fileName = (options.fileName ?? '').trim() || binary.fileName || `${property}.bin`;
	const limit = (options.maxFileSizeMb ?? 60) * MB;
	if (bytes.length > limit) {
		throw operationError(
			context,
			new ConnectorError(
				'attachmentTooLarge',
				`"${fileName}" is ${(bytes.length / MB).toFixed(1)} MB; the limit is ${options.maxFileSizeMb ?? 60} MB. Nothing was sent.`,
				{ field: 'Max File Size (MB)' },
			),
			itemIndex,
		);
	}
	return { fileName, bytes, mimeType: binary.mimeType };
}

/** Uploads a file and returns where it is. */
export async function uploadFile(
	context: IExecuteFunctions,
	target: Target,
	file: FileToAttach,
	itemIndex: number,
	chunkAboveMb = 130,
): Promise<AttachmentReference> {
	return await attachments.upload(context, target, file.fileName, file.bytes, { chunkAbove: chunkAboveMb * MB }, { itemIndex });
}

/** The patch operation that attaches an uploaded file to a work item. */
export function attachedFileRelation(reference: AttachmentReference, comment?: string): JsonPatchOperation {
	return {
		op: 'add',
		path: '/relations/-',
		value: { rel: 'AttachedFile', url: reference.url, ...(comment ? { attributes: { comment } } : {}) },
	};
}

/** The options Create From Ticket and Update From Ticket take for the ticket's files. */
export const ticketAttachmentOption: INodeProperties = {
	displayName: 'Attachments (Binary Fields)',
	name: 'attachmentFields',
	type: 'string',
	default: '',
	placeholder: 'data, screenshot',
	description:
		'Binary fields of the input item to attach to the work item, comma-separated; * for all. Uploaded first, then attached in the same request that creates or updates the work item. Update From Ticket attaches only files whose name the work item does not have yet.',
};

/** The files of a ticket named by the Attachments option, each checked against the size limit (nothing sent yet). */
export async function readTicketFiles(
	context: IExecuteFunctions,
	itemIndex: number,
	options: { attachmentFields?: unknown; maxFileSizeMb?: unknown },
): Promise<FileToAttach[]> {
	const spec = String(options.attachmentFields ?? '').trim();
	if (spec === '') return [];
	const binary = context.getInputData()[itemIndex]?.binary ?? {};
	const names = spec === '*' ? Object.keys(binary) : spec.split(',').map((name) => name.trim()).filter(Boolean);
	const files: FileToAttach[] = [];
	for (const name of names) {
		const maxFileSizeMb = typeof options.maxFileSizeMb === 'number' ? options.maxFileSizeMb : undefined;
		files.push(await readBinaryFile(context, itemIndex, name, { maxFileSizeMb }));
	}
	return files;
}

/** Uploads the files and returns the relations that attach them. */
export async function attachmentRelations(
	context: IExecuteFunctions,
	target: Target,
	files: readonly FileToAttach[],
	itemIndex: number,
	chunkAboveMb: unknown,
): Promise<JsonPatchOperation[]> {
	const relations: JsonPatchOperation[] = [];
	for (const file of files) {
		const reference = await uploadFile(context, target, file, itemIndex, typeof chunkAboveMb === 'number' ? chunkAboveMb : 130);
		relations.push(attachedFileRelation(reference));
	}
	return relations;
}

/** The file names a work item's AttachedFile relations carry (the relation's name, else the URL's fileName). */
export function attachedFileNames(relations: ReadonlyArray<{ rel?: string; url?: string; attributes?: Record<string, unknown> }>): Set<string> {
	const names = new Set<string>();
	for (const relation of relations) {
		if (relation.rel !== 'AttachedFile' || typeof relation.url !== 'string') continue;
		const name = relation.attributes?.name ?? attachmentOf(relation.url)?.fileName;
		if (typeof name === 'string') names.add(name.toLowerCase());
	}
	return names;
}
