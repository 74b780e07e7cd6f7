// Catalog scenarios: browse and search, a small screen, and the admin page.
// They need the storefront and product-service (through the local ALB).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { deleteProduct, getProduct, searchProducts, setStock, uniqueSuffix } from '../lib/api.mjs';
import { withBrowser } from '../lib/browser.mjs';

const PRICE = /^\$\d{1,3}(,\d{3})*\.\d{2}$/;
const cleanup = [];

after(async () => {
  for (const id of cleanup) {
    await deleteProduct(id).catch(() => undefined);
  }
});

test('catalog: browse and search', async () => {
  await withBrowser('browse-search', async (s) => {
    const { page } = s;
    await s.goto('/');
    await page.getByRole('heading', { name: 'Shop by category' }).waitFor();
    const featured = page.getByRole('list', { name: 'Featured products' }).getByRole('listitem');
    await featured.first().waitFor();
    assert.ok((await featured.count()) > 0, 'the home page shows featured products');
    await s.checkpoint('home');

    await page.getByRole('link', { name: /^Kitchen \d+ products?$/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Kitchen' }).waitFor();
    await page.getByText(/^Showing \d+ products?/).waitFor();
    assert.match(page.url(), /\/products\?category=kitchen$/);
    await s.checkpoint('category-kitchen');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
    await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
    const cards = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
    await cards.first().waitFor();
    const firstPage = await cards.count();
    const prices = await page.locator('.card .price').allTextContents();
    assert.ok(prices.every((p) => PRICE.test(p)), `prices are formatted: ${prices.join(' ')}`);
    const loadMore = page.getByRole('button', { name: 'Load more products' });
    if (await loadMore.isVisible()) {
      await loadMore.click();
      await page.waitForFunction((n) => document.querySelectorAll('.grid-item').length > n, firstPage);
      const focused = await page.evaluate(() => document.activeElement?.className ?? '');
      assert.equal(focused, 'card-link', 'focus moves to the first product loaded');
    }
    await s.checkpoint('all-products');

    await page.getByRole('searchbox', { name: 'Search products' }).fill('mug');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /matching “mug”/ }).waitFor();
    await cards.first().waitFor();
    assert.match(page.url(), /[?&]q=mug\b/);
    const names = await page.locator('.card-link').allTextContents();
    assert.ok(names.length > 0, 'the search finds something');
    await s.checkpoint('search-mug');

    const firstName = names[0] ?? '';
    await page.locator('.card-link').first().click();
    await page.getByRole('heading', { level: 1, name: firstName }).waitFor();
    assert.match(await page.locator('.product-price .price').innerText(), PRICE);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new page heading');
    await s.checkpoint('product');

    await page.goBack();
    await page.getByRole('heading', { level: 1, name: /matching “mug”/ }).waitFor();

    await s.goto('/products?q=no-such-product-anywhere');
    await page.getByText('No products match').waitFor();
    await s.checkpoint('search-empty');

    await s.goto('/products/999999999');
    await page.getByRole('heading', { level: 1, name: 'Product not found' }).waitFor();
    await s.checkpoint('product-not-found');

    s.assertClean([/status of 404/]);
  });
});

test('catalog: pages fit a 360 px wide screen', async () => {
  await withBrowser(
    'small-screen',
    async (s) => {
      for (const [path, label] of [
        ['/', 'home'],
        ['/products', 'catalog'],
        ['/products/1', 'product'],
        ['/checkout', 'checkout-empty'],
      ]) {
        await s.goto(path);
        await s.settle();
        const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${String(overflow)} px at 360 px`);
        await s.checkpoint(label);
      }
      s.assertClean();
    },
    { viewport: { width: 360, height: 740 } },
  );
});

test('catalog: the admin creates a product and it appears in the catalog', async () => {
  const suffix = uniqueSuffix();
  const name = `Browser Test Lamp ${suffix}`;
  const sku = `BT-LAMP-${suffix}`;
  await withBrowser('admin', async (s) => {
    const { page } = s;
    await s.goto('/admin');
    await s.checkpoint('key-form');
    await page.getByLabel('Admin API key').fill(process.env.ADMIN_API_KEY ?? '');
    await page.getByRole('button', { name: 'Use this key' }).click();
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('shop.adminKey') !== null, local: JSON.stringify(localStorage) }));
    assert.equal(stored.session, true, 'the key is kept in sessionStorage');
    assert.ok(!stored.local.includes(process.env.ADMIN_API_KEY ?? '<none>'), 'the key is never in localStorage');

    await page.getByRole('button', { name: 'New product' }).click();
    await page.getByLabel('SKU', { exact: true }).fill(sku);
    await page.getByLabel('Category (slug)', { exact: true }).fill('home');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Description', { exact: true }).fill('A lamp made by the browser tests.');
    await page.getByLabel('Price in dollars', { exact: true }).fill('42.50');
    await page.getByLabel('Stock', { exact: true }).fill('7');
    await page.getByLabel('Image URL', { exact: true }).fill('/images/products/hom-002.svg');
    await s.checkpoint('new-product-form');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByText(`Created ${name}`).waitFor();
    const [created] = await searchProducts(name);
    assert.ok(created, 'the product exists in the catalog API');
    cleanup.push(created.id);
    assert.equal(created.price_cents, 4250);
    await s.checkpoint('created');

    await s.goto(`/products?q=${encodeURIComponent(name)}`);
    const card = page.locator('.card').filter({ hasText: name });
    await card.waitFor();
    assert.equal(await card.locator('.price').innerText(), '$42.50');
    assert.equal(await card.locator('.badge').innerText(), 'In stock');
    await s.checkpoint('in-catalog');

    // A write based on a stale version is refused (412) and the page shows the product as it is now.
    await s.goto('/admin');
    await page.getByRole('searchbox', { name: 'Find products' }).fill(name);
    await page.getByRole('button', { name: 'Find' }).click();
    const stockInput = page.getByLabel(`Stock of ${name}`);
    await stockInput.waitFor();
    await setStock(created.id, 3);
    await stockInput.fill('9');
    await page.getByRole('button', { name: `Save stock of ${name}` }).click();
    await page.getByText('Conflict: the product changed').waitFor();
    await page.waitForFunction((label) => {
      const input = [...document.querySelectorAll('input')].find((i) => i.labels?.[0]?.textContent === label);
      return input?.value === '3';
    }, `Stock of ${name}`);
    await s.checkpoint('conflict');
    await stockInput.fill('9');
    await page.getByRole('button', { name: `Save stock of ${name}` }).click();
    await page.getByText(`Stock of ${name} is now 9.`).waitFor();
    assert.equal((await getProduct(created.id)).stock, 9);

    await page.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText(`Deleted ${name}.`).waitFor();
    await s.checkpoint('deleted');
    assert.equal((await searchProducts(name)).length, 0, 'the deleted product is gone from the catalog');

    s.assertClean([/status of 412/]);
  });
});
