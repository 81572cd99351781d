// lodash comes with n8n-core (the same lodash n8n provides at run time); its types are not installed.
declare module 'lodash/template' {
	function template(text: string, options?: { interpolate?: RegExp }): (data: object) => string;
	export = template;
}
