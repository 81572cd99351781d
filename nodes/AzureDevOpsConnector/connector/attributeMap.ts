/**
 * AttributeMap templating: `{"System.Title": "[$TicketTitle$]", ...}` turned into the JSON Patch that creates a
 * work item. A map is compiled once (placeholders split into static text and variable references, every fault
 * found up front) and rendered once per ticket with no parsing left to do.
 *
 * Rendering has two paths with one behaviour. The fast path covers the usual ticket, where every placeholder finds
 * text, a number or true/false: it allocates only the patch and the text it returns. The first value it cannot put
 * into a field without a decision (missing, null, an object, a Date) sends the whole render to the general path,
 * which applies the missing-variable mode and collects every fault.
 */
import { addFault, ConnectorError, ConnectorErrors } from './errors';
import { escapeHtml, resolveHtmlFieldNames } from './htmlFields';
import type { FieldValue, JsonPatchOperation } from './types';

/** What a placeholder whose variable has no value turns into: a coded error, empty text, or the placeholder itself. */
export type MissingVariableMode = 'error' | 'empty' | 'keep';

/** The field that chooses the work item type; it is never sent as a field. */
export const WORK_ITEM_TYPE_FIELD = 'System.WorkItemType';

export { DEFAULT_HTML_FIELDS, escapeHtml } from './htmlFields';

export interface AttributeMapOptions {
	/** Work item type (may hold placeholders) used when the map has no System.WorkItemType. */
	workItemType?: string;
	/**
	 * The HTML fields as the server reports them (htmlFieldsFrom's answer: fields of type html or history). When absent
	 * or null the types are unknown and FALLBACK_HTML_FIELDS decides.
	 */
	htmlFieldNames?: ReadonlySet<string> | null;
	/** More HTML fields besides those, by reference name (any case): the node's "HTML Fields" option. */
	htmlFields?: readonly string[];
	/** Default 'error'. */
	missingVariables?: MissingVariableMode;
	/** Name of the setting the map came from, for error messages. Default 'AttributeMap'. */
	field?: string;
}

/** The work item a ticket turns into: its type and the JSON Patch of its fields. */
export interface RenderedWorkItem {
	workItemType: string | undefined;
	patch: JsonPatchOperation[];
}

/** An AttributeMap ready to render against any number of tickets. */
export interface CompiledAttributeMap {
	/** Reference names of the fields the map sets, in map order (System.WorkItemType excluded). */
	readonly fieldNames: readonly string[];
	/** Every variable the map uses, once each, in order of first use. */
	readonly variableNames: readonly string[];
	/** Renders the map against one ticket; user-defined variables win over the ticket's own keys. */
	render(ticket: unknown, variables?: Readonly<Record<string, unknown>>): RenderedWorkItem;
}

interface Placeholder {
	/** Variable name as written, trimmed. */
	readonly name: string;
	/** Path segments when the name has dots; tried only when no key of that exact name exists. */
	readonly path: readonly string[] | undefined;
	/** The placeholder exactly as written, for the 'keep' mode. */
	readonly source: string;
	/** The name or a segment is also a built-in member name ("constructor", "map"): look at own keys only. */
	readonly ownKeysOnly: boolean;
}

/** A template as alternating static text and placeholders: statics.length === placeholders.length + 1. */
interface ParsedTemplate {
	readonly statics: readonly string[];
	readonly placeholders: readonly Placeholder[];
	/** Exactly one placeholder and no text around it: the value keeps the variable's type (a number stays a number). */
	readonly single: boolean;
}

interface CompiledField {
	readonly name: string;
	/** Where the fault is reported: `AttributeMap[System.Title]`. */
	readonly label: string;
	readonly path: string;
	readonly html: boolean;
	/** Set when the value has no placeholder: emitted as is, type kept. */
	readonly constant: FieldValue | undefined;
	readonly template: ParsedTemplate | undefined;
}

const hasOwn = Object.prototype.hasOwnProperty;
// The render path reads no global variable: where the code runs in a vm context (jest, sandboxes), every global read
// goes through the context's interceptor and costs more than a whole field (measured: Object.getPrototypeOf 400 ns
// in jest, 17 ns in plain Node).
const getPrototypeOf = Object.getPrototypeOf;
const OBJECT_PROTOTYPE = Object.prototype;
const isFiniteNumber = Number.isFinite;
const NewArray = Array;

