/**
 * Value maps: per field, ticket values turned into Azure DevOps values after the AttributeMap is rendered, e.g.
 * `{"Microsoft.VSTS.Common.Priority": {"High": 1, "Normal": 2, "*": 3}}`. Ticket values match ignoring case and outer
 * spaces; `*` is the value for every ticket value without a row. A value with neither is reported, never guessed.
 */
import { addFault, ConnectorError, ConnectorErrors } from './errors';
import type { FieldValue, JsonPatchOperation } from './types';

/** The ticket value that stands for every value without a row of its own. */
export const ANY_VALUE = '*';

export interface CompiledValueMap {
	/** Reference names of the mapped fields, as written. */
	readonly fieldNames: readonly string[];
	/** The rows of one field (by reference name, any case), or undefined when the field is not mapped. */
	rowsOf(field: string): FieldRows | undefined;
}

interface FieldRows {
	field: string;
	values: Map<string, FieldValue>;
	/** The ticket values as written, by their normalised form. */
	names: Map<string, string>;
	fallback: FieldValue | undefined;
}

/** A rendered value no row maps: the field, the value, and the ticket values the map knows. */
export interface UnmappedValue {
	field: string;
	value: string;
	known: string[];
}

/** Checks and compiles a ValueMap (an object, or JSON text holding one); throws ConnectorErrors listing every fault. */
export function compileValueMap(input: unknown, setting = 'ValueMap'): CompiledValueMap {
	const faults: ConnectorError[] = [];
	const fields = new Map<string, FieldRows>();
	let map = input;
	if (typeof map === 'string') {
		if (map.trim() === '') return buildValueMap(fields);
		const parsed = parseJson(map);
		if ('problem' in parsed) {
			throw new ConnectorErrors([
				new ConnectorError('valueMapInvalid', `${setting} is not valid JSON (${parsed.problem}).`, { field: setting }),
			]);
		}
		map = parsed.value;
	}
	if (map === undefined || map === null) return buildValueMap(fields);
	if (!isPlainObject(map)) {
		throw new ConnectorErrors([
			new ConnectorError('valueMapInvalid', `${setting} is not an object of fields, each an object of ticket values.`, { field: setting }),
		]);
	}
	for (const field of Object.keys(map)) {
		const rows = map[field];
		const name = field.trim();
		if (!isPlainObject(rows)) {
			addFault(faults, 'valueMapInvalid', () =>
				new ConnectorError('valueMapInvalid', `${setting}["${clip(name)}"] is not an object such as {"High": 1, "*": 3}.`, {
					field: setting,
				}),
			);
			continue;
		}
		const compiled: FieldRows = fields.get(name.toLowerCase()) ?? { field: name, values: new Map(), names: new Map(), fallback: undefined };
		for (const from of Object.keys(rows)) {
			const to = rows[from];
			if (typeof to !== 'string' && typeof to !== 'number' && typeof to !== 'boolean') {
				addFault(faults, 'valueMapInvalid', () =>
					new ConnectorError(
						'valueMapInvalid',
						`${setting}["${clip(name)}"]["${clip(from)}"] is not text, a number or true/false.`,
						{ field: setting },
					),
				);
				continue;
			}
			if (from.trim() === ANY_VALUE) compiled.fallback = to;
			else {
				compiled.values.set(normalise(from), to);
				compiled.names.set(normalise(from), from.trim());
			}
		}
		fields.set(name.toLowerCase(), compiled);
	}
	if (faults.length > 0) throw new ConnectorErrors(faults);
	return buildValueMap(fields);
}

/** The rows of `extra` added to `base`; a row of `extra` wins for the same field and ticket value. */
export function mergeValueMaps(base: CompiledValueMap | undefined, extra: CompiledValueMap | undefined): CompiledValueMap | undefined {
	if (!base || base.fieldNames.length === 0) return extra;
	if (!extra || extra.fieldNames.length === 0) return base;
	const fields = new Map<string, FieldRows>();
	for (const source of [base, extra]) {
		for (const name of source.fieldNames) {
			const rows = source.rowsOf(name)!;
			const into = fields.get(name.toLowerCase()) ?? { field: rows.field, values: new Map(), names: new Map(), fallback: undefined };
			for (const [from, to] of rows.values) into.values.set(from, to);
			for (const [from, label] of rows.names) into.names.set(from, label);
			if (rows.fallback !== undefined) into.fallback = rows.fallback;
			fields.set(name.toLowerCase(), into);
		}
	}
	return buildValueMap(fields);
}

/** The patch with every mapped field's value replaced; the values no row maps are listed, their operations kept. */
export function applyValueMap(
	map: CompiledValueMap | undefined,
	patch: readonly JsonPatchOperation[],
): { patch: JsonPatchOperation[]; unmapped: UnmappedValue[] } {
	if (!map || map.fieldNames.length === 0) return { patch: [...patch], unmapped: [] };
	const unmapped: UnmappedValue[] = [];
	const result = patch.map((operation) => {
		if (!operation.path.startsWith('/fields/') || operation.value === undefined || operation.value === null) return operation;
		const rows = map.rowsOf(operation.path.slice('/fields/'.length));
		if (!rows) return operation;
		const key = normalise(String(operation.value));
		const mapped = rows.values.get(key) ?? rows.fallback;
		if (mapped === undefined) {
			unmapped.push({ field: rows.field, value: String(operation.value), known: [...rows.names.values()] });
			return operation;
		}
		return { ...operation, value: mapped };
	});
	return { patch: result, unmapped };
}

/** The coded error for a value no row maps, listing the field's allowed values when the server gave them. */
export function valueNotMappedError(unmapped: UnmappedValue, allowedValues: readonly unknown[] | null): ConnectorError {
	const allowed =
		allowedValues && allowedValues.length > 0
			? ` Azure DevOps allows: ${allowedValues.map((value) => String(value)).join(', ')}.`
			: ' The field has no list of allowed values.';
	const known = unmapped.known.length > 0 ? ` The map has rows for: ${unmapped.known.join(', ')}.` : '';
	return new ConnectorError(
		'valueNotMapped',
		`"${clip(unmapped.value)}" has no row in the value map of ${unmapped.field} and there is no "*" row.${known}${allowed}`,
		{ field: unmapped.field, details: { value: unmapped.value, allowedValues: allowedValues ?? [] } },
	);
}

function buildValueMap(fields: Map<string, FieldRows>): CompiledValueMap {
	return {
		fieldNames: [...fields.values()].map((rows) => rows.field),
		rowsOf: (field) => fields.get(field.trim().toLowerCase()),
	};
}

function parseJson(text: string): { value: unknown } | { problem: string } {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch (error) {
		return { problem: (error as Error).message };
	}
}

function normalise(value: string): string {
	return value.trim().toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(text: string): string {
	return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
