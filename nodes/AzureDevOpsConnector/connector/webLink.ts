/**
 * Web links: the only kind of address the connector passes on as a link to follow (a ticket's URL, read from or
 * written to a work item's Hyperlink). A work item's hyperlinks are whatever anyone with write access typed, so an
 * address leaves the connector only when it is plainly an http(s) link: no other scheme (`javascript:`, `data:`,
 * `vbscript:`, `file:`), no protocol-relative or backslashed form, no control characters or spaces that a browser's URL
 * parser would silently drop (turning `java\tscript:` into `javascript:`), and no user name or password.
 */

/** Longer addresses are not ticket links; refusing them keeps the check cheap on hostile input. */
export const MAX_WEB_LINK_LENGTH = 4096;

// Scheme and the two slashes, exactly; then the first character of the host (not a slash, backslash, "@" or space).
const WEB_LINK_START = /^https?:\/\/[^/\\@\s]/i;
// C0 controls, space, DEL, C1 controls, and the Unicode spaces and format characters (zero-width, bidi overrides,
// line/paragraph separators) that hide what an address really says.
// eslint-disable-next-line no-control-regex
const HIDDEN_OR_SPACE = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\\]/;

/**
 * The address when it is a plain http(s) link (leading and trailing spaces removed), otherwise null. Never throws.
 */
export function webLinkOrNull(value: unknown): string | null {
	if (typeof value !== 'string' || value.length > MAX_WEB_LINK_LENGTH) return null;
	const text = value.trim();
	if (!WEB_LINK_START.test(text) || HIDDEN_OR_SPACE.test(text)) return null;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return null;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
	if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
	return text;
}
