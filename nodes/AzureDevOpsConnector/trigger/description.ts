import type { INodeProperties } from 'n8n-workflow';
import { ticketReferenceOptions, projectLocator } from '../actions/common.descriptions';


const withCredential = { authentication: ['azureDevOpsApi', 'azureDevOpsMultiOrgApi'] };

/** The five work-item events, in the words of Azure DevOps' "Create subscription" dialog. */
export const EVENT_OPTIONS = [
	{ name: 'Work Item Commented On', value: 'workitem.commented' },
	{ name: 'Work Item Created', value: 'workitem.created' },
	{ name: 'Work Item Deleted', value: 'workitem.deleted' },
	{ name: 'Work Item Restored', value: 'workitem.restored' },
	{ name: 'Work Item Updated', value: 'workitem.updated' },
];

const MANUAL_STEPS =
	'<b>Create the subscription in Azure DevOps by hand:</b><br>' +
	'1. Project settings → Service hooks → Create subscription (+).<br>' +
	'2. Choose <b>Web Hooks</b>, Next.<br>' +
	'3. Trigger on this type of event: <b>Work item updated</b> (or the event chosen below); Field: <b>State</b>; optionally an area path and work item type. Next.<br>' +
	'4. URL: the <b>Production URL</b> shown under "Webhook URLs" at the top of this node (the Test URL while you click "Listen for test event").<br>' +
	'5. Basic authentication user name and password, or HTTP headers ("X-Authorization:Bearer &lt;token&gt;"): exactly those of the Service Hook Secret credential chosen below.<br>' +
	'6. Resource details to send: <b>All</b>; Messages to send: <b>None</b>; Detailed messages to send: <b>None</b>. Test, then Finish.';

