import { webhooksApi, type AdminWebhook, type WebhookDeliveryPage } from '@proctor/signaling/contract';
import { adminCall } from '$lib/admin/api';
import { handleLoadError, loadOne, type LoadFailure } from '$lib/admin/load';
import type { PageLoad } from './$types';

export interface WebhookDeliveriesData {
	endpoint: AdminWebhook;
	deliveries: WebhookDeliveryPage;
	failure: LoadFailure | null;
}

export const load: PageLoad = async ({ params, url, fetch }): Promise<WebhookDeliveriesData> => {
	const { endpoint } = await loadOne<{ endpoint: AdminWebhook }>(webhooksApi.get, params.id, url, fetch);
	try {
		const deliveries = await adminCall<WebhookDeliveryPage>(webhooksApi.deliveries, { id: params.id, fetch });
		return { endpoint, deliveries, failure: null };
	} catch (err) {
		return { endpoint, deliveries: { items: [], nextBefore: null }, failure: handleLoadError(err, url) };
	}
};
