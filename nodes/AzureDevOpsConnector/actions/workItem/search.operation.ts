import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import { wiqlString } from '../../connector/wiql';
import { isAzureDevOpsError, toNodeError, wiql as wiqlApi, workItems as workItemsApi, type Target } from '../../transport';
import { projectLocator } from '../common.descriptions';
import { itemTarget, operationError } from '../target';
import { tagsFromParameter, withWebUrl, workItemRead } from './operationHelpers';

/** Most work items one WIQL query returns. */
export const WIQL_MAX_RESULTS = 20000;

const properties: INodeProperties[] = [
	projectLocator,
	{
		displayName: 'Search By',
		name: 'searchBy',
		type: 'options',
		options: [
			{
				name: 'Filters',
				value: 'filters',
				description: 'Pick state, type, tag and change date; the node writes the query',
			},
			{ name: 'WIQL Query', value: 'wiql', description: 'Write the query in WIQL yourself' },
		],
		default: 'filters',
		description: 'How to say which work items to find',
	},
	{
		displayName: 'WIQL Query',
		name: 'wiql',
		type: 'string',
		typeOptions: { rows: 5 },
		default:
			"SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.State] <> 'Closed' ORDER BY [System.ChangedDate] DESC",
		required: true,
		displayOptions: { show: { searchBy: ['wiql'] } },
		description:
			'A Work Item Query Language query; @project is the chosen project. Only the IDs it returns are used: the work items are then read with all their fields.',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { searchBy: ['filters'] } },
		description: 'Work items of the project that match all filters given; newest change first',
		options: [
			{
				displayName: 'Assigned To',
				name: 'assignedTo',
				type: 'string',
				default: '',
				placeholder: 'jamal@fabrikam.com',
				description: 'E-mail or display name of the person the work items are assigned to',
			},
			{
				displayName: 'Changed Since',
				name: 'changedSince',
				type: 'dateTime',
				default: '',
				description: 'Only work items changed at or after this date and time',
			},
			{
				displayName: 'State',
				name: 'state',
				type: 'string',
				default: '',
				placeholder: 'Active, Resolved',
				description: 'One state, or several separated by commas (e.g. Active, Resolved)',
			},
			{
				displayName: 'Tag',
				name: 'tag',
				type: 'string',
				default: '',
				placeholder: 'Ticket:1234',
				description: 'Only work items with this tag; several tags separated by commas must all be present',
			},
			{
				displayName: 'Title Contains',
				name: 'titleContains',
				type: 'string',
				default: '',
				description: 'Only work items whose title contains this text',
			},
			{
				displayName: 'Work Item Type',
				name: 'workItemType',
				type: 'string',
				default: '',
				placeholder: 'Bug, Task',
				description: 'One work item type, or several separated by commas (e.g. Bug, Task)',
			},
		],
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: WIQL_MAX_RESULTS },
		default: 50,
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Which fields and links each work item carries',
		options: [
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'string',
				default: '',
				placeholder: 'System.Title, System.State',
				description:
					'Comma-separated reference names of the fields to return; all fields when empty. Cannot be combined with relations.',
			},
			{
				displayName: 'Include Relations',
				name: 'includeRelations',
				type: 'boolean',
				default: false,
				description: 'Whether to return each work item\'s links (hyperlinks, parent, children)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['workItem'], operation: ['search'] } }, properties);

interface SearchFilters {
	assignedTo?: string;
	changedSince?: string;
	state?: string;
	tag?: string;
	titleContains?: string;
	workItemType?: string;
}

/** Finds work items with WIQL (written by the user, or built from filters) and returns one item per work item. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = await itemTarget(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) === true;
	const limit = returnAll ? WIQL_MAX_RESULTS : Number(this.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isSafeInteger(limit) || limit < 1 || limit > WIQL_MAX_RESULTS) {
		throw operationError(
			this,
			new ConnectorError('searchLimitInvalid', `Limit is ${String(limit)}.`, { field: 'Limit' }),
			itemIndex,
		);
	}
	const wiql =
		this.getNodeParameter('searchBy', itemIndex, 'filters') === 'wiql'
			? { query: userWiql(this, itemIndex), timePrecision: false }
			: filterWiql(this, itemIndex, this.getNodeParameter('filters', itemIndex, {}) as SearchFilters);

	const ids = await runWiql(this, target, wiql, limit, returnAll, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as { fields?: string; includeRelations?: boolean };
	const workItems = await workItemsApi.getMany(this, target, ids, workItemRead(options, false), { itemIndex });
	return workItems.map((workItem) => ({
		json: withWebUrl(workItem, target),
		pairedItem: { item: itemIndex },
	}));
}

function userWiql(context: IExecuteFunctions, itemIndex: number): string {
	const query = String(context.getNodeParameter('wiql', itemIndex, '') ?? '').trim();
	if (query === '') {
		throw operationError(context, new ConnectorError('wiqlEmpty', 'WIQL Query is empty.', { field: 'WIQL Query' }), itemIndex);
	}
	return query;
}

/** Splits a comma-separated filter value into its parts. */
function listOf(value: string | undefined): string[] {
	return String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);
}

