/**
 * The one error catalogue of the package. Every user-facing fault has a stable code here.
 *
 * Ranges: 1xxx connector settings, 2xxx AttributeMap templating, 3xxx service-hook deliveries and the
 * trigger's webhook, 4xxx credentials and transport, 5xxx action-node operations, 6xxx subscription lifecycle.
 * A code is never reused for a different fault; retired codes stay listed with `retired: true`.
 */

export interface ErrorSpec {
	/** Stable code, `AZDC-` and four digits. */
	readonly code: string;
	/** What went wrong, in the words of the README's error table. */
	readonly title: string;
	/** What the user does about it. */
	readonly fix: string;
	/** HTTP status the trigger's webhook answers with, for faults that can happen on a delivery. */
	readonly httpStatus?: number;
	readonly retired?: boolean;
}

export const ERROR_CATALOGUE = {
	// 1xxx: connector settings
	settingsNotJson: {
		code: 'AZDC-1001',
		title: 'Connector settings are not valid JSON',
		fix: 'Correct the JSON at the line and column given (keys and strings in double quotes, no trailing commas).',
	},
	settingsEmpty: {
		code: 'AZDC-1002',
		title: 'Connector settings are empty',
		fix: 'Paste the service\'s Connector Settings JSON, e.g. {"ConnectorType":"AzureDevOps","URL":"https://dev.azure.com/org/project", ...}.',
	},
	settingsNotObject: {
		code: 'AZDC-1003',
		title: 'Connector settings are not a JSON object',
		fix: 'Wrap the settings in { } with one key per setting; a list or a plain value is not accepted.',
	},
	connectorTypeUnknown: {
		code: 'AZDC-1004',
		title: 'ConnectorType is missing or not AzureDevOps',
		fix: 'Set "ConnectorType": "AzureDevOps".',
	},
	urlMissing: {
		code: 'AZDC-1010',
		title: 'URL is missing',
		fix: 'Set "URL" to the Azure DevOps project, e.g. https://dev.azure.com/{organization}/{project}.',
	},
	urlNotHttps: {
		code: 'AZDC-1011',
		title: 'URL does not use https',
		fix: 'Use an https:// URL. Plain http is accepted only for localhost/127.0.0.1 when "Allow HTTP" is on.',
	},
	urlNoProject: {
		code: 'AZDC-1012',
		title: 'URL names no project',
		fix: 'Add the project to the URL: https://dev.azure.com/{organization}/{project} or https://host/tfs/{collection}/{project}.',
	},
	urlUnparseable: {
		code: 'AZDC-1013',
		title: 'URL is not a valid URL',
		fix: 'Give a full URL such as https://dev.azure.com/{organization}/{project}.',
	},
	accessTokenInvalid: {
		code: 'AZDC-1020',
		title: 'AccessToken is not a token index',
		fix: 'Set "AccessToken" to the index of the token in the credential: "0" for the first, "1" for the second, and so on.',
	},
	accessTokenOutOfRange: {
		code: 'AZDC-1021',
		title: 'AccessToken points past the credential\'s tokens',
		fix: 'Use an index below the number of tokens in the credential, or add the missing token to the credential.',
	},
	attributeMapMissing: {
		code: 'AZDC-1030',
		title: 'AttributeMap is missing',
		fix: 'Add "AttributeMap" with at least {"System.Title": "[$TicketTitle$]", "System.WorkItemType": "Task"}.',
	},
	attributeMapNotObject: {
		code: 'AZDC-1031',
		title: 'AttributeMap is not a JSON object',
		fix: 'Give AttributeMap as an object, or as a string holding a JSON object, with field reference names as keys.',
	},
	attributeMapValueInvalid: {
		code: 'AZDC-1032',
		title: 'An AttributeMap value is not text, a number or true/false',
		fix: 'Write each value as a string (placeholders allowed), a number or a boolean; nested objects and lists are not fields.',
	},
	workItemTypeMissing: {
		code: 'AZDC-1033',
		title: 'No work item type',
		fix: 'Add "System.WorkItemType" (e.g. "Task") to the AttributeMap, or choose a Work Item Type on the node.',
	},
	attributeMapDuplicateKey: {
		code: 'AZDC-1034',
		title: 'AttributeMap names the same field twice',
		fix: 'Keep one of the keys: Azure DevOps field names are case-insensitive, so both would set the same field.',
	},
	attributeMapFieldNameInvalid: {
		code: 'AZDC-1035',
		title: 'An AttributeMap key is not a field reference name',
		fix: 'Use the field\'s reference name, e.g. System.Title or Microsoft.VSTS.Common.Priority (no spaces, no slashes).',
	},
	beginStateEmpty: {
		code: 'AZDC-1040',
		title: 'BeginState is empty',
		fix: 'Set "BeginState" to the ticket state that sends tickets to Azure DevOps, e.g. "Synchronization to DevOps", or turn off "Only in BeginState".',
	},
	endStateEmpty: {
		code: 'AZDC-1041',
		title: 'EndState is empty',
		fix: 'Set "EndState" to the ticket state to move to when the work item closes, e.g. "Return from DevOps".',
	},
	workItemEndStateEmpty: {
		code: 'AZDC-1042',
		title: 'WorkItemEndState is empty',
		fix: 'Set "WorkItemEndState" to the Azure DevOps state that ends the work, e.g. "Closed".',
	},
	settingValueNotText: {
		code: 'AZDC-1043',
		title: 'A setting that must be text is not text',
		fix: 'Write the setting as a JSON string in double quotes.',
	},
	settingsDuplicateKey: {
		code: 'AZDC-1044',
		title: 'A setting is given twice',
		fix: 'Keep one of the keys: setting names are case-insensitive, so "URL" and "url" are the same setting.',
	},
	attributeMapNotJson: {
		code: 'AZDC-1045',
		title: 'The AttributeMap text is not valid JSON',
		fix: 'Correct the AttributeMap at the line and column given (counted inside the AttributeMap text), or give AttributeMap as an object instead of a string.',
	},

	// 1090-1099: issue 15 (security hardening)
	urlCredentials: {
		code: 'AZDC-1090',
		title: 'The URL contains a user name or password',
		fix: 'Remove the "name:password@" part before the host: the token belongs in the credential, never in a URL. If a real password was in it, treat it as exposed and change it.',
	},
	ticketReferenceAmbiguous: {
		code: 'AZDC-1091',
		title: 'The work item carries references to several different tickets',
		fix: 'Remove from the work item the tags (or "Service desk ticket" hyperlinks) that name the wrong ticket, keeping the one of the ticket it was created from; while several differ, none is taken.',
	},
	ticketTagFromTicketText: {
		code: 'AZDC-1092',
		title: 'A rendered tag named another ticket and was left out (warning)',
		fix: 'Only the connector writes the ticket tag. Keep ticket text that can start with the tag prefix (e.g. "Ticket:") out of System.Tags in the AttributeMap, or choose a tag prefix that no such text starts with.',
	},

	stateMapEmpty: {
		code: 'AZDC-1070',
		title: 'No Azure DevOps state is mapped to a ticket state',
		fix: 'Set WorkItemEndState and EndState (the seed\'s "Closed" → "Return from DevOps"), or add a State Map row; otherwise every event would give ticket.state null.',
	},

	// 1060-1069: ticket reference and state map
	ticketIdEmpty: {
		code: 'AZDC-1060',
		title: 'The ticket id is empty',
		fix: 'Map "Ticket ID" to the ticket\'s id, e.g. {{ $json.TicketID }}; it must be text or a number.',
	},
	ticketIdNotTaggable: {
		code: 'AZDC-1061',
		title: 'The ticket id contains ";" and cannot be stored in a tag',
		fix: 'Azure DevOps separates tags with ";". Switch Ticket Reference to "Field", or give an id without ";".',
	},
	ticketUrlInvalid: {
		code: 'AZDC-1062',
		title: 'The ticket URL is not an http(s) URL',
		fix: 'Give the full address of the ticket, e.g. https://servicedesk.example.com/ticket/1234, without a user name or password, or leave it empty.',
	},
	ticketReferenceFieldInvalid: {
		code: 'AZDC-1063',
		title: 'The ticket reference field is missing or not a field reference name',
		fix: 'Give the reference name of a text field of the work item type, e.g. Custom.TicketId (Organization settings > Process > Fields).',
	},
	ticketReferenceModeUnknown: {
		code: 'AZDC-1064',
		title: 'Ticket Reference is neither "tag" nor "field"',
		fix: 'Choose "tag" (a tag such as Ticket:1234) or "field" (a custom field holding the ticket id).',
	},
	ticketTagPrefixInvalid: {
		code: 'AZDC-1065',
		title: 'The ticket tag prefix is empty or contains ";"',
		fix: 'Use a short prefix without ";" that no other tag starts with, e.g. the default "Ticket:".',
	},
	ticketReferenceFieldConflict: {
		code: 'AZDC-1066',
		title: 'The AttributeMap sets the ticket reference field to a different value',
		fix: 'Remove the ticket reference field from the AttributeMap, or choose another field for the ticket reference.',
	},
	stateMapConflict: {
		code: 'AZDC-1067',
		title: 'The state map sends one Azure DevOps state to two ticket states',
		fix: 'Keep one row per Azure DevOps state (with "Ignore Case" on, "Closed" and "closed" are the same state).',
	},
	stateMapRowIncomplete: {
		code: 'AZDC-1068',
		title: 'A state map row has only one of its two states',
		fix: 'Fill in both the Azure DevOps state and the ticket state of the row, or delete the row.',
	},
	ticketIdTooLong: {
		code: 'AZDC-1069',
		title: 'The ticket id is too long to search for',
		fix: 'Ticket ids are expected to be short (a number or a code); check that the id, not the ticket text, is mapped.',
	},

	// 2xxx: AttributeMap templating
	templateVariableUnknown: {
		code: 'AZDC-2001',
		title: 'A template variable has no value in the ticket',
		fix: 'Check the spelling of [$Name$] against the ticket\'s fields, define the variable on the node, or set "Missing Variables" to "Leave Empty".',
	},
	templatePlaceholderMalformed: {
		code: 'AZDC-2002',
		title: 'A template placeholder is not closed or has no name',
		fix: 'Write placeholders as [$Name$]: "[$" then a variable name then "$]".',
	},
	templateValueNotRenderable: {
		code: 'AZDC-2003',
		title: 'A template variable holds an object or list that cannot be put in text',
		fix: 'Point the placeholder at a text or number inside it, e.g. [$ticket.requester.name$] instead of [$ticket.requester$].',
	},

	// 3xxx: service-hook deliveries and the trigger's webhook
	deliveryNotJson: {
		code: 'AZDC-3001',
		title: 'The delivery body is not JSON',
		fix: 'Point only Azure DevOps service hooks at this URL; they send application/json.',
		httpStatus: 400,
	},
	deliveryNotWorkItemEvent: {
		code: 'AZDC-3002',
		title: 'The delivery is not a work-item event',
		fix: 'Subscribe this URL to work item events only (created, updated, commented on, deleted, restored).',
		httpStatus: 400,
	},
	deliveryMissingIds: {
		code: 'AZDC-3003',
		title: 'The delivery carries no work item id',
		fix: 'The body lacks resource.id / resource.workItemId; check that the sender is an Azure DevOps service hook.',
		httpStatus: 400,
	},
	deliveryMalformed: {
		code: 'AZDC-3004',
		title: 'The delivery has a field of the wrong type',
		fix: 'The body does not have the shape of an Azure DevOps service-hook delivery; check the sender.',
		httpStatus: 400,
	},
	deliveryEmpty: {
		code: 'AZDC-3005',
		title: 'The delivery has no body',
		fix: 'Point only Azure DevOps service hooks at this URL; they always POST a JSON body.',
		httpStatus: 400,
	},
	deliveryUnauthenticated: {
		code: 'AZDC-3010',
		title: 'The delivery did not authenticate',
		fix: 'Give the service hook the same Basic auth user/password or header value as the trigger\'s credential.',
		httpStatus: 401,
	},

	// 3100-3199: the trigger's webhook (issue 5)
	webhookSecretNotSet: {
		code: 'AZDC-3101',
		title: 'The trigger has no secret to check the delivery against',
		fix: 'Activate the workflow with "Register Subscription Automatically" on, so the trigger generates the secret and puts it on the subscription; or choose a Service Hook Secret credential.',
		// Since issue 15 (class 5) a delivery is never told why it did not authenticate: it gets AZDC-3010.
		retired: true,
	},
	webhookConfigurationInvalid: {
		code: 'AZDC-3102',
		title: 'The trigger\'s own settings are invalid, so the delivery was not processed',
		fix: 'Open the trigger and correct the setting named in the message (state map, connector settings); Azure DevOps retries the delivery later.',
		httpStatus: 503,
	},
	workItemFetchFailed: {
		code: 'AZDC-3103',
		title: 'The work item could not be read to find its ticket',
		fix: 'Check that the credential\'s token may read work items and that the work item still exists, or set "Resource details to send" to All on the subscription.',
	},
	webhookCredentialIncomplete: {
		code: 'AZDC-3104',
		title: 'The Service Hook Secret credential is incomplete',
		fix: 'Fill in the user name and a password of at least 12 characters (Basic auth), or a header name (letters, digits, "-") and a value of at least 12 characters (Header).',
	},

	// 4xxx: credentials and transport
	tokenForeignOrganization: {
		code: 'AZDC-4001',
		title: 'The credential has no token for the organization of this request',
		fix: 'Add the organization and its token to the credential, or correct the URL; a token is only ever sent to the organization it is listed with.',
	},
	credentialListsMismatch: {
		code: 'AZDC-4002',
		title: 'The credential lists a different number of organizations and tokens',
		fix: 'List one organization URL per token, in the same order as the comma-separated tokens.',
	},
	credentialOrganizationDuplicate: {
		code: 'AZDC-4003',
		title: 'The credential lists one organization twice',
		fix: 'Keep each organization once; two tokens for one organization would make the choice of token ambiguous.',
	},
	credentialTokenMissing: {
		code: 'AZDC-4004',
		title: 'The credential has an empty Personal Access Token',
		fix: 'Paste the Personal Access Token created in Azure DevOps (User settings, Personal access tokens) with Work Items Read & Write.',
	},
	requestUrlUnknown: {
		code: 'AZDC-4005',
		title: 'The request has no absolute URL to check the token against',
		fix: 'Give the request a full https:// URL inside the credential\'s organization.',
	},
	tokenIndexForeignOrganization: {
		code: 'AZDC-4006',
		title: 'AccessToken selects a token of another organization',
		fix: 'Use the index of the token listed with the organization of the URL, or drop AccessToken to pick it by URL.',
	},
	azureDevOpsRejected: {
		code: 'AZDC-4010',
		title: 'Azure DevOps rejected the request',
		fix: 'Read Azure DevOps\' own message above (e.g. TF401320 names the field and the rule) and correct the value or field it names.',
	},
	azureDevOpsThrottled: {
		code: 'AZDC-4011',
		title: 'Azure DevOps kept throttling the requests (429/503) past the retry budget',
		fix: 'Lower the node\'s concurrency or batch size, or raise the retry budget (Options > Retry); Azure DevOps limits requests per user and organization.',
	},
	azureDevOpsUnavailable: {
		code: 'AZDC-4012',
		title: 'Azure DevOps answered with a server error',
		fix: 'Try again later; check https://status.dev.azure.com (or your Azure DevOps Server) if it persists.',
	},
	azureDevOpsUnreachable: {
		code: 'AZDC-4013',
		title: 'Azure DevOps could not be reached',
		fix: 'Check the organization URL, DNS, proxy and firewall settings of the n8n host.',
	},
	requestOutcomeUnknown: {
		code: 'AZDC-4014',
		title: 'The connection broke after the request was sent; whether Azure DevOps applied it is unknown',
		fix: 'Nothing was retried blindly; check the work item in Azure DevOps, or re-run: Create From Ticket finds a work item created by the lost request instead of creating a second one.',
	},
	azureDevOpsUnauthorized: {
		code: 'AZDC-4015',
		title: 'Azure DevOps did not accept the Personal Access Token',
		fix: 'Check that the token is valid, not expired, and was created in this organization; renew it in Azure DevOps (User settings, Personal access tokens).',
	},
	azureDevOpsNotFound: {
		code: 'AZDC-4016',
		title: 'Azure DevOps has no such organization, project or work item',
		fix: 'Check the URL, the project name and the work item id; a deleted work item is in the project\'s recycle bin.',
	},
	azureDevOpsRedirected: {
		code: 'AZDC-4017',
		title: 'Azure DevOps redirected the request (usually to a sign-in page)',
		fix: 'The token was not accepted or the URL is not an API URL; the redirect is not followed so that the token is never sent elsewhere. Check the organization URL and the token.',
	},
	azureDevOpsConflict: {
		code: 'AZDC-4018',
		title: 'The work item changed since it was read',
		fix: 'Read the work item again (Get) and retry with its current revision, or turn off "Only if Unchanged".',
	},
	azureDevOpsForbidden: {
		code: 'AZDC-4019',
		title: 'The token lacks a permission or scope for this request',
		fix: 'Give the token the scope named above (Work Items Read & Write; Service Hooks Read & Write for the trigger\'s registration) and the user access to the project.',
	},
	azureDevOpsResponseInvalid: {
		code: 'AZDC-4020',
		title: 'Azure DevOps answered with something that is not JSON',
		fix: 'Check that the URL points at Azure DevOps (not a proxy or sign-in page).',
	},
	apiVersionUnsupported: {
		code: 'AZDC-4030',
		title: 'This Azure DevOps server does not offer what the operation needs',
		fix: 'Use Azure DevOps Services or upgrade the server to the version the message names, or choose an operation this server offers.',
	},
	apiVersionsUnreadable: {
		code: 'AZDC-4031',
		title: 'Azure DevOps did not say which REST API versions it supports',
		fix: 'Check that the organization or collection URL points at Azure DevOps Services or Azure DevOps Server 2019 or later (not a proxy or sign-in page).',
	},

	// 4050-4069: Microsoft Entra ID sign-in (service principal, managed identity, OAuth2)
	entraCredentialIncomplete: {
		code: 'AZDC-4050',
		title: 'The Microsoft Entra ID credential is incomplete or malformed',
		fix: 'Fill in the field named above: tenant ID and client ID as shown on the app registration\'s Overview page, and its client secret value or its certificate (PEM private key and PEM certificate).',
	},
	entraSignInRefused: {
		code: 'AZDC-4051',
		title: 'Microsoft Entra ID refused the sign-in',
		fix: 'Check the tenant ID, client ID and client secret or certificate against the app registration (Certificates & secrets); a secret that expired must be replaced. The AADSTS code above is Microsoft\'s reason.',
	},
	entraUnreachable: {
		code: 'AZDC-4052',
		title: 'The Microsoft Entra ID token endpoint did not answer usably',
		fix: 'Check the Authority Host (https://login.microsoftonline.com for the public cloud) and that n8n can reach it (proxy, firewall).',
	},
	entraTokenRefused: {
		code: 'AZDC-4053',
		title: 'Azure DevOps refused the Microsoft Entra token (even a freshly fetched one)',
		fix: 'Add the identity (service principal or managed identity) to the organization: Organization settings > Users > Add users, with an access level (Basic, or Stakeholder for work items only) and a project group that may edit work items; make sure the organization is connected to the same Microsoft Entra tenant.',
	},
	entraTokenForServer: {
		code: 'AZDC-4054',
		title: 'Microsoft Entra tokens cannot be used with Azure DevOps Server',
		fix: 'Azure DevOps Server collections take Personal Access Tokens only: use the "One Organization" or "Several Organizations" credential for them, and list only https://dev.azure.com organizations in the Entra credential.',
	},

	// 5xxx: action-node operations
	projectNotChosen: {
		code: 'AZDC-5001',
		title: 'No project is chosen, or its organization is ambiguous',
		fix: 'Choose the project from the list, or give its URL (https://dev.azure.com/{organization}/{project}); by name only works when the credential has one organization.',
	},
	workItemIdInvalid: {
		code: 'AZDC-5002',
		title: 'The work item is not a positive whole number or a work item URL',
		fix: 'Give the work item id (e.g. 42) or its URL (https://dev.azure.com/org/project/_workitems/edit/42).',
	},

	// 5010-5049: Create From Ticket
	ticketStateMissing: {
		code: 'AZDC-5010',
		title: 'The ticket has no state to compare with BeginState',
		fix: 'Set "Ticket State Field" to the field that holds the ticket\'s state (a dotted path such as ticket.status is allowed), or turn off Options > Only in BeginState.',
	},
	workItemAlreadyExists: {
		code: 'AZDC-5011',
		title: 'A work item already exists for this ticket',
		fix: 'Use the existing work item named above, or set Options > If a Work Item Already Exists to "Return the Existing One" or "Create Another".',
	},
	workItemTypeUnresolved: {
		code: 'AZDC-5012',
		title: 'The AttributeMap\'s System.WorkItemType rendered to an empty value',
		fix: 'Give System.WorkItemType a fixed type (e.g. "Task") or a variable the ticket always has, or choose the Work Item Type on the node.',
	},

	// 5050-5099: work-item operations (create, update, change state, comment, search, delete)
	workItemTitleEmpty: {
		code: 'AZDC-5050',
		title: 'The work item title is empty',
		fix: 'Set "Title" to the text the work item should be called, e.g. {{ $json.TicketTitle }}.',
	},
	workItemTypeNotChosen: {
		code: 'AZDC-5051',
		title: 'No work item type is chosen',
		fix: 'Choose a "Work Item Type" from the list (e.g. Task, Bug, User Story) or give its name.',
	},
	fieldReferenceInvalid: {
		code: 'AZDC-5052',
		title: 'A field name is empty or not a field reference name',
		fix: 'Use the field\'s reference name, e.g. System.Description or Microsoft.VSTS.Common.Priority (Organization settings > Process > Fields).',
	},
	fieldGivenTwice: {
		code: 'AZDC-5053',
		title: 'The same field is set twice',
		fix: 'Keep one entry per field: field reference names are case-insensitive; set Title in "Title", not again in the fields.',
	},
	updateHasNothingToChange: {
		code: 'AZDC-5054',
		title: 'Update has nothing to change',
		fix: 'Add at least one field to set, or a tag to add or remove.',
	},
	revisionInvalid: {
		code: 'AZDC-5055',
		title: '"Only if Unchanged" is on but the known revision is not a positive whole number',
		fix: 'Map "Revision" to the rev of the work item as you read it, e.g. {{ $json.rev }}, or turn off "Only if Unchanged".',
	},
	targetStateEmpty: {
		code: 'AZDC-5056',
		title: 'No target state is chosen',
		fix: 'Choose the state to move the work item to from the list, or give its name (e.g. Active, Resolved, Closed).',
	},
	targetStateNotValidForType: {
		code: 'AZDC-5057',
		title: 'The target state is not a state of the work item\'s type',
		fix: 'Choose one of the states listed for the work item\'s type; each type (Task, Bug, ...) has its own states in the project\'s process.',
	},
	commentEmpty: {
		code: 'AZDC-5058',
		title: 'The comment text is empty',
		fix: 'Set "Comment" to the text to add, e.g. {{ $json.LatestImportantMessage }}.',
	},
	wiqlEmpty: {
		code: 'AZDC-5059',
		title: 'The WIQL query is empty',
		fix: 'Write a query such as SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project, or switch "Search By" to "Filters".',
	},
	changedSinceInvalid: {
		code: 'AZDC-5060',
		title: '"Changed Since" is not a date',
		fix: 'Give an ISO date such as 2024-05-01 or 2024-05-01T08:00:00Z, or an n8n date expression such as {{ $now.minus({ days: 7 }) }}.',
	},
	parentWorkItemInvalid: {
		code: 'AZDC-5061',
		title: 'The parent work item is not an id or a work item URL',
		fix: 'Give the parent\'s id (e.g. 42) or its URL (https://dev.azure.com/org/project/_workitems/edit/42), or leave it empty.',
	},
	searchLimitInvalid: {
		code: 'AZDC-5062',
		title: 'The search limit is not a whole number between 1 and 20000',
		fix: 'Set "Limit" to how many work items to return (at most 20000, Azure DevOps\' own cap for a query), or turn on "Return All".',
	},
	wiqlResultTooLarge: {
		code: 'AZDC-5063',
		title: 'The query matches more work items than Azure DevOps returns for one query (20000)',
		fix: 'Narrow the query (filter by state, type, area path or "Changed Since") or turn off "Return All" and set a limit.',
	},

	// 5100-5199: sync beyond create (issue 18)
	ticketHasNoWorkItem: {
		code: 'AZDC-5100',
		title: 'The ticket has no work item yet',
		fix: 'Run Create From Ticket for this ticket first, or set Options > "If the Ticket Has No Work Item" to "Create It". Check that Ticket Reference (tag or field) is the one Create From Ticket used.',
	},
	updateKeptConflicting: {
		code: 'AZDC-5101',
		title: 'The work item changed again while it was being updated',
		fix: 'Someone or something edits the work item at the same moment; nothing was overwritten. Run the node again for this ticket.',
	},
	ticketStateMapInvalid: {
		code: 'AZDC-5102',
		title: 'A row of the ticket-state map is incomplete',
		fix: 'Give both the ticket state and the Azure DevOps state in every row of "Ticket State Map", or remove the row.',
	},
	commentIdInvalid: {
		code: 'AZDC-5110',
		title: 'The comment ID is not a positive whole number',
		fix: 'Set "Comment ID" to the id of the comment, e.g. {{ $json.id }} from Get Many comments or Add Comment.',
	},
	commentLimitInvalid: {
		code: 'AZDC-5111',
		title: 'The comment limit is not a positive whole number',
		fix: 'Set "Limit" to how many comments to return (newest first), or turn on "Return All".',
	},
	linkTypeUnknown: {
		code: 'AZDC-5120',
		title: 'The link type is not one the organization defines',
		fix: 'Choose the link type from the list (it shows the organization\'s types), or give its reference name, e.g. System.LinkTypes.Hierarchy-Reverse for Parent.',
	},
	linkTargetInvalid: {
		code: 'AZDC-5121',
		title: 'The other end of the link is not a work item or a web address',
		fix: 'For a work item link give the work item\'s ID (42) or URL; for a Hyperlink give an http(s) address.',
	},
	valueMapInvalid: {
		code: 'AZDC-5130',
		title: 'The value map is not an object of fields, each an object of ticket values',
		fix: 'Write it as {"Microsoft.VSTS.Common.Priority": {"High": 1, "Normal": 2, "*": 3}}: per field reference name, ticket value → Azure DevOps value (text, number or true/false); "*" for every other value.',
	},
	valueNotMapped: {
		code: 'AZDC-5131',
		title: 'A ticket value has no row in the field\'s value map, and no "*" row',
		fix: 'Add a row for the value (the message lists the values Azure DevOps allows for the field), or a "*" row as the default.',
	},
	currentIterationNone: {
		code: 'AZDC-5140',
		title: 'The team has no iteration running today',
		fix: 'Select the team\'s sprints and give them start and finish dates (Project settings > Team configuration > Iterations), choose another team\'s "Current Iteration", or an iteration path.',
	},
	attachmentTooLarge: {
		code: 'AZDC-5150',
		title: 'The file is larger than the attachment size limit',
		fix: 'Send a smaller file, or raise "Max File Size (MB)" if your Azure DevOps Server allows larger attachments (Services: 60 MB).',
	},
	triggerAttachmentNotDownloaded: {
		code: 'AZDC-5151',
		title: 'The trigger could not download a file the event brought (the workflow still started)',
		fix: 'Check that the credential may read work items of the project and that the file is still attached; raise "Download Size Limit (MB)" for a larger file, or download it later with Attachment > Download.',
	},

	// 6001-6099: service-hook subscription lifecycle (issue 5)
	subscriptionRefused: {
		code: 'AZDC-6001',
		title: 'Azure DevOps refused to create the service-hook subscription',
		fix: 'Read Azure DevOps\' own message above. The token needs the Service Hooks (Read & Write) scope and its user must be a project administrator.',
	},
	subscriptionHeaderNotAccepted: {
		code: 'AZDC-6070',
		title: 'Azure DevOps does not accept this header value on a subscription (it contains spaces)',
		fix: 'Give the Service Hook Secret credential a header value without spaces (e.g. header X-Hook-Secret with a long random token), use Basic authentication, or use a generated secret.',
	},
	subscriptionUrlNotPublic: {
		code: 'AZDC-6002',
		title: 'Azure DevOps cannot deliver to this webhook URL (localhost or a private address)',
		fix: 'Set n8n\'s N8N_WEBHOOK_URL (WEBHOOK_URL in n8n 1.x) to a public https address that Azure DevOps can reach (reverse proxy or tunnel); for Azure DevOps Server inside your network, create the subscription by hand.',
	},
	subscriptionProjectNotFound: {
		code: 'AZDC-6003',
		title: 'The project to subscribe to was not found',
		fix: 'Choose the project from the list, or check its name or URL and that the token\'s user can see it.',
	},
	generatedSecretNeedsRegistration: {
		code: 'AZDC-6004',
		title: 'A generated secret needs "Register Subscription Automatically"',
		fix: 'Turn on "Register Subscription Automatically", or choose "Service Hook Secret Credential" and put the same secret on the subscription you create by hand.',
	},
	secretOverPlainHttp: {
		code: 'AZDC-6080',
		title: 'The trigger would register its secret on a plain-http webhook URL',
		fix: 'Give n8n an https webhook URL (N8N_WEBHOOK_URL=https://…, WEBHOOK_URL in n8n 1.x, e.g. behind a reverse proxy); for local testing use a loopback URL (localhost, 127.0.0.1); or, if you accept that Azure DevOps sends the secret in clear text with every delivery, turn on Options → Allow Secret Over Plain HTTP.',
	},
	webhookUrlUnavailable: {
		code: 'AZDC-6005',
		title: 'n8n gave the trigger no webhook URL to subscribe',
		fix: 'Save the workflow and activate it again; check n8n\'s N8N_WEBHOOK_URL setting (WEBHOOK_URL in n8n 1.x).',
	},
} as const satisfies Record<string, ErrorSpec>;

