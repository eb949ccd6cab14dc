import { webhooksApi, type AdminWebhook, type WebhookDeliveryPage } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { loadOne, loadOrFail } from '$lib/admin/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url, fetch }) => {
	const { endpoint } = await loadOne<{ endpoint: AdminWebhook }>(webhooksApi.get, params.id, url, fetch);
	const { deliveries, failure } = await loadOrFail<{ deliveries: WebhookDeliveryPage }>(url, { deliveries: { items: [], nextBefore: null } }, async () => ({
		deliveries: await adminCall<WebhookDeliveryPage>(webhooksApi.deliveries, { id: params.id, fetch }),
	}));
	return { endpoint, deliveries, failure };
};
