/**
 * Checking the secret a service-hook delivery carries (Basic auth or a header), in constant time. Azure DevOps signs
 * nothing, so the shared secret is the whole proof of who sent a delivery; the comparison must not tell an attacker
 * how much of a guess was right. No n8n imports, no Node built-ins.
 */

/** How a delivery proves where it comes from. */
export type WebhookSecret =
	| { kind: 'basicAuth'; user: string; password: string }
	| { kind: 'header'; name: string; value: string };

/** Why a delivery was refused (never quotes what was sent or what was expected). */
export type SecretCheck =
	| { ok: true }
	| { ok: false; reason: 'missing' | 'malformed' | 'mismatch'; problem: string };

const encoder = new TextEncoder();

/**
 * Compares two byte strings in time that depends only on the length of `supplied` (which the sender already knows),
 * never on the expected secret's content or on where the first difference is. Unequal lengths are folded into the
 * same accumulator instead of returning early.
 */
export function constantTimeEqualBytes(expected: Uint8Array, supplied: Uint8Array): boolean {
	const expectedLength = expected.length;
	let difference = expectedLength ^ supplied.length;
	// An empty secret never matches; the index below must not divide by zero.
	const modulus = expectedLength === 0 ? 1 : expectedLength;
	if (expectedLength === 0) difference |= 1;
	for (let i = 0; i < supplied.length; i++) {
		const reference = expectedLength === 0 ? 0 : expected[i % modulus];
		difference |= reference ^ supplied[i];
	}
	return difference === 0;
}

/** Constant-time equality of two texts over their UTF-8 bytes. */
export function constantTimeEqual(expected: string, supplied: string): boolean {
	return constantTimeEqualBytes(encoder.encode(expected), encoder.encode(supplied));
}

/** Decodes base64 (standard or URL-safe alphabet) to bytes; undefined when it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
	const clean = text.trim().replace(/-/g, '+').replace(/_/g, '/');
	if (clean === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length > 8192) return undefined;
	const padded = clean.length % 4 === 0 ? clean : clean + '='.repeat(4 - (clean.length % 4));
	let binary: string;
	try {
		binary = atob(padded);
	} catch {
		return undefined;
	}
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** Header values by lower-case name; repeated headers joined the way Node joins them. */
export type HeaderBag = Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderBag, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() !== wanted) continue;
		const value = headers[key];
		return Array.isArray(value) ? value.join(', ') : value;
	}
	return undefined;
}

/** Checks a delivery's headers against the secret; the result never contains either value. */
export function checkWebhookSecret(secret: WebhookSecret, headers: HeaderBag): SecretCheck {
	if (secret.kind === 'basicAuth') {
		const authorization = headerValue(headers, 'authorization');
		if (authorization === undefined || authorization.trim() === '') {
			return { ok: false, reason: 'missing', problem: 'The delivery has no Authorization header (Basic auth expected).' };
		}
		const match = /^\s*basic\s+(\S+)\s*$/i.exec(authorization);
		const decoded = match ? decodeBase64(match[1]) : undefined;
		if (!decoded) {
			return { ok: false, reason: 'malformed', problem: 'The Authorization header is not Basic auth.' };
		}
		const expected = encoder.encode(`${secret.user}:${secret.password}`);
		return constantTimeEqualBytes(expected, decoded)
			? { ok: true }
			: { ok: false, reason: 'mismatch', problem: 'The Basic auth user name or password is wrong.' };
	}
	const supplied = headerValue(headers, secret.name);
	if (supplied === undefined || supplied === '') {
		return { ok: false, reason: 'missing', problem: `The delivery has no ${secret.name} header.` };
	}
	return constantTimeEqual(secret.value.trim(), supplied.trim())
		? { ok: true }
		: { ok: false, reason: 'mismatch', problem: `The ${secret.name} header has the wrong value.` };
}

/** The bytes a secret is made of, as a delivery must carry them: `user:password` for Basic auth, the trimmed header value. */
export function secretBytes(secret: WebhookSecret): Uint8Array {
	return encoder.encode(secret.kind === 'basicAuth' ? `${secret.user}:${secret.password}` : secret.value.trim());
}

/**
 * The bytes a delivery offers where a secret of this kind goes (the decoded Basic auth pair, or the trimmed value of
 * the named header), or undefined when it offers none there. Compared against `secretBytes` of the expected secret.
 */
export function suppliedSecretBytes(kind: WebhookSecret['kind'], headerName: string, headers: HeaderBag): Uint8Array | undefined {
	if (kind === 'basicAuth') {
		const authorization = headerValue(headers, 'authorization');
		if (authorization === undefined) return undefined;
		const match = /^\s*basic\s+(\S+)\s*$/i.exec(authorization);
		return match ? decodeBase64(match[1]) : undefined;
	}
	const supplied = headerValue(headers, headerName);
	return supplied === undefined || supplied === '' ? undefined : encoder.encode(supplied.trim());
}

/** A header name Azure DevOps can send and Node accepts (RFC 9110 token characters). */
export function isValidHeaderName(name: string): boolean {
	return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$/.test(name);
}

/**
 * The `httpHeaders` consumer input of a Web Hooks subscription: one "Name:Value" line per header. Azure DevOps
 * splits on the first colon.
 */
export function subscriptionHeaderLine(name: string, value: string): string {
	return `${name}:${value}`;
}