export type ErrorKey = keyof typeof ERROR_CATALOGUE;

/** A fault with its stable code, the setting or field it concerns, and how to fix it. */
export class ConnectorError extends Error {
	readonly code: string;
	readonly key: ErrorKey;
	readonly field: string | undefined;
	readonly fix: string;
	/** What went wrong, in words, without the code, field and fix around it. */
	readonly problem: string;
	readonly httpStatus: number | undefined;
	/** Extra facts for the user (line/column, the item index, the value seen); never a secret. */
	readonly details: Readonly<Record<string, unknown>>;

	constructor(
		key: ErrorKey,
		problem: string,
		options: { field?: string; fix?: string; details?: Record<string, unknown> } = {},
	) {
		const spec: ErrorSpec = ERROR_CATALOGUE[key];
		const fix = options.fix ?? spec.fix;
		super(formatErrorMessage(spec.code, options.field, problem, fix));
		this.name = 'ConnectorError';
		this.code = spec.code;
		this.key = key;
		this.field = options.field;
		this.fix = fix;
		this.problem = problem;
		this.httpStatus = spec.httpStatus;
		this.details = options.details ?? {};
	}

	/** The webhook's answer body for this fault. */
	toResponseBody(): { code: string; message: string } {
		return { code: this.code, message: this.message };
	}
}

