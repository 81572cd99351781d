/**
 * The state map: which service-desk ticket state an Azure DevOps work item state leads to. The seed's
 * WorkItemEndState -> EndState pair is its first row; the node's "State Map" table adds more.
 */
import { ConnectorError } from './errors';

/** One row of the state map. */
export interface StateMapRow {
	devOpsState: string;
	ticketState: string;
}

/** What the user configured: the seed's pair, extra rows, and whether case and outer spaces matter. */
export interface StateMapOptions {
	workItemEndState?: string | null;
	endState?: string | null;
	rows?: ReadonlyArray<Partial<Record<keyof StateMapRow, unknown>>> | null;
	caseInsensitive?: boolean;
}

/** A state map ready for lookups. */
export interface CompiledStateMap {
	readonly caseInsensitive: boolean;
	/** The rows in effect, the seed's pair first, duplicates removed. */
	readonly rows: readonly StateMapRow[];
	readonly lookup: ReadonlyMap<string, string>;
}

/** Checks the state map and prepares it for lookups; conflicting or half-filled rows get a coded error. */
export function compileStateMap(options: StateMapOptions = {}): CompiledStateMap {
	const caseInsensitive = options.caseInsensitive === true;
	const key = (state: string): string => (caseInsensitive ? state.trim().toLowerCase() : state);
	const rows: StateMapRow[] = [];
	const lookup = new Map<string, string>();
	const origin = new Map<string, string>();

	const add = (row: StateMapRow, where: string): void => {
		const k = key(row.devOpsState);
		const ticketState = caseInsensitive ? row.ticketState.trim() : row.ticketState;
		const existing = lookup.get(k);
		if (existing === undefined) {
			lookup.set(k, ticketState);
			origin.set(k, where);
			rows.push({ devOpsState: row.devOpsState, ticketState });
		} else if (existing !== ticketState) {
			throw new ConnectorError(
				'stateMapConflict',
				`Azure DevOps state "${clip(row.devOpsState)}" leads to "${clip(existing)}" (${origin.get(k) ?? ''}) and to "${clip(ticketState)}" (${where}).`,
				{ field: where, details: { devOpsState: clip(row.devOpsState), ticketStates: [clip(existing), clip(ticketState)] } },
			);
		}
	};

	const workItemEndState = optionalText(options.workItemEndState, 'WorkItemEndState');
	const endState = optionalText(options.endState, 'EndState');
	if (workItemEndState !== null && endState === null) {
		throw new ConnectorError('endStateEmpty', `WorkItemEndState is "${clip(workItemEndState)}" but EndState is empty.`, {
			field: 'EndState',
		});
	}
	if (endState !== null && workItemEndState === null) {
		throw new ConnectorError('workItemEndStateEmpty', `EndState is "${clip(endState)}" but WorkItemEndState is empty.`, {
			field: 'WorkItemEndState',
		});
	}
	if (workItemEndState !== null && endState !== null) {
		add({ devOpsState: workItemEndState, ticketState: endState }, 'WorkItemEndState/EndState');
	}

	(options.rows ?? []).forEach((row, index) => {
		const where = `State Map row ${index + 1}`;
		const devOpsState = optionalText(row?.devOpsState, `${where}: Azure DevOps State`);
		const ticketState = optionalText(row?.ticketState, `${where}: Ticket State`);
		// n8n leaves a blank row behind when a user adds one and fills nothing in.
		if (devOpsState === null && ticketState === null) return;
		if (devOpsState === null || ticketState === null) {
			throw new ConnectorError(
				'stateMapRowIncomplete',
				devOpsState === null
					? `The row sends an empty Azure DevOps state to "${clip(ticketState ?? '')}".`
					: `The row sends "${clip(devOpsState)}" to an empty ticket state.`,
				{ field: where },
			);
		}
		add({ devOpsState, ticketState }, where);
	});

	return { caseInsensitive, rows, lookup };
}

/** The ticket state an Azure DevOps state leads to, or null when the map has no row for it. */
export function mapDevOpsState(compiled: CompiledStateMap, devOpsState: string | null | undefined): string | null {
	if (typeof devOpsState !== 'string') return null;
	const key = compiled.caseInsensitive ? devOpsState.trim().toLowerCase() : devOpsState;
	return compiled.lookup.get(key) ?? null;
}

function optionalText(value: unknown, field: string): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string') {
		throw new ConnectorError('settingValueNotText', `The state is ${typeof value}, not text.`, { field });
	}
	return value.trim() === '' ? null : value;
}

/** A state quoted in a message, cut so that a pasted page cannot make the message long. */
function clip(text: string, length = 80): string {
	return text.length > length ? `${text.slice(0, length)}…` : text;
}
