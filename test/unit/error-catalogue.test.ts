import * as fs from 'fs';
import * as path from 'path';
import {
	ConnectorError,
	ConnectorErrors,
	ERROR_CATALOGUE,
	type ErrorKey,
} from '../../nodes/AzureDevOpsConnector/connector/errors';
import { renderErrorTable } from '../support/error-table';

// The table users read: docs/errors.md (linked from the README).
const README = path.join(__dirname, '..', '..', 'docs', 'errors.md');
const BEGIN = '<!-- error-table:begin -->';
const END = '<!-- error-table:end -->';

describe('the error catalogue', () => {
	const entries = Object.entries(ERROR_CATALOGUE) as Array<[ErrorKey, (typeof ERROR_CATALOGUE)[ErrorKey]]>;

	it('gives every fault a distinct code of the form AZDC-nnnn', () => {
		const codes = entries.map(([, spec]) => spec.code);
		for (const code of codes) expect(code).toMatch(/^AZDC-\d{4}$/);
		expect(new Set(codes).size).toBe(codes.length);
	});

	it('says how to fix every fault', () => {
		for (const [, spec] of entries) {
			expect(spec.title.length).toBeGreaterThan(10);
			expect(spec.fix.length).toBeGreaterThan(10);
		}
	});

	it('builds messages that carry the code, the field and the fix', () => {
		const error = new ConnectorError('urlNotHttps', 'http://dev.azure.com/org/p uses http.', { field: 'URL' });
		expect(error.code).toBe('AZDC-1011');
		expect(error.message).toBe(
			`[AZDC-1011] URL: http://dev.azure.com/org/p uses http. Fix: ${ERROR_CATALOGUE.urlNotHttps.fix}`,
		);
		expect(error.toResponseBody()).toEqual({ code: 'AZDC-1011', message: error.message });
	});

	it('reports every fault of a document together, first code on top', () => {
		const all = new ConnectorErrors([
			new ConnectorError('urlMissing', 'URL is not set.', { field: 'URL' }),
			new ConnectorError('attributeMapMissing', 'AttributeMap is not set.', { field: 'AttributeMap' }),
		]);
		expect(all.code).toBe('AZDC-1010');
		expect(all.message).toContain('2 problems');
		expect(all.message).toContain('[AZDC-1010] URL:');
		expect(all.message).toContain('[AZDC-1030] AttributeMap:');
	});

	it('is documented row for row in docs/errors.md (regenerate with UPDATE_README=1 npm test)', () => {
		const readme = fs.readFileSync(README, 'utf8');
		const start = readme.indexOf(BEGIN);
		const end = readme.indexOf(END);
		expect(start).toBeGreaterThan(-1);
		expect(end).toBeGreaterThan(start);
		const table = renderErrorTable();
		const current = readme.slice(start + BEGIN.length, end).trim();
		if (process.env.UPDATE_README === '1' && current !== table) {
			fs.writeFileSync(README, readme.slice(0, start + BEGIN.length) + '\n' + table + '\n' + readme.slice(end));
			return;
		}
		expect(current).toBe(table);
	});
});
