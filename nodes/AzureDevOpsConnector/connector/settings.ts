/**
 * The seed's Connector Settings JSON ("ConnectorType", "URL", "AccessToken", "AttributeMap", "BeginState",
 * "EndState", "WorkItemEndState"), read the way users really paste it and checked whole: every fault of the
 * document is reported at once, each naming its setting, before any request is made.
 */
import { findAttributeMapFaults, isWorkItemTypeField } from './attributeMap';
import { parseAzureDevOpsUrl } from './azureDevOpsUrl';
import type { Hosting } from './azureDevOpsUrl';
import { addFault, ConnectorError, ConnectorErrors, mergeFaults } from './errors';
import type { ErrorKey } from './errors';
import type { FieldValue } from './types';

export interface ConnectorSettingsOptions {
	/** Accept http:// URLs on loopback hosts (the emulator, a local Server). */
	allowHttp?: boolean;
	/** Number of tokens in the credential; AccessToken must be below it. */
	tokenCount?: number;
	/** The credential's organization or collection URLs, so a Server URL is split at its collection (any path). */
	organizations?: readonly string[];
	/** The node's Work Item Type, used when the AttributeMap has no System.WorkItemType. */
	workItemType?: string;
	/** Settings that must be filled in because a feature of the node needs them. */
	require?: { beginState?: boolean; endState?: boolean; workItemEndState?: boolean };
}

/** Connector settings after reading and checking: what the node works with. */
export interface ConnectorSettings {
	/** Canonical organization (or Server collection) URL, no trailing slash. */
	organizationUrl: string;
	organization: string;
	project: string;
	hosting: Hosting;
	/** Position of the token in the credential (the seed's AccessToken), 0 when not given. */
	tokenIndex: number;
	/** Whether the settings named a token index; without one, a multi-organization credential picks by URL. */
	tokenIndexGiven: boolean;
	/** Field reference name to value or template, System.WorkItemType taken out. */
	attributeMap: Record<string, FieldValue>;
	/** The work item type, possibly itself a template such as "[$Type$]". */
	workItemType: string;
	beginState: string | undefined;
	endState: string | undefined;
	workItemEndState: string | undefined;
	/** Things that did not stop the settings from working but that the user should see (unknown keys). */
	warnings: string[];
}

type SettingName =
	| 'ConnectorType'
	| 'URL'
	| 'AccessToken'
	| 'AttributeMap'
	| 'BeginState'
	| 'EndState'
	| 'WorkItemEndState';

const SETTING_NAMES: readonly SettingName[] = [
	'ConnectorType',
	'URL',
	'AccessToken',
	'AttributeMap',
	'BeginState',
	'EndState',
	'WorkItemEndState',
];

const SETTING_BY_FOLDED_NAME = new Map<string, SettingName>(SETTING_NAMES.map((name) => [foldSettingName(name), name]));

const MAX_NESTING = 64;
/** Warnings (unknown keys) listed at most; the rest are counted in one last warning. */
const MAX_WARNINGS = 20;
/** A key or value quoted in a message is cut to this many characters. */
const MAX_QUOTED = 80;
/** Unknown keys checked for being a misspelt setting: a settings document has a handful, a hostile one thousands. */
const MAX_SUGGESTED = 100;

type SettingValues = Map<SettingName, { key: string; value: unknown }>;

interface SettingsDocument {
	values: SettingValues;
	scanned: ScannedDocument | undefined;
	/** Adds to a message a hint that an unknown key looks like a misspelling of this setting. */
	misspeltHint(name: SettingName): string;
}

