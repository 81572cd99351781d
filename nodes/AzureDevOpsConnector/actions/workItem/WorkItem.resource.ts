import type { INodeProperties } from 'n8n-workflow';

import * as addComment from './addComment.operation';
import * as addLink from './addLink.operation';
import * as changeState from './changeState.operation';
import * as create from './create.operation';
import * as createFromTicket from './createFromTicket.operation';
import * as deleteOperation from './delete.operation';
import * as get from './get.operation';
import * as removeLink from './removeLink.operation';
import * as search from './search.operation';
import * as update from './update.operation';
import * as updateFromTicket from './updateFromTicket.operation';

export const operations = {
	addComment,
	addLink,
	changeState,
	create,
	createFromTicket,
	delete: deleteOperation,
	get,
	removeLink,
	search,
	update,
	updateFromTicket,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workItem'] } },
		options: [
			{
				name: 'Add Comment',
				value: 'addComment',
				description: 'Add a comment to the discussion of a work item',
				action: 'Add a comment to a work item',
			},
			{
				name: 'Add Link',
				value: 'addLink',
				description: 'Link a work item to another one (parent, child, related, duplicate, any type the organization defines) or to a web address',
				action: 'Add a link to a work item',
			},
			{
				name: 'Change State',
				value: 'changeState',
				description:
					'Move a work item to another state of its type (e.g. Active, Resolved, Closed), with an optional reason and comment',
				action: 'Change the state of a work item',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create a work item from a title, a type and field values',
				action: 'Create a work item',
			},
			{
				name: 'Create From Ticket',
				value: 'createFromTicket',
				description:
					'Create a work item from a service-desk ticket using the AttributeMap template, linked and tagged with the ticket; returns the existing work item if the ticket already has one',
				action: 'Create a work item from a ticket',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Move a work item to the recycle bin, or delete it permanently',
				action: 'Delete a work item',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Read a work item with its fields and links',
				action: 'Get a work item',
			},
			{
				name: 'Remove Link',
				value: 'removeLink',
				description: 'Remove a link of a work item to another one or to a web address',
				action: 'Remove a link from a work item',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Find work items by state, type, tag or change date, or with a WIQL query',
				action: 'Search work items',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Set fields and add or remove tags of a work item, optionally only if it is unchanged',
				action: 'Update a work item',
			},
			{
				name: 'Update From Ticket',
				value: 'updateFromTicket',
				description:
					'Bring the ticket\'s work item up to date: only changed fields are sent, with an optional state map and the ticket\'s latest message as a comment',
				action: 'Update a work item from a ticket',
			},
		],
		default: 'get',
	},
	...addComment.description,
	...addLink.description,
	...changeState.description,
	...create.description,
	...createFromTicket.description,
	...deleteOperation.description,
	...get.description,
	...removeLink.description,
	...search.description,
	...update.description,
	...updateFromTicket.description,
];
