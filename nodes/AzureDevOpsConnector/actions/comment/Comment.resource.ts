import type { INodeProperties } from 'n8n-workflow';

import * as deleteOperation from './delete.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations = {
	delete: deleteOperation,
	getAll,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['comment'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a comment of a work item',
				action: 'Delete a comment',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the comments of a work item, newest first',
				action: 'Get many comments',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Replace the text of a comment',
				action: 'Update a comment',
			},
		],
		default: 'getAll',
	},
	...deleteOperation.description,
	...getAll.description,
	...update.description,
];