/** The document phase both nodes share: JSON, setting names in any spelling, duplicates, unknown keys, ConnectorType. */
function readSettingsDocument(input: unknown, faults: ConnectorError[], warnings: string[]): SettingsDocument {
	const document = readDocument(input);
	if (document instanceof ConnectorError) throw new ConnectorErrors([document]);
	const { root, scanned } = document;

	// Collect the settings under their canonical names; setting names are matched ignoring case, spaces, "_" and "-".
	const values: SettingValues = new Map();
	const unknownKeys: string[] = [];
	for (const key of Object.keys(root)) {
		const name = SETTING_BY_FOLDED_NAME.get(foldSettingName(key));
		if (!name) {
			unknownKeys.push(key);
			continue;
		}
		const earlier = values.get(name);
		if (earlier) {
			addFault(faults, 'settingsDuplicateKey', () =>
				new ConnectorError('settingsDuplicateKey', `${quote(earlier.key)} and ${quote(key)} are both ${name}.`, {
					field: name,
				}),
			);
			continue;
		}
		values.set(name, { key, value: root[key] });
	}
	if (scanned) {
		const settingKeys = scanned.rootKeys.filter((key) => SETTING_BY_FOLDED_NAME.has(foldSettingName(key.name)));
		const locate = lineLocator(scanned.text);
		for (const duplicate of exactDuplicates(settingKeys)) {
			const { line, column } = locate(duplicate.offset);
			addFault(faults, 'settingsDuplicateKey', () =>
				new ConnectorError(
					'settingsDuplicateKey',
					`${quote(duplicate.name)} is given again at line ${line}, column ${column}; only the last one would count.`,
					{ field: settingLabel(duplicate.name), details: { line, column } },
				),
			);
		}
	}

	const misspelt = new Map<SettingName, string>();
	for (let i = 0; i < unknownKeys.length; i++) {
		const key = unknownKeys[i];
		// Only keys of about a setting's length can be a misspelling of one: a long key costs nothing to skip.
		const suggestion = i < MAX_SUGGESTED && key.length <= 40 ? suggestSetting(key) : undefined;
		if (suggestion && !values.has(suggestion)) misspelt.set(suggestion, key);
		if (warnings.length < MAX_WARNINGS) {
			warnings.push(`Unknown setting ${quote(key.trim())} is ignored.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`);
		}
	}
	if (unknownKeys.length > MAX_WARNINGS) {
		warnings.push(`… and ${unknownKeys.length - MAX_WARNINGS} more unknown settings are ignored.`);
	}
	const misspeltHint = (name: SettingName): string => {
		const key = misspelt.get(name);
		return key === undefined ? '' : ` (${quote(key.trim())} looks like a misspelling of it.)`;
	};

	checkConnectorType(values.get('ConnectorType')?.value, faults);
	return { values, scanned, misspeltHint };
}

/** Reads and checks Connector Settings given as JSON text or as an object; throws ConnectorErrors listing every fault. */
export function parseConnectorSettings(
	input: unknown,
	options: ConnectorSettingsOptions = {},
): ConnectorSettings {
	const faults: ConnectorError[] = [];
	const warnings: string[] = [];
	const { values, scanned, misspeltHint } = readSettingsDocument(input, faults, warnings);


	const location = readLocation(values.get('URL')?.value, options, faults, misspeltHint('URL'));
	const tokenIndex = readTokenIndex(values.get('AccessToken')?.value, options.tokenCount, faults);

	const attributeMapEntry = values.get('AttributeMap');
	const map = readAttributeMap(
		attributeMapEntry?.value,
		scanned && attributeMapEntry ? scanned.objectsUnder(attributeMapEntry.key) : [],
		faults,
		misspeltHint('AttributeMap'),
	);

	let attributeMap: Record<string, FieldValue> = {};
	let workItemType: string | undefined;
	if (map) {
		const fallbackType = typeof options.workItemType === 'string' ? options.workItemType.trim() : '';
		mergeFaults(faults, findAttributeMapFaults(map, { workItemType: fallbackType }));
		const split = splitWorkItemType(map);
		attributeMap = split.attributeMap;
		workItemType = split.workItemType ?? (fallbackType === '' ? undefined : fallbackType);
		if (workItemType === undefined) {
			addFault(faults, 'workItemTypeMissing', () =>
				new ConnectorError('workItemTypeMissing', 'The AttributeMap has no "System.WorkItemType".', {
					field: 'AttributeMap',
				}),
			);
		}
	}

	const require = options.require ?? {};
	const beginState = readState('BeginState', 'beginStateEmpty', values, !!require.beginState, faults, warnings);
	const endState = readState('EndState', 'endStateEmpty', values, !!require.endState, faults, warnings);
	const workItemEndState = readState(
		'WorkItemEndState',
		'workItemEndStateEmpty',
		values,
		!!require.workItemEndState,
		faults,
		warnings,
	);

	if (faults.length > 0 || !location || workItemType === undefined) throw new ConnectorErrors(faults);
	return {
		organizationUrl: location.organizationUrl,
		organization: location.organization,
		project: location.project,
		hosting: location.hosting,
		tokenIndex,
		tokenIndexGiven: !isBlank(values.get('AccessToken')?.value),
		attributeMap,
		workItemType,
		beginState,
		endState,
		workItemEndState,
		warnings,
	};
}

