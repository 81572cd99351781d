// Fault injection: the failures a sync must survive, chosen per test and reproducible.

export interface FaultMatch {
	method?: string;
	/** Substring of the request path (before the query string), case-insensitive. */
	pathIncludes?: string;
	organization?: string;
}

export type FaultKind =
	| { kind: 'latency'; ms: number }
	| { kind: 'status'; status: number; retryAfterSeconds?: number }
	| { kind: 'drop' }
	| { kind: 'dropAfterCommit' }
	| { kind: 'slowBody'; chunkDelayMs?: number; chunkSize?: number };

export type FaultSpec = FaultKind & {
	match?: FaultMatch;
	/** How many matching requests it hits; unlimited when absent. */
	times?: number;
	/** Chance (0..1) that a matching request is hit, drawn from the emulator's seeded generator. */
	probability?: number;
};

export interface Fault {
	id: number;
	spec: FaultSpec;
	hits: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultBook {
	private list: Fault[] = [];
	private nextId = 1;
	private random: () => number;

	constructor(private seed = 1) {
		this.random = seededRandom(seed);
	}

	add(spec: FaultSpec): Fault {
		const fault: Fault = { id: this.nextId++, spec, hits: 0 };
		this.list.push(fault);
		return fault;
	}

	remove(id: number): void {
		this.list = this.list.filter((f) => f.id !== id);
	}

	clear(): void {
		this.list = [];
		this.random = seededRandom(this.seed);
	}

	all(): Fault[] {
		return [...this.list];
	}

	/** The faults that hit this request, consuming their `times` budget. */
	take(method: string, path: string, organization: string | undefined): Fault[] {
		const hit: Fault[] = [];
		for (const f of this.list) {
			const m = f.spec.match ?? {};
			if (m.method && m.method.toUpperCase() !== method.toUpperCase()) continue;
			if (m.pathIncludes && !path.toLowerCase().includes(m.pathIncludes.toLowerCase())) continue;
			if (m.organization && m.organization.toLowerCase() !== (organization ?? '').toLowerCase()) continue;
			if (f.spec.times !== undefined && f.hits >= f.spec.times) continue;
			if (f.spec.probability !== undefined && this.random() >= f.spec.probability) continue;
			f.hits++;
			hit.push(f);
		}
		return hit;
	}
}

export interface RateLimit {
	requests: number;
	perMs: number;
	retryAfterSeconds: number;
}

/** Sliding window per identity, as Azure DevOps throttles per user and organization. */
export class RateLimiter {
	private readonly seen = new Map<string, number[]>();
	constructor(public limit: RateLimit | undefined) {}

	reset(): void {
		this.seen.clear();
	}

	/** Returns undefined when the request may pass, else the headers of the 429. */
	check(key: string, now = Date.now()): Record<string, string> | undefined {
		if (!this.limit) return undefined;
		const window = (this.seen.get(key) ?? []).filter((t) => now - t < this.limit!.perMs);
		if (window.length >= this.limit.requests) {
			this.seen.set(key, window);
			return rateLimitHeaders(this.limit.retryAfterSeconds, this.limit.requests, now);
		}
		window.push(now);
		this.seen.set(key, window);
		return undefined;
	}
}

export function rateLimitHeaders(retryAfterSeconds: number, limit = 200, now = Date.now()): Record<string, string> {
	return {
		'Retry-After': String(retryAfterSeconds),
		'X-RateLimit-Resource': 'Core',
		'X-RateLimit-Delay': (retryAfterSeconds / 2).toFixed(3),
		'X-RateLimit-Limit': String(limit),
		'X-RateLimit-Remaining': '0',
		'X-RateLimit-Reset': String(Math.ceil(now / 1000) + retryAfterSeconds),
	};
}
