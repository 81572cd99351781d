import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as upload from './upload.operation';

export const operations = {
	download,
	upload,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
			{
				name: 'Download',
				value: 'download',
				description: 'Download the files attached to a work item, as binary data',
				action: 'Download work item attachments',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload binary data as an attachment, and attach it to a work item',
				action: 'Upload an attachment',
			},
		],
		default: 'upload',
	},
	...download.description,
	...upload.description,
];