/** The settings the trigger maps states with; URL, AccessToken and AttributeMap are Create From Ticket's and not read. */
export interface StateMappingSettings {
	beginState: string | undefined;
	endState: string | undefined;
	workItemEndState: string | undefined;
	warnings: string[];
}

/** Reads the state settings (EndState and WorkItemEndState required) from the same document Create From Ticket takes. */
export function parseStateMappingSettings(input: unknown): StateMappingSettings {
	const faults: ConnectorError[] = [];
	const warnings: string[] = [];
	const { values } = readSettingsDocument(input, faults, warnings);
	const beginState = readState('BeginState', 'beginStateEmpty', values, false, faults, warnings);
	const endState = readState('EndState', 'endStateEmpty', values, true, faults, warnings);
	const workItemEndState = readState('WorkItemEndState', 'workItemEndStateEmpty', values, true, faults, warnings);
	if (faults.length > 0) throw new ConnectorErrors(faults);
	return { beginState, endState, workItemEndState, warnings };
}

interface ReadDocument {
	root: Record<string, unknown>;
	scanned: ScannedDocument | undefined;
}

interface ScannedDocument {
	text: string;
	rootKeys: readonly ScannedKey[];
	/** Keys of each object that is the value of a top-level key (an AttributeMap given as an object). */
	objectsUnder(rootKey: string): ReadonlyArray<readonly ScannedKey[]>;
}

function readDocument(input: unknown, unwrapped = false): ReadDocument | ConnectorError {
	if (input === undefined || input === null) {
		return new ConnectorError('settingsEmpty', 'No connector settings are given.', { field: 'Connector Settings' });
	}
	if (typeof input === 'string') {
		const text = stripByteOrderMark(input);
		if (text.trim() === '') {
			return new ConnectorError('settingsEmpty', 'The connector settings are empty.', {
				field: 'Connector Settings',
			});
		}
		const parsed = parseJsonText(text);
		if (!parsed.ok) {
			return new ConnectorError('settingsNotJson', `${parsed.problem} (line ${parsed.line}, column ${parsed.column}).`, {
				field: 'Connector Settings',
				details: { line: parsed.line, column: parsed.column },
			});
		}
		// Settings copied out of a database export arrive as a JSON string holding the JSON: read through it once.
		if (typeof parsed.value === 'string' && !unwrapped && parsed.value.trim().startsWith('{')) {
			return readDocument(parsed.value, true);
		}
		if (!isPlainObject(parsed.value)) {
			return new ConnectorError(
				'settingsNotObject',
				`The connector settings are ${describeType(parsed.value)}, not an object in { }.`,
				{ field: 'Connector Settings' },
			);
		}
		const objects = parsed.objects;
		return {
			root: parsed.value,
			scanned: {
				text,
				rootKeys: objects.find((object) => object.path.length === 0)?.keys ?? [],
				objectsUnder: (rootKey) =>
					objects.filter((object) => object.path.length === 1 && object.path[0] === rootKey).map((o) => o.keys),
			},
		};
	}
	if (!isPlainObject(input)) {
		return new ConnectorError(
			'settingsNotObject',
			`The connector settings are ${describeType(input)}, not an object in { }.`,
			{ field: 'Connector Settings' },
		);
	}
	return { root: input, scanned: undefined };
}

function checkConnectorType(value: unknown, faults: ConnectorError[]): void {
	// The node only talks to Azure DevOps, so a document without ConnectorType is taken as meant for it.
	if (value === undefined || value === null) return;
	if (typeof value === 'string' && value.replace(/\s+/g, '').toLowerCase() === 'azuredevops') return;
	const seen = typeof value === 'string' ? `"${truncate(value.trim(), 40)}"` : describeType(value);
	addFault(faults, 'connectorTypeUnknown', () =>
		new ConnectorError('connectorTypeUnknown', `ConnectorType is ${seen}; this node handles "AzureDevOps" only.`, {
			field: 'ConnectorType',
		}),
	);
}