/** Formats a coded message: `[AZDC-1011] URL: <problem> Fix: <fix>`. */
export function formatErrorMessage(
	code: string,
	field: string | undefined,
	problem: string,
	fix: string,
): string {
	const where = field ? `${field}: ` : '';
	return `[${code}] ${where}${problem} Fix: ${fix}`;
}

/** A document with more faults than this lists the first ones and then says how many more there are. */
export const MAX_LISTED_FAULTS = 20;

/** Faults counted but not made (addFault past MAX_LISTED_FAULTS), per fault list: how many, and the first one's key. */
const OMITTED = new WeakMap<readonly ConnectorError[], { count: number; key: ErrorKey }>();
/** Faults a ConnectorError stands for, when it is the "and K more" entry of an earlier ConnectorErrors. */
const REPRESENTS = new WeakMap<ConnectorError, number>();

/**
 * Adds a fault to a list that will be thrown as ConnectorErrors. Past MAX_LISTED_FAULTS the fault is only counted,
 * and `make` is not called: a document with 100,000 faults costs 21 error objects, not 100,000 (each one captures a
 * stack trace, several microseconds).
 */
export function addFault(faults: ConnectorError[], key: ErrorKey, make: () => ConnectorError): void {
	if (faults.length < MAX_LISTED_FAULTS) faults.push(make());
	else countOmitted(faults, key, 1);
}

