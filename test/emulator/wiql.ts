// The part of WIQL (Work Item Query Language) that a service-desk sync needs: flat queries over
// work items with comparisons, CONTAINS, IN, UNDER, AND/OR/NOT, parentheses, macros and ORDER BY.
// Anything outside that subset is a syntax error, so a test never passes on a query the emulator
// silently misread.

export class WiqlError extends Error {
	constructor(
		message: string,
		readonly kind: 'syntax' | 'field' | 'macro',
	) {
		super(message);
	}
}

type Token =
	| { t: 'field'; v: string }
	| { t: 'word'; v: string }
	| { t: 'string'; v: string }
	| { t: 'number'; v: number }
	| { t: 'macro'; v: string }
	| { t: 'op'; v: string }
	| { t: 'punct'; v: string };

export type Value = string | number | { macro: string; offset: number } | { field: string };

export type Condition =
	| { kind: 'and' | 'or'; left: Condition; right: Condition }
	| { kind: 'not'; inner: Condition }
	| { kind: 'compare'; field: string; op: string; value: Value | Value[] };

export interface WiqlQuery {
	fields: string[];
	source: string;
	where?: Condition;
	orderBy: Array<{ field: string; descending: boolean }>;
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (/\s/.test(c)) {
			i++;
		} else if (c === '[') {
			const end = text.indexOf(']', i);
			if (end < 0) throw new WiqlError(`Expecting ']'. The error is caused by «${text.slice(i, i + 20)}».`, 'syntax');
			tokens.push({ t: 'field', v: text.slice(i + 1, end).trim() });
			i = end + 1;
		} else if (c === "'" || c === '"') {
			// A quote is escaped by doubling it, as in SQL.
			let value = '';
			let j = i + 1;
			for (;;) {
				if (j >= text.length) throw new WiqlError(`Unterminated string. The error is caused by «${text.slice(i, i + 20)}».`, 'syntax');
				if (text[j] === c) {
					if (text[j + 1] === c) {
						value += c;
						j += 2;
						continue;
					}
					break;
				}
				value += text[j++];
			}
			tokens.push({ t: 'string', v: value });
			i = j + 1;
		} else if (c === '@') {
			const m = /^@[A-Za-z]+/.exec(text.slice(i));
			if (!m) throw new WiqlError('Expecting a macro name after @.', 'syntax');
			tokens.push({ t: 'macro', v: m[0].toLowerCase() });
			i += m[0].length;
		} else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? '') && tokens.at(-1)?.t === 'op')) {
			const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
			tokens.push({ t: 'number', v: Number(m[0]) });
			i += m[0].length;
		} else if (/[<>=!]/.test(c)) {
			const m = /^(<>|!=|>=|<=|=|<|>)/.exec(text.slice(i));
			if (!m) throw new WiqlError(`Unexpected character «${c}».`, 'syntax');
			tokens.push({ t: 'op', v: m[0] === '!=' ? '<>' : m[0] });
			i += m[0].length;
		} else if (c === '(' || c === ')' || c === ',' || c === '+' || c === '-') {
			tokens.push({ t: 'punct', v: c });
			i++;
		} else if (/[A-Za-z_]/.test(c)) {
			const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i)) as RegExpExecArray;
			tokens.push({ t: 'word', v: m[0] });
			i += m[0].length;
		} else {
			throw new WiqlError(`Unexpected character «${c}».`, 'syntax');
		}
	}
	return tokens;
}

class Parser {
	private pos = 0;
	constructor(private readonly tokens: Token[]) {}

	private peek(): Token | undefined {
		return this.tokens[this.pos];
	}

	private isWord(word: string, offset = 0): boolean {
		const tok = this.tokens[this.pos + offset];
		return tok?.t === 'word' && tok.v.toUpperCase() === word;
	}

	private fail(expecting: string): never {
		const tok = this.peek();
		const near = tok ? String(tok.v) : 'end of query';
		throw new WiqlError(`Expecting ${expecting}. The error is caused by «${near}».`, 'syntax');
	}

	private expectWord(word: string): void {
		if (!this.isWord(word)) this.fail(word);
		this.pos++;
	}

	private field(): string {
		const tok = this.peek();
		if (tok?.t === 'field' || (tok?.t === 'word' && tok.v.includes('.'))) {
			this.pos++;
			return tok.v;
		}
		return this.fail('field name');
	}