function readLocation(
	value: unknown,
	options: ConnectorSettingsOptions,
	faults: ConnectorError[],
	hint: string,
): { organizationUrl: string; organization: string; project: string; hosting: Hosting } | undefined {
	if ((value === undefined || value === null) && hint !== '') {
		addFault(faults, 'urlMissing', () => new ConnectorError('urlMissing', `No URL is set.${hint}`, { field: 'URL' }));
		return undefined;
	}
	try {
		const location = parseAzureDevOpsUrl(value, {
			allowHttp: options.allowHttp,
			requireProject: true,
			field: 'URL',
			organizations: options.organizations,
		});
		if (location.project === undefined) {
			addFault(faults, 'urlNoProject', () => new ConnectorError('urlNoProject', 'The URL names no project.', { field: 'URL' }));
			return undefined;
		}
		return {
			organizationUrl: location.organizationUrl,
			organization: location.organization,
			project: location.project,
			hosting: location.hosting,
		};
	} catch (error) {
		faults.push(
			error instanceof ConnectorError
				? error
				: new ConnectorError('urlUnparseable', 'The URL could not be read.', { field: 'URL' }),
		);
		return undefined;
	}
}

function readTokenIndex(value: unknown, tokenCount: number | undefined, faults: ConnectorError[]): number {
	if (isBlank(value)) return 0;
	let index: number | undefined;
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) index = value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
		const parsed = Number(value.trim());
		if (Number.isSafeInteger(parsed)) index = parsed;
	}
	if (index === undefined) {
		addFault(faults, 'accessTokenInvalid', () =>
			new ConnectorError('accessTokenInvalid', `AccessToken ${describeTokenValue(value)} is not a whole number of 0 or more.`, {
				field: 'AccessToken',
			}),
		);
		return 0;
	}
	if (typeof tokenCount === 'number' && index >= tokenCount) {
		addFault(faults, 'accessTokenOutOfRange', () =>
			new ConnectorError(
				'accessTokenOutOfRange',
				`AccessToken is ${index}, but the credential has ${tokenCount} token${tokenCount === 1 ? '' : 's'} (indexes start at 0).`,
				{ field: 'AccessToken' },
			),
		);
	}
	return index;
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Says what the AccessToken value is without ever repeating something that could be the token itself. */
function describeTokenValue(value: unknown): string {
	if (typeof value === 'number') return `(${String(value)})`;
	if (typeof value !== 'string') return `(${describeType(value)})`;
	const text = value.trim();
	if (/^[\d\s.,+-]{1,20}$/.test(text)) return `("${text}")`;
	if (text.length >= 20) {
		return '(which looks like a token itself; put the token in the credential and give its position here)';
	}
	return '(text)';
}

function readAttributeMap(
	value: unknown,
	keysInSettingsText: ReadonlyArray<readonly ScannedKey[]>,
	faults: ConnectorError[],
	hint: string,
): Record<string, unknown> | undefined {
	const field = 'AttributeMap';
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		addFault(faults, 'attributeMapMissing', () => new ConnectorError('attributeMapMissing', `No AttributeMap is set.${hint}`, { field }));
		return undefined;
	}
	if (typeof value === 'string') {
		const text = stripByteOrderMark(value);
		const parsed = parseJsonText(text);
		if (!parsed.ok) {
			addFault(faults, 'attributeMapNotJson', () =>
				new ConnectorError(
					'attributeMapNotJson',
					`${parsed.problem} (line ${parsed.line}, column ${parsed.column} of the AttributeMap text).`,
					{ field, details: { line: parsed.line, column: parsed.column } },
				),
			);
			return undefined;
		}
		if (!isPlainObject(parsed.value)) {
			addFault(faults, 'attributeMapNotObject', () =>
				new ConnectorError('attributeMapNotObject', `The AttributeMap text holds ${describeType(parsed.value)}.`, {
					field,
				}),
			);
			return undefined;
		}
		const rootKeys = parsed.objects.find((object) => object.path.length === 0)?.keys ?? [];
		pushMapDuplicates(rootKeys, lineLocator(text), ' of the AttributeMap text', faults);
		return parsed.value;
	}
	if (!isPlainObject(value)) {
		addFault(faults, 'attributeMapNotObject', () => new ConnectorError('attributeMapNotObject', `The AttributeMap is ${describeType(value)}.`, { field }));
		return undefined;
	}
	for (const keys of keysInSettingsText) pushMapDuplicates(keys, undefined, '', faults);
	return value;
}

