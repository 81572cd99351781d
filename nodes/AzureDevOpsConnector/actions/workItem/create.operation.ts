import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import { workItemApiUrl, workItems } from '../../transport';
import { projectLocator } from '../common.descriptions';
import { itemTarget, operationError, workItemIdFrom } from '../target';
import {
	fieldPatch,
	fieldsProperty,
	tagsFromParameter,
	withWebUrl,
	withTextEscaped,
	writeFlagOptions,
	writeFlags,
} from './operationHelpers';

/** The work item type parameter, filled from the project's types. */
export const workItemTypeProperty: INodeProperties = {
	displayName: 'Work Item Type Name or ID',
	name: 'workItemType',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getWorkItemTypes', loadOptionsDependsOn: ['project.value'] },
	default: '',
	required: true,
	description:
		'The type of work item to create, e.g. Task, Bug, User Story, Issue. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

const properties: INodeProperties[] = [
	projectLocator,
	workItemTypeProperty,
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Printer on floor 3 does not print',
		description: 'The title of the new work item (System.Title)',
	},
	fieldsProperty,
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'service-desk, printer',
		description: 'Tags to put on the work item, separated by commas or semicolons',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Optional parent link and how Azure DevOps applies the new work item',
		options: [
			{
				displayName: 'Parent Work Item',
				name: 'parentWorkItem',
				type: 'string',
				default: '',
				placeholder: '42',
				description: 'ID or URL of a work item to make the new work item a child of',
			},
			...writeFlagOptions,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workItem'], operation: ['create'] } }, properties);

interface CreateOptions {
	parentWorkItem?: string | number;
	escapeTextInHtmlFields?: boolean;
	validateOnly?: boolean;
	bypassRules?: boolean;
	suppressNotifications?: boolean;
}

/** Creates one work item per input item from the fields given on the node. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const type = String(this.getNodeParameter('workItemType', itemIndex, '') ?? '').trim();
	if (type === '') {
		throw operationError(
			this,
			new ConnectorError('workItemTypeNotChosen', 'No work item type is set.', { field: 'Work Item Type' }),
			itemIndex,
		);
	}
	const title = String(this.getNodeParameter('title', itemIndex, '') ?? '').trim();
	if (title === '') {
		throw operationError(this, new ConnectorError('workItemTitleEmpty', 'Title is empty.', { field: 'Title' }), itemIndex);
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;

	const patch: JsonPatchOperation[] = [
		{ op: 'add', path: '/fields/System.Title', value: title },
		...fieldPatch(this, itemIndex, ['System.Title', 'System.WorkItemType', 'System.Tags']),
	];
	const tags = tagsFromParameter(this.getNodeParameter('tags', itemIndex, ''));
	if (tags.length > 0) patch.push({ op: 'add', path: '/fields/System.Tags', value: tags.join('; ') });

	const parent = String(options.parentWorkItem ?? '').trim();
	if (parent !== '') {
		const parentId = workItemIdFrom(parent);
		if (parentId === undefined) {
			throw operationError(
				this,
				new ConnectorError('parentWorkItemInvalid', `"${parent}" is not a work item id or URL.`, {
					field: 'Parent Work Item',
				}),
				itemIndex,
			);
		}
		patch.push({
			op: 'add',
			path: '/relations/-',
			value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: workItemApiUrl(target, parentId) },
		});
	}

	const body = await withTextEscaped(this, target, patch, options, itemIndex);
	const { workItem } = await workItems.create(this, target, type, body, writeFlags(options, 'relations'), { itemIndex });
	return [{ json: withWebUrl(workItem, target), pairedItem: { item: itemIndex } }];
}