// Reference names: letters, digits, "_" and "-", at least one period, no period at either end, starting with a letter.
const FIELD_REFERENCE_NAME = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+$/;

// What people type when they copy the label from the work item form instead of the reference name.
const DISPLAY_NAME_HINTS: Readonly<Record<string, string>> = {
	title: 'System.Title',
	description: 'System.Description',
	assignedto: 'System.AssignedTo',
	state: 'System.State',
	reason: 'System.Reason',
	tags: 'System.Tags',
	areapath: 'System.AreaPath',
	area: 'System.AreaPath',
	iterationpath: 'System.IterationPath',
	iteration: 'System.IterationPath',
	priority: 'Microsoft.VSTS.Common.Priority',
	severity: 'Microsoft.VSTS.Common.Severity',
	workitemtype: 'System.WorkItemType',
	type: 'System.WorkItemType',
	reprosteps: 'Microsoft.VSTS.TCM.ReproSteps',
	acceptancecriteria: 'Microsoft.VSTS.Common.AcceptanceCriteria',
	originalestimate: 'Microsoft.VSTS.Scheduling.OriginalEstimate',
	remainingwork: 'Microsoft.VSTS.Scheduling.RemainingWork',
	storypoints: 'Microsoft.VSTS.Scheduling.StoryPoints',
	duedate: 'Microsoft.VSTS.Scheduling.DueDate',
};

/** True when a name has the shape of a work item field reference name, e.g. Microsoft.VSTS.Common.Priority. */
export function isFieldReferenceName(name: string): boolean {
	return FIELD_REFERENCE_NAME.test(name) && !name.includes('--');
}

/** True for System.WorkItemType written in any case. */
export function isWorkItemTypeField(name: string): boolean {
	return name.trim().toLowerCase() === 'system.workitemtype';
}

/** Lists every fault of a map (field names, value types, duplicates, placeholder syntax) without throwing. */
export function findAttributeMapFaults(
	map: Readonly<Record<string, unknown>>,
	options: AttributeMapOptions = {},
): ConnectorError[] {
	return compileCollecting(map, options).faults;
}

/** Compiles a map once; throws ConnectorErrors listing every fault of the map. */
export function compileAttributeMap(
	map: Readonly<Record<string, unknown>>,
	options: AttributeMapOptions = {},
): CompiledAttributeMap {
	const { compiled, faults } = compileCollecting(map, options);
	if (faults.length > 0 || !compiled) throw new ConnectorErrors(faults);
	return compiled;
}

/** Compiles and renders in one go, for a single ticket. */
export function renderAttributeMap(
	map: Readonly<Record<string, unknown>>,
	ticket: unknown,
	options: AttributeMapOptions & { variables?: Readonly<Record<string, unknown>> } = {},
): RenderedWorkItem {
	return compileAttributeMap(map, options).render(ticket, options.variables);
}

/** Lists the variable names used in one template text; throws ConnectorError 2002 on a malformed placeholder. */
export function listTemplateVariables(text: string, field = 'AttributeMap'): string[] {
	const parsed = parseTemplate(text);
	if ('problem' in parsed) throw new ConnectorError('templatePlaceholderMalformed', parsed.problem, { field });
	return parsed.placeholders.map((placeholder) => placeholder.name);
}

