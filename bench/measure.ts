// What every benchmark needs to measure honestly on a shared, noisy machine: alternating rounds, medians, and the
// bytes a piece of code allocates. Nothing here asserts a time.
import { PerformanceObserver, performance } from 'perf_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/** "1,234,567" */
export function count(value: number): string {
	return Math.round(value).toLocaleString('en');
}

export interface Side {
	name: string;
	/** Runs the measured work `times` times; returns anything, so the work cannot be optimised away. */
	run(times: number): unknown;
	/** How many times per round: about the same time for both sides keeps the rounds fair. */
	perRound: number;
}

export interface Rates {
	/** Per side, operations per second of CPU time of this process, one figure per measured round. */
	cpu: [number[], number[]];
	/** Per side, operations per second of wall time, one figure per measured round. */
	wall: [number[], number[]];
	/** Per measured round, side 0's CPU-time rate over side 1's: both sides of a ratio ran seconds apart. */
	ratios: number[];
}

function cpuMicros(): number {
	const usage = process.cpuUsage();
	return usage.user + usage.system;
}

/**
 * Operations per second of two sides, in alternating rounds in one process: warm-up rounds first (discarded, so both
 * run optimised code), then `rounds` measured rounds, the side that goes first swapping every round. Rates are taken
 * on CPU time, which other processes on a shared machine disturb far less than wall time; wall time is kept too.
 */
export function alternatingRates(sides: readonly [Side, Side], rounds: number, warmUpRounds = 3): Rates {
	const rates: Rates = { cpu: [[], []], wall: [[], []], ratios: [] };
	const sink: unknown[] = [];
	for (let round = 0; round < warmUpRounds + rounds; round++) {
		const order = round % 2 === 0 ? [0, 1] : [1, 0];
		const thisRound: number[] = [];
		for (const index of order) {
			const side = sides[index];
			const wallStart = process.hrtime.bigint();
			const cpuStart = cpuMicros();
			sink[index] = side.run(side.perRound);
			const cpuSeconds = Math.max(1, cpuMicros() - cpuStart) / 1e6;
			const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
			if (round < warmUpRounds) continue;
			rates.cpu[index].push(side.perRound / cpuSeconds);
			rates.wall[index].push(side.perRound / wallSeconds);
			thisRound[index] = side.perRound / cpuSeconds;
		}
		if (round >= warmUpRounds) rates.ratios.push(thisRound[0] / thisRound[1]);
	}
	if (sink.length !== 2) throw new Error('a side returned nothing');
	return rates;
}

let forcedGc: (() => void) | undefined;

/**
 * V8's gc(), without starting Node with --expose-gc (jest starts the process): the flag is set at run time and the
 * function taken from a fresh context, where V8 installs it once the flag is on.
 */
export function exposeGc(): () => void {
	if (!forcedGc) {
		const existing = (globalThis as { gc?: () => void }).gc;
		if (typeof existing === 'function') {
			forcedGc = existing;
		} else {
			v8.setFlagsFromString('--expose-gc');
			forcedGc = vm.runInNewContext('gc') as () => void;
		}
	}
	return forcedGc;
}

export interface AllocationFigure {
	/** Median bytes allocated per call, over the samples no garbage collection ran during. */
	bytesPerCall: number;
	samples: number;
	discarded: number;
}

/**
 * Bytes allocated per call of `work`. Method: a full GC empties the young generation; V8's used heap size is read
 * before and after `calls` calls (whose results `work` keeps reachable, so no allocation is optimised away); the
 * difference, less the cost of reading the statistics (measured with 0 calls), divided by `calls`. Any sample during
 * which V8 collected garbage on its own is discarded (seen through a `gc` performance observer), because a collection
 * would hide what it freed. Run it after the throughput rounds: the code is optimised and the young generation has
 * grown to its full size, so `calls` × bytes fits in it.
 */
export async function allocationPerCall(
	work: (calls: number) => unknown,
	calls: number,
	samples = 7,
): Promise<AllocationFigure> {
	const gc = exposeGc();
	const windows: Array<[number, number]> = [];
	const collections: number[] = [];
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) collections.push(entry.startTime, entry.startTime + entry.duration);
	});
	observer.observe({ entryTypes: ['gc'] });
	const deltas: number[] = [];
	const overhead: number[] = [];
	try {
		for (let sample = 0; sample < samples; sample++) {
			gc();
			let before = v8.getHeapStatistics().used_heap_size;
			overhead.push(v8.getHeapStatistics().used_heap_size - before);
			gc();
			const start = performance.now();
			before = v8.getHeapStatistics().used_heap_size;
			work(calls);
			const after = v8.getHeapStatistics().used_heap_size;
			windows.push([start, performance.now()]);
			deltas.push(after - before);
		}
		// Performance entries for collections arrive asynchronously.
		await new Promise((resolve) => setTimeout(resolve, 50));
	} finally {
		observer.disconnect();
	}
	const clean: number[] = [];
	for (let sample = 0; sample < samples; sample++) {
		const [from, to] = windows[sample];
		let collected = false;
		for (let i = 0; i < collections.length; i += 2) {
			if (collections[i] <= to && collections[i + 1] >= from) collected = true;
		}
		if (!collected) clean.push(deltas[sample]);
	}
	const fixed = median(overhead);
	return {
		bytesPerCall: clean.length === 0 ? Number.NaN : Math.max(0, median(clean) - fixed) / calls,
		samples: clean.length,
		discarded: samples - clean.length,
	};
}