/** Adds every fault of `from` to `into`, counted ones included. */
export function mergeFaults(into: ConnectorError[], from: readonly ConnectorError[]): void {
	for (const fault of from) {
		const represents = REPRESENTS.get(fault);
		if (represents === undefined) addFault(into, fault.key, () => fault);
		else if (into.length < MAX_LISTED_FAULTS) into.push(fault);
		else countOmitted(into, fault.key, represents);
	}
	const omitted = OMITTED.get(from);
	if (!omitted) return;
	if (into.length < MAX_LISTED_FAULTS) into.push(moreFaults(omitted.key, omitted.count));
	else countOmitted(into, omitted.key, omitted.count);
}

function countOmitted(faults: readonly ConnectorError[], key: ErrorKey, count: number): void {
	const omitted = OMITTED.get(faults);
	if (omitted) omitted.count += count;
	else OMITTED.set(faults, { count, key });
}

/**
 * Several faults found in one document (settings are checked whole, not stopped at the first fault). However many
 * there are, `errors` and the message stay short: the first MAX_LISTED_FAULTS, then one entry saying how many more
 * (with the code of the first one left out), so that a hostile document cannot build a megabyte message.
 */
export class ConnectorErrors extends Error {
	readonly errors: readonly ConnectorError[];
	readonly code: string;
	/** What the faults are in, for the headline: "4 problems in the Connector Settings". */
	readonly subject: string;
	/** How many faults were found in all, including those only counted. */
	readonly total: number;

