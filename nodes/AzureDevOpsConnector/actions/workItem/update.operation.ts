import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import { isAzureDevOpsError, toNodeError, workItems, type Target } from '../../transport';
import { projectLocator, workItemLocator } from '../common.descriptions';
import { itemTarget, operationError } from '../target';
import {
	fieldPatch,
	fieldsProperty,
	requireWorkItemId,
	tagsFromParameter,
	tagsOf,
	withTextEscaped,
	withWebUrl,
	writeFlagOptions,
	writeFlags,
} from './operationHelpers';

const properties: INodeProperties[] = [
	projectLocator,
	workItemLocator,
	{ ...fieldsProperty, description: `${fieldsProperty.description}. Include System.Title to rename the work item.` },
	{
		displayName: 'Add Tags',
		name: 'addTags',
		type: 'string',
		default: '',
		placeholder: 'escalated, customer-waiting',
		description: 'Tags to add, separated by commas or semicolons; tags the work item already has stay',
	},
	{
		displayName: 'Remove Tags',
		name: 'removeTags',
		type: 'string',
		default: '',
		placeholder: 'customer-waiting',
		description: 'Tags to remove, separated by commas or semicolons (case does not matter)',
	},
	{
		displayName: 'Only if Unchanged',
		name: 'onlyIfUnchanged',
		type: 'boolean',
		default: false,
		description:
			'Whether to update only if nobody changed the work item since you read it; otherwise the update fails with AZDC-4018 and changes nothing',
	},
	{
		displayName: 'Revision',
		name: 'revision',
		type: 'number',
		default: 0,
		required: true,
		displayOptions: { show: { onlyIfUnchanged: [true] } },
		description: 'The revision ("rev") of the work item as you read it, e.g. the rev field of a Get output mapped with an expression',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'How Azure DevOps applies the change',
		options: writeFlagOptions,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workItem'], operation: ['update'] } }, properties);

// Tag changes are read-modify-write; a concurrent edit between the read and the write is retried this many times.
const TAG_MERGE_ATTEMPTS = 3;

/** Updates one work item per input item: fields, tags, optionally guarded by the revision the caller read. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const id = requireWorkItemId(this, itemIndex);
	const given = fieldPatch(this, itemIndex, ['System.Tags']);
	const addTags = tagsFromParameter(this.getNodeParameter('addTags', itemIndex, ''));
	const removeTags = tagsFromParameter(this.getNodeParameter('removeTags', itemIndex, ''));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	if (given.length === 0 && addTags.length === 0 && removeTags.length === 0) {
		throw operationError(
			this,
			new ConnectorError('updateHasNothingToChange', 'No field to set and no tag to add or remove.', {
				field: 'Fields',
			}),
			itemIndex,
		);
	}
	const fields = await withTextEscaped(this, target, given, options, itemIndex);

	let knownRevision: number | undefined;
	if (this.getNodeParameter('onlyIfUnchanged', itemIndex, false) === true) {
		const revision = Number(this.getNodeParameter('revision', itemIndex, 0));
		if (!Number.isSafeInteger(revision) || revision <= 0) {
			throw operationError(
				this,
				new ConnectorError('revisionInvalid', `Revision is ${String(revision)}.`, { field: 'Revision' }),
				itemIndex,
			);
		}
		knownRevision = revision;
	}

	const send = async (patch: JsonPatchOperation[]) =>
		await workItems.update(this, target, id, patch, writeFlags(options, 'relations'), { itemIndex });
	const revisionTest = (rev: number): JsonPatchOperation => ({ op: 'test', path: '/rev', value: rev });

	if (addTags.length === 0 && removeTags.length === 0) {
		const patch = knownRevision === undefined ? fields : [revisionTest(knownRevision), ...fields];
		return [output(await send(patch), target, itemIndex)];
	}

	for (let attempt = 1; ; attempt++) {
		const current = await readTags(this, target, id, itemIndex);
		const tags = mergeTags(current.tags, addTags, removeTags);
		const patch = [
			revisionTest(knownRevision ?? current.rev),
			...fields,
			{ op: 'add', path: '/fields/System.Tags', value: tags.join('; ') } as JsonPatchOperation,
		];
		try {
			return [output(await send(patch), target, itemIndex)];
		} catch (error) {
			// Only a conflict with our own read is retried; the caller's "Only if Unchanged" revision is final.
			const retry =
				knownRevision === undefined && isAzureDevOpsError(error, 'azureDevOpsConflict') && attempt < TAG_MERGE_ATTEMPTS;
			if (!retry) throw toNodeError(this.getNode(), error, itemIndex);
		}
	}
}

function output(body: IDataObject, target: Target, itemIndex: number): INodeExecutionData {
	return { json: withWebUrl(body, target), pairedItem: { item: itemIndex } };
}

async function readTags(
	context: IExecuteFunctions,
	target: Target,
	id: number,
	itemIndex: number,
): Promise<{ rev: number; tags: string[] }> {
	const workItem = await workItems.get(context, target, id, { fields: ['System.Tags'] }, { itemIndex });
	return { rev: Number(workItem.rev), tags: tagsOf(workItem) };
}

/** The work item's tags with `add` appended and `remove` taken out, both case-insensitively. */
export function mergeTags(current: string[], add: string[], remove: string[]): string[] {
	const removed = new Set(remove.map((tag) => tag.toLowerCase()));
	const result = current.filter((tag) => !removed.has(tag.toLowerCase()));
	const present = new Set(result.map((tag) => tag.toLowerCase()));
	for (const tag of add) {
		if (removed.has(tag.toLowerCase()) || present.has(tag.toLowerCase())) continue;
		present.add(tag.toLowerCase());
		result.push(tag);
	}
	return result;
}
