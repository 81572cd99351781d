import type { INodeProperties } from 'n8n-workflow';

import { attachmentSizeOptions, ticketAttachmentOption } from '../../attachment/common';

import { markCommentsOption, ticketReferenceOptions } from '../../common.descriptions';
import { properties as createProperties } from '../createFromTicket/description';

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
			{
				displayName: 'Bypass Rules',
				name: 'bypassRules',
				type: 'boolean',
				default: false,
				description:
					'Whether to skip the work item type\'s rules (allowed values, required fields); needs the "Bypass rules on work item updates" permission',
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 4,
				description:
					'How many tickets\' work items to update in parallel (1–20); the items of one ticket go one after the other. A throttled request waits as long as Azure DevOps asks (Retry-After).',
			},
			{
				displayName: 'HTML Fields',
				name: 'htmlFields',
				type: 'string',
				default: '',
				placeholder: 'System.Description, Microsoft.VSTS.TCM.ReproSteps',
				description:
					'Comma-separated fields that hold HTML: ticket values inserted into them are HTML-escaped, line breaks kept',
			},
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
			{
				displayName: 'Link to Ticket',
				name: 'linkToTicket',
				type: 'boolean',
				default: true,
				description: 'Whether a work item created for a ticket without one gets a Hyperlink relation to the ticket URL',
			},
			{ ...markCommentsOption, description: `${markCommentsOption.description} Applies to the ticket's message written as a comment (Comment Field).` },
			attachmentSizeOptions[0],
			{
				displayName: 'Missing Variables',
				name: 'missingVariable',
				type: 'options',
				options: [
					{ name: 'Fail the Item', value: 'error', description: 'Stop with AZDC-2001, naming the variable' },
					{ name: 'Leave Empty', value: 'empty', description: 'Insert nothing for the placeholder' },
					{ name: 'Keep the Placeholder', value: 'keep', description: 'Leave [$Name$] in the text' },
				],
				default: 'error',
				description: 'What to do when a [$Name$] placeholder has no value in the ticket or the variables',
			},
			{
				displayName: 'Retry Attempts',
				name: 'retryAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 6,
				description:
					'Attempts per request, the first included, when Azure DevOps throttles (429) or is briefly unavailable (503)',
			},
			{
				displayName: 'Suppress Notifications',
				name: 'suppressNotifications',
				type: 'boolean',
				default: false,
				description: 'Whether to update the work item without sending Azure DevOps e-mail notifications',
			},
			...ticketReferenceOptions,
			attachmentSizeOptions[1],
		],
	},
];
