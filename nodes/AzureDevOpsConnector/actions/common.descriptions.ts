import type { INodeProperties } from 'n8n-workflow';

/** Which credential the node uses: PATs for one or several organizations, or a Microsoft Entra ID sign-in. */
export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Managed Identity (Microsoft Entra ID)', value: 'azureDevOpsManagedIdentityApi' },
		{ name: 'OAuth2 Sign-In of a User (Microsoft Entra ID)', value: 'azureDevOpsOAuth2Api' },
		{ name: 'One Organization', value: 'azureDevOpsApi' },
		{ name: 'Service Principal (Microsoft Entra ID)', value: 'azureDevOpsServicePrincipalApi' },
		{ name: 'Several Organizations', value: 'azureDevOpsMultiOrgApi' },
	],
	default: 'azureDevOpsApi',
};

/** The project an operation works in: from a searchable list, by URL, or by name. */
export const projectLocator: INodeProperties = {
	displayName: 'Project',
	name: 'project',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Azure DevOps project that holds the work items',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a project...',
			typeOptions: { searchListMethod: 'searchProjects', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://dev.azure.com/my-organization/My%20Project',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^https?://.+/.+',
						errorMessage: 'Not a project URL: use https://dev.azure.com/{organization}/{project}',
					},
				},
			],
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. My Project',
			hint: 'Only with a credential that has one organization',
		},
	],
};

/** The work item an operation acts on: by id, by URL, or from a searchable list of the project's items. */
export const workItemLocator: INodeProperties = {
	displayName: 'Work Item',
	name: 'workItem',
	type: 'resourceLocator',
	default: { mode: 'id', value: '' },
	required: true,
	description: 'The work item, by its number (ID) or its URL',
	modes: [
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 42',
			validation: [
				{ type: 'regex', properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'Not a work item ID: use a number' } },
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://dev.azure.com/my-organization/My%20Project/_workitems/edit/42',
			extractValue: { type: 'regex', regex: '(?:/workitems/|/_workitems/edit/)([0-9]+)' },
		},
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a work item...',
			typeOptions: { searchListMethod: 'searchWorkItems', searchable: true },
		},
	],
};

/**
 * How the ticket ID is kept on a work item: one definition for Create From Ticket (which writes it) and the trigger
 * (which reads it back), so both always offer the same choices under the same names. Entries of an Options
 * collection, in its alphabetical order.
 */
export const ticketReferenceOptions: INodeProperties[] = [
	{
		displayName: 'Ticket Field',
		name: 'ticketField',
		type: 'string',
		default: '',
		placeholder: 'e.g. Custom.TicketId',
		displayOptions: { show: { ticketReference: ['field'] } },
		description: 'Reference name of the work item field that stores the ticket ID; the same in Create From Ticket and the trigger',
	},
	{
		displayName: 'Ticket Reference',
		name: 'ticketReference',
		type: 'options',
		options: [
			{ name: 'Tag', value: 'tag', description: 'A tag such as "Ticket:1234"' },
			{ name: 'Field', value: 'field', description: 'A work item field of your process, e.g. Custom.TicketId' },
		],
		default: 'tag',
		description:
			'How the ticket ID is recorded on the work item (Create From Ticket writes it, the trigger reads it back together with the hyperlink to the ticket)',
	},
	{
		displayName: 'Ticket Tag Prefix',
		name: 'tagPrefix',
		type: 'string',
		default: 'Ticket:',
		displayOptions: { show: { ticketReference: ['tag'] } },
		description: 'Text before the ticket ID in the tag; the same in Create From Ticket and the trigger',
	},
];

/** Options > Mark Comments as Written by the Connector (issue 18: no echo loops). */
export const markCommentsOption: INodeProperties = {
	displayName: 'Mark Comments as Written by the Connector',
	name: 'markComments',
	type: 'options',
	options: [
		{
			name: 'When Signed In as a Person',
			value: 'person',
			description:
				'Only with a Personal Access Token or OAuth2 credential: the trigger cannot tell such comments from the person\'s own by who wrote them',
		},
		{ name: 'Always', value: 'always', description: 'Also with a service principal or managed identity' },
		{ name: 'Never', value: 'never', description: 'Write the text exactly as given' },
	],
	default: 'person',
	description:
		'Whether comments get an invisible marker (zero-width characters at the end) by which the Azure DevOps Connector Trigger recognises and drops them, so they do not come back to the ticket. A marker already in the text is always removed.',
};

/** Format of a comment's text (Add Comment, Comment > Update): how Azure DevOps reads it. */
export const commentFormatOption: INodeProperties = {
	displayName: 'Format',
	name: 'format',
	type: 'options',
	options: [
		{ name: 'HTML', value: 'html', description: 'The text is HTML, as the Discussion field shows it' },
		{ name: 'Markdown', value: 'markdown', description: 'The text is Markdown' },
		{
			name: 'Plain Text',
			value: 'text',
			description: 'The text is shown as written (e.g. a ticket\'s message): < and & are escaped, line breaks kept',
		},
	],
	default: 'html',
	description: 'How Azure DevOps reads the text of the comment',
};

/** The Options of a comment written by an operation: the echo marker. */
export const commentOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'More settings of the comment',
	options: [markCommentsOption],
};
