import type { INodeProperties } from 'n8n-workflow';
import { ticketReferenceOptions, projectLocator } from '../actions/common.descriptions';

/*
 * The panel reads top-down like n8n's own triggers: the credential, then what to watch (project, events, how the
 * subscription is made), then how deliveries are authenticated, then the state mapping, filters and options.
 * Notices are plain one-line texts: n8n 2.x shows a notice's text without its HTML, so "<br>" would run lines together.
 */

const withCredential = { authentication: ['azureDevOpsApi', 'azureDevOpsMultiOrgApi', 'azureDevOpsServicePrincipalApi', 'azureDevOpsManagedIdentityApi', 'azureDevOpsOAuth2Api'] };

/** The five work-item events, in the words of Azure DevOps' "Create subscription" dialog. */
export const EVENT_OPTIONS = [
	{ name: 'Work Item Commented On', value: 'workitem.commented' },
	{ name: 'Work Item Created', value: 'workitem.created' },
	{ name: 'Work Item Deleted', value: 'workitem.deleted' },
	{ name: 'Work Item Restored', value: 'workitem.restored' },
	{ name: 'Work Item Updated', value: 'workitem.updated' },
];

/** The seed's pair: the work item state that ends the work, and the ticket state it leads to. */
export const SEED_WORK_ITEM_END_STATE = 'Closed';
export const SEED_END_STATE = 'Return from DevOps';

/** Creating the subscription by hand, one notice per step (no button names: they differ between n8n versions). */
export const MANUAL_STEPS = [
	'Create the subscription by hand in Azure DevOps: Project settings → Service hooks → Create subscription → Web Hooks.',
	'Trigger on the events chosen above (Work item updated: Field State); URL: this node\'s Production URL, under "Webhook URLs" at the top of this panel.',
	'Authentication as chosen in Delivery Authentication below; Resource details to send: All; Messages and Detailed messages to send: None.',
];

/** The one line that makes the seed's manual set-up (a subscription without authentication) possible. */
export const BY_HAND_NEEDS_OTHER_AUTHENTICATION =
	'A subscription made by hand has no generated secret: choose Delivery Authentication "None" (the service desk guide\'s set-up, no authentication on the service hook) or "Service Hook Secret Credential" with the same secret on the subscription.';

/** Shown while the state pair is incomplete: nothing would be mapped, and activation fails. */
export const STATE_PAIR_INCOMPLETE =
	'WorkItemEndState and EndState are both needed to give ticket.state (e.g. Closed → Return from DevOps); without them activation fails with AZDC-1070 (or AZDC-1041/1042 when only one is set).';

/** A notice shown with a subscription made by hand: without a credential, or with automatic registration off. */
function byHand(name: string, text: string, show: Record<string, unknown[]> = {}): INodeProperties[] {
	return [
		{ displayName: text, name, type: 'notice', default: '', displayOptions: { show: { authentication: ['none'], ...show } } },
		{
			displayName: text,
			name: `${name}WithCredential`,
			type: 'notice',
			default: '',
			displayOptions: { show: { ...withCredential, registerSubscription: [false], ...show } },
		},
	];
}