function pushMapDuplicates(
	keys: readonly ScannedKey[],
	locate: ((offset: number) => { line: number; column: number }) | undefined,
	where: string,
	faults: ConnectorError[],
): void {
	for (const duplicate of exactDuplicates(keys)) {
		const position = locate === undefined ? undefined : locate(duplicate.offset);
		const at = position ? ` at line ${position.line}, column ${position.column}${where}` : '';
		addFault(faults, 'attributeMapDuplicateKey', () =>
			new ConnectorError(
				'attributeMapDuplicateKey',
				`${quote(duplicate.name)} is given again${at}; only the last one would count.`,
				{ field: 'AttributeMap', details: position ? { ...position } : {} },
			),
		);
	}
}

function splitWorkItemType(map: Record<string, unknown>): {
	attributeMap: Record<string, FieldValue>;
	workItemType: string | undefined;
} {
	const attributeMap: Record<string, FieldValue> = {};
	let workItemType: string | undefined;
	for (const key of Object.keys(map)) {
		const value = map[key];
		if (isWorkItemTypeField(key)) {
			if (typeof value === 'string' && value.trim() !== '') workItemType = value.trim();
			continue;
		}
		if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
			attributeMap[key.trim()] = value;
		}
	}
	return { attributeMap, workItemType };
}

function readState(
	name: 'BeginState' | 'EndState' | 'WorkItemEndState',
	emptyKey: ErrorKey,
	values: ReadonlyMap<SettingName, { key: string; value: unknown }>,
	required: boolean,
	faults: ConnectorError[],
	warnings: string[],
): string | undefined {
	const value = values.get(name)?.value;
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (value === undefined || value === null || typeof value === 'string') {
		if (required) {
			const problem = value === undefined || value === null ? `${name} is not set.` : `${name} is empty.`;
			faults.push(new ConnectorError(emptyKey, problem, { field: name }));
		}
		return undefined;
	}
	if (required) {
		addFault(faults, 'settingValueNotText', () =>
			new ConnectorError('settingValueNotText', `${name} is ${describeType(value)}, not text.`, { field: name }),
		);
	} else {
		warnings.push(`${name} is ${describeType(value)}, not text, and is ignored.`);
	}
	return undefined;
}

function foldSettingName(key: string): string {
	return key.replace(/[\s_-]+/g, '').toLowerCase();
}

/** The canonical setting name for a key as written, or the key itself when it is not a setting. */
function settingLabel(key: string): string {
	return SETTING_BY_FOLDED_NAME.get(foldSettingName(key)) ?? key.trim();
}

/** Suggests the setting an unknown key was probably meant to be (one or two letters off). */
function suggestSetting(key: string): SettingName | undefined {
	const folded = foldSettingName(key);
	let best: SettingName | undefined;
	let bestDistance = 3;
	for (const [candidate, name] of SETTING_BY_FOLDED_NAME) {
		const distance = editDistance(folded, candidate, bestDistance);
		if (distance < bestDistance) {
			best = name;
			bestDistance = distance;
		}
	}
	return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot stay below it. */
function editDistance(a: string, b: string, limit: number): number {
	if (Math.abs(a.length - b.length) >= limit) return limit;
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		let rowMin = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
			if (current[j] < rowMin) rowMin = current[j];
		}
		if (rowMin >= limit) return limit;
		previous = current;
	}
	return Math.min(previous[b.length], limit);
}

function exactDuplicates(keys: readonly ScannedKey[]): ScannedKey[] {
	const seen = new Set<string>();
	const duplicates: ScannedKey[] = [];
	for (const key of keys) {
		if (seen.has(key.name)) duplicates.push(key);
		else seen.add(key.name);
	}
	return duplicates;
}

function stripByteOrderMark(text: string): string {
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return 'text';
	if (typeof value === 'number') return 'a number';
	return `a ${typeof value}`;
}

function truncate(text: string, length: number): string {
	return text.length > length ? `${text.slice(0, length)}…` : text;
}

/**
 * Line and column for many positions of one text: the line starts are found once, each position by binary search, so
 * that a document with thousands of duplicate keys is located in linear time (lineAndColumn per key was quadratic).
 */