	constructor(errors: readonly ConnectorError[], subject = 'the Connector Settings') {
		const first = errors[0];
		if (!first) throw new TypeError('ConnectorErrors needs at least one error');
		const omitted = OMITTED.get(errors);
		let total = omitted?.count ?? 0;
		for (const error of errors) total += REPRESENTS.get(error) ?? 1;
		const listed = errors.slice(0, MAX_LISTED_FAULTS);
		let shown = 0;
		for (const error of listed) shown += REPRESENTS.get(error) ?? 1;
		if (total > shown) listed.push(moreFaults(errors[MAX_LISTED_FAULTS]?.key ?? omitted?.key ?? first.key, total - shown));
		const message =
			listed.length === 1
				? first.message
				: `${total} problems in ${subject}:\n${listed.map((e) => `- ${e.message}`).join('\n')}`;
		super(message);
		this.name = 'ConnectorErrors';
		this.errors = listed;
		this.code = first.code;
		this.subject = subject;
		this.total = total;
	}
}

/** Several faults as a reader takes them in: a short headline, one problem per line, then each distinct fix once. */
export interface FaultReport {
	/** "4 problems in the Connector Settings", or the one fault's whole message. */
	headline: string;
	/** One line per fault: "[AZDC-1010] URL: No URL is set." */
	problems: string[];
	/** Each distinct fix once, with the codes it answers: "AZDC-1044: Keep one of the keys…". */
	fixes: string[];
}

