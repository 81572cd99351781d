/**
 * What the work-item operations share: reading the work item parameter, the field list a user fills in, tags, the
 * parent link, and the web address added to every work item the node returns.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import { escapeHtmlPatch, htmlFieldsFrom, resolveHtmlFieldNames } from '../../connector/htmlFields';
import type { JsonPatchOperation } from '../../connector/types';
import {
	fields as fieldsApi,
	isAzureDevOpsError,
	states as typeStates,
	toNodeError,
	workItemWebUrl,
	type RequestContext,
	type Target,
	type WriteFlags,
} from '../../transport';
import { operationError, workItemIdFrom } from '../target';

/** The "Fields" list of Create and Update: field reference name → value, values may be expressions. */
export const fieldsProperty: INodeProperties = {
	displayName: 'Fields',
	name: 'fields',
	type: 'fixedCollection',
	placeholder: 'Add Field',
	default: {},
	typeOptions: { multipleValues: true },
	description:
		'Fields to set, by reference name (e.g. System.Description, Microsoft.VSTS.Common.Priority, System.AssignedTo, System.AreaPath)',
	options: [
		{
			displayName: 'Field',
			name: 'field',
			values: [
				{
					displayName: 'Field Name or ID',
					name: 'name',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getFields', loadOptionsDependsOn: ['project.value', 'workItemType', 'workItem.value'] },
					default: '',
					description:
						'Reference name of the field, e.g. System.Description. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'Value of the field; HTML fields such as System.Description accept HTML',
				},
			],
		},
	],
};

const FIELD_REFERENCE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/;

/** The "Fields" list as JSON Patch `add` operations; refuses empty or malformed names and a field set twice. */
export function fieldPatch(
	context: IExecuteFunctions,
	itemIndex: number,
	reserved: string[] = [],
): JsonPatchOperation[] {
	const list = context.getNodeParameter('fields.field', itemIndex, []) as Array<{ name?: unknown; value?: unknown }>;
	const seen = new Set(reserved.map((name) => name.toLowerCase()));
	const patch: JsonPatchOperation[] = [];
	list.forEach((entry, position) => {
		const name = String(entry.name ?? '').trim();
		if (!FIELD_REFERENCE.test(name)) {
			throw operationError(
				context,
				new ConnectorError(
					'fieldReferenceInvalid',
					name === '' ? `Field ${position + 1} has no name.` : `"${name}" is not a field reference name.`,
					{ field: 'Fields' },
				),
				itemIndex,
			);
		}
		if (seen.has(name.toLowerCase())) {
			throw operationError(
				context,
				new ConnectorError('fieldGivenTwice', `${name} is set more than once.`, { field: 'Fields' }),
				itemIndex,
			);
		}
		seen.add(name.toLowerCase());
		patch.push({ op: 'add', path: `/fields/${name}`, value: entry.value ?? '' });
	});
	return patch;
}

/**
 * Tags a user typed (or a System.Tags value): separated by commas or semicolons, trimmed, duplicates (case-insensitive)
 * dropped. Not the core's `splitTags`, which reads a delivery's System.Tags as Azure DevOps writes it.
 */
export function tagsFromParameter(value: unknown): string[] {
	const raw = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[;,]/);
	const seen = new Set<string>();
	const tags: string[] = [];
	for (const candidate of raw) {
		const tag = candidate.trim();
		if (tag === '' || seen.has(tag.toLowerCase())) continue;
		seen.add(tag.toLowerCase());
		tags.push(tag);
	}
	return tags;
}

/**
 * What a work item read returns (Get, Search): the listed fields, or else everything with the links when they are
 * wanted. The API refuses `fields` together with `$expand`, so links come only without a list.
 */
export function workItemRead(
	options: { fields?: string; includeRelations?: boolean },
	relationsByDefault: boolean,
): { fields?: string[]; expand?: 'relations' } {
	const fields = String(options.fields ?? '')
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
	if (fields.length > 0) return { fields };
	return (options.includeRelations ?? relationsByDefault) ? { expand: 'relations' } : {};
}

/** Tags of a work item's System.Tags value ("a; b; c"). */
export function tagsOf(workItem: { fields?: IDataObject }): string[] {
	return tagsFromParameter(workItem.fields?.['System.Tags']);
}

/** The work item id of the Work Item parameter, or a coded error naming the item. */
export function requireWorkItemId(context: IExecuteFunctions, itemIndex: number, parameterName = 'workItem'): number {
	const id = workItemIdFrom(context.getNodeParameter(parameterName, itemIndex));
	if (id === undefined) {
		throw operationError(
			context,
			new ConnectorError('workItemIdInvalid', 'The work item is not an id or a work item URL.', { field: 'Work Item' }),
			itemIndex,
		);
	}
	return id;
}

/** The work item as Azure DevOps returned it, plus `webUrl`; the project is read from the item where it names one. */
export function withWebUrl(workItem: IDataObject, target: Target): IDataObject {
	const id = Number(workItem.id);
	if (!Number.isSafeInteger(id) || id <= 0) return workItem;
	const fields = (workItem.fields ?? {}) as IDataObject;
	const project = typeof fields['System.TeamProject'] === 'string' ? fields['System.TeamProject'] : target.project;
	return { ...workItem, webUrl: workItemWebUrl(target, project, id) };
}