/** The one line that makes the seed's manual set-up (a subscription without authentication) possible. */
export const BY_HAND_NEEDS_OTHER_AUTHENTICATION =
	'A subscription made by hand has no generated secret: choose Delivery Authentication "None" (the service desk guide\'s set-up, no authentication on the service hook) or "Service Hook Secret Credential" with the same secret on the subscription.';

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Azure DevOps Credential',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'One Organization',
				value: 'azureDevOpsApi',
				description: 'Registers the subscription and reads work items with an Azure DevOps API credential',
			},
			{
				name: 'Several Organizations',
				value: 'azureDevOpsMultiOrgApi',
				description: 'The same with a credential that holds several organizations',
			},
			{
				name: 'None (Subscription Created by Hand)',
				value: 'none',
				description: 'Only receive deliveries; the subscription is made in Azure DevOps by hand',
			},
		],
		default: 'azureDevOpsApi',
		description: 'The credential used to register the service-hook subscription and to read work items',
	},
	{
		...projectLocator,
		description: 'The project whose work items are watched; events of other projects are ignored',
		displayOptions: { show: withCredential },
	},
	{
		displayName: 'Register Subscription Automatically',
		name: 'registerSubscription',
		type: 'boolean',
		default: true,
		noDataExpression: true,
		displayOptions: { show: withCredential },
		description:
			'Whether the trigger creates the service-hook subscription in Azure DevOps when the workflow is activated (and removes it when deactivated). Needs a token with the Service Hooks (Read & Write) scope.',
	},
	{
		displayName: MANUAL_STEPS,
		name: 'manualStepsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName: MANUAL_STEPS,
		name: 'manualStepsNoticeWithCredential',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...withCredential, registerSubscription: [false] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		noDataExpression: true,
		options: EVENT_OPTIONS,
		default: ['workitem.updated'],
		required: true,
		description:
			'The work-item events that start the workflow. An automatic registration creates one subscription per event.',
	},
	{
		displayName: 'Delivery Authentication',
		name: 'deliveryAuthentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Generated Secret',
				value: 'generatedSecret',
				description:
					'The trigger generates a Basic auth secret and puts it on the subscription it registers (needs Register Subscription Automatically)',
			},
			{
				name: 'Service Hook Secret Credential',
				value: 'credential',
				description: 'Basic auth or a header (e.g. X-Authorization: Bearer …) from a credential',
			},
			{
				name: 'None',
				value: 'none',
				description: 'Accept every delivery to the URL; anyone who knows the URL can start the workflow',
			},
		],
		default: 'generatedSecret',
		description: 'How a delivery proves that it comes from your Azure DevOps subscription; others get 401',
	},
	{
		displayName: BY_HAND_NEEDS_OTHER_AUTHENTICATION,
		name: 'byHandAuthenticationNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'], deliveryAuthentication: ['generatedSecret'] } },
	},
	{
		displayName: BY_HAND_NEEDS_OTHER_AUTHENTICATION,
		name: 'byHandAuthenticationNoticeWithCredential',
		type: 'notice',
		default: '',
		displayOptions: {
			show: { ...withCredential, registerSubscription: [false], deliveryAuthentication: ['generatedSecret'] },
		},
	},
	{
		displayName:
			'Without authentication anyone who learns the webhook URL can start this workflow and set tickets to any state. Use a Service Hook Secret credential unless the URL is reachable only from Azure DevOps.',
		name: 'noAuthenticationWarning',
		type: 'notice',
		default: '',
		displayOptions: { show: { deliveryAuthentication: ['none'] } },
	},
	{
		displayName: 'Only When State Changed',
		name: 'onlyStateChanges',
		type: 'boolean',
		default: true,
		description:
			'Whether "Work item updated" events start the workflow only when System.State changed. Also asked of Azure DevOps when the subscription is registered automatically.',
	},
	{
		displayName: 'State Mapping From',
		name: 'configuration',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Separate Parameters',
				value: 'parameters',
				description: 'WorkItemEndState and EndState below',
			},
			{
				name: 'Connector Settings JSON',
				value: 'settingsJson',
				description: 'WorkItemEndState and EndState from the service\'s Connector Settings',
			},
		],
		default: 'parameters',
		description: 'Where the seed\'s WorkItemEndState → EndState pair comes from; the State Map rows below add to it',
	},
	{
		displayName: 'Connector Settings',
		name: 'connectorSettings',
		type: 'json',
		default: '{\n  "ConnectorType": "AzureDevOps",\n  "EndState": "Return from DevOps",\n  "WorkItemEndState": "Closed"\n}',
		typeOptions: { rows: 6 },
		displayOptions: { show: { configuration: ['settingsJson'] } },
		description:
			'The Connector Settings JSON of the service (the same as in Create From Ticket). Only EndState and WorkItemEndState are used here.',
	},
	{
		displayName: 'WorkItemEndState',
		name: 'workItemEndState',
		type: 'string',
		default: '',
		placeholder: 'Closed',
		displayOptions: { show: { configuration: ['parameters'] } },
		description: 'The Azure DevOps state that ends the work, e.g. Closed',
	},
	{
		displayName: 'EndState',
		name: 'endState',
		type: 'string',
		default: '',
		placeholder: 'Return from DevOps',
		displayOptions: { show: { configuration: ['parameters'] } },
		description: 'The ticket state to move to when the work item reaches WorkItemEndState; output as ticket.state',
	},
	{
		displayName: 'State Map',
		name: 'stateMap',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add State',
		default: {},
		description: 'More Azure DevOps states and the ticket state each leads to',
		options: [
			{
				displayName: 'State',
				name: 'row',
				values: [
					{
						displayName: 'Azure DevOps State',
						name: 'devOpsState',
						type: 'string',
						default: '',
						placeholder: 'Resolved',
					},
					{
						displayName: 'Ticket State',
						name: 'ticketState',
						type: 'string',
						default: '',
						placeholder: 'Waiting for Requester',
					},
				],
			},
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Applied to every delivery, also when the subscription sends more than it was asked for',
		options: [
			{
				displayName: 'Area Path',
				name: 'areaPath',
				type: 'string',
				default: '',
				placeholder: 'Fabrikam Fiber\\Service Desk',
				description: 'Only work items under this area path (the path itself and everything below it)',
			},
			{
				displayName: 'Project Name',
				name: 'projectName',
				type: 'string',
				default: '',
				placeholder: 'Fabrikam Fiber',
				description:
					'Only work items of this project. With a credential the Project above already filters; use this without one.',
			},
			{
				displayName: 'Work Item Types',
				name: 'workItemTypes',
				type: 'string',
				default: '',
				placeholder: 'Task, Bug',
				description:
					'Comma-separated work item types; empty means all. One type is also asked of Azure DevOps when registering.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allow Secret Over Plain HTTP',
				name: 'allowSecretOverHttp',
				type: 'boolean',
				default: false,
				description:
					'Whether to register the subscription with its secret on an http:// webhook URL that is not loopback. Azure DevOps then sends the secret in clear text with every delivery; use https instead wherever you can.',
			},
			{
				displayName: 'Fetch Work Item When Needed',
				name: 'fetchWorkItem',
				type: 'boolean',
				default: true,
				description:
					'Whether to read the work item (one request) when the delivery lacks the tags, fields or links that name the ticket, e.g. with Resource details Minimal. Needs a credential.',
			},
			{
				displayName: 'Ignore Case of States',
				name: 'ignoreCase',
				type: 'boolean',
				default: true,
				description: 'Whether "closed" and "Closed" count as the same Azure DevOps state in the state map',
			},
			{
				displayName: 'Only Mapped States',
				name: 'onlyMappedStates',
				type: 'boolean',
				default: false,
				description:
					'Whether to start the workflow only for events whose Azure DevOps state maps to a ticket state (others are answered 200 and dropped)',
			},
			...ticketReferenceOptions,
		],
	},
];