function compileCollecting(
	map: Readonly<Record<string, unknown>>,
	options: AttributeMapOptions,
): { compiled: CompiledAttributeMap | undefined; faults: ConnectorError[] } {
	const setting = options.field ?? 'AttributeMap';
	const faults: ConnectorError[] = [];
	if (map === null || typeof map !== 'object' || Array.isArray(map)) {
		addFault(faults, 'attributeMapNotObject', () =>
			new ConnectorError('attributeMapNotObject', `The AttributeMap is ${describeType(map)}.`, { field: setting }),
		);
		return { compiled: undefined, faults };
	}

	const htmlFields = resolveHtmlFieldNames(options.htmlFieldNames, options.htmlFields ?? []);

	const fields: CompiledField[] = [];
	const seen = new Map<string, string>();
	let typeTemplate: ParsedTemplate | undefined;
	let typeFromMap = false;

	for (const rawKey of Object.keys(map)) {
		const name = rawKey.trim();
		const label = `${setting}[${clip(name)}]`;
		const value = map[rawKey];
		const folded = name.toLowerCase();

		const earlier = seen.get(folded);
		if (earlier !== undefined) {
			addFault(faults, 'attributeMapDuplicateKey', () =>
				new ConnectorError('attributeMapDuplicateKey', `"${clip(earlier)}" and "${clip(name)}" name the same field.`, {
					field: setting,
				}),
			);
			continue;
		}
		seen.set(folded, name);

		if (isWorkItemTypeField(name)) {
			// An empty type in the map leaves the choice to the node's Work Item Type option.
			if (typeof value === 'string' && value.trim() === '') continue;
			typeFromMap = true;
			if (typeof value !== 'string') {
				addFault(faults, 'attributeMapValueInvalid', () =>
					new ConnectorError(
						'attributeMapValueInvalid',
						`The work item type must be text such as "Task", not ${describeType(value)}.`,
						{ field: label },
					),
				);
				continue;
			}
			typeTemplate = collectTemplate(value.trim(), label, faults);
			continue;
		}

		if (!isFieldReferenceName(name)) {
			// Own keys only: a key such as "constructor" must not find Object's members.
			const hintKey = folded.replace(/[\s_.-]+/g, '');
			const hint = hasOwn.call(DISPLAY_NAME_HINTS, hintKey) ? DISPLAY_NAME_HINTS[hintKey] : undefined;
			const problem =
				name === ''
					? 'A key is empty.'
					: `"${clip(name)}" is not a field reference name.${hint ? ` Did you mean "${hint}"?` : ''}`;
			addFault(faults, 'attributeMapFieldNameInvalid', () => new ConnectorError('attributeMapFieldNameInvalid', problem, { field: setting }));
			continue;
		}

		if (typeof value === 'number' && Number.isFinite(value)) {
			fields.push(constantField(name, label, value));
		} else if (typeof value === 'boolean') {
			fields.push(constantField(name, label, value));
		} else if (typeof value === 'string') {
			const template = collectTemplate(value, label, faults);
			if (!template) continue;
			const html = htmlFields.has(folded);
			if (template.placeholders.length === 0) {
				fields.push(constantField(name, label, value));
			} else {
				fields.push({ name, label, path: `/fields/${name}`, html, constant: undefined, template });
			}
		} else {
			addFault(faults, 'attributeMapValueInvalid', () =>
				new ConnectorError(
					'attributeMapValueInvalid',
					`The value is ${describeType(value)}; a field takes text, a number or true/false.`,
					{ field: label },
				),
			);
		}
	}

	if (!typeFromMap && typeof options.workItemType === 'string' && options.workItemType.trim() !== '') {
		typeTemplate = collectTemplate(options.workItemType.trim(), 'Work Item Type', faults);
	}

	if (faults.length > 0) return { compiled: undefined, faults };
	return { compiled: new AttributeMapTemplate(fields, typeTemplate, options.missingVariables ?? 'error'), faults };
}

function constantField(name: string, label: string, value: FieldValue): CompiledField {
	return { name, label, path: `/fields/${name}`, html: false, constant: value, template: undefined };
}

function collectTemplate(text: string, field: string, faults: ConnectorError[]): ParsedTemplate | undefined {
	const parsed = parseTemplate(text);
	if ('problem' in parsed) {
		addFault(faults, 'templatePlaceholderMalformed', () =>
			new ConnectorError('templatePlaceholderMalformed', parsed.problem, { field }),
		);
		return undefined;
	}
	return parsed;
}

const OPEN = '[$';
const CLOSE = '$]';

/** What is wrong with a template (fault 2002); made into a ConnectorError only when it will be reported. */
interface TemplateFault {
	readonly problem: string;
}

