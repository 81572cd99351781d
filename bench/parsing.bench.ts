// Issue 15, class 4: every parser of user input is linear. Hostile 1 MB documents (settings with one key given
// thousands of times, in many spellings, with thousands of unknown keys; AttributeMaps with duplicate, invalid or
// unclosed entries; state settings; a long URL; a delivery with thousands of changed fields) against two baselines
// measured in the same process: JSON.parse of the same text (what reading it at all costs), and the same shape at
// 100 KB (10x less: a linear parser takes about 10x less time). Prints figures; asserts no time.
import { compileAttributeMap } from '../nodes/AzureDevOpsConnector/connector/attributeMap';
import { parseAzureDevOpsUrl } from '../nodes/AzureDevOpsConnector/connector/azureDevOpsUrl';
import { parseDeliveryBody, parseServiceHookDelivery } from '../nodes/AzureDevOpsConnector/connector/delivery';
import { parseConnectorSettings, parseStateMappingSettings } from '../nodes/AzureDevOpsConnector/connector/settings';
import { median } from './measure';

const MB = 1_000_000;

/** Entries made by `make` until their text reaches `size` characters. */
function entries(size: number, make: (i: number) => string): string[] {
	const out: string[] = [];
	let length = 0;
	for (let i = 0; length < size; i++) {
		const entry = make(i);
		out.push(entry);
		length += entry.length + 2;
	}
	return out;
}

const SPELLINGS = ['url', 'Url', 'U R L', 'u_r_l', 'U-R-L'];
const URL_SETTING = '"URL": "https://dev.azure.com/fabrikam/P"';
const MAP_SETTING = '"AttributeMap": {"System.Title": "x", "System.WorkItemType": "Task"}';

interface Shape {
	name: string;
	/** The document as the user gives it (text), and how the connector reads it. */
	text(size: number): string;
	parse(text: string): unknown;
}

const SHAPES: Shape[] = [
	{
		name: 'settings: "URL" given again and again',
		text: (size) => `{${entries(size, (i) => `"URL": "https://dev.azure.com/fabrikam/P${i}"`).join(',\n')}, ${MAP_SETTING}}`,
		parse: (text) => parseConnectorSettings(text),
	},
	{
		name: 'settings: URL in many spellings',
		text: (size) => `{${URL_SETTING}, ${entries(size, (i) => `"${SPELLINGS[i % 5]}${' '.repeat(i % 7)}": "x"`).join(',\n')}, ${MAP_SETTING}}`,
		parse: (text) => parseConnectorSettings(text),
	},
	{
		name: 'settings: unknown keys',
		text: (size) => `{${URL_SETTING}, ${entries(size, (i) => `"Unknown${i}": ${i}`).join(',\n')}, ${MAP_SETTING}}`,
		parse: (text) => parseConnectorSettings(text),
	},
	{
		name: 'settings: keys one letter off a setting',
		text: (size) => `{${URL_SETTING}, ${entries(size, (i) => `"AtributeMap${i}": 1`).join(',\n')}, ${MAP_SETTING}}`,
		parse: (text) => parseConnectorSettings(text),
	},
	{
		name: 'AttributeMap text: one field given again and again',
		text: (size) =>
			JSON.stringify({ URL: 'https://dev.azure.com/fabrikam/P', AttributeMap: `{${entries(size, (i) => `"System.Title": "[$T${i}$]"`).join(',\n')}, "System.WorkItemType": "Task"}` }),
		parse: (text) => parseConnectorSettings(text),
	},
	{
		name: 'AttributeMap: invalid field names',
		text: (size) => `{${entries(size, (i) => `"not a field ${i}": "x"`).join(',')}}`,
		parse: (text) => compileAttributeMap(JSON.parse(text) as Record<string, unknown>),
	},
	{
		name: 'AttributeMap: unclosed placeholders',
		text: (size) => `{${entries(size, (i) => `"Custom.F${i}": "[$Open"`).join(',')}}`,
		parse: (text) => compileAttributeMap(JSON.parse(text) as Record<string, unknown>),
	},
	{
		name: 'trigger state settings: EndState given again and again',
		text: (size) => `{${entries(size, (i) => `"EndState": "S${i}"`).join(',\n')}, "WorkItemEndState": "Closed"}`,
		parse: (text) => parseStateMappingSettings(text),
	},
	{
		name: 'a project URL with a long path',
		text: (size) => JSON.stringify(`https://dev.azure.com/fabrikam/${'a/'.repeat(size / 2)}`),
		parse: (text) => parseAzureDevOpsUrl(JSON.parse(text) as string, { requireProject: true }),
	},
	{
		name: 'a delivery with many changed fields',
		text: (size) => {
			const fields = entries(size, (i) => `"Custom.Field${i}": {"oldValue": "a${i}", "newValue": "b${i}"}`).join(',');
			return `{"eventType": "workitem.updated", "notificationId": 1, "resource": {"workItemId": 5, "rev": 2, "fields": {${fields}}, "revision": {"id": 5, "rev": 2, "fields": {"System.State": "Closed"}}}}`;
		},
		parse: (text) => parseServiceHookDelivery(parseDeliveryBody(text)),
	},
];

/** CPU milliseconds of one call (user + system of this process). */
function cpuMs(run: () => unknown): number {
	const start = process.cpuUsage();
	try {
		run();
	} catch {
		// A refused document is the usual outcome here: what is measured is how long refusing it takes.
	}
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000;
}

/** What the user is told: the thrown message, or the warnings. */
function told(run: () => unknown): string {
	try {
		const result = run() as { warnings?: string[] } | undefined;
		return (result?.warnings ?? []).join('\n');
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

it('parsing hostile 1 MB documents: time against JSON.parse and against 100 KB of the same shape', () => {
	const rows: string[] = [];
	let worst = 0;
	for (const shape of SHAPES) {
		const large = shape.text(MB);
		const small = shape.text(MB / 10);
		const samples: Record<'ours' | 'json' | 'small', number[]> = { ours: [], json: [], small: [] };
		for (let round = 0; round < 7; round++) {
			// Alternating order, so that machine noise hits every side; the first round warms up and is dropped.
			const order: Array<keyof typeof samples> = round % 2 === 0 ? ['ours', 'json', 'small'] : ['small', 'json', 'ours'];
			for (const side of order) {
				const ms =
					side === 'ours' ? cpuMs(() => shape.parse(large)) : side === 'json' ? cpuMs(() => JSON.parse(large)) : cpuMs(() => shape.parse(small));
				if (round > 0) samples[side].push(ms);
			}
		}
		const ours = median(samples.ours);
		const json = median(samples.json);
		const tenth = median(samples.small);
		worst = Math.max(worst, ours);
		const message = told(() => shape.parse(large));
		rows.push(
			`| ${shape.name} | ${(large.length / MB).toFixed(2)} MB | ${ours.toFixed(1)} ms | ${(ours / Math.max(json, 0.01)).toFixed(1)}x JSON.parse (${json.toFixed(1)} ms) | ${(ours / Math.max(tenth, 0.01)).toFixed(1)}x the 100 KB time (${tenth.toFixed(1)} ms) | ${message.length} chars |`,
		);
		expect(message.length).toBeLessThan(10_000);
	}
	console.log(
		[
			'| document | size | parse (median CPU) | vs JSON.parse of the same text | vs 10x less of the same shape (linear: about 10x) | message or warnings |',
			'| --- | --- | --- | --- | --- | --- |',
			...rows,
			`slowest: ${worst.toFixed(1)} ms for about 1 MB (goal: under 100 ms)`,
		].join('\n'),
	);
});