/** Builds the WIQL for the filters; every value is quoted by wiqlString, so no value can change the query. */
export function buildFilterWiql(filters: SearchFilters, changedSince?: Date): string {
	const conditions = ['[System.TeamProject] = @project'];
	const oneOf = (field: string, values: string[]) => {
		if (values.length === 1) conditions.push(`[${field}] = ${wiqlString(values[0])}`);
		else if (values.length > 1) conditions.push(`[${field}] IN (${values.map(wiqlString).join(', ')})`);
	};
	oneOf('System.State', listOf(filters.state));
	oneOf('System.WorkItemType', listOf(filters.workItemType));
	for (const tag of tagsFromParameter(filters.tag)) {
		conditions.push(`[System.Tags] CONTAINS ${wiqlString(tag)}`);
	}
	const title = String(filters.titleContains ?? '').trim();
	if (title) conditions.push(`[System.Title] CONTAINS ${wiqlString(title)}`);
	const assignedTo = String(filters.assignedTo ?? '').trim();
	if (assignedTo) conditions.push(`[System.AssignedTo] = ${wiqlString(assignedTo)}`);
	if (changedSince) conditions.push(`[System.ChangedDate] >= ${wiqlString(changedSince.toISOString())}`);
	return `SELECT [System.Id] FROM WorkItems WHERE ${conditions.join(' AND ')} ORDER BY [System.ChangedDate] DESC, [System.Id] DESC`;
}

function filterWiql(
	context: IExecuteFunctions,
	itemIndex: number,
	filters: SearchFilters,
): { query: string; timePrecision: boolean } {
	let changedSince: Date | undefined;
	const raw = filters.changedSince as unknown;
	if (raw !== undefined && raw !== null && String(raw).trim() !== '') {
		// An expression may hand over a Luxon DateTime or a JS Date; both print as ISO text.
		const text = typeof (raw as { toISO?: unknown }).toISO === 'function' ? String((raw as { toISO(): string }).toISO()) : raw;
		changedSince = text instanceof Date ? text : new Date(String(text));
		if (Number.isNaN(changedSince.getTime())) {
			throw operationError(
				context,
				new ConnectorError('changedSinceInvalid', `"${String(raw)}" is not a date.`, { field: 'Changed Since' }),
				itemIndex,
			);
		}
	}
	// Changed Since carries a time of day, which Azure DevOps accepts only with timePrecision.
	return { query: buildFilterWiql(filters, changedSince), timePrecision: changedSince !== undefined };
}

async function runWiql(
	context: IExecuteFunctions,
	target: Target,
	wiql: { query: string; timePrecision: boolean },
	limit: number,
	returnAll: boolean,
	itemIndex: number,
): Promise<number[]> {
	try {
		const ids = await wiqlApi.query(context, target, wiql.query, { top: limit, timePrecision: wiql.timePrecision }, { itemIndex });
		return ids.slice(0, limit);
	} catch (error) {
		// VS402337: the query matched more than Azure DevOps returns for one query.
		if (returnAll && isAzureDevOpsError(error, 'azureDevOpsRejected') && /VS402337/.test(error.serviceMessage ?? '')) {
			throw operationError(
				context,
				new ConnectorError('wiqlResultTooLarge', 'The query matches more than 20000 work items.', {
					field: 'Return All',
				}),
				itemIndex,
			);
		}
		throw toNodeError(context.getNode(), error, itemIndex);
	}
}