export const triggerProperties: INodeProperties[] = [
	// 1. The credential.
	{
		displayName: 'Azure DevOps Credential',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Managed Identity (Microsoft Entra ID)',
				value: 'azureDevOpsManagedIdentityApi',
				description: 'The same, as the managed identity of the Azure resource n8n runs on (Azure DevOps Services only)',
			},
			{
				name: 'None (Subscription Created by Hand)',
				value: 'none',
				description: 'Only receive deliveries; the subscription is made in Azure DevOps by hand',
			},
			{
				name: 'OAuth2 Sign-In of a User (Microsoft Entra ID)',
				value: 'azureDevOpsOAuth2Api',
				description: 'The same, as the user who connected the credential (Azure DevOps Services only)',
			},
			{
				name: 'One Organization',
				value: 'azureDevOpsApi',
				description: 'Registers the subscription and reads work items with an Azure DevOps API credential',
			},
			{
				name: 'Service Principal (Microsoft Entra ID)',
				value: 'azureDevOpsServicePrincipalApi',
				description: 'The same, signed in as a Microsoft Entra ID application (Azure DevOps Services only)',
			},
			{
				name: 'Several Organizations',
				value: 'azureDevOpsMultiOrgApi',
				description: 'The same with a credential that holds several organizations',
			},
		],
		default: 'azureDevOpsApi',
		description: 'The credential used to register the service-hook subscription and to read work items',
	},
	{
		// Where n8n's editor shows the credential fields: right below the choice of credential.
		displayName: 'Credential',
		name: 'credentials',
		type: 'credentials',
		default: '',
	},

	// 2. What to watch, and how the subscription is made.
	{
		...projectLocator,
		description: 'The project whose work items are watched; events of other projects are ignored',
		displayOptions: { show: withCredential },
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
		displayName: 'Only When State Changed',
		name: 'onlyStateChanges',
		type: 'boolean',
		default: true,
		description:
			'Whether "Work item updated" events start the workflow only when System.State changed. Also asked of Azure DevOps when the subscription is registered automatically.',
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
	...MANUAL_STEPS.flatMap((text, index) => byHand(`manualStep${index + 1}Notice`, text)),

	// 3. How deliveries are authenticated.
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
	...byHand('byHandAuthenticationNotice', BY_HAND_NEEDS_OTHER_AUTHENTICATION, {
		deliveryAuthentication: ['generatedSecret'],
	}),
	{
		displayName:
			'Without authentication anyone who learns the webhook URL can start this workflow and set tickets to any state. Use a Service Hook Secret credential unless the URL is reachable only from Azure DevOps.',
		name: 'noAuthenticationWarning',
		type: 'notice',
		default: '',
		displayOptions: { show: { deliveryAuthentication: ['none'] } },
	},

	// 4. The state mapping, then filters and options.
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
		default: `{\n  "ConnectorType": "AzureDevOps",\n  "EndState": "${SEED_END_STATE}",\n  "WorkItemEndState": "${SEED_WORK_ITEM_END_STATE}"\n}`,
		typeOptions: { rows: 6 },
		displayOptions: { show: { configuration: ['settingsJson'] } },
		description:
			'The Connector Settings JSON of the service (the same as in Create From Ticket). Only EndState and WorkItemEndState are used here.',
	},
	{
		displayName: 'WorkItemEndState',
		name: 'workItemEndState',
		type: 'string',
		default: SEED_WORK_ITEM_END_STATE,
		displayOptions: { show: { configuration: ['parameters'] } },
		description: 'The Azure DevOps state that ends the work; the event that moves the work item into it gives EndState',
	},
	{
		displayName: 'EndState',
		name: 'endState',
		type: 'string',
		default: SEED_END_STATE,
		displayOptions: { show: { configuration: ['parameters'] } },
		description: 'The ticket state to move to when the work item reaches WorkItemEndState; output as ticket.state',
	},
	{
		displayName: STATE_PAIR_INCOMPLETE,
		name: 'workItemEndStateEmptyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { configuration: ['parameters'], workItemEndState: [''] } },
	},
	{
		displayName: STATE_PAIR_INCOMPLETE,
		name: 'endStateEmptyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { configuration: ['parameters'], endState: [''] } },
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
						placeholder: 'e.g. Resolved',
					},
					{
						displayName: 'Ticket State',
						name: 'ticketState',
						type: 'string',
						default: '',
						placeholder: 'e.g. Waiting for Requester',
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
				placeholder: 'e.g. Fabrikam Fiber\\Service Desk',
				description: 'Only work items under this area path (the path itself and everything below it)',
			},
			{
				displayName: 'Project Name',
				name: 'projectName',
				type: 'string',
				default: '',
				placeholder: 'e.g. Fabrikam Fiber',
				description:
					'Only work items of this project. With a credential the Project above already filters; use this without one.',
			},
			{
				displayName: 'Work Item Types',
				name: 'workItemTypes',
				type: 'string',
				default: '',
				placeholder: 'e.g. Task, Bug',
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
				displayName: 'Connector Identities',
				name: 'connectorIdentities',
				type: 'string',
				default: '',
				placeholder: 'e.g. svc-servicedesk@fabrikam.com, 3f2c…',
				description:
					'Comma-separated unique names (e-mails) or IDs of the identities your Azure DevOps Connector action nodes sign in as, when they use another credential than this trigger. Their comments (and, with Ignore the Connector\'s Own Changes = Comments and Updates, their updates) are dropped. Only list identities nobody writes comments with by hand.',
			},
			{
				displayName: 'Download Attachments',
				name: 'downloadAttachments',
				type: 'boolean',
				default: false,
				description:
					'Whether to put the files the event brings on the item as binary data (attachment_0, attachment_1, …): every file of a new work item, the files an update added. Needs an Azure DevOps credential; Azure DevOps waits for the downloads before its delivery is answered.',
			},
			{
				displayName: 'Download Size Limit (MB)',
				name: 'maxAttachmentMb',
				type: 'number',
				typeOptions: { minValue: 0.001, maxValue: 130, numberPrecision: 3 },
				default: 10,
				description:
					'With Download Attachments: the largest file fetched; a larger one is listed in attachments with downloaded false and the reason, and the workflow still starts',
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
				description:
					'Whether "closed" and "Closed" count as the same Azure DevOps state in the state map (Azure DevOps itself does not tell them apart)',
			},
			{
				displayName: "Ignore the Connector's Own Changes",
				name: 'ignoreOwnChanges',
				type: 'options',
				options: [
					{
						name: 'Comments',
						value: 'comments',
						description:
							'Drop comments the connector wrote: those carrying its invisible marker, and those by its service identity or a Connector Identity',
					},
					{
						name: 'Comments and Updates',
						value: 'commentsAndUpdates',
						description: 'The same, and also work item updates made by its service identity or a Connector Identity',
					},
					{ name: 'None', value: 'none', description: 'Start the workflow for every event, whoever made it' },
				],
				default: 'comments',
				description:
					'Whether deliveries of changes the Azure DevOps Connector itself made are answered and dropped, so that a ticket message written as a comment does not come back to the ticket (an echo loop)',
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