export function lineLocator(text: string): (offset: number) => { line: number; column: number } {
	let starts: number[] | undefined;
	return (offset) => {
		if (!starts) {
			starts = [0];
			for (let i = 0; i < text.length; i++) {
				const code = text.charCodeAt(i);
				if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
			}
		}
		const end = Math.max(0, Math.min(offset, text.length));
		let low = 0;
		let high = starts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (starts[middle] <= end) low = middle;
			else high = middle - 1;
		}
		return { line: low + 1, column: end - starts[low] + 1 };
	};
}

/** A key or value in double quotes for a message, cut to MAX_QUOTED characters. */
function quote(text: string): string {
	return `"${truncate(text, MAX_QUOTED)}"`;
}

/** 1-based line and column of a position in a text; "\r\n", "\n" and a lone "\r" each end a line. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
	let line = 1;
	let lineStart = 0;
	const end = Math.min(offset, text.length);
	for (let i = 0; i < end; i++) {
		const code = text.charCodeAt(i);
		if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) {
			line++;
			lineStart = i + 1;
		}
	}
	return { line, column: end - lineStart + 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// A strict JSON reader that says where and why a text is not JSON (JSON.parse's messages differ between Node
// versions and often give no position), and records every object's keys as written, duplicates included, which
// JSON.parse silently collapses to the last one.

interface ScannedKey {
	/** The key decoded, exactly as written otherwise (no trimming). */
	name: string;
	offset: number;
}

interface ScannedObject {
	/** Keys leading from the document's root to this object ("[]" for a list element). */
	path: readonly string[];
	keys: ScannedKey[];
}

type JsonText =
	| { ok: true; value: unknown; objects: readonly ScannedObject[] }
	| { ok: false; problem: string; line: number; column: number };

class JsonFault extends Error {
	constructor(
		readonly offset: number,
		readonly problem: string,
	) {
		super(problem);
	}
}

/** Parses JSON text; on a fault gives a plain-words problem with its line and column. */
function parseJsonText(text: string): JsonText {
	const reader = new JsonReader(text);
	try {
		reader.readDocument();
	} catch (error) {
		const fault = error instanceof JsonFault ? error : new JsonFault(text.length, 'The text could not be read as JSON');
		let problem = fault.problem;
		const trimmed = text.trim();
		if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && new JsonReader(`{${text}}`).accepts()) {
			problem = 'The text is missing the "{" and "}" around it';
		}
		return { ok: false, problem, ...lineAndColumn(text, fault.offset) };
	}
	try {
		return { ok: true, value: JSON.parse(text) as unknown, objects: reader.objects };
	} catch {
		return { ok: false, problem: 'The text is not valid JSON', ...lineAndColumn(text, text.length) };
	}
}

class JsonReader {
	readonly objects: ScannedObject[] = [];
	private pos = 0;

	constructor(private readonly text: string) {}

	accepts(): boolean {
		try {
			this.readDocument();
			return true;
		} catch {
			return false;
		}
	}

	readDocument(): void {
		this.skipSpace();
		this.readValue([], undefined, 0);
		this.skipSpace();
		if (this.pos < this.text.length) {
			this.fail('There is more text after the end of the JSON (a missing "," or an extra "}"?)');
		}
	}

	/** Reads the value of `key` inside the container at `parent` (the path is built only for objects and lists). */
	private readValue(parent: readonly string[], key: string | undefined, depth: number): void {
		const char = this.text[this.pos];
		if (char === '{') return this.readObject(key === undefined ? parent : [...parent, key], depth);
		if (char === '[') return this.readList(key === undefined ? parent : [...parent, key], depth);
		if (char === '"') return void this.readString();
		if (char === '-' || (char >= '0' && char <= '9')) return this.readNumber();
		for (const literal of ['true', 'false', 'null']) {
			if (this.text.startsWith(literal, this.pos)) {
				this.pos += literal.length;
				return;
			}
		}
		if (char === undefined) this.fail('The text ends where a value was expected');
		this.failOnCharacter('a value');
	}