	parse(): WiqlQuery {
		this.expectWord('SELECT');
		const fields = [this.field()];
		while (this.peek()?.t === 'punct' && this.peek()?.v === ',') {
			this.pos++;
			fields.push(this.field());
		}
		this.expectWord('FROM');
		const src = this.peek();
		if (src?.t !== 'word' || !['WORKITEMS', 'WORKITEMLINKS'].includes(src.v.toUpperCase())) this.fail('WorkItems');
		if (src.v.toUpperCase() === 'WORKITEMLINKS') {
			throw new WiqlError('The emulator supports flat queries FROM WorkItems only.', 'syntax');
		}
		this.pos++;
		let where: Condition | undefined;
		if (this.isWord('WHERE')) {
			this.pos++;
			where = this.or();
		}
		const orderBy: WiqlQuery['orderBy'] = [];
		if (this.isWord('ORDER')) {
			this.pos++;
			this.expectWord('BY');
			for (;;) {
				const field = this.field();
				let descending = false;
				if (this.isWord('ASC')) this.pos++;
				else if (this.isWord('DESC')) {
					this.pos++;
					descending = true;
				}
				orderBy.push({ field, descending });
				if (this.peek()?.t === 'punct' && this.peek()?.v === ',') this.pos++;
				else break;
			}
		}
		if (this.isWord('ASOF')) {
			this.pos++;
			if (this.peek()?.t !== 'string') this.fail('a date after ASOF');
			this.pos++;
		}
		if (this.peek()) this.fail('end of query');
		return { fields, source: 'WorkItems', where, orderBy };
	}

	private or(): Condition {
		let left = this.and();
		while (this.isWord('OR')) {
			this.pos++;
			left = { kind: 'or', left, right: this.and() };
		}
		return left;
	}

	private and(): Condition {
		let left = this.unary();
		while (this.isWord('AND')) {
			this.pos++;
			left = { kind: 'and', left, right: this.unary() };
		}
		return left;
	}

	private unary(): Condition {
		if (this.isWord('NOT')) {
			this.pos++;
			return { kind: 'not', inner: this.unary() };
		}
		const tok = this.peek();
		if (tok?.t === 'punct' && tok.v === '(') {
			this.pos++;
			const inner = this.or();
			const close = this.peek();
			if (close?.t !== 'punct' || close.v !== ')') this.fail("')'");
			this.pos++;
			return inner;
		}
		return this.comparison();
	}

	private comparison(): Condition {
		const field = this.field();
		let op: string;
		const tok = this.peek();
		if (tok?.t === 'op') {
			op = tok.v;
			this.pos++;
		} else if (this.isWord('NOT') && (this.isWord('CONTAINS', 1) || this.isWord('IN', 1) || this.isWord('UNDER', 1))) {
			op = `NOT ${(this.tokens[this.pos + 1] as { v: string }).v.toUpperCase()}`;
			this.pos += 2;
		} else if (this.isWord('CONTAINS') || this.isWord('IN') || this.isWord('UNDER')) {
			op = (tok as { v: string }).v.toUpperCase();
			this.pos++;
		} else {
			return this.fail('comparison operator');
		}
		if (op.endsWith('CONTAINS') && this.isWord('WORDS')) {
			this.pos++;
		}
		if (op.endsWith('IN')) {
			const open = this.peek();
			if (open?.t !== 'punct' || open.v !== '(') this.fail("'(' after IN");
			this.pos++;
			const values: Value[] = [this.value()];
			while (this.peek()?.t === 'punct' && this.peek()?.v === ',') {
				this.pos++;
				values.push(this.value());
			}
			const close = this.peek();
			if (close?.t !== 'punct' || close.v !== ')') this.fail("')'");
			this.pos++;
			return { kind: 'compare', field, op, value: values };
		}
		return { kind: 'compare', field, op, value: this.value() };
	}

	private value(): Value {
		const tok = this.peek();
		if (!tok) return this.fail('a value');
		if (tok.t === 'string' || tok.t === 'number') {
			this.pos++;
			return tok.v;
		}
		if (tok.t === 'field') {
			this.pos++;
			return { field: tok.v };
		}
		if (tok.t === 'macro') {
			this.pos++;
			let offset = 0;
			const sign = this.peek();
			if (sign?.t === 'punct' && (sign.v === '+' || sign.v === '-')) {
				const n = this.tokens[this.pos + 1];
				if (n?.t !== 'number') this.fail('a number after the macro offset');
				offset = sign.v === '-' ? -n.v : n.v;
				this.pos += 2;
			} else if (sign?.t === 'number' && sign.v < 0) {
				offset = sign.v;
				this.pos++;
			}
			return { macro: tok.v, offset };
		}
		return this.fail('a value');
	}
}

/** Parses a WIQL statement or throws WiqlError with the service's style of message. */
export function parseWiql(text: string): WiqlQuery {
	if (!text || !text.trim()) throw new WiqlError('The query text is empty.', 'syntax');
	return new Parser(tokenize(text)).parse();
}

export interface WiqlContext {
	project?: string;
	me?: string;
	now: Date;
	knownField: (ref: string) => boolean;
}

/** Every field a query names, so unknown ones can be refused before evaluation. */
export function fieldsOf(query: WiqlQuery): string[] {
	const out = [...query.fields, ...query.orderBy.map((o) => o.field)];
	const walk = (c: Condition | undefined): void => {
		if (!c) return;
		switch (c.kind) {
			case 'and':
			case 'or':
				walk(c.left);
				walk(c.right);
				break;
			case 'not':
				walk(c.inner);
				break;
			case 'compare':
				out.push(c.field);
		}
	};
	walk(query.where);
	return out;
}

