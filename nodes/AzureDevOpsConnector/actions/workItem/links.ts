/**
 * What Add Link and Remove Link share: the link types the organization defines (read once per node run), the link's
 * other end as the service spells it, and a relation change guarded by the revision it was read at.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import {
	isAzureDevOpsError,
	relationTypes,
	toNodeError,
	workItemApiUrl,
	workItemIdOfApiUrl,
	workItems,
	type RelationType,
	type Target,
	type WorkItem,
} from '../../transport';
import { operationError, workItemIdFrom } from '../target';

export const linkProperties: INodeProperties[] = [
	{
		displayName: 'Link Type Name or ID',
		name: 'linkType',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getLinkTypes', loadOptionsDependsOn: ['project.value'] },
		default: '',
		required: true,
		description:
			'The kind of link, from the link types the organization defines (Parent, Child, Related, Duplicate, custom ones, Hyperlink). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Linked To',
		name: 'linkTarget',
		type: 'string',
		default: '',
		required: true,
		placeholder: '42',
		description:
			'The other end: a work item ID or URL for work item links (Parent, Related, ...), a web address for a Hyperlink',
	},
];

/** A relation as a work item holds it. */
export interface Relation {
	rel: string;
	url: string;
	attributes?: Record<string, unknown>;
}

// Link types are read once per node run (the context lives for one run), not once per item.
const typesByRun = new WeakMap<object, Map<string, Promise<RelationType[] | null>>>();

/**
 * The link type the user chose, by reference name or name (any case), checked against the organization's list;
 * AZDC-5120 lists the types when it is not one. Where the list cannot be read, the service judges the name.
 */
export async function resolveLinkType(
	context: IExecuteFunctions,
	target: Target,
	given: string,
	itemIndex: number,
): Promise<{ referenceName: string; workItemLink: boolean }> {
	const name = given.trim();
	let cache = typesByRun.get(context);
	if (!cache) {
		cache = new Map();
		typesByRun.set(context, cache);
	}
	let pending = cache.get(target.organizationUrl);
	if (!pending) {
		pending = relationTypes.list(context, target, { itemIndex }).catch((error: unknown) => {
			if (isAzureDevOpsError(error, 'azureDevOpsNotFound', 'azureDevOpsForbidden', 'apiVersionUnsupported')) return null;
			throw toNodeError(context.getNode(), error, itemIndex);
		});
		cache.set(target.organizationUrl, pending);
	}
	const list = await pending;
	if (!list) return { referenceName: name, workItemLink: name.toLowerCase() !== 'hyperlink' };
	const match = list.find(
		(type) => type.referenceName.toLowerCase() === name.toLowerCase() || type.name.toLowerCase() === name.toLowerCase(),
	);
	if (!match || name === '' || match.attributes?.enabled === false) {
		const offered = list.filter((type) => type.attributes?.enabled !== false).map((type) => `${type.name} (${type.referenceName})`);
		throw operationError(
			context,
			new ConnectorError('linkTypeUnknown', `"${name}" is not a link type of this organization; it has: ${offered.join(', ')}.`, {
				field: 'Link Type',
			}),
			itemIndex,
		);
	}
	return { referenceName: match.referenceName, workItemLink: match.attributes?.usage !== 'resourceLink' };
}

/** The URL a relation of this type points at: a work item's API URL, or the address given for a resource link. */
export function linkUrl(
	context: IExecuteFunctions,
	target: Target,
	type: { referenceName: string; workItemLink: boolean },
	given: unknown,
	itemIndex: number,
): string {
	const text = String(given ?? '').trim();
	if (type.workItemLink) {
		const id = workItemIdFrom(text);
		if (id !== undefined) return workItemApiUrl(target, id);
	} else if (type.referenceName.toLowerCase() !== 'hyperlink' ? text !== '' : /^https?:\/\/[^\s]+$/i.test(text)) {
		return text;
	}
	throw operationError(
		context,
		new ConnectorError(
			'linkTargetInvalid',
			type.workItemLink
				? `"Linked To" is not a work item ID or URL for a ${type.referenceName} link.`
				: `"Linked To" is not a web address for a ${type.referenceName} link.`,
			{ field: 'Linked To' },
		),
		itemIndex,
	);
}

/** Whether two relations are the same link: same type, same other end (work item URLs compared by id). */
export function sameLink(relation: Relation, rel: string, url: string): boolean {
	if (relation.rel.toLowerCase() !== rel.toLowerCase()) return false;
	const a = workItemIdOfApiUrl(relation.url);
	const b = workItemIdOfApiUrl(url);
	if (a !== undefined && b !== undefined) return a === b;
	return relation.url.toLowerCase() === url.toLowerCase();
}

/**
 * Reads the work item with its relations, lets `plan` say what to change (nothing: the work item is returned as is),
 * and sends it guarded by the revision read; a conflict is read and planned once more, never overwritten.
 */
export async function changeRelations(
	context: IExecuteFunctions,
	target: Target,
	id: number,
	itemIndex: number,
	plan: (relations: Relation[]) => JsonPatchOperation[],
): Promise<{ workItem: WorkItem; changed: boolean }> {
	for (let attempt = 1; ; attempt++) {
		const current = await workItems.get(context, target, id, { expand: 'relations' }, { itemIndex });
		const operations = plan((current.relations ?? []) as Relation[]);
		if (operations.length === 0) return { workItem: current, changed: false };
		try {
			const workItem = await workItems.update(
				context,
				target,
				id,
				[{ op: 'test', path: '/rev', value: current.rev }, ...operations],
				{ expand: 'relations' },
				{ itemIndex },
			);
			return { workItem, changed: true };
		} catch (error) {
			if (!(isAzureDevOpsError(error, 'azureDevOpsConflict') && attempt < 2)) throw toNodeError(context.getNode(), error, itemIndex);
		}
	}
}