/** Builds the report of several faults (see FaultReport); `subject` names what they are in. */
export function reportFaults(errors: readonly ConnectorError[], subject: string, total = errors.length): FaultReport {
	const problems = errors.map((error) => `[${error.code}] ${error.field ? `${error.field}: ` : ''}${error.problem}`);
	const codesByFix = new Map<string, string[]>();
	for (const error of errors) {
		const codes = codesByFix.get(error.fix) ?? [];
		if (!codes.includes(error.code)) codes.push(error.code);
		codesByFix.set(error.fix, codes);
	}
	const fixes = [...codesByFix].map(([fix, codes]) => `${codes.join(', ')}: ${fix}`);
	const headline = errors.length === 1 && errors[0] ? errors[0].message : `${total} problems in ${subject}`;
	return { headline, problems, fixes };
}

/**
 * The report as the description of an n8n error, which n8n's editor shows as (sanitised) HTML: newlines would run
 * together there, so each problem and each fix is a list entry. The texts are escaped; they may quote the user's keys.
 */
export function faultReportHtml(report: FaultReport): string {
	const list = (lines: string[]): string => `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
	return `${list(report.problems)}How to fix:${list(report.fixes)}`;
}

/** The report as plain text, one problem or fix per line (for logs, answers and the credential test). */
export function faultReportText(report: FaultReport): string {
	return [`${report.headline}:`, ...report.problems.map((line) => `- ${line}`), 'How to fix:', ...report.fixes.map((line) => `- ${line}`)].join('\n');
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A credential's refusal (bad URL, missing token) as its `authenticate` throws it. n8n's credential test shows the bare
 * `code` of a failed request's cause when it has one, which would leave the user with "AZDC-1011" alone; this wrapper
 * has no code of its own, so the test shows the message with its words and fix. The ConnectorError stays its cause,
 * which is where the transport looks for it.
 */
export class CredentialRefusal extends Error {
	constructor(readonly refusal: ConnectorError) {
		super(refusal.message, { cause: refusal });
		this.name = 'CredentialRefusal';
	}
}

/** Runs a credential's authenticate step, turning its coded refusals into CredentialRefusals (see there). */
export function refusingWithWords<T>(run: () => T): T {
	try {
		return run();
	} catch (error) {
		throw error instanceof ConnectorError ? new CredentialRefusal(error) : error;
	}
}

/** The entry that stands for faults not listed; merged into another ConnectorErrors it keeps counting them. */
function moreFaults(key: ErrorKey, count: number): ConnectorError {
	const error = new ConnectorError(key, `… and ${count} more problem${count === 1 ? '' : 's'}, not listed; correct the ones above first.`);
	REPRESENTS.set(error, count);
	return error;
}

export function isConnectorError(value: unknown): value is ConnectorError {
	return value instanceof ConnectorError;
}