/**
 * The patch with the text of every HTML field escaped, when the user said the values are plain text. Which fields
 * are HTML is asked of the server (serverHtmlFields), with the fixed list as the fallback.
 */
export async function withTextEscaped(
	context: RequestContext,
	target: Target,
	patch: JsonPatchOperation[],
	options: { escapeTextInHtmlFields?: boolean },
	itemIndex: number,
): Promise<JsonPatchOperation[]> {
	if (options.escapeTextInHtmlFields !== true) return patch;
	return escapeHtmlPatch(patch, resolveHtmlFieldNames(await serverHtmlFields(context, target, itemIndex)));
}

/** The create and update options that Azure DevOps takes as flags. */
export function writeFlags(
	options: { validateOnly?: boolean; bypassRules?: boolean; suppressNotifications?: boolean },
	expand?: WriteFlags['expand'],
): WriteFlags {
	return {
		validateOnly: options.validateOnly === true,
		bypassRules: options.bypassRules === true,
		suppressNotifications: options.suppressNotifications === true,
		expand,
	};
}

/** The Options entries Create and Update share. */
export const writeFlagOptions: INodeProperties[] = [
	{
		displayName: 'Bypass Rules',
		name: 'bypassRules',
		type: 'boolean',
		default: false,
		description:
			'Whether to skip the work item type\'s rules (allowed values, required fields, state transitions). Needs the "Bypass rules on work item updates" permission.',
	},
	{
		displayName: 'Escape Text in HTML Fields',
		name: 'escapeTextInHtmlFields',
		type: 'boolean',
		default: false,
		description:
			'Whether the field values are plain text (e.g. from a ticket): in fields Azure DevOps shows as HTML, by their type on the server (Description, Repro Steps, the Discussion, custom HTML fields), characters such as < and & are escaped so that text never becomes markup',
	},
	{
		displayName: 'Suppress Notifications',
		name: 'suppressNotifications',
		type: 'boolean',
		default: false,
		description: 'Whether to send no e-mail notifications for this change (service hooks still fire)',
	},
	{
		displayName: 'Validate Only',
		name: 'validateOnly',
		type: 'boolean',
		default: false,
		description: 'Whether to only check the change against the rules without saving it',
	},
];

// The HTML fields of a project's process, as the server types them: read once per organization and project, then
// kept for a while (a custom field added by an administrator is seen after at most this long).
const HTML_FIELDS_TTL_MS = 10 * 60 * 1000;
const htmlFieldsByProject = new Map<string, { at: number; names: Promise<ReadonlySet<string> | null> }>();

/**
 * The reference names (lower-case) of the fields Azure DevOps shows as HTML in the project (types `html` and
 * `history`, from the project's field list, `fields.list`), or null when the server does not say (no permission, an answer
 * without types): then the fixed list applies (connector/htmlFields.ts).
 */
export async function serverHtmlFields(context: RequestContext, target: Target, itemIndex?: number): Promise<ReadonlySet<string> | null> {
	const key = `${target.organizationUrl.toLowerCase()}\n${target.project.toLowerCase()}`;
	const cached = htmlFieldsByProject.get(key);
	if (cached && Date.now() - cached.at < HTML_FIELDS_TTL_MS) return await cached.names;
	const names = (async () => {
		try {
			return htmlFieldsFrom(await fieldsApi.list(context, target, { itemIndex }));
		} catch (error) {
			if (isAzureDevOpsError(error, 'azureDevOpsNotFound', 'azureDevOpsForbidden', 'apiVersionUnsupported')) return null;
			throw toNodeError(context.getNode(), error, itemIndex);
		}
	})();
	htmlFieldsByProject.set(key, { at: Date.now(), names });
	// A failed read is not remembered.
	names.catch(() => htmlFieldsByProject.delete(key));
	return await names;
}

export interface TypeState {
	name: string;
	category?: string;
}

// States of a type are read once per node run (the context object lives for one run), not once per item.
const statesByRun = new WeakMap<object, Map<string, Promise<TypeState[] | null>>>();

/**
 * The states of a work item type in a project, or null when they cannot be read (no permission, not found, a server
 * without the route): then Azure DevOps itself judges the target state.
 */
export async function readTypeStates(
	context: RequestContext,
	target: Target,
	type: string,
	itemIndex?: number,
): Promise<TypeState[] | null> {
	let cache = statesByRun.get(context);
	if (!cache) {
		cache = new Map();
		statesByRun.set(context, cache);
	}
	const key = `${target.organizationUrl}\n${target.project.toLowerCase()}\n${type.toLowerCase()}`;
	let pending = cache.get(key);
	if (!pending) {
		pending = (async () => {
			try {
				const list = await typeStates.list(context, target, type, { itemIndex });
				return list
					.filter((state) => typeof state.name === 'string' && state.name !== '')
					.map((state) => ({ name: state.name as string, category: state.category }));
			} catch (error) {
				if (isAzureDevOpsError(error, 'azureDevOpsNotFound', 'azureDevOpsForbidden', 'apiVersionUnsupported')) return null;
				throw toNodeError(context.getNode(), error, itemIndex);
			}
		})();
		cache.set(key, pending);
		// A failed read is not remembered: the next item asks again.
		pending.catch(() => cache?.delete(key));
	}
	return await pending;
}
