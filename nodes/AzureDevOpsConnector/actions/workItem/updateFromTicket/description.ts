import type { INodeProperties } from 'n8n-workflow';

import { attachmentSizeOptions, ticketAttachmentOption } from '../../attachment/common';

import { markCommentsOption, ticketReferenceOptions } from '../../common.descriptions';
import { properties as createProperties } from '../createFromTicket/description';

// Options that mean the same as in Create From Ticket are its own, with this operation's words where they differ.
const createOptions = (createProperties.find((property) => property.name === 'options')?.options ?? []) as INodeProperties[];
function createOption(name: string, override: Partial<INodeProperties> = {}): INodeProperties {
	const option = createOptions.find((candidate) => candidate.name === name);
	if (!option) throw new Error(`Create From Ticket has no option "${name}"`);
	return { ...option, ...override };
}

// The configuration, ticket fields and variables are Create From Ticket's, so one settings expression serves both.
const shared = createProperties
	.filter((property) => !['beginState', 'options', 'workItemType'].includes(property.name))
	.map((property): INodeProperties => {
		if (property.name === 'connectorSettings') {
			return {
				...property,
				hint: 'The same settings as Create From Ticket. The UpdateAttributeMap key (same syntax as AttributeMap) is what an update renders; without it, the AttributeMap is rendered. System.WorkItemType is not changed by an update.',
			};
		}
		if (property.name === 'attributeMapRows' || property.name === 'attributeMapJson') {
			return { ...property, description: 'The fields to keep in sync: each work item field and its value; [$Name$] inserts a ticket field or variable. Only fields whose value differs from the work item\'s are sent.' };
		}
		if (property.name === 'ticketStateField') {
			return { ...property, description: 'Field holding the ticket\'s current state, looked up in the Ticket State Map (a dotted path is allowed)' };
		}
		return property;
	});

const inParametersMode = { show: { configuration: ['parameters'] } };

export const properties: INodeProperties[] = [
	...shared.slice(0, shared.findIndex((property) => property.name === 'attributeMapInput')),
	{
		displayName: 'Work Item Type Name or ID',
		name: 'workItemType',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getWorkItemTypes', loadOptionsDependsOn: ['project.value'] },
		default: '',
		displayOptions: inParametersMode,
		description:
			'Used only with Options > If the Ticket Has No Work Item = Create It: the type of work item to create. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	...shared.slice(shared.findIndex((property) => property.name === 'attributeMapInput')),
	{
		displayName: 'Ticket State Map',
		name: 'stateMap',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add State',
		default: {},
		description:
			'Moves the work item when the ticket is in one of these states, e.g. "Reopened" → "Active". States are checked against the states of the work item\'s type. A ticket state with no row leaves the work item\'s state alone.',
		options: [
			{
				displayName: 'State',
				name: 'state',
				values: [
					{ displayName: 'Ticket State', name: 'ticketState', type: 'string', default: '', placeholder: 'Reopened' },
					{ displayName: 'Work Item State', name: 'workItemState', type: 'string', default: '', placeholder: 'Active' },
				],
			},
		],
	},
	{
		displayName: 'Comment Field',
		name: 'commentField',
		type: 'string',
		default: '',
		placeholder: 'LatestImportantMessage',
		description:
			'Field of the ticket holding its latest message (a dotted path is allowed). When set and not empty, the message is added to the work item\'s discussion as plain text, unless one of its 20 newest comments already says the same.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			ticketAttachmentOption,
			createOption('bypassRules'),
			createOption('concurrency', {
				description:
					'How many tickets\' work items to update in parallel (1–20); the items of one ticket go one after the other. A throttled request waits as long as Azure DevOps asks (Retry-After).',
			}),
			createOption('htmlFields'),
			{
				displayName: 'If the Ticket Has No Work Item',
				name: 'ifNoWorkItem',
				type: 'options',
				options: [
					{ name: 'Fail', value: 'fail', description: 'Fail the item with code AZDC-5100' },
					{
						name: 'Create It',
						value: 'create',
						description: 'Create the work item from the AttributeMap, linked and tagged as Create From Ticket does',
					},
				],
				default: 'fail',
				description: 'What to do with a ticket for which no work item carries its reference',
			},
			createOption('linkToTicket', {
				description: 'Whether a work item created for a ticket without one gets a Hyperlink relation to the ticket URL',
			}),
			{ ...markCommentsOption, description: `${markCommentsOption.description} Applies to the ticket's message written as a comment (Comment Field).` },
			attachmentSizeOptions[0],
			createOption('missingVariable'),
			createOption('retryAttempts'),
			createOption('suppressNotifications', {
				description: 'Whether to update the work item without sending Azure DevOps e-mail notifications',
			}),
			...ticketReferenceOptions,
			attachmentSizeOptions[1],
		],
	},
];