	private readObject(path: readonly string[], depth: number): void {
		if (depth >= MAX_NESTING) this.fail(`The JSON is nested more than ${MAX_NESTING} levels deep`);
		const record: ScannedObject = { path, keys: [] };
		this.objects.push(record);
		this.pos++;
		this.skipSpace();
		if (this.text[this.pos] === '}') {
			this.pos++;
			return;
		}
		for (;;) {
			this.skipSpace();
			const char = this.text[this.pos];
			if (char === '}') this.fail('A "," comes right before "}" (JSON allows no trailing comma)');
			if (char === undefined) this.fail('The text ends where a key was expected');
			if (char !== '"') {
				if (/[A-Za-z_$]/.test(char)) this.fail('A key is not in double quotes');
				this.failOnCharacter('a key in double quotes');
			}
			const offset = this.pos;
			const raw = this.readString();
			const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
			record.keys.push({ name, offset });
			this.skipSpace();
			if (this.text[this.pos] !== ':') {
				if (this.pos >= this.text.length) this.fail(`The text ends after the key ${quote(name)}`);
				this.fail(`A ":" is missing after the key ${quote(name)}`);
			}
			this.pos++;
			this.skipSpace();
			this.readValue(path, name, depth + 1);
			this.skipSpace();
			const next = this.text[this.pos];
			if (next === ',') {
				this.pos++;
				continue;
			}
			if (next === '}') {
				this.pos++;
				return;
			}
			if (next === undefined) this.fail('The text ends before the closing "}"');
			if (next === '/') this.fail('JSON allows no comments');
			this.fail(`A "," or "}" is missing after the value of ${quote(name)}`);
		}
	}

	private readList(path: readonly string[], depth: number): void {
		if (depth >= MAX_NESTING) this.fail(`The JSON is nested more than ${MAX_NESTING} levels deep`);
		this.pos++;
		this.skipSpace();
		if (this.text[this.pos] === ']') {
			this.pos++;
			return;
		}
		for (;;) {
			this.skipSpace();
			if (this.text[this.pos] === ']') this.fail('A "," comes right before "]" (JSON allows no trailing comma)');
			this.readValue(path, '[]', depth + 1);
			this.skipSpace();
			const next = this.text[this.pos];
			if (next === ',') {
				this.pos++;
				continue;
			}
			if (next === ']') {
				this.pos++;
				return;
			}
			if (next === undefined) this.fail('The text ends before the closing "]"');
			if (next === '/') this.fail('JSON allows no comments');
			this.fail('A "," or "]" is missing in a list');
		}
	}

	/** Reads a string starting at its opening quote and returns it as written, quotes included. */
	private readString(): string {
		const start = this.pos;
		const text = this.text;
		let i = start + 1;
		for (;;) {
			if (i >= text.length) this.fail('A text in double quotes is not closed', start);
			const code = text.charCodeAt(i);
			if (code === 34) break;
			if (code === 92) {
				const escape = text[i + 1];
				if (escape === 'u') {
					if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) this.fail('"\\u" must be followed by four hex digits', i);
					i += 6;
					continue;
				}
				if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
					this.fail('A "\\" starts an escape JSON does not know; write a backslash as "\\\\"', i);
				}
				i += 2;
				continue;
			}
			if (code < 32) {
				this.fail('A line break or tab inside a text in double quotes; write it as \\n or \\t', i);
			}
			i++;
		}
		this.pos = i + 1;
		return text.slice(start, this.pos);
	}

	private readNumber(): void {
		const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
		match.lastIndex = this.pos;
		const found = match.exec(this.text);
		if (!found) this.fail('A number is not written the JSON way (e.g. 12, -3, 1.5)');
		this.pos += found[0].length;
	}

	private skipSpace(): void {
		const text = this.text;
		while (this.pos < text.length) {
			const code = text.charCodeAt(this.pos);
			if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return;
			this.pos++;
		}
	}

	private failOnCharacter(expected: string): never {
		const char = this.text[this.pos];
		if (char === "'") this.fail('Single quotes are used; JSON needs double quotes "');
		if ('\u201c\u201d\u201e\u2018\u2019'.includes(char)) {
			this.fail(`A typographic quote ${char} is used; JSON needs straight double quotes "`);
		}
		if (char === '\u00a0') this.fail('A non-breaking space (often pasted from a web page) is not allowed here');
		if (char === '/') this.fail('JSON allows no comments');
		this.fail(`Unexpected "${char}" where ${expected} was expected`);
	}

	private fail(problem: string, offset = this.pos): never {
		throw new JsonFault(offset, problem);
	}
}
