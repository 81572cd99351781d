/**
 * Value maps in the ticket operations: the settings' ValueMap plus the node's Value Map rows, applied to the rendered
 * patch. A value no row maps fails the item (AZDC-5131) with the values Azure DevOps allows for the field, asked of the
 * server once per work item type and node run.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ConnectorErrors } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import {
	applyValueMap,
	compileValueMap,
	mergeValueMaps,
	valueNotMappedError,
	type CompiledValueMap,
} from '../../connector/valueMap';
import { isAzureDevOpsError, toNodeError, types, type Target } from '../../transport';

export const valueMapProperty: INodeProperties = {
	displayName: 'Value Map',
	name: 'valueMap',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Value',
	default: {},
	description:
		'Turns rendered ticket values into Azure DevOps values per field, e.g. Priority "High" → 1. Ticket Value "*" is the default for the field. Rows add to the ValueMap of the Connector Settings and win over it.',
	options: [
		{
			displayName: 'Value',
			name: 'row',
			values: [
				{ displayName: 'Field Reference Name', name: 'field', type: 'string', default: '', placeholder: 'Microsoft.VSTS.Common.Priority' },
				{ displayName: 'Ticket Value', name: 'from', type: 'string', default: '', placeholder: 'High' },
				{ displayName: 'Azure DevOps Value', name: 'to', type: 'string', default: '', placeholder: '1' },
			],
		},
	],
};

/** The node's Value Map rows as a compiled map (numbers stay numbers: "1" becomes 1). */
export function nodeValueMap(context: IExecuteFunctions, itemIndex: number): CompiledValueMap | undefined {
	const rows = context.getNodeParameter('valueMap.row', itemIndex, []) as Array<{ field?: string; from?: string; to?: string }>;
	if (rows.length === 0) return undefined;
	const map: Record<string, Record<string, string | number>> = {};
	for (const row of rows) {
		const field = String(row.field ?? '').trim();
		if (field === '') continue;
		const to = String(row.to ?? '');
		(map[field] ??= {})[String(row.from ?? '')] = /^-?\d+(\.\d+)?$/.test(to.trim()) ? Number(to.trim()) : to;
	}
	return compileValueMap(map, 'Value Map');
}

// Allowed values are read once per work item type and node run.
const allowedByRun = new WeakMap<object, Map<string, Promise<Map<string, unknown[]> | null>>>();

async function allowedValues(
	context: IExecuteFunctions,
	target: Target,
	type: string | undefined,
	field: string,
	itemIndex: number,
): Promise<unknown[] | null> {
	if (!type) return null;
	let cache = allowedByRun.get(context);
	if (!cache) {
		cache = new Map();
		allowedByRun.set(context, cache);
	}
	const key = `${target.organizationUrl}\n${target.project.toLowerCase()}\n${type.toLowerCase()}`;
	let pending = cache.get(key);
	if (!pending) {
		pending = types.fields(context, target, type, { itemIndex }).then(
			(list) => new Map(list.map((entry) => [String(entry.referenceName ?? '').toLowerCase(), (entry.allowedValues ?? []) as unknown[]])),
			(error: unknown) => {
				if (isAzureDevOpsError(error, 'azureDevOpsNotFound', 'azureDevOpsForbidden', 'apiVersionUnsupported')) return null;
				throw toNodeError(context.getNode(), error, itemIndex);
			},
		);
		cache.set(key, pending);
	}
	return (await pending)?.get(field.toLowerCase()) ?? null;
}

/**
 * The patch with the value maps applied (the settings' and the node's). Throws the coded error of the first value no
 * row maps, with the field's allowed values when the work item type is known and the server lists them.
 */
export async function mapFieldValues(
	context: IExecuteFunctions,
	target: Target,
	settingsMap: CompiledValueMap | undefined,
	patch: JsonPatchOperation[],
	itemIndex: number,
	workItemType: () => string | undefined,
): Promise<JsonPatchOperation[]> {
	const map = mergeValueMaps(settingsMap, nodeValueMap(context, itemIndex));
	const { patch: mapped, unmapped } = applyValueMap(map, patch);
	if (unmapped.length === 0) return mapped;
	const faults = [];
	for (const value of unmapped) {
		faults.push(valueNotMappedError(value, await allowedValues(context, target, workItemType(), value.field, itemIndex)));
	}
	throw new ConnectorErrors(faults);
}