/** Splits a template into static text and placeholders, or describes its first malformed placeholder (fault 2002). */
function parseTemplate(text: string): ParsedTemplate | TemplateFault {
	const statics: string[] = [];
	const placeholders: Placeholder[] = [];
	let from = 0;
	for (;;) {
		const open = text.indexOf(OPEN, from);
		if (open === -1) break;
		const close = text.indexOf(CLOSE, open + OPEN.length);
		const at = open + 1;
		if (close === -1) {
			return malformed(`The placeholder at character ${at} (${excerpt(text, open)}) is not closed with "$]".`);
		}
		const source = text.slice(open, close + CLOSE.length);
		const inner = text.slice(open + OPEN.length, close);
		if (inner.includes(OPEN)) {
			return malformed(
				`The placeholder at character ${at} (${excerpt(text, open)}) is not closed before the next "[$".`,
			);
		}
		const name = inner.trim();
		if (name === '') {
			return malformed(`The placeholder at character ${at} ("${clip(source)}") has no variable name.`);
		}
		if (/[[\]$\r\n]/.test(name)) {
			return malformed(
				`The placeholder at character ${at} ("${clip(source)}") has "[", "]", "$" or a line break in its name; ` +
					'write list positions as dots, e.g. [$items.0.name$].',
			);
		}
		statics.push(text.slice(from, open));
		const path = name.includes('.') ? name.split('.').map(asPropertyKey) : undefined;
		const ownKeysOnly = isBuiltInMemberName(name) || (path !== undefined && path.some(isBuiltInMemberName));
		placeholders.push({ name: asPropertyKey(name), path, source, ownKeysOnly });
		from = close + CLOSE.length;
	}
	statics.push(text.slice(from));
	const single = placeholders.length === 1 && statics[0] === '' && statics[1] === '';
	return { statics, placeholders, single };
}

/**
 * Returns the name after using it once as a property key. JavaScript engines then keep a canonical copy of it, so
 * the many look-ups at render time (hits and misses alike) skip re-hashing a freshly sliced string.
 */
function asPropertyKey(name: string): string {
	const probe: Record<string, true> = {};
	probe[name] = true;
	return Object.keys(probe)[0] ?? name;
}

function malformed(problem: string): TemplateFault {
	return { problem };
}

function excerpt(text: string, at: number): string {
	const slice = text.slice(at, at + 24);
	return `"${slice}${text.length > at + 24 ? '…' : ''}"`;
}

/** Marks a value that has no usable value in the ticket. */
const MISSING: unique symbol = Symbol('missing');

/** What the fast path returns for a value it leaves to the general path (missing, null, an object, a Date). */
const UNDECIDED: unique symbol = Symbol('undecided');
type FastValue = FieldValue | typeof UNDECIDED;

class AttributeMapTemplate implements CompiledAttributeMap {
	readonly fieldNames: readonly string[];
	readonly variableNames: readonly string[];
	/** The work item type when it holds no placeholder: known before any ticket. */
	private readonly constantType: string | undefined;
	/** The work item type when it holds placeholders. */
	private readonly typeTemplate: ParsedTemplate | undefined;

	constructor(
		private readonly fields: readonly CompiledField[],
		typeTemplate: ParsedTemplate | undefined,
		private readonly missing: MissingVariableMode,
	) {
		this.fieldNames = fields.map((field) => field.name);
		const names = new Set<string>();
		if (typeTemplate) for (const placeholder of typeTemplate.placeholders) names.add(placeholder.name);
		for (const field of fields) {
			if (field.template) for (const placeholder of field.template.placeholders) names.add(placeholder.name);
		}
		this.variableNames = [...names];
		if (typeTemplate !== undefined && typeTemplate.placeholders.length === 0) {
			this.constantType = typeTemplate.statics[0].trim() || undefined;
		} else {
			this.typeTemplate = typeTemplate;
		}
	}

	render(ticket: unknown, variables?: Readonly<Record<string, unknown>>): RenderedWorkItem {
		const root = ticket !== null && typeof ticket === 'object' ? (ticket as Record<string, unknown>) : undefined;
		const own = variables !== null && typeof variables === 'object' ? variables : undefined;
		// Create From Ticket passes {} when the node has no variables: skip a read of it for every placeholder.
		const used = own !== undefined && isEmptyPlainObject(own) ? undefined : own;

		let workItemType = this.constantType;
		if (this.typeTemplate !== undefined) {
			const rendered = fastValue(this.typeTemplate, false, root, used);
			if (rendered === UNDECIDED) return this.renderGeneral(root, own);
			const text = typeof rendered === 'string' ? rendered.trim() : `${rendered}`;
			workItemType = text === '' ? undefined : text;
		}

		const fields = this.fields;
		const patch = new NewArray<JsonPatchOperation>(fields.length);
		for (let i = 0; i < fields.length; i++) {
			const field = fields[i];
			const value =
				field.template === undefined ? (field.constant as FieldValue) : fastValue(field.template, field.html, root, used);
			if (value === UNDECIDED) return this.renderGeneral(root, own);
			patch[i] = { op: 'add', path: field.path, value };
		}
		return { workItemType, patch };
	}

