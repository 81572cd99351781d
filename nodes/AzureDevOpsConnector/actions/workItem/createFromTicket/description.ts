import type { INodeProperties } from 'n8n-workflow';

import { attachmentSizeOptions, ticketAttachmentOption } from '../../attachment/common';
import { ticketReferenceOptions, projectLocator } from '../../common.descriptions';
import { valueMapProperty } from '../valueMaps';


const inParametersMode = { show: { configuration: ['parameters'] } };
const inSettingsMode = { show: { configuration: ['settingsJson'] } };

/** The seed's own example, as an administrator pastes it from the service's Connector Settings field. */
export const EXAMPLE_CONNECTOR_SETTINGS = `{
  "ConnectorType": "AzureDevOps",
  "URL": "https://dev.azure.com/{organization}/{project}",
  "AccessToken": "0",
  "AttributeMap": "{\\"System.Title\\":\\"[$TicketTitle$]\\", \\"System.Description\\":\\"[$LatestImportantMessage$]\\", \\"System.WorkItemType\\": \\"Task\\"}",
  "BeginState": "Synchronization to DevOps",
  "EndState": "Return from DevOps",
  "WorkItemEndState": "Closed"
}`;

export const properties: INodeProperties[] = [
	{
		displayName: 'Configuration',
		name: 'configuration',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Connector Settings JSON',
				value: 'settingsJson',
				description: 'Paste the service\'s Connector Settings (URL, AccessToken, AttributeMap, BeginState, ...)',
			},
			{
				name: 'Separate Parameters',
				value: 'parameters',
				description: 'Choose the project, work item type, fields and BeginState here',
			},
		],
		default: 'settingsJson',
		description: 'Where the project, the AttributeMap and the BeginState come from',
	},
	{
		displayName: 'Connector Settings',
		name: 'connectorSettings',
		type: 'json',
		default: EXAMPLE_CONNECTOR_SETTINGS,
		required: true,
		displayOptions: inSettingsMode,
		typeOptions: { rows: 10 },
		description: 'The Connector Settings JSON as the service desk stores it: ConnectorType, URL (https://dev.azure.com/{organization}/{project}), AccessToken (token index, "0" = first), AttributeMap (object or JSON text), BeginState. May be an expression that reads the settings from the ticket\'s service.',
		hint: 'These settings decide the project, token, AttributeMap and BeginState. Ticket ID/URL/State Field, Variables and the Options below still apply; EndState and WorkItemEndState are used by the trigger.',
	},
	{
		...projectLocator,
		displayOptions: inParametersMode,
	},
	{
		displayName: 'Work Item Type Name or ID',
		name: 'workItemType',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getWorkItemTypes', loadOptionsDependsOn: ['project.value'] },
		default: '',
		displayOptions: inParametersMode,
		description:
			'The type of work item to create; wins over a System.WorkItemType in the fields, which is used when this is empty. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Fields Input',
		name: 'attributeMapInput',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Field Rows', value: 'rows', description: 'One row per field' },
			{ name: 'AttributeMap JSON', value: 'json', description: 'An AttributeMap object, as in Connector Settings' },
		],
		default: 'rows',
		displayOptions: inParametersMode,
	},
	{
		displayName: 'Fields',
		name: 'attributeMapRows',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Field',
		default: { field: [{ name: 'System.Title', value: '[$TicketTitle$]' }] },
		displayOptions: { show: { configuration: ['parameters'], attributeMapInput: ['rows'] } },
		description: 'The AttributeMap: each work item field and its value; [$Name$] inserts a ticket field or variable',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Field Reference Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'System.Title',
						description: 'Reference name of the Azure DevOps field, e.g. System.Title or Microsoft.VSTS.Common.Priority',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: '[$TicketTitle$]',
						description: 'Text with [$Name$] placeholders for ticket fields (dotted paths allowed) and variables',
					},
				],
			},
		],
	},
	{
		displayName: 'AttributeMap',
		name: 'attributeMapJson',
		type: 'json',
		default: '{\n  "System.Title": "[$TicketTitle$]",\n  "System.Description": "[$LatestImportantMessage$]"\n}',
		displayOptions: { show: { configuration: ['parameters'], attributeMapInput: ['json'] } },
		description: 'Field reference names and their values, with [$Name$] placeholders',
	},
	{
		displayName: 'BeginState',
		name: 'beginState',
		type: 'string',
		default: '',
		placeholder: 'Synchronization to DevOps',
		displayOptions: inParametersMode,
		description:
			'Ticket state in which tickets go to Azure DevOps. When set, tickets in any other state pass through as skipped (see Options > Only in BeginState).',
	},
	{
		displayName: 'Ticket ID Field',
		name: 'ticketIdField',
		type: 'string',
		default: '',
		placeholder: 'TicketID',
		description:
			'Field of the input item holding the ticket ID (a dotted path such as ticket.number is allowed). Empty: the first of the keys TicketID, ticketId and ID (in lower case) that the input item has.',
	},
	{
		displayName: 'Ticket URL Field',
		name: 'ticketUrlField',
		type: 'string',
		default: '',
		placeholder: 'TicketUrl',
		description: 'Field holding the ticket\'s web address, linked from the work item as a hyperlink. Empty: the first of the keys TicketUrl, ticketUrl and URL (in lower case) that the input item has; no link when none is set.',
	},
	{
		displayName: 'Ticket State Field',
		name: 'ticketStateField',
		type: 'string',
		default: 'state',
		placeholder: 'state',
		description: 'Field of the input item holding the ticket\'s current state (e.g. state or ticket.status), compared with BeginState; tickets in another state are output with skipped: true and a reason',
	},
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		description:
			'Extra [$Name$] variables for the AttributeMap. A variable defined here wins over a ticket field of the same name.',
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'TicketRequesterName' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	valueMapProperty,
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
					'How many work items to create in parallel (1–20). The node slows down by itself when Azure DevOps throttles.',
			},
			{
				displayName: 'HTML Fields',
				name: 'htmlFields',
				type: 'string',
				default: '',
				placeholder: 'System.Description, Microsoft.VSTS.TCM.ReproSteps',
				description:
					'Comma-separated reference names of the fields that hold HTML (e.g. System.Description): ticket values inserted into them are HTML-escaped, line breaks kept',
			},
			{
				displayName: 'If a Work Item Already Exists',
				name: 'ifExists',
				type: 'options',
				options: [
					{
						name: 'Return the Existing One',
						value: 'returnExisting',
						description: 'Output the work item found for the ticket (created: false, existing: true, with a reason); create nothing',
					},
					{
						name: 'Create Another',
						value: 'createAnyway',
						description: 'Create a new work item without looking for an existing one',
					},
					{ name: 'Fail', value: 'fail', description: 'Fail the item with code AZDC-5011' },
				],
				default: 'returnExisting',
				description:
					'What to do when a work item carrying this ticket\'s reference (tag or field) already exists, e.g. on a re-run',
			},
			{
				displayName: 'Link to Ticket',
				name: 'linkToTicket',
				type: 'boolean',
				default: true,
				description: 'Whether to add a Hyperlink relation from the work item to the ticket URL',
			},
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
				displayName: 'Only in BeginState',
				name: 'onlyInBeginState',
				type: 'boolean',
				default: true,
				description:
					'Whether tickets whose state is not the BeginState pass through as skipped (nothing is sent). Has no effect when no BeginState is set.',
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
				description: 'Whether to create the work item without sending Azure DevOps e-mail notifications',
			},
			...ticketReferenceOptions,
			attachmentSizeOptions[1],
			{
				displayName: 'Validate Only',
				name: 'validateOnly',
				type: 'boolean',
				default: false,
				description:
					'Whether to let Azure DevOps check the work item (fields, rules) without saving it; nothing is created',
			},
		],
	},
];