function resolve(value: Value, ctx: WiqlContext, fields: Record<string, unknown>): unknown {
	if (typeof value === 'string' || typeof value === 'number') return value;
	if ('field' in value) return fields[value.field];
	switch (value.macro) {
		case '@project':
			if (!ctx.project) {
				throw new WiqlError('The @project macro can only be used in a query that is run in the context of a project.', 'macro');
			}
			return ctx.project;
		case '@me':
			return ctx.me ?? '';
		case '@today': {
			const d = new Date(ctx.now);
			d.setUTCHours(0, 0, 0, 0);
			d.setUTCDate(d.getUTCDate() + value.offset);
			return d.toISOString();
		}
		default:
			throw new WiqlError(`The macro ${value.macro} is not supported.`, 'macro');
	}
}

function asText(v: unknown): string {
	if (v === undefined || v === null) return '';
	if (typeof v === 'object' && v !== null && 'displayName' in v) return String((v as { displayName: string }).displayName);
	return String(v);
}

function equals(actual: unknown, expected: unknown): boolean {
	if (typeof expected === 'number' || typeof actual === 'number') return Number(actual) === Number(expected);
	const a = asText(actual).toLowerCase();
	const e = asText(expected).toLowerCase();
	if (a === e) return true;
	// Identity fields are stored as "Display Name <unique name>"; WIQL matches either part.
	const m = /^(.*) <(.*)>$/.exec(a);
	return m ? m[1] === e || m[2] === e : false;
}

function compareOrdered(actual: unknown, expected: unknown): number {
	if (typeof expected === 'number') return Number(actual) - expected;
	const a = asText(actual);
	const e = asText(expected);
	const da = Date.parse(a);
	const de = Date.parse(e);
	if (!Number.isNaN(da) && !Number.isNaN(de) && /\d{4}-\d{2}-\d{2}/.test(e)) return da - de;
	return a.localeCompare(e, undefined, { sensitivity: 'base' });
}

/** Evaluates a parsed WHERE clause against one work item's fields. */
export function matches(cond: Condition | undefined, fields: Record<string, unknown>, ctx: WiqlContext): boolean {
	if (!cond) return true;
	switch (cond.kind) {
		case 'and':
			return matches(cond.left, fields, ctx) && matches(cond.right, fields, ctx);
		case 'or':
			return matches(cond.left, fields, ctx) || matches(cond.right, fields, ctx);
		case 'not':
			return !matches(cond.inner, fields, ctx);
		case 'compare': {
			const actual = fields[cond.field];
			const expected = Array.isArray(cond.value)
				? cond.value.map((v) => resolve(v, ctx, fields))
				: resolve(cond.value, ctx, fields);
			switch (cond.op) {
				case '=':
					return equals(actual, expected);
				case '<>':
					return !equals(actual, expected);
				case '<':
					return actual !== undefined && compareOrdered(actual, expected) < 0;
				case '<=':
					return actual !== undefined && compareOrdered(actual, expected) <= 0;
				case '>':
					return actual !== undefined && compareOrdered(actual, expected) > 0;
				case '>=':
					return actual !== undefined && compareOrdered(actual, expected) >= 0;
				case 'IN':
					return (expected as unknown[]).some((e) => equals(actual, e));
				case 'NOT IN':
					return !(expected as unknown[]).some((e) => equals(actual, e));
				case 'CONTAINS':
				case 'NOT CONTAINS': {
					const needle = asText(expected).toLowerCase();
					let hit: boolean;
					if (cond.field === 'System.Tags') {
						// Tags are a "; " separated list and CONTAINS matches a whole tag.
						hit = asText(actual)
							.split(';')
							.map((t) => t.trim().toLowerCase())
							.includes(needle);
					} else {
						hit = asText(actual).toLowerCase().includes(needle);
					}
					return cond.op === 'CONTAINS' ? hit : !hit;
				}
				case 'UNDER':
				case 'NOT UNDER': {
					const a = asText(actual).toLowerCase();
					const e = asText(expected).toLowerCase();
					const hit = a === e || a.startsWith(`${e}\\`);
					return cond.op === 'UNDER' ? hit : !hit;
				}
				default:
					throw new WiqlError(`Operator ${cond.op} is not supported.`, 'syntax');
			}
		}
	}
}

/** Sort comparator for ORDER BY; ties fall back to id, as the service's results are stable by id. */
export function orderComparator(
	orderBy: WiqlQuery['orderBy'],
): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
	return (a, b) => {
		for (const o of orderBy) {
			const av = a[o.field];
			const bv = b[o.field];
			let c: number;
			if (av === undefined && bv === undefined) c = 0;
			else if (av === undefined) c = -1;
			else if (bv === undefined) c = 1;
			else if (typeof av === 'number' && typeof bv === 'number') c = av - bv;
			else c = asText(av).localeCompare(asText(bv), undefined, { sensitivity: 'base' });
			if (c !== 0) return o.descending ? -c : c;
		}
		return Number(a['System.Id']) - Number(b['System.Id']);
	};
}