	/** Renders with every decision the fast path leaves out: missing-variable modes, Dates, coded faults. */
	private renderGeneral(
		ticket: Record<string, unknown> | undefined,
		variables: Readonly<Record<string, unknown>> | undefined,
	): RenderedWorkItem {
		const scope: Scope = { ticket, variables, faults: undefined };

		let workItemType = this.constantType;
		if (this.typeTemplate) {
			const rendered = this.renderTemplate(this.typeTemplate, false, 'System.WorkItemType', scope);
			const text = typeof rendered === 'string' ? rendered.trim() : String(rendered);
			workItemType = text === '' ? undefined : text;
		}

		const fields = this.fields;
		const patch: JsonPatchOperation[] = new Array<JsonPatchOperation>(fields.length);
		for (let i = 0; i < fields.length; i++) {
			const field = fields[i];
			const value =
				field.template === undefined
					? (field.constant as FieldValue)
					: this.renderTemplate(field.template, field.html, field.label, scope);
			patch[i] = { op: 'add', path: field.path, value };
		}

		if (scope.faults) throw new ConnectorErrors(scope.faults);
		return { workItemType, patch };
	}

	private renderTemplate(template: ParsedTemplate, html: boolean, label: string, scope: Scope): FieldValue {
		const { statics, placeholders } = template;
		// A value that is exactly one placeholder keeps the variable's type, so numbers and booleans stay typed.
		if (template.single) {
			const placeholder = placeholders[0];
			const value = lookUp(placeholder, scope.ticket, scope.variables);
			if (typeof value === 'number' && Number.isFinite(value)) return value;
			if (typeof value === 'boolean') return value;
			return this.toText(value, placeholder, html, label, scope);
		}
		let out = statics[0];
		for (let i = 0; i < placeholders.length; i++) {
			const placeholder = placeholders[i];
			out += this.toText(lookUp(placeholder, scope.ticket, scope.variables), placeholder, html, label, scope) + statics[i + 1];
		}
		return out;
	}

	private toText(value: unknown, placeholder: Placeholder, html: boolean, label: string, scope: Scope): string {
		switch (typeof value) {
			case 'string':
				return html ? escapeHtml(value) : value;
			case 'number':
			case 'boolean':
			case 'bigint':
				return String(value);
			case 'undefined':
				return this.whenMissing(placeholder, label, scope);
			case 'object':
				if (value === null) return this.whenMissing(placeholder, label, scope);
				if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
				break;
		}
		addScopeFault(
			scope,
			new ConnectorError(
				'templateValueNotRenderable',
				`The variable "${clip(placeholder.name)}" holds ${describeType(value)}, which cannot be put into text.`,
				{ field: label, details: { variable: clip(placeholder.name) } },
			),
		);
		return '';
	}

	private whenMissing(placeholder: Placeholder, label: string, scope: Scope): string {
		if (this.missing === 'empty') return '';
		if (this.missing === 'keep') return placeholder.source;
		addScopeFault(
			scope,
			new ConnectorError(
				'templateVariableUnknown',
				`The variable "${clip(placeholder.name)}" has no value in the ticket or the node's variables.`,
				{ field: label, details: { variable: clip(placeholder.name) } },
			),
		);
		return '';
	}
}

interface Scope {
	readonly ticket: Record<string, unknown> | undefined;
	readonly variables: Readonly<Record<string, unknown>> | undefined;
	faults: ConnectorError[] | undefined;
}

function addScopeFault(scope: Scope, fault: ConnectorError): void {
	if (scope.faults) scope.faults.push(fault);
	else scope.faults = [fault];
}

function isBuiltInMemberName(name: string): boolean {
	return name in Object.prototype || name in Array.prototype;
}

