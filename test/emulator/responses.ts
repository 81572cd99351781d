// Response checking: every answer the emulator gives to a described operation is compared with the
// response definition of the requested release (OpenAPI 2.0 schema in the same description file).
// What is checked is what a client relies on: property names, JSON types, enum values.
import type { SpecOperation } from './spec';

type Schema = {
	$ref?: string;
	type?: string;
	properties?: Record<string, Schema>;
	additionalProperties?: Schema | boolean;
	items?: Schema;
	allOf?: Schema[];
	enum?: string[];
	format?: string;
};

/** Definitions whose wire shape is not their C# shape: ReferenceLinks is a dictionary of links on the wire. */
const FREE_FORM = new Set(['ReferenceLinks']);

export interface ResponseProblem {
	path: string;
	problem: string;
}

/** The schema an operation describes for a status; 2xx without its own entry falls back to '200'. */
function responseSchema(op: SpecOperation, status: number): Schema | undefined {
	const r = op.responses[String(status)] ?? (status >= 200 && status < 300 ? op.responses['200'] : undefined);
	return r?.schema as Schema | undefined;
}

/** Problems of one response body against the requested release's definition; [] when it conforms or nothing is described. */
export function checkResponseBody(op: SpecOperation, status: number, body: unknown): ResponseProblem[] {
	if (body === undefined || status >= 300) return [];
	const schema = responseSchema(op, status);
	if (!schema) return [];
	const problems: ResponseProblem[] = [];
	let value: unknown = body;
	// Lists travel as { count, value: [...] } where the description says "array of X".
	if (resolve(schema, op.definitions).type === 'array' && body && typeof body === 'object' && !Array.isArray(body)) {
		const wrapper = body as { count?: unknown; value?: unknown };
		if (typeof wrapper.count !== 'number') problems.push({ path: '$.count', problem: 'a list answer has a numeric count' });
		value = wrapper.value;
		if (value === null) return problems;
	}
	walk(schema, value, op.definitions, '$', problems, 0);
	return problems;
}

function resolve(schema: Schema, defs: Record<string, unknown>): Schema & { name?: string } {
	let s = schema;
	let name: string | undefined;
	for (let i = 0; s.$ref && i < 10; i++) {
		name = s.$ref.split('/').pop()!;
		s = (defs[name] as Schema | undefined) ?? {};
	}
	return { ...s, name };
}

/** Properties of a schema including those of its allOf parents. */
function propertiesOf(schema: Schema, defs: Record<string, unknown>): Record<string, Schema> {
	const props: Record<string, Schema> = {};
	for (const parent of schema.allOf ?? []) Object.assign(props, propertiesOf(resolve(parent, defs), defs));
	return Object.assign(props, schema.properties ?? {});
}

function walk(raw: Schema, value: unknown, defs: Record<string, unknown>, at: string, problems: ResponseProblem[], depth: number): void {
	if (value === null || value === undefined || depth > 20) return;
	const schema = resolve(raw, defs);
	if (schema.name && FREE_FORM.has(schema.name)) return;
	if (schema.enum) {
		if (typeof value !== 'string' && typeof value !== 'number') problems.push({ path: at, problem: `expected one of ${schema.enum.join('|')}` });
		else if (typeof value === 'string' && !schema.enum.some((e) => e.toLowerCase() === value.toLowerCase())) {
			problems.push({ path: at, problem: `'${value}' is not one of ${schema.enum.join('|')}` });
		}
		return;
	}
	const props = propertiesOf(schema, defs);
	const hasProps = Object.keys(props).length > 0;
	const type = schema.type ?? (hasProps ? 'object' : schema.items ? 'array' : undefined);
	switch (type) {
		case 'array':
			if (!Array.isArray(value)) return void problems.push({ path: at, problem: 'expected an array' });
			value.forEach((v, i) => schema.items && walk(schema.items, v, defs, `${at}[${i}]`, problems, depth + 1));
			return;
		case 'object': {
			if (!hasProps && !schema.additionalProperties) return; // C# object: anything goes
			if (typeof value !== 'object' || Array.isArray(value)) return void problems.push({ path: at, problem: 'expected an object' });
			for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
				if (v === undefined) continue;
				const p = props[k];
				if (p) walk(p, v, defs, `${at}.${k}`, problems, depth + 1);
				else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
					walk(schema.additionalProperties, v, defs, `${at}.${k}`, problems, depth + 1);
				} else if (!schema.additionalProperties) {
					problems.push({ path: `${at}.${k}`, problem: `not a property of ${schema.name ?? 'the described object'}` });
				}
			}
			return;
		}
		case 'string':
			// The generator writes a C# byte as string/byte; the service sends a number, as the official
			// examples record (hooks-7.1 httpExamples: "probationRetries": 1). Both are accepted.
			if (schema.format === 'byte' && Number.isInteger(value)) return;
			if (typeof value !== 'string') problems.push({ path: at, problem: 'expected a string' });
			return;
		case 'integer':
			if (!Number.isInteger(value)) problems.push({ path: at, problem: 'expected an integer' });
			return;
		case 'number':
			if (typeof value !== 'number') problems.push({ path: at, problem: 'expected a number' });
			return;
		case 'boolean':
			if (typeof value !== 'boolean') problems.push({ path: at, problem: 'expected a boolean' });
			return;
		default:
			return;
	}
}
