// The order lifecycle after checkout (issue 16): a customer cancels from
// "My order", and an admin filters the order desk, fulfils an order and
// refunds it with its stock put back. They need the whole stack with
// order-service's lifecycle operations (docs/api/order-service.yaml:
// cancelOrder, fulfilOrder, refundOrder, listOrders). Each scenario creates
// its own products and a customer email no other run uses.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { cancelOrderAsCustomer, getOrderAsAdmin, getProduct, placeOrder, productsDeletedAfter, uniqueSuffix, UUID } from '../lib/api.mjs';
import { withBrowser } from '../lib/browser.mjs';

const testProduct = productsDeletedAfter(after);

/** Records every POST the page sends to `suffix` (e.g. "/cancel"), with its headers and body. */
function recordPosts(page, suffix) {
  const posts = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith(suffix)) {
      const headers = request.headers();
      posts.push({ key: headers['idempotency-key'] ?? null, token: headers['x-order-token'] ?? null, auth: headers.authorization ?? null, body: request.postDataJSON() });
    }
  });
  return posts;
}

/** True when the element with keyboard focus is inside `selector`. */
async function focusIsIn(page, selector) {
  return page.evaluate((sel) => Boolean(document.activeElement?.closest(sel)), selector);
}

test('lifecycle: a customer cancels from My order', async () => {
  const product = await testProduct({ price_cents: 2500, stock: 5 });
  await withBrowser('customer-cancels', async (s) => {
    const { page } = s;
    const cancels = recordPosts(page, '/cancel');
    await s.goto(`/products/${String(product.id)}`);
    await page.getByLabel('Quantity', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added 2 to your cart.').waitFor();
    await s.goto('/checkout');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(`bt-${uniqueSuffix().toLowerCase()}@example.com`);
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry month').fill('12');
    await page.getByLabel('Expiry year').fill(String(new Date().getFullYear() + 3));
    await page.getByLabel('Security code (CVC)').fill('123');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you for your order' }).waitFor();
    assert.equal((await getProduct(product.id)).stock, 3, 'the checkout took 2');

    await page.getByRole('link', { name: 'View order status' }).click();
    await page.getByRole('heading', { level: 1, name: 'Order status' }).waitFor();
    await page.getByText(/This order is confirmed/).waitFor();
    // The checkout's own move is the first entry of the history.
    await page.getByRole('region', { name: 'History' }).getByText(/The shop \(automatic\): Being processed.*Confirmed$/).waitFor();
    await s.checkpoint('confirmed');

    await page.getByRole('button', { name: 'Cancel order' }).click();
    const confirmHeading = page.getByRole('heading', { level: 2, name: 'Cancel this order?' });
    await confirmHeading.waitFor();
    assert.equal(await confirmHeading.evaluate((h) => h === document.activeElement), true, 'the confirmation takes the focus');
    // Keeping the order closes the step and sends nothing.
    await page.getByRole('button', { name: 'No, keep the order' }).click();
    await page.getByRole('button', { name: 'Cancel order' }).waitFor();
    assert.equal(cancels.length, 0);

    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByLabel('Reason (optional)').fill('ordered the wrong colour');
    await s.checkpoint('confirm-cancel');
    await page.getByRole('button', { name: 'Yes, cancel the order' }).click();

    // 200 answers CANCELLED at once; a 202 (CANCELLING) page polls until it is.
    await page.getByText(/This order is cancelled/).waitFor();
    await page.getByText(/Your order is (cancelled|being cancelled)/).waitFor();
    assert.equal(await focusIsIn(page, '.order-cancel'), true, 'the answer takes the focus');
    assert.equal(await page.getByRole('button', { name: 'Cancel order' }).count(), 0, 'a cancelled order has no cancel button');
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText(/You: Confirmed.*Being cancelled/).waitFor();
    await history.getByText('Reason: ordered the wrong colour').waitFor();
    await history.getByText(/Being cancelled.*Cancelled$/).waitFor();
    await page.getByText(/^Refunded on /).waitFor();
    await s.checkpoint('cancelled');

    assert.equal(cancels.length, 1, 'one cancel was sent');
    assert.match(cancels[0].key ?? '', UUID, 'with an Idempotency-Key');
    assert.match(cancels[0].token ?? '', /^[A-Za-z0-9_-]{43}$/, "with the order's access token");
    assert.deepEqual(cancels[0].body, { reason: 'ordered the wrong colour' });
    assert.equal((await getProduct(product.id)).stock, 5, 'the stock is back');

    // The history comes from the server: a reload shows it again.
    await page.reload();
    await page.getByText(/This order is cancelled/).waitFor();
    await page.getByRole('region', { name: 'History' }).getByText('Reason: ordered the wrong colour').waitFor();
    s.assertClean();
  });
});

test('lifecycle: an admin filters, fulfils and refunds', async () => {
  const product = await testProduct({ price_cents: 1800, stock: 6 });
  const email = `bt-desk-${uniqueSuffix().toLowerCase()}@example.com`;
  const first = await placeOrder([{ product_id: product.id, quantity: 1 }], '4242424242424242', email);
  assert.equal(first.status, 201, `the first order was placed: ${JSON.stringify(first.data)}`);
  const second = await placeOrder([{ product_id: product.id, quantity: 2 }], '4242424242424242', email);
  assert.equal(second.status, 201, `the second order was placed: ${JSON.stringify(second.data)}`);
  // The first one is cancelled by its customer, so the two differ by status.
  const cancelled = await cancelOrderAsCustomer(first.data.id, first.data.access_token);
  assert.ok([200, 202].includes(cancelled.status), `the first order was cancelled: ${JSON.stringify(cancelled.data)}`);
  const order = second.data;
  assert.equal((await getProduct(product.id)).stock, 4, 'the second order holds 2');

  await withBrowser('admin-order-desk', async (s) => {
    const { page } = s;
    const refunds = recordPosts(page, '/refund');
    await s.goto('/admin/orders');
    await page.getByRole('heading', { level: 1, name: 'Order desk' }).waitFor();
    await page.getByLabel('Admin API key').fill(process.env.ADMIN_API_KEY ?? '');
    await page.getByRole('button', { name: 'Use this key' }).click();

    const rows = page.getByRole('table', { name: 'Orders, newest first' }).locator('tbody tr');
    await page.getByLabel('Customer email').fill(email);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('2 orders on page 1.').waitFor();
    assert.equal(await rows.count(), 2, 'both orders of the email');
    await s.checkpoint('filtered-by-email');

    await page.getByLabel('Confirmed', { exact: true }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1 order on page 1.').waitFor();
    assert.equal(await rows.count(), 1);
    assert.match(page.url(), /status=CONFIRMED/, 'the filters are in the URL');
    await rows.first().getByText('Confirmed', { exact: true }).waitFor();
    await s.checkpoint('filtered-by-status');

    await rows.first().getByRole('link', { name: /^Order / }).click();
    await page.getByRole('heading', { level: 1, name: `Order ${order.id.slice(0, 8)}` }).waitFor();
    await page.getByText(/This order is confirmed/).waitFor();
    await page.getByText('Sold (committed)').waitFor();
    await s.checkpoint('order');

    await page.getByRole('button', { name: 'Fulfil (mark as shipped)' }).click();
    await page.getByText('The order is marked as shipped (FULFILLED).').waitFor();
    await page.getByText(/This order is shipped/).waitFor();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText(/Admin: Confirmed.*Shipped/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel order…' }).count(), 0, 'a shipped order cannot be cancelled');
    await s.checkpoint('fulfilled');

    await page.getByRole('button', { name: 'Refund…' }).click();
    await page.getByRole('heading', { level: 3, name: 'Refund this order (a return)' }).waitFor();
    await page.getByLabel('Put the stock back').check();
    await page.getByLabel('Reason (optional)').fill('returned unopened');
    await s.checkpoint('refund-form');
    await page.getByRole('button', { name: 'Refund the order' }).click();
    await page.getByText(/This order is refunded/).waitFor();
    await history.getByText(/Admin: Shipped.*Being refunded/).waitFor();
    await history.getByText('Reason: returned unopened').waitFor();
    await history.getByText(/Being refunded.*Refunded$/).waitFor();
    await page.getByText(/^Refunded on /).waitFor();
    await page.getByText('Returned to the catalog').waitFor();
    await s.checkpoint('refunded');

    assert.equal(refunds.length, 1);
    assert.deepEqual(refunds[0].body, { restock: true, reason: 'returned unopened' });
    assert.match(refunds[0].key ?? '', UUID);
    assert.match(refunds[0].auth ?? '', /^Bearer /);
    assert.equal((await getProduct(product.id)).stock, 6, 'the stock is back');
    const stored = await getOrderAsAdmin(order.id);
    assert.equal(stored.status, 'REFUNDED');
    assert.deepEqual(stored.history.map((h) => `${h.from}->${h.to}`), ['PENDING->CONFIRMED', 'CONFIRMED->FULFILLED', 'FULFILLED->REFUNDING', 'REFUNDING->REFUNDED']);
    assert.deepEqual(stored.history.slice(1, 3).map((h) => h.actor), ['admin', 'admin']);
    assert.equal(stored.history[2].reason, 'returned unopened');

    // Back at the desk, the same filters: the order is no longer CONFIRMED.
    await page.getByRole('link', { name: 'Back to the order desk' }).click();
    await page.getByText('No order matches these filters.').waitFor();
    s.assertClean();
  });
});

test('lifecycle: an admin cancels an order whose refund is refused, then retries the refund', async () => {
  // The payment simulator refuses the first refund of a charge made with 4000 0000 0000 5126.
  const product = await testProduct({ price_cents: 990, stock: 4 });
  const placed = await placeOrder([{ product_id: product.id, quantity: 1 }], '4000000000005126', `bt-refused-${uniqueSuffix().toLowerCase()}@example.com`);
  assert.equal(placed.status, 201, `the order was placed: ${JSON.stringify(placed.data)}`);
  const order = placed.data;
  await withBrowser('admin-retry-refund', async (s) => {
    const { page } = s;
    // A link to one order opens with the key this tab already holds.
    await s.goto('/');
    await page.evaluate((key) => sessionStorage.setItem('shop.adminKey', key), process.env.ADMIN_API_KEY ?? '');
    await s.goto(`/admin/orders/${order.id}`);
    await page.getByText(/This order is confirmed/).waitFor();

    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await page.getByRole('heading', { level: 3, name: 'Cancel this order?' }).waitFor();
    await page.getByLabel('Reason (optional)').fill('the customer called');
    await page.getByRole('button', { name: 'Yes, cancel the order' }).click();
    await page.getByText('Accepted: the order is cancelled, refund pending (CANCEL_REFUND_FAILED).').waitFor();
    await page.getByText('The payment side refused the refund. Retry the refund when it is back.').waitFor();
    await page.getByText(/^Refused by the payment side on .*: retry the refund\.$/).waitFor();
    assert.equal((await getProduct(product.id)).stock, 4, 'the stock is back before the refund');
    await s.checkpoint('refund-refused');

    await page.getByRole('button', { name: 'Retry refund' }).click();
    await page.getByText('The refund went through.').waitFor();
    await page.getByText(/This order is cancelled/).waitFor();
    await page.getByText(/^Refunded on /).waitFor();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText(/Admin: Confirmed.*Being cancelled/).waitFor();
    await history.getByText('Reason: the customer called').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Retry refund' }).count(), 0, 'nothing is left to retry');
    await s.checkpoint('refunded-after-retry');

    const stored = await getOrderAsAdmin(order.id);
    const moves = stored.history.map((h) => `${h.from}->${h.to}`);
    assert.equal(stored.status, 'CANCELLED');
    assert.ok(moves.includes('CANCELLING->CANCEL_REFUND_FAILED') && moves.includes('CANCEL_REFUND_FAILED->CANCELLING'), moves.join(', '));
    assert.equal(moves.at(-1), 'CANCELLING->CANCELLED');
    assert.equal(stored.refund?.status, 'refunded');
    assert.equal((await getProduct(product.id)).stock, 4, 'the stock was given back once');
    s.assertClean();
  });
});