/** A template's value on the fast path: typed like the variable when it is one placeholder, else text; or UNDECIDED. */
function fastValue(
	template: ParsedTemplate,
	html: boolean,
	ticket: Record<string, unknown> | undefined,
	variables: Readonly<Record<string, unknown>> | undefined,
): FastValue {
	const { statics, placeholders } = template;
	if (template.single) {
		const value = lookUp(placeholders[0], ticket, variables);
		switch (typeof value) {
			case 'string':
				return html ? escapeHtml(value) : value;
			case 'number':
				return isFiniteNumber(value) ? value : `${value}`;
			case 'boolean':
				return value;
			case 'bigint':
				return `${value}`;
			default:
				return UNDECIDED;
		}
	}
	let out = statics[0];
	for (let i = 0; i < placeholders.length; i++) {
		const value = lookUp(placeholders[i], ticket, variables);
		if (typeof value === 'string') out += html ? escapeHtml(value) : value;
		else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') out += `${value}`;
		else return UNDECIDED;
		const after = statics[i + 1];
		// Skipping empty text saves a string concatenation per placeholder in the common "[$A$]: [$B$]" shapes.
		if (after !== '') out += after;
	}
	return out;
}

/**
 * True for `{}`: no enumerable key and a plain prototype, so reading any non-built-in name from it finds nothing.
 * Create From Ticket passes one for every ticket when the node has no variables.
 */
function isEmptyPlainObject(object: object): boolean {
	const prototype: unknown = getPrototypeOf(object);
	if (prototype !== OBJECT_PROTOTYPE && prototype !== null) return false;
	for (const key in object) if (key !== undefined) return false;
	return true;
}

/** Finds a variable: a user variable with a value, then the ticket's key of that exact name, then the dotted path. */
function lookUp(
	placeholder: Placeholder,
	ticket: Record<string, unknown> | undefined,
	variables: Readonly<Record<string, unknown>> | undefined,
): unknown {
	if (placeholder.ownKeysOnly) return lookUpOwnKeys(placeholder, ticket, variables);
	// Plain property reads are several times faster than own-key checks, and are safe here because no name or
	// segment of this placeholder can hit a member inherited from Object or Array.
	const { name, path } = placeholder;
	if (variables !== undefined) {
		const value = variables[name];
		if (value !== undefined && value !== null) return value;
	}
	if (ticket !== undefined) {
		const value = ticket[name];
		if (value !== undefined && value !== null) return value;
	}
	if (path === undefined) return undefined;
	if (variables !== undefined) {
		const value = walkProperties(variables, path);
		if (value !== undefined && value !== null) return value;
	}
	if (ticket === undefined) return undefined;
	const value = walkProperties(ticket, path);
	return value === null ? undefined : value;
}

function walkProperties(root: unknown, path: readonly string[]): unknown {
	let current = root;
	for (let i = 0; i < path.length; i++) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[path[i]];
	}
	return current;
}

function lookUpOwnKeys(
	placeholder: Placeholder,
	ticket: Record<string, unknown> | undefined,
	variables: Readonly<Record<string, unknown>> | undefined,
): unknown {
	const { name, path } = placeholder;
	if (variables !== undefined && hasOwn.call(variables, name)) {
		const value = variables[name];
		if (value !== undefined && value !== null) return value;
	}
	if (ticket !== undefined && hasOwn.call(ticket, name)) {
		const value = ticket[name];
		if (value !== undefined && value !== null) return value;
	}
	if (path === undefined) return undefined;
	let found = MISSING as unknown;
	if (variables !== undefined) found = walk(variables, path);
	if (found === MISSING && ticket !== undefined) found = walk(ticket, path);
	return found === MISSING ? undefined : found;
}

/** Follows a dotted path through own keys only, so "constructor" or "__proto__" never reach the prototype. */
function walk(root: unknown, path: readonly string[]): unknown {
	let current: unknown = root;
	for (let i = 0; i < path.length; i++) {
		if (current === null || typeof current !== 'object') return MISSING;
		const segment = path[i];
		if (!hasOwn.call(current, segment)) return MISSING;
		current = (current as Record<string, unknown>)[segment];
	}
	return current === undefined || current === null ? MISSING : current;
}

/** A name or text quoted in a message, cut so that a hostile map cannot make a message long. */
function clip(text: string, length = 80): string {
	return text.length > length ? `${text.slice(0, length)}…` : text;
}

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'number') return `the number ${String(value)}`;
	return `a ${typeof value}`;
}
